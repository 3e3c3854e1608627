"""The Repository contract suite runs once per backend: every test takes ``backend``,
a factory that opens the same known dataset as a given user.

Backends: the SQL repository on SQLite and PostgreSQL, and the HTTP repository against
the API on SQLite in-process ("http", FastAPI's TestClient is an httpx client), on
PostgreSQL in-process ("http-pg"; one app per test process lent to each test with the
test's engine and clock, ``tests/api_app.py``) and against a real ``cofatui serve`` subprocess on a
SQLite file ("http-server": one server per session, the dataset restored per test).
The migrated dataset is made once per test process and copied for each test
(``tests/contract/templates.py``): every test still has a database of its own.
Over HTTP, ``open(login)`` makes a personal token with ``identity.create_token``;
``backend.engine`` is always the server's database.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import CodeType

import httpx
import pytest
from sqlalchemy import delete, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.clock import FixedClock
from cofatui.repository.base import Repository
from cofatui.repository.sql import SqlRepository, make_engine
from tests.api_app import shared_app
from tests.conftest import pg_url_or_skip
from tests.contract import dataset
from tests.contract.templates import PostgresTemplate, SqliteTemplate, schema_url
from tests.server import ServerProcess


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
    engine = make_engine(schema_url(base, schema))
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


SQL_BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
HTTP_BACKENDS = ["http", pytest.param("http-pg", marks=pytest.mark.postgres), "http-server"]
#: A validation table (``@pytest.mark.validation_table("case")``) runs every case on
#: sqlite, postgres and http, which check each rule in the SQL repository of both
#: databases and each refusal's way through the API; over HTTP on PostgreSQL and over a
#: real server, which add nothing to a case but the other database or the transport,
#: it runs one case in SAMPLE_EVERY (the first, the fifth, ... in the table's order).
SAMPLED_BACKENDS = ("http-pg", "http-server")
SAMPLE_EVERY = 4
#: Over HTTP on PostgreSQL ("http-pg") and over a real ``cofatui serve``
#: ("http-server"), a test adds to sqlite, postgres and http only the combination of
#: the API with the other database, or the transport (uvicorn, sockets) and the
#: server's own job worker; every behaviour runs on sqlite, postgres and http. So on
#: these two backends run: every test whose own code names the backend (it treats it
#: apart), every test racing threads, every test marked ``every_backend``, and one in
#: MATRIX_SAMPLE_EVERY of a module's other tests (the first, the fourth, ... in
#: collection order, so every module goes through both). COFATUI_FULL_MATRIX=1 runs
#: them all.
MATRIX_SAMPLED = ("http-pg", "http-server")
MATRIX_SAMPLE_EVERY = 3
FULL_MATRIX = os.environ.get("COFATUI_FULL_MATRIX") == "1"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "validation_table(param): a table of invalid inputs, one case per"
        " check; over http-pg and http-server only a sample of its cases runs")
    config.addinivalue_line(
        "markers", "every_backend: run this test on every backend (otherwise a sample of"
        " a module's tests runs over http-pg and http-server)")


def _constants(code: CodeType) -> Iterator[object]:
    for const in code.co_consts:
        if isinstance(const, tuple | frozenset):
            yield from const
        elif isinstance(const, CodeType):
            yield from _constants(const)
        else:
            yield const


def _names(item: pytest.Item, backend: str) -> bool:
    """The test's own code names the backend (``backend.name == "http-server"``)."""
    code = getattr(getattr(item, "function", None), "__code__", None)
    return code is not None and backend in set(_constants(code))


#: Names a test racing threads uses: a race depends on the database and the transport.
RACE_NAMES = frozenset({"threading", "Thread", "ThreadPoolExecutor", "Barrier"})


def _used(code: CodeType) -> set[str]:
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, CodeType):
            names |= _used(const)
    return names


def _races(item: pytest.Item) -> bool:
    """The test, or a function of its module it calls, starts threads."""
    function = getattr(item, "function", None)
    code = getattr(function, "__code__", None)
    if function is None or code is None:
        return False
    names = _used(code)
    helpers = (getattr(function.__globals__.get(name), "__code__", None) for name in names)
    return bool(names & RACE_NAMES) or any(
        helper is not None and _used(helper) & RACE_NAMES for helper in helpers)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    kept: list[pytest.Item] = []
    sampled_out: list[pytest.Item] = []
    matrix_seen: dict[tuple[str, str], int] = {}  # per module and backend, tests met
    for item in items:
        marker = item.get_closest_marker("validation_table")
        callspec = getattr(item, "callspec", None)
        on = callspec.params.get("backend") if callspec is not None else None
        if (marker is not None and callspec is not None and on in SAMPLED_BACKENDS
                and callspec.indices[marker.args[0]] % SAMPLE_EVERY != 0):
            sampled_out.append(item)
        elif (on in MATRIX_SAMPLED and marker is None and not FULL_MATRIX
              and item.get_closest_marker("every_backend") is None
              and not _names(item, str(on)) and not _races(item)):
            key = (item.nodeid.split("::")[0], str(on))
            seen = matrix_seen[key] = matrix_seen.get(key, -1) + 1
            (kept if seen % MATRIX_SAMPLE_EVERY == 0 else sampled_out).append(item)
        else:
            kept.append(item)
    if sampled_out:
        config.hook.pytest_deselected(items=sampled_out)
        items[:] = kept
UNKNOWN_TOKEN = "cofa_" + "0" * 43  # well-formed, matches no user


def make_token(engine: Engine, login: str, clock: FixedClock) -> str:
    """A new personal token for ``login`` (for an unknown login, one that matches no
    user, so the server answers 401 as the SQL repository raises Unauthenticated).

    Token creation is audited; that entry is test plumbing, not behaviour under test,
    and tests count the audit log, so it is removed."""
    from cofatui.errors import NotFound
    from cofatui.models import AuditEntry
    from cofatui.repository.sql import identity

    try:
        token, info = identity.create_token(engine, login, name="contract", clock=clock)
    except NotFound:
        return UNKNOWN_TOKEN
    with Session(engine) as s:
        s.execute(delete(AuditEntry).where(col(AuditEntry.operation) == "create_token",
                                           col(AuditEntry.target_type) == "api_token",
                                           col(AuditEntry.target_id) == info.id))
        s.commit()
    return token


def http_opener(base_url: str, engine: Engine, clock: FixedClock,
                client: httpx.Client) -> Callable[[str], Repository]:
    from cofatui.repository.http import open_http_repository

    def open_as(login: str) -> Repository:
        # A fresh token per open (a blocked user gets Forbidden here, as from the SQL
        # repository), verified at once like the SQL repository loads its principal.
        return open_http_repository(base_url, make_token(engine, login, clock),
                                    client=client)

    return open_as


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> SqliteTemplate:
    """The migrated dataset on SQLite, made once per test process."""
    return SqliteTemplate.make(tmp_path_factory.mktemp("contract-template"))


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[PostgresTemplate]:
    """The migrated dataset on PostgreSQL, made once per test process."""
    made = PostgresTemplate.make(pg_url_or_skip())
    yield made
    made.close()


def dataset_engine(request: pytest.FixtureRequest, name: str,
                   tmp_path: Path) -> tuple[Engine, dataset.Ids]:
    """A database of the test's own holding the migrated dataset: a copy of the
    SQLite template, or PostgreSQL's working schema reset to the template."""
    if name in ("postgres", "http-pg"):
        pg: PostgresTemplate = request.getfixturevalue("postgres_template")
        return pg.fresh()
    lite: SqliteTemplate = request.getfixturevalue("sqlite_template")
    return lite.copy_to(tmp_path / "contract.sqlite")


@pytest.fixture(params=SQL_BACKENDS)
def sql_dataset(request: pytest.FixtureRequest,
                tmp_path: Path) -> Iterator[tuple[Engine, dataset.Ids]]:
    """The dataset's database of the test's own, on each SQL backend, and its ids."""
    made, ids = dataset_engine(request, request.param, tmp_path)
    try:
        yield made, ids
    finally:
        made.dispose()


@pytest.fixture(scope="session")
def contract_server(tmp_path_factory: pytest.TempPathFactory,
                    sqlite_template: SqliteTemplate) -> Iterator[ServerProcess]:
    """One ``cofatui serve`` for the whole session on its own SQLite file, which starts
    as a copy of the migrated template (each test restores it again)."""
    home = tmp_path_factory.mktemp("contract-server")
    sqlite_template.refill(home / "server.sqlite")
    engine = make_engine(f"sqlite:///{home / 'server.sqlite'}")
    server = ServerProcess(str(engine.url), home, clock=dataset.NOW.isoformat())
    server.engine = engine  # type: ignore[attr-defined]
    server.database = home / "server.sqlite"  # type: ignore[attr-defined]
    with server:
        yield server
    engine.dispose()


@pytest.fixture(params=SQL_BACKENDS + HTTP_BACKENDS)
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    name = request.param
    clock = FixedClock(dataset.NOW)
    if name == "http-server":
        server: ServerProcess = request.getfixturevalue("contract_server")
        lite: SqliteTemplate = request.getfixturevalue("sqlite_template")
        engine = server.engine  # type: ignore[attr-defined]
        ids = lite.refill(server.database)  # type: ignore[attr-defined]
        with httpx.Client(timeout=10.0) as client:
            yield Backend(name, engine, ids, http_opener(server.url, engine, clock, client),
                          clock)
        return
    engine, ids = dataset_engine(request, name, tmp_path)
    try:
        if name in ("sqlite", "postgres"):
            yield Backend(name, engine, ids,
                          lambda login: SqlRepository(engine, login, clock), clock)
        else:
            from fastapi.testclient import TestClient

            # Unexpected server exceptions propagate to the test, with their traceback.
            with shared_app(engine, clock) as app, TestClient(app) as client:
                yield Backend(name, engine, ids,
                              http_opener(str(client.base_url), engine, clock, client), clock)
    finally:
        engine.dispose()
