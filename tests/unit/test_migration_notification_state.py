"""Migration 0039 takes the foreign keys and the notification_id index off
``notification_state`` (PostgreSQL: the unique key INCLUDEs the flags in place of
0037's index) without losing a row, on SQLite and PostgreSQL, and back; and the
migrated PostgreSQL schema matches the models, as test_architecture checks SQLite's."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from cofatui import migrations
from cofatui.migrations.compared import schema_differences
from cofatui.repository.sql import make_engine
from tests.unit.test_migration_product_requests import insert
from tests.unit.test_migration_product_requests import pg_engine as pg_engine

BEFORE = "0038_product_cover_indexes"
AFTER = "0039_notification_state_writes"


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'state.sqlite'}")
    yield engine
    engine.dispose()


def build_at_0038(engine: Engine) -> list[tuple[int, int, bool, bool]]:
    """A user's state of two notifications at 0038: the rows the migration keeps."""
    migrations.upgrade(engine, BEFORE)
    with engine.connect() as conn:
        conn.info["write"] = True
        with conn.begin():
            user = insert(conn, "user", login="u", role="client")
            notes = [insert(conn, "notification", category="c", type="t") for _ in range(2)]
            rows = [(user, notes[0], True, False), (user, notes[1], False, True)]
            for user_id, note, read, deleted in rows:
                insert(conn, "notification_state", user_id=user_id, notification_id=note,
                       read=read, deleted=deleted)
    return rows


def states(engine: Engine) -> list[tuple[int, int, bool, bool]]:
    with engine.connect() as conn:
        return [(r[0], r[1], bool(r[2]), bool(r[3])) for r in conn.execute(sa.text(
            "SELECT user_id, notification_id, read, deleted FROM notification_state"
            " ORDER BY notification_id"))]


def shape(engine: Engine) -> dict[str, Any]:
    """The table's foreign keys, indexes (with their INCLUDE on PostgreSQL) and unique
    keys."""
    with engine.connect() as conn:
        inspector = sa.inspect(conn)
        indexes = {i["name"]: (tuple(i["column_names"]),
                               tuple(i.get("dialect_options", {}).get("postgresql_include",
                                                                       ())))
                   for i in inspector.get_indexes("notification_state")}
        return {"fks": sorted(fk["referred_table"] for fk in
                              inspector.get_foreign_keys("notification_state")),
                "indexes": indexes,
                "unique": [tuple(u["column_names"]) for u in
                           inspector.get_unique_constraints("notification_state")]}


def check_there_and_back(engine: Engine) -> None:
    rows = build_at_0038(engine)
    before = shape(engine)
    assert before["fks"] == ["notification", "user"]
    migrations.upgrade(engine, AFTER)
    after = shape(engine)
    assert after["fks"] == []
    assert "ix_notification_state_notification_id" not in after["indexes"]
    assert after["unique"] == [("user_id", "notification_id")]
    assert after["indexes"]["ix_notification_state_user_deleted"][0] == \
        ("user_id", "notification_id")
    if engine.dialect.name == "postgresql":
        assert "ix_notification_state_user_read" not in after["indexes"]
        unique = [v for k, v in after["indexes"].items() if k.endswith("_key")]
        assert unique == [(("user_id", "notification_id"), ("read", "deleted"))]
    else:
        assert after["indexes"]["ix_notification_state_user_read"][0] == \
            ("user_id", "notification_id", "read", "deleted")
    assert states(engine) == rows
    migrations.downgrade(engine, BEFORE)
    assert shape(engine) == before
    assert states(engine) == rows
    migrations.upgrade(engine)
    assert shape(engine) == after
    assert states(engine) == rows


def test_state_rows_lose_their_keys_and_keep_their_flags_sqlite(
        sqlite_engine: Engine) -> None:
    check_there_and_back(sqlite_engine)
    with sqlite_engine.connect() as conn:  # the copied table's indexes are analysed
        analysed = {r[0] for r in conn.execute(sa.text(
            "SELECT idx FROM sqlite_stat1 WHERE tbl = 'notification_state'"))}
    assert "ix_notification_state_user_read" in analysed


@pytest.mark.postgres
def test_state_rows_lose_their_keys_and_keep_their_flags_postgres(
        pg_engine: Engine) -> None:
    check_there_and_back(pg_engine)


@pytest.mark.postgres
def test_migrated_postgres_schema_matches_the_models(pg_engine: Engine) -> None:
    migrations.upgrade(pg_engine)
    with pg_engine.connect() as conn:
        assert schema_differences(conn) == []
