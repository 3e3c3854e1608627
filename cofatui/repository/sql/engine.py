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
    IntegrityError,
    NoSuchModuleError,
    OperationalError,
    SQLAlchemyError,
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


def make_engine(url: str) -> Engine:
    url = normalize_url(url)
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ValidationFailed("database.not_a_url", field="db", url=url) from exc
    try:
        if parsed.get_backend_name() == "sqlite":
            return _sqlite_engine(url, parsed.database)
        return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
    except NoSuchModuleError as exc:
        raise ValidationFailed("database.unsupported", field="db",
                               backend=parsed.get_backend_name()) from exc
    except ModuleNotFoundError as exc:
        raise Unavailable("database.driver_missing", backend=parsed.get_backend_name()) from exc


def _sqlite_engine(url: str, database: str | None) -> Engine:
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy issue BEGIN itself (so writers take the lock up front with
        # BEGIN IMMEDIATE below) instead of pysqlite's lazy implicit transactions.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        if database and database != ":memory:":
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.info.get("write") else "BEGIN")

    return engine


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


@contextlib.contextmanager
def translated_errors() -> Iterator[None]:
    """Turn database exceptions into the public error hierarchy."""
    try:
        yield
    except CofaError:
        raise
    except StaleDataError as exc:
        raise Conflict("database.stale") from exc
    except DataError as exc:
        raise ValidationFailed("database.value_does_not_fit", detail=_first_line(exc)) from exc
    except IntegrityError as exc:
        raise Conflict("database.clash", detail=_first_line(exc)) from exc
    except OperationalError as exc:
        raise Unavailable("database.unreachable", detail=_first_line(exc)) from exc
    except SQLAlchemyError as exc:
        raise Unavailable("database.error", detail=_first_line(exc)) from exc


def _first_line(exc: SQLAlchemyError) -> str:
    orig = getattr(exc, "orig", None)
    text = str(orig if orig is not None else exc)
    return text.strip().splitlines()[0][:200] if text.strip() else type(exc).__name__


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
