"""Migration 0009 adds the exchange rates and clears, keeping them in words, the claim
figures that had been computed on a sum of mixed currencies; every row stays, on SQLite
and PostgreSQL, from a database at 0008."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from cofatui import migrations
from cofatui.repository.sql import make_engine
from tests.unit.test_migration_product_requests import insert
from tests.unit.test_migration_product_requests import pg_engine as pg_engine

BEFORE = "0008_underwriting_tables"
AFTER = "0009_exchange_rates"
AT = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)
K = 1000  # money columns hold thousandths


def build_at_0008(engine: Engine) -> dict[str, int]:
    migrations.upgrade(engine, BEFORE)
    with engine.connect() as conn:
        conn.info["write"] = True
        with conn.begin():
            contract = insert(conn, "contract", policy_number="P-1", policyholder="H",
                              currency="EUR")
            company = insert(conn, "company", name="Buyer", name_key="buyer", country="FRA",
                             easy_number="1", dra=7)

            def claim(reference: str, amount: int, covered: int | None,
                      lines: list[tuple[str, int]], paid: list[tuple[str, int]]) -> int:
                claim_id = insert(conn, "claim", contract_id=contract, company_id=company,
                                  reference=reference, status="pending", currency="EUR",
                                  claim_amount=amount * K,
                                  covered_amount=None if covered is None else covered * K,
                                  calculated_indemnity=None if covered is None else covered * K,
                                  indemnity_date=None if covered is None else date(2026, 10, 2),
                                  conditions_used="Insured percentage 90 %.", version=3,
                                  submitted_at=AT, updated_at=AT)
                declaration = insert(conn, "claim_declaration", claim_id=claim_id,
                                     kind="initial", submitted_at=AT)
                for n, (currency, value) in enumerate(lines):
                    insert(conn, "claim_invoice", claim_id=claim_id, declaration_id=declaration,
                           type="IN", number=f"{reference}-{n}", invoice_date=date(2026, 9, 1),
                           due_date=date(2026, 9, 30), currency=currency,
                           amount_excl_tax=value * K, tax=0, validated=False)
                for currency, value in paid:
                    insert(conn, "claim_payment", claim_id=claim_id, declaration_id=declaration,
                           type="SE", payment_date=date(2026, 9, 15), currency=currency,
                           amount=value * K, validated=False)
                return claim_id

            return {
                # The issue: EUR 250 + JPY 100 000 read as 100 250 EUR, indemnity on it.
                "mixed": claim("M", 100250, 90225, [("EUR", 250), ("JPY", 100000)], []),
                # A USD payment taken off a EUR claim: mixed too.
                "mixed_payment": claim("P", 900, None, [("EUR", 1000)], [("USD", 100)]),
                "euro": claim("E", 1200, 1080, [("EUR", 1000), ("EUR", 200)], []),
            }


def check_upgrade(engine: Engine) -> None:
    ids = build_at_0008(engine)
    migrations.upgrade(engine, AFTER)
    with engine.connect() as conn:
        def claim(key: str) -> tuple[Any, ...]:
            return tuple(conn.execute(sa.text(
                "SELECT claim_amount, covered_amount, calculated_indemnity, indemnity_date,"
                " conditions_used, version FROM claim WHERE id = :i"), {"i": ids[key]}).one())

        mixed = claim("mixed")
        assert mixed[:4] == (None, None, None, None)
        assert mixed[4].startswith(
            "To be assessed again with exchange rates: the claim amount (100250.00 EUR), "
            "covered amount (90225.00 EUR) and indemnity (90225.00 EUR) had been computed")
        assert mixed[4].endswith("Insured percentage 90 %.") and mixed[5] == 4
        assert claim("mixed_payment")[0] is None
        euro = claim("euro")
        assert (euro[0], euro[1], euro[4], euro[5]) == (
            1200 * K, 1080 * K, "Insured percentage 90 %.", 3)
        counts = {table: conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one()
                  for table in ("claim", "claim_invoice", "claim_payment", "exchange_rate")}
        assert counts == {"claim": 3, "claim_invoice": 5, "claim_payment": 1,
                          "exchange_rate": 0}
    migrations.upgrade(engine)  # and on to the head


def test_mixed_currency_figures_are_cleared_and_kept_in_words_sqlite(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'm.sqlite'}")
    try:
        check_upgrade(engine)
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_mixed_currency_figures_are_cleared_and_kept_in_words_postgres(
        pg_engine: Engine) -> None:
    check_upgrade(pg_engine)


def test_downgrade_drops_the_rates_and_keeps_the_claims(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'd.sqlite'}")
    try:
        build_at_0008(engine)
        migrations.upgrade(engine, AFTER)
        migrations.downgrade(engine, BEFORE)
        with engine.connect() as conn:
            assert not sa.inspect(conn).has_table("exchange_rate")
            assert conn.execute(sa.text("SELECT count(*) FROM claim")).scalar_one() == 3
    finally:
        engine.dispose()
