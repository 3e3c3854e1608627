"""The bulk loader's tuning of SQLite is for the load only (cofatui.demo.loader)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Boolean, Column, Integer, MetaData, String, Table
from sqlalchemy.engine import Engine

from cofatui.demo.deferred import deferred_indexes
from cofatui.demo.loader import bulk_transaction
from cofatui.repository.sql.engine import make_engine

_META = MetaData()
_ROWS = Table("row", _META, Column("id", Integer, primary_key=True), Column("flag", Boolean),
              Column("note", String))


def _engine(tmp_path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{tmp_path / 'load.sqlite'}")
    _META.create_all(engine)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE INDEX ix_row_note ON row (note)")
    return engine


def test_none_and_bools_are_stored_as_without_the_loads_adapters(tmp_path: Path) -> None:
    engine = _engine(tmp_path)
    before = dict(sqlite3.adapters)
    with bulk_transaction(engine) as loader:
        loader.insert(_ROWS, ("id", "flag", "note"), [(1, True, None), (2, False, "x")])
    assert sqlite3.adapters == before  # the process's registry as it was
    with engine.connect() as conn:
        stored = conn.exec_driver_sql(
            "SELECT id, typeof(flag), flag, typeof(note) FROM row ORDER BY id").all()
    assert [tuple(r) for r in stored] == [(1, "integer", 1, "null"), (2, "integer", 0, "text")]
    engine.dispose()


def test_an_adapter_registered_by_the_application_is_kept_and_used(tmp_path: Path) -> None:
    engine = _engine(tmp_path)
    key = (bool, sqlite3.PrepareProtocol)

    def theirs(value: Any) -> str:
        return "yes" if value else "no"

    sqlite3.adapters[key] = theirs
    try:
        with bulk_transaction(engine) as loader:
            loader.insert(_ROWS, ("id", "flag", "note"), [(1, True, "a")])
        assert sqlite3.adapters[key] is theirs
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT flag FROM row").scalar_one() == "yes"
    finally:
        del sqlite3.adapters[key]
    engine.dispose()


def test_the_page_cache_is_back_after_the_deferred_indexes_are_built(tmp_path: Path) -> None:
    engine = _engine(tmp_path)
    with bulk_transaction(engine) as loader:
        conn = loader.conn
        cache = conn.exec_driver_sql("PRAGMA cache_size").scalar_one()
        with deferred_indexes(conn, ["row"]):
            loader.insert(_ROWS, ("id", "flag", "note"), [(n, n % 2 == 0, f"n{n}")
                                                         for n in range(1, 50)])
        assert conn.exec_driver_sql("PRAGMA cache_size").scalar_one() == cache
        assert conn.exec_driver_sql(
            "SELECT count(*) FROM row INDEXED BY ix_row_note WHERE note > 'n3'").scalar_one() \
            == sum(1 for n in range(1, 50) if f"n{n}" > "n3")
    engine.dispose()
