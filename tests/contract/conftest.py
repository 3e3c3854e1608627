"""The Repository contract suite runs once per backend: every test takes ``backend``,
a factory that opens the same known dataset as a given user."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from cofatui import migrations
from cofatui.clock import FixedClock
from cofatui.repository.base import Repository
from cofatui.repository.sql import SqlRepository, make_engine
from tests.conftest import pg_url_or_skip
from tests.contract import dataset


@dataclass
class Backend:
    name: str
    engine: Engine
    ids: dataset.Ids
    open: Callable[[str], Repository]
    clock: FixedClock


def _sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'contract.sqlite'}")
    yield engine
    engine.dispose()


def _pg_engine() -> Iterator[Engine]:
    base = pg_url_or_skip()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = make_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in base else "?"
    engine = make_engine(f"{base}{sep}options=-csearch_path%3D{schema}")
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


SQL_BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=SQL_BACKENDS)
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    engines = _sqlite_engine(tmp_path) if request.param == "sqlite" else _pg_engine()
    engine = next(engines)
    try:
        migrations.upgrade(engine)
        ids = dataset.build(engine)
        clock = FixedClock(dataset.NOW)
        yield Backend(request.param, engine, ids,
                      lambda login: SqlRepository(engine, login, clock), clock)
    finally:
        next(engines, None)
