"""The migrated schema holding the contract dataset, made once per test process and
reset for each test.

Migrating (Alembic, every revision) then building the dataset took over a second per
test on each SQL backend, and dropping a PostgreSQL schema half a second more: most of
the contract suite's time. The result is the same for every test, so it is made once per
process (xdist worker) and each test starts from a copy of it:

* SQLite: a template file, copied page by page (SQLite's backup API) into the test's
  own new file;
* PostgreSQL: a template schema and a working schema, both migrated once; before each
  test every table of the working schema is truncated and refilled from the template,
  and its sequences set where the template's are. Tests of one process run one after
  the other and each test's engine is disposed at its end, so the working schema is
  never shared by two tests at once;
* the session's ``cofatui serve`` SQLite file: overwritten with the template's pages.

Every test therefore sees exactly the rows, ids and sequences a fresh migration and
``dataset.build`` give, and nothing a test writes reaches another."""

from __future__ import annotations

import sqlite3
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from cofatui import migrations
from cofatui.repository.sql import make_engine
from tests.contract import dataset


def _built(engine: Engine) -> dataset.Ids:
    migrations.upgrade(engine)
    return dataset.build(engine)


# --- SQLite ------------------------------------------------------------------------------


@dataclass
class SqliteTemplate:
    path: Path
    ids: dataset.Ids

    @classmethod
    def make(cls, workdir: Path) -> SqliteTemplate:
        path = workdir / "contract-template.sqlite"
        engine = make_engine(f"sqlite:///{path}")
        try:
            ids = _built(engine)
        finally:
            engine.dispose()
        return cls(path, ids)

    def copy_to(self, target: Path) -> tuple[Engine, dataset.Ids]:
        """An engine on ``target``, a new file holding the migrated dataset."""
        self.refill(target)
        return make_engine(f"sqlite:///{target}"), dataset.Ids(self.ids)

    def refill(self, database: Path) -> dataset.Ids:
        """Make ``database`` a copy of the template. The file may be in use by a server's
        connections: they read the copy next."""
        copy_sqlite(self.path, database)
        return dataset.Ids(self.ids)


def copy_sqlite(source: Path | str, target: Path | str) -> None:
    """Make ``target`` a consistent copy of the SQLite file ``source`` (its WAL
    included), page by page through SQLite's backup API; ``target`` may be open
    elsewhere (its readers read the copy next)."""
    origin, copy = sqlite3.connect(source), sqlite3.connect(target, timeout=30)
    try:
        origin.backup(copy)
    finally:
        copy.close()
        origin.close()


# --- PostgreSQL --------------------------------------------------------------------------


def schema_url(base: str, schema: str) -> str:
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{schema}"


@dataclass
class PostgresTemplate:
    base: str
    template: str
    ids: dataset.Ids
    working: str = ""
    made: list[str] = field(default_factory=list)
    #: tables in an order where each comes after those it references
    tables: list[str] = field(default_factory=list)
    sequences: list[str] = field(default_factory=list)
    _admin_engine: Engine | None = None
    _refill_sql: tuple[str, str] | None = None

    @classmethod
    def make(cls, base: str) -> PostgresTemplate:
        made = cls(base, "", dataset.Ids())
        made.template = made._new_schema()
        engine = make_engine(schema_url(base, made.template))
        try:
            made.ids = _built(engine)
            made.tables, made.sequences = _order(engine, made.template)
        finally:
            engine.dispose()
        made.working = made._new_working()
        return made

    @property
    def admin(self) -> Engine:
        if self._admin_engine is None:
            self._admin_engine = make_engine(self.base)
        return self._admin_engine

    def _admin(self, sql: str) -> None:
        with self.admin.begin() as conn:
            conn.execute(text(sql))

    def _new_schema(self) -> str:
        schema = f"t_{uuid.uuid4().hex[:12]}"
        self._admin(f"CREATE SCHEMA {schema}")
        self.made.append(schema)
        return schema

    def _new_working(self) -> str:
        schema = self._new_schema()
        engine = make_engine(schema_url(self.base, schema))
        try:
            migrations.upgrade(engine)
        finally:
            engine.dispose()
        return schema

    def fresh(self) -> tuple[Engine, dataset.Ids]:
        """An engine on the working schema, reset to the template's rows."""
        try:
            self._refill(self.working)
        except DBAPIError:
            # A connection of an earlier test still holds a lock on the working schema:
            # that schema is left alone and a new one takes its place.
            self.working = self._new_working()
            self._refill(self.working)
        return make_engine(schema_url(self.base, self.working)), dataset.Ids(self.ids)

    def _refill(self, schema: str) -> None:
        if self._refill_sql is None or self._refill_sql[0] != schema:
            src, dst = self.template, schema
            # Test data need not survive a crash: no wait for the disk at commit.
            statements = ["SET LOCAL synchronous_commit = off",
                          "SET LOCAL lock_timeout = '20s'"]
            # DELETE, not TRUNCATE: on a few rows it is much faster (TRUNCATE makes new
            # files for every table and index).
            statements += [f'DELETE FROM {dst}."{table}"' for table in reversed(self.tables)]
            statements += [f'INSERT INTO {dst}."{table}" OVERRIDING SYSTEM VALUE'
                           f' SELECT * FROM {src}."{table}"' for table in self.tables]
            if self.sequences:
                statements.append("SELECT " + ", ".join(
                    f"(SELECT setval('{dst}.\"{seq}\"', last_value, is_called)"
                    f' FROM {src}."{seq}")' for seq in self.sequences))
            self._refill_sql = (schema, ";\n".join(statements))
        sql = self._refill_sql[1]
        with self.admin.begin() as conn:
            conn.exec_driver_sql(sql)  # one round trip: a loaded machine makes each slow

    def close(self) -> None:
        for schema in self.made:
            self._admin(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        self.admin.dispose()


def _order(engine: Engine, schema: str) -> tuple[list[str], list[str]]:
    """The schema's tables, each after those it references, and its sequences."""
    with engine.connect() as conn:
        tables = [r[0] for r in conn.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname = :s ORDER BY tablename"),
            {"s": schema})]
        edges = conn.execute(text(
            "SELECT c.conrelid::regclass::text, c.confrelid::regclass::text"
            " FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace"
            " WHERE c.contype = 'f' AND n.nspname = :s"), {"s": schema}).all()
        sequences = [r[0] for r in conn.execute(text(
            "SELECT sequencename FROM pg_sequences WHERE schemaname = :s ORDER BY 1"),
            {"s": schema})]
    needs: dict[str, set[str]] = {t: set() for t in tables}
    for child, parent in edges:
        child, parent = child.split(".")[-1].strip('"'), parent.split(".")[-1].strip('"')
        if child != parent:
            needs[child].add(parent)
    ordered: list[str] = []
    while needs:
        ready = sorted(t for t, parents in needs.items() if not parents - set(ordered))
        if not ready:
            raise RuntimeError(f"foreign keys in a cycle: {sorted(needs)}")
        ordered += ready
        for t in ready:
            del needs[t]
    return ordered, sequences
