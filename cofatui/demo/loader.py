"""Bulk loading for the demo generator: rows go straight to the driver.

SQLAlchemy's executemany binds every parameter of every row through Python-level
processors, which costs more than generating the row. A million-row demo cannot afford
that, so the generator builds rows already in their *stored* form and this module hands
them to the driver: ``executemany`` on SQLite, ``COPY … FROM STDIN`` on PostgreSQL.

The stored forms are those of the column types in :mod:`cofatui.models.types`:

- ``Money``: an ``int`` count of thousandths (``Decimal("12.5")`` is ``12500``);
- ``UTCDateTime``: text of the UTC instant, exactly SQLAlchemy's SQLite DATETIME form
  (``2026-01-31 09:15:00.000000``) on SQLite, the same with ``+00:00`` for PostgreSQL's
  COPY to parse;
- ``date``: ISO text (``2026-01-31``), likewise;
- booleans as ``bool`` (SQLite stores 1/0, as SQLAlchemy does).

Rows are therefore made of ``int``, ``str``, ``bool`` and ``None`` only, which is also
what lets the generator build them in a worker process and ship them with ``marshal``.

``BulkLoader.ts`` and ``BulkLoader.day`` do those conversions per dialect; the test
suite reads everything back through the ORM to prove the forms are the right ones.
"""

from __future__ import annotations

import contextlib
import operator
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Table, text
from sqlalchemy.engine import Connection, Engine

from cofatui.errors import Conflict, Unavailable
from cofatui.rules.money_units import to_units

Row = tuple[Any, ...]

# Set for the load only; the previous values are restored afterwards. A 256 MiB page
# cache measured as fast as 1 GiB for the 100 000-company demo (about 1 GB on disk).
# ``temp_store``: files. SQLite's sorter (each deferred CREATE INDEX, demo.deferred) spills
# its sorted runs to temporary files; held in memory instead they cost more CPU, and SQLite
# then never sorts on a second thread: the 41 deferred indexes of the 100 000-company demo
# took about 16.7 s of CPU with MEMORY, 12.4 s with files (and a small cache, there).
# ``threads``: 0. The sorter could sort its runs on a second thread, but measured under
# load that took 40 % more CPU for no shorter wait.
# ``secure_delete``: off for the load (on in some builds): pages freed by the full-text
# indexes' merges are not overwritten with zeros; the load's pages hold nothing to erase.
# ``mmap_size``: the load re-reads what it wrote (each deferred CREATE INDEX and full-text
# rebuild scans its table, B-tree inserts read their pages back): through a memory map
# rather than a read() copy per page. Measured on the 20 000-company demo, same run: the
# deferred indexes 4.0 -> 2.7 s of CPU, the search catch-up 1.5 -> 1.2 s; the page cache's
# size made no difference either way (64 MiB to 1 GiB). SQLite caps the map at its
# compile-time maximum (2 GB by default); past it the rest is read as before.
SQLITE_PRAGMAS = {"synchronous": 0, "cache_size": -256 * 1024, "temp_store": 1, "threads": 0,
                  "mmap_size": 1 << 31, "secure_delete": 0}


def money_units(value: Decimal | int) -> int:
    """A money amount in its stored form (thousandths), rounded half-up like Money."""
    return to_units(value)


#: ``value.isoformat(" ", "microseconds")``, called without a Python frame of its own (a
#: million-company demo formats over six million timestamps). A ``methodcaller`` with
#: positional arguments: a ``partial`` with keywords built a keyword dictionary per call
#: and cost about 1.7x as much.
_sqlite_ts: Callable[[datetime], str] = operator.methodcaller("isoformat", " ", "microseconds")


def _postgres_ts(value: datetime) -> str:
    return value.isoformat(" ", "microseconds") + "+00:00"


class _Days(dict[date, str]):
    """``date.isoformat`` remembered per day: the demo's dates fall on a few thousand
    days, and a dictionary hit (no Python frame: ``__getitem__``) costs a fraction of
    formatting one."""

    def __missing__(self, value: date) -> str:
        text = self[value] = value.isoformat()
        return text


def _day_formatter() -> Callable[[date], str]:
    return _Days().__getitem__


def formatters(dialect: str) -> tuple[Callable[[datetime], str], Callable[[date], str]]:
    """How a naive UTC datetime and a date are written for ``dialect``: text in both
    cases, which SQLite stores as is and PostgreSQL's COPY parses."""
    return (_sqlite_ts if dialect == "sqlite" else _postgres_ts), _day_formatter()


class BulkLoader:
    """Inserts pre-built rows inside the caller's transaction and counts them."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.dialect = conn.dialect.name
        self.counts: dict[str, int] = {}
        self._with_ids: set[str] = set()
        self._quote = conn.dialect.identifier_preparer.quote
        self.ts, self.day = formatters(self.dialect)

    def next_id(self, table: Table) -> int:
        """The first free id: ``max(id) + 1`` (1 on an empty table)."""
        found = self.conn.execute(text(f"SELECT max(id) FROM {self._quote(table.name)}"))
        return int(found.scalar() or 0) + 1

    def insert(self, table: Table, columns: Sequence[str], rows: Iterable[Row]) -> int:
        """Insert ``rows`` (tuples in ``columns`` order, stored forms); return the count."""
        if not isinstance(rows, list):
            rows = list(rows)
        if not rows:
            return 0
        name = self._quote(table.name)
        cols = ", ".join(self._quote(c) for c in columns)
        raw = self.conn.connection.dbapi_connection
        assert raw is not None
        cursor = raw.cursor()
        dbapi = self.conn.dialect.loaded_dbapi
        try:
            if self.dialect == "postgresql":
                with cursor.copy(f"COPY {name} ({cols}) FROM STDIN") as copy:
                    write = copy.write_row
                    for row in rows:
                        write(row)
            else:
                marks = ", ".join("?" * len(columns))
                cursor.executemany(f"INSERT INTO {name} ({cols}) VALUES ({marks})", rows)
        except dbapi.IntegrityError as exc:
            raise Conflict("database.demo_clash", table=table.name,
                           detail=str(exc).strip().splitlines()[0][:200]) from exc
        except dbapi.Error as exc:
            raise Unavailable("database.demo_write_failed", table=table.name,
                              detail=str(exc).strip().splitlines()[0][:200]) from exc
        finally:
            cursor.close()
        self.track(table, len(rows))
        return len(rows)

    def track(self, table: Table, rows: int) -> None:
        """Count ``rows`` written to ``table`` (here or through SQLAlchemy); a table
        keyed by ``id`` gets its PostgreSQL sequence moved past them in :meth:`finish`."""
        key = str(table.name)
        self.counts[key] = self.counts.get(key, 0) + rows
        if "id" in table.c:
            self._with_ids.add(key)

    def finish(self) -> None:
        """PostgreSQL: move each loaded table's id sequence past the ids assigned here,
        and gather planner statistics (a freshly loaded table has none)."""
        if self.dialect != "postgresql":
            return
        for table in sorted(self._with_ids):  # a table keyed otherwise has no sequence
            quoted = self._quote(table)
            self.conn.execute(text(
                f"SELECT setval(pg_get_serial_sequence(:t, 'id'), max(id)) FROM {quoted} "
                "HAVING max(id) IS NOT NULL"), {"t": quoted})
        self.conn.exec_driver_sql("ANALYZE " + ", ".join(self._quote(t) for t in self.counts))


def _rollback_journal(raw: Any) -> str:
    """Leave WAL for a rollback journal during the load; return the mode to restore
    ('' when nothing changed).

    In WAL mode every page of the load is written twice: to the log at the commit, then
    into the database by the next checkpoint (about 1.6 GB each way for the 100 000-
    company demo). With a rollback journal only the pages the database had before the
    load are copied aside (a fresh file: its empty schema), the load's own go straight
    to the file, and a failed load still rolls back whole. Leaving WAL needs the only
    connection to the file: when another one is open, the load stays in WAL."""
    mode = str(raw.execute("PRAGMA journal_mode").fetchone()[0]).lower()
    if mode != "wal":
        return ""
    timeout = raw.execute("PRAGMA busy_timeout").fetchone()[0]
    raw.execute("PRAGMA busy_timeout=0")  # another connection: do not wait for it
    try:
        changed = str(raw.execute("PRAGMA journal_mode=TRUNCATE").fetchone()[0]).lower()
    except sqlite3.OperationalError:  # locked by another connection
        changed = mode
    finally:
        raw.execute(f"PRAGMA busy_timeout={int(timeout)}")
    return mode if changed != mode else ""


#: sqlite3 binds an exact int, float or str as is, and sends any other value (None, a
#: bool) through its adapter registry: a miss, then attribute lookups of ``__adapt__``
#: and ``__conform__``. With a registered adapter the lookup ends at once: ``{}.get``
#: maps None to None (NULL) and ``int`` a bool to 1/0, which is what SQLite stores for
#: them anyway. The portfolio's executemany spent about a third of its CPU on those
#: misses (py-spy, 100 000 companies; a bare executemany of such rows: -40 % CPU).
_BIND_ADAPTERS: dict[type[Any], Callable[[Any], Any]] = {type(None): {}.get, bool: int}


@contextlib.contextmanager
def _direct_binding() -> Iterator[None]:
    """The adapters above registered for the load, the registry as it was after. The
    registry is the process's; the values stored are the same with or without them."""
    keys = [(kind, sqlite3.PrepareProtocol) for kind in _BIND_ADAPTERS]
    saved = {key: sqlite3.adapters[key] for key in keys if key in sqlite3.adapters}
    for key in keys:
        sqlite3.adapters.setdefault(key, _BIND_ADAPTERS[key[0]])
    try:
        yield
    finally:
        for key in keys:
            sqlite3.adapters.pop(key, None)
        sqlite3.adapters.update(saved)


@contextlib.contextmanager
def bulk_transaction(engine: Engine) -> Iterator[BulkLoader]:
    """One write transaction for the whole load, with the database tuned for it.

    SQLite: ``synchronous=OFF`` and a large page cache for the duration (a crash during
    the load can only lose the load, which is one transaction anyway), restored after.
    PostgreSQL: the time zone is UTC for the transaction, so that the ``+00:00`` of the
    timestamps is also the session's (belt and braces); sequences and statistics are
    brought up to date before the commit.
    """
    if engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:"):
        # Idle pooled connections would keep the file in WAL mode (below).
        engine.dispose()
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        saved: dict[str, Any] = {}
        journal = ""
        if sqlite:
            # Straight to the driver: through the Connection this would autobegin.
            raw = conn.connection.dbapi_connection
            assert raw is not None
            for pragma, value in SQLITE_PRAGMAS.items():
                current = raw.execute(f"PRAGMA {pragma}").fetchone()
                if current is None:  # not for this database (mmap_size in memory)
                    continue
                saved[pragma] = current[0]
                raw.execute(f"PRAGMA {pragma}={value}")
            journal = _rollback_journal(raw)
        conn.info["write"] = True
        try:
            with _direct_binding() if sqlite else contextlib.nullcontext(), conn.begin():
                if not sqlite:
                    conn.exec_driver_sql("SET LOCAL TIME ZONE 'UTC'")
                loader = BulkLoader(conn)
                yield loader
                loader.finish()
        finally:
            conn.info["write"] = False
            if sqlite:
                raw = conn.connection.dbapi_connection
                if raw is not None:
                    for pragma, value in saved.items():
                        raw.execute(f"PRAGMA {pragma}={int(value)}")
                    if journal:
                        raw.execute(f"PRAGMA journal_mode={journal}")
