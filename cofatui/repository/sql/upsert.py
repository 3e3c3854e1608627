"""``INSERT … ON CONFLICT`` for per-user state (read marks, favourites, drafts, mail
subscription), on SQLite and PostgreSQL alike.

A select-then-insert races with itself: two identical requests both find no row, both
insert, and the second one hits the unique key (on PostgreSQL, where writers do not
queue as they do behind SQLite's ``BEGIN IMMEDIATE``). Writing the row with one
statement that says what to do on a clash keeps a repeated PUT or mark idempotent:
every caller succeeds and one row remains. The statement runs in the caller's session,
so it belongs to the same unit of work as the rest of the change.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def upsert(session: Session, table: Table, rows: Sequence[Mapping[str, Any]],
           keys: Sequence[str], update: Sequence[str] = ()) -> None:
    """Insert ``rows`` into ``table``; a row whose ``keys`` (a unique key of the table)
    already exist gets the columns named in ``update`` from the new row, or is left
    as it is when ``update`` is empty (``DO NOTHING``)."""
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        pg = postgresql.insert(table)
        statement: Any = (pg.on_conflict_do_update(
            index_elements=list(keys), set_={c: pg.excluded[c] for c in update})
            if update else pg.on_conflict_do_nothing(index_elements=list(keys)))
    elif dialect == "sqlite":
        lite = sqlite.insert(table)
        statement = (lite.on_conflict_do_update(
            index_elements=list(keys), set_={c: lite.excluded[c] for c in update})
            if update else lite.on_conflict_do_nothing(index_elements=list(keys)))
    else:  # pragma: no cover - make_engine accepts only these two
        raise NotImplementedError(dialect)
    session.execute(statement, [dict(row) for row in rows])


def table_of(model: Any) -> Table:
    """The :class:`Table` of a SQLModel table class (typed for mypy)."""
    table = model.__table__
    assert isinstance(table, Table)
    return table


__all__ = ["table_of", "upsert"]
