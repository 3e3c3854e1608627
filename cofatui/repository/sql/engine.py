"""Engines for SQLite (embedded default) and PostgreSQL, and the translation of
database errors into cofatui errors."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import (
    ArgumentError,
    DataError,
    DBAPIError,
    IntegrityError,
    NoSuchModuleError,
    OperationalError,
    SQLAlchemyError,
    StatementError,
)
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import create_engine

from cofatui.errors import CofaError, Conflict, Unavailable, ValidationFailed


def normalize_url(url: str) -> str:
    """Accept ``postgresql://`` (psycopg 3 driver implied) and plain file paths."""
    if "://" not in url:
        return "sqlite:///" + str(Path(url).expanduser().resolve())
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


#: ``synchronous`` for SQLite in WAL mode. NORMAL (the default: the TUI, scripts) may
#: lose the last commits on a power cut, never corrupt; FULL (``cofatui serve``) syncs
#: the WAL at every commit, so a write the API acknowledged survives a power cut.
SYNC_NORMAL = "NORMAL"
SYNC_FULL = "FULL"
#: Pooled SQLite connections per engine (per server process): enough for the request
#: thread pool's readers at once (WAL: readers never wait for the writer, nor it for
#: them), beyond which a request waits for a connection rather than opening more.
SQLITE_POOL_SIZE = 8
SQLITE_MAX_OVERFLOW = 24


def make_engine(url: str, *, synchronous: str = SYNC_NORMAL) -> Engine:
    """An engine for ``url``; ``synchronous`` applies to a SQLite file (FULL for the
    server: see :data:`SYNC_FULL`)."""
    if synchronous not in (SYNC_NORMAL, SYNC_FULL):
        raise ValueError(f"synchronous must be {SYNC_NORMAL} or {SYNC_FULL}")
    url = normalize_url(url)
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ValidationFailed("database.not_a_url", field="db", url=url) from exc
    try:
        if parsed.get_backend_name() == "sqlite":
            return _sqlite_engine(url, parsed.database, synchronous)
        return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
    except NoSuchModuleError as exc:
        raise ValidationFailed("database.unsupported", field="db",
                               backend=parsed.get_backend_name()) from exc
    except ModuleNotFoundError as exc:
        raise Unavailable("database.driver_missing", backend=parsed.get_backend_name()) from exc


def _sqlite_engine(url: str, database: str | None, synchronous: str) -> Engine:
    on_disk = bool(database) and database != ":memory:"
    if on_disk:
        assert database is not None
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    # A file: a queue of open connections (each with its own page cache, statements
    # and schema already parsed), shared by the threads of one process; opening one per
    # request would parse the schema again each time. In memory: SQLAlchemy's own
    # choice (one connection per thread), as a pool would make several databases.
    pooling: dict[str, Any] = dict(pool_size=SQLITE_POOL_SIZE,
                                   max_overflow=SQLITE_MAX_OVERFLOW) if on_disk else {}
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30},
                           **pooling)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy issue BEGIN itself (so writers take the lock up front with
        # BEGIN IMMEDIATE below) instead of pysqlite's lazy implicit transactions.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        if on_disk:
            # WAL: readers see the last commit without waiting for the writer.
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute(f"PRAGMA synchronous={synchronous}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.info.get("write") else "BEGIN")

    return engine


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


@contextlib.contextmanager
def translated_errors() -> Iterator[None]:
    """Turn database exceptions into the public error hierarchy
    (:func:`database_error`), chained to the original."""
    try:
        yield
    except CofaError:
        raise
    except SQLAlchemyError as exc:
        raise database_error(exc) from exc
    except (OverflowError, UnicodeEncodeError) as exc:
        # The driver's own refusal of a value it cannot bind (an int beyond 64 bits on
        # SQLite, a lone surrogate), raised as is. The input guard
        # (repository/sql/input_guard.py) refuses these first, at the field; this is
        # the safety net for a value it did not see.
        raise ValidationFailed("database.invalid_value") from exc


def database_error(exc: SQLAlchemyError) -> CofaError:
    """The public error for a database exception, by kind: a unique key clash is a
    :class:`Conflict` (``database.duplicate``), a value the database refuses (check,
    not-null, foreign key, out of range, bad text) is :class:`ValidationFailed`
    (``database.invalid_value``), and only a lost or unreachable database is
    :class:`Unavailable` (which clients retry and monitoring counts as an outage). The
    driver's own text never reaches the message: it stays on the original exception."""
    if isinstance(exc, StaleDataError):
        return Conflict("database.stale")
    if isinstance(exc, IntegrityError):
        return Conflict("database.duplicate") if is_unique_violation(exc) \
            else ValidationFailed("database.invalid_value")
    if isinstance(exc, DataError):
        return ValidationFailed("database.invalid_value")
    if isinstance(exc, StatementError) and isinstance(exc.orig, ArithmeticError | ValueError):
        # A value our column types could not convert (``Money`` of 1E+308: the
        # decimal context overflows) fails before it reaches the driver.
        return ValidationFailed("database.invalid_value")
    if isinstance(exc, DBAPIError) and is_connection_loss(exc):
        return Unavailable("database.unreachable")
    if isinstance(exc, OperationalError) and _is_sqlite_error(exc):
        # SQLite's word for a value it cannot take too (a NUL in a search text).
        return ValidationFailed("database.invalid_value")
    return CofaError("database.error")


# SQLSTATE classes of a lost or refused connection (PostgreSQL): 08 connection
# exception, 53 insufficient resources, 57 operator intervention (shutdown, cancel).
_CONNECTION_STATES = ("08", "53", "57")
# SQLite's words for a database it cannot open, lock or write to right now.
_SQLITE_UNAVAILABLE = ("database is locked", "unable to open", "disk i/o",
                       "database or disk is full", "readonly database")


def is_unique_violation(exc: SQLAlchemyError) -> bool:
    """A unique key or primary key clash (SQLSTATE 23505, SQLite's UNIQUE constraint)."""
    orig = getattr(exc, "orig", None)
    state = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    if isinstance(state, str):
        return state == "23505"
    name = getattr(orig, "sqlite_errorname", "")
    if isinstance(name, str) and name in ("SQLITE_CONSTRAINT_UNIQUE",
                                          "SQLITE_CONSTRAINT_PRIMARYKEY"):
        return True
    return "unique constraint" in str(orig).lower()


def is_connection_loss(exc: DBAPIError) -> bool:
    """The database is gone or refuses work for now (retrying later may work)."""
    if exc.connection_invalidated:
        return True
    orig = exc.orig
    state = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    if isinstance(state, str) and state:
        return state[:2] in _CONNECTION_STATES
    if _is_sqlite_error(exc):
        text = str(orig).lower()
        return any(words in text for words in _SQLITE_UNAVAILABLE)
    # A driver error without a state (psycopg before the server answered: refused
    # connection, unknown host, timeout) is a connection that never was.
    return state is None and isinstance(exc, OperationalError)


def _is_sqlite_error(exc: DBAPIError) -> bool:
    return type(exc.orig).__module__.startswith("sqlite3")


def refresh_statistics(engine: Engine, only_if_missing: bool = False) -> None:
    """Give the query planner real statistics (``ANALYZE``). Without them SQLite picks
    indexes by guesswork and a 100-row page can scan a million rows. Cheap on a small
    database, a few seconds on a million rows; run after bulk loads and upgrades."""
    with translated_errors(), engine.connect() as conn:
        if is_sqlite(engine):
            if only_if_missing and conn.exec_driver_sql(
                    "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").first():
                return
            conn.exec_driver_sql("PRAGMA analysis_limit=0")
        conn.exec_driver_sql("ANALYZE")
        conn.commit()
