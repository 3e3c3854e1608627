"""Migration 0008 gives every existing contract its decision tables and the products
what they delivered, without losing a row, on SQLite and PostgreSQL, from a database at
0007 (and back)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from cofatui import migrations
from cofatui.models.types import Money
from cofatui.repository.sql import make_engine
from tests.unit.test_migration_product_requests import insert
from tests.unit.test_migration_product_requests import pg_engine as pg_engine

BEFORE = "0007_product_requests"
AFTER = "0008_underwriting_tables"
AT = datetime(2026, 10, 1, 23, 30, tzinfo=UTC)
DEFAULT_RULE_COUNT = 16
K = 1000  # money as stored: thousandths (the reflected tables take it so)


def build_at_0007(engine: Engine) -> dict[str, int]:
    migrations.upgrade(engine, BEFORE)
    ids: dict[str, int] = {}
    with engine.connect() as conn:
        conn.info["write"] = True
        with conn.begin():
            one = insert(conn, "contract", policy_number="P-1", policyholder="H",
                         currency="EUR", products_allowed="CRL,RLI")
            two = insert(conn, "contract", policy_number="P-2", policyholder="H",
                         currency="USD", products_allowed="CRL,TOPLINER")
            company = insert(conn, "company", name="Buyer", name_key="buyer", country="FRA",
                             easy_number="1", dra=7)
            ids["crl_rule"] = insert(conn, "underwriting_rule", contract_id=one,
                                     product_code="CRL", priority=10, min_dra=6,
                                     max_amount=50_000 * K, decision="granted",
                                     response_hours=48, name="small")
            ids["rli_rule"] = insert(conn, "underwriting_rule", contract_id=one,
                                     product_code="RLI", priority=10, min_dra=0,
                                     decision="granted", response_hours=1, name="always")
            insert(conn, "underwriting_rule", contract_id=two, product_code="TOPLINER",
                   priority=5, min_dra=0, decision="granted", response_hours=48, name="tl")

            def product(code: str, status: str, decided: int | None) -> int:
                return insert(conn, "product", contract_id=one, company_id=company, code=code,
                              status=status, currency="EUR",
                              decided_amount=None if decided is None else decided * K,
                              decided_at=AT, updated_at=AT)

            ids["rco"] = product("RCO", "granted", 30000)
            ids["rsm"] = product("RSM", "granted", None)
            ids["rsc_refused"] = product("RSC", "refused", None)
            ids["crl"] = product("CRL", "granted", 40000)
    ids["one"], ids["two"] = one, two
    return ids


def check_upgrade(engine: Engine) -> None:
    ids = build_at_0007(engine)
    migrations.upgrade(engine, AFTER)
    money = Money()
    with engine.connect() as conn:
        def rules(contract: int) -> dict[str, tuple[int, str]]:
            rows = conn.execute(sa.text(
                "SELECT name, priority, amount_from FROM underwriting_rule"
                " WHERE contract_id = :c"), {"c": contract}).all()
            return {name: (priority, source) for name, priority, source in rows}

        first, second = rules(ids["one"]), rules(ids["two"])
        # Every old rule kept; a credit limit's as it was, the @rating one (never read by
        # the code branch) behind the defaults with the outcome its product needs.
        assert first["small"] == (10, "requested")
        assert first["always"] == (1010, "dra_band")
        assert len(first) == 2 + DEFAULT_RULE_COUNT
        assert first["rating-threshold"] == (20, "requested")
        # Contract two had a TopLiner rule: it keeps it, without the TopLiner defaults.
        assert second["tl"] == (5, "requested")
        assert "topliner-online" not in second and len(second) == 1 + DEFAULT_RULE_COUNT - 2
        bands = conn.execute(sa.text("SELECT contract_id, min_dra, rating_amount FROM dra_band"
                                     " ORDER BY contract_id, min_dra")).all()
        assert len(bands) == 8
        assert money.process_result_value(bands[2][2], None) == Decimal(50000)  # DRA 7-8

        def product(pid: int) -> sa.Row[tuple[object, ...]]:
            return conn.execute(sa.text(
                "SELECT decided_amount, opinion_amount, delivered_dra, delivered_dra_on"
                " FROM product WHERE id = :i"), {"i": pid}).one()

        rco = product(ids["rco"])
        assert rco[0] is None and money.process_result_value(rco[1], None) == Decimal(30000)
        rsm = product(ids["rsm"])
        assert rsm[2] == 7 and str(rsm[3]) == "2026-10-01"  # the decision's day, in UTC
        assert product(ids["rsc_refused"])[2] is None  # a refusal delivered nothing
        crl = product(ids["crl"])
        assert money.process_result_value(crl[0], None) == Decimal(40000) and crl[1] is None
        assert conn.execute(sa.text("SELECT count(*) FROM product")).scalar_one() == 4
    migrations.upgrade(engine)  # and on to the head


def test_contracts_get_their_tables_and_products_their_deliveries_sqlite(
        tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'm.sqlite'}")
    try:
        check_upgrade(engine)
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_contracts_get_their_tables_and_products_their_deliveries_postgres(
        pg_engine: Engine) -> None:
    check_upgrade(pg_engine)


def test_downgrade_gives_the_old_rules_and_amounts_back(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'd.sqlite'}")
    try:
        ids = build_at_0007(engine)
        migrations.upgrade(engine, AFTER)
        migrations.downgrade(engine, BEFORE)
        with engine.connect() as conn:
            rules = conn.execute(sa.text("SELECT name, priority FROM underwriting_rule"
                                         " ORDER BY id")).all()
            assert [tuple(r) for r in rules] == [("small", 10), ("always", 10), ("tl", 5)]
            decided = conn.execute(sa.text("SELECT decided_amount FROM product WHERE id = :i"),
                                   {"i": ids["rco"]}).scalar_one()
            assert Money().process_result_value(decided, None) == Decimal(30000)
    finally:
        engine.dispose()
