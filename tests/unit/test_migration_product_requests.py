"""Migration 0007 turns today's pending products into the decision / request shape
without losing a row, on SQLite and PostgreSQL, from a database at 0006."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from cofatui import migrations
from cofatui.models.types import Money
from cofatui.repository.sql import make_engine
from tests.contract.conftest import _pg_engine

BEFORE = "0006_claim_debtor"
AFTER = "0007_product_requests"
AT = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)


def _filler(column: sa.Column[Any]) -> Any:
    """A value for a NOT NULL column the test does not care about."""
    kind = column.type
    if isinstance(kind, sa.Boolean):
        return False
    if isinstance(kind, sa.Integer):
        return 1 if column.name == "version" else 0
    if isinstance(kind, Money | sa.Numeric):
        return Decimal(0)
    if isinstance(kind, sa.DateTime):
        return AT
    if isinstance(kind, sa.Date):
        return AT.date()
    return ""


def insert(conn: Connection, table_name: str, **values: Any) -> int:
    """Insert a row into the table as it is at this revision (reflected, not the models,
    which describe the newest schema)."""
    table = sa.Table(table_name, sa.MetaData(), autoload_with=conn)
    for column in table.columns:
        if column.name not in values and not column.nullable and not column.primary_key:
            values[column.name] = _filler(column)
    return int(conn.execute(table.insert().values(**values)).inserted_primary_key[0])  # type: ignore[index]


def build_at_0006(engine: Engine) -> dict[str, int]:
    migrations.upgrade(engine, BEFORE)
    ids: dict[str, int] = {}
    with engine.connect() as conn:
        conn.info["write"] = True
        with conn.begin():
            contract = insert(conn, "contract", policy_number="P-1", policyholder="H",
                              currency="EUR", products_allowed="CRL,RLI")
            company = insert(conn, "company", name="Buyer", name_key="buyer", country="FRA",
                             easy_number="1", dra=7)

            def product(status: str, requested: int | None, decided: int | None,
                        decided_at: datetime | None, expected: datetime | None) -> int:
                return insert(conn, "product", contract_id=contract, company_id=company,
                              code="CRL", status=status, currency="EUR",
                              requested_amount=requested, decided_amount=decided,
                              requested_at=AT, decided_at=decided_at,
                              expected_decision_at=expected, updated_at=AT, version=3)

            def event(pid: int, action: str, status: str, amount: int | None,
                      actor: str) -> None:
                insert(conn, "product_event", product_id=pid, at=AT, action=action,
                       status=status, amount=amount, actor=actor)

            # An increase pending on a partly granted credit limit (the old shape: the
            # product itself turned pending, the standing 60k still in decided_amount).
            amended = product("pending", 90000, 60000, AT, AT.replace(day=3))
            event(amended, "request", "pending", 80000, "alice")
            event(amended, "decision", "partially_granted", 60000, "uw")
            event(amended, "modify", "pending", 90000, "bob")
            # An amendment of a decision with no decision event: granted is assumed.
            bare = product("pending", 50000, 40000, AT, None)
            # A first request never decided, and a decided product left alone.
            first = product("pending", 20000, None, None, AT.replace(day=2))
            event(first, "request", "pending", 20000, "carol")
            granted = product("granted", 10000, 10000, AT, None)
            ids.update(amended=amended, bare=bare, first=first, granted=granted)
    return ids


def check_upgrade(engine: Engine) -> None:
    ids = build_at_0006(engine)
    with engine.connect() as conn:
        products_before = conn.execute(sa.text("SELECT count(*) FROM product")).scalar()
        events_before = conn.execute(sa.text("SELECT count(*) FROM product_event")).scalar()
    migrations.upgrade(engine, AFTER)
    product = sa.Table("product", sa.MetaData(), autoload_with=engine)
    request = sa.Table("product_request", sa.MetaData(), autoload_with=engine)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM product")).scalar() == products_before
        assert conn.execute(sa.text("SELECT count(*) FROM product_event")).scalar() == \
            events_before
        rows = {r.id: r for r in conn.execute(sa.select(product))}
        asked = {r.product_id: r for r in conn.execute(sa.select(request))}
    amended = rows[ids["amended"]]
    assert amended.status == "partially_granted"  # its last decision stands again
    assert amended.decided_amount == Decimal(60000)
    assert amended.requested_amount == Decimal(80000)  # asked for that decision
    assert amended.expected_decision_at is None
    assert amended.version == 4
    modify = asked[ids["amended"]]
    assert (modify.kind, modify.status, modify.requested_amount, modify.requested_by) == \
        ("modify", "pending", Decimal(90000), "bob")
    assert modify.expected_decision_at is not None
    assert (rows[ids["bare"]].status, rows[ids["bare"]].decided_amount) == \
        ("granted", Decimal(40000))
    assert asked[ids["bare"]].kind == "modify"
    assert asked[ids["bare"]].requested_amount == Decimal(50000)
    assert rows[ids["first"]].status == "pending"  # no standing decision yet
    initial = asked[ids["first"]]
    assert (initial.kind, initial.requested_amount, initial.requested_by) == \
        ("initial", Decimal(20000), "carol")
    assert rows[ids["granted"]].status == "granted" and ids["granted"] not in asked
    migrations.upgrade(engine)  # and on to the head
    assert migrations.is_up_to_date(engine)


def test_pending_products_become_requests_sqlite(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'm.sqlite'}")
    try:
        check_upgrade(engine)
    finally:
        engine.dispose()


@pytest.fixture
def pg_engine() -> Iterator[Engine]:
    """A schema of its own on the PostgreSQL test server (as the contract suite's)."""
    yield from _pg_engine()


@pytest.mark.postgres
def test_pending_products_become_requests_postgres(pg_engine: Engine) -> None:
    check_upgrade(pg_engine)


def test_downgrade_folds_pending_amendments_back(tmp_path: Path) -> None:
    from alembic import command

    engine = make_engine(f"sqlite:///{tmp_path / 'd.sqlite'}")
    try:
        ids = build_at_0006(engine)
        migrations.upgrade(engine, AFTER)
        cfg = migrations.alembic_config()
        with engine.connect() as conn:
            conn.info["write"] = True
            with conn.begin():
                cfg.attributes["connection"] = conn
                command.downgrade(cfg, BEFORE)
        with engine.connect() as conn:
            status = conn.execute(sa.text("SELECT status, requested_amount FROM product"
                                          " WHERE id = :i"), {"i": ids["amended"]}).one()
        assert status[0] == "pending"
        assert Decimal(str(status[1])) == Decimal(90000)  # as stored, copied back
    finally:
        engine.dispose()
