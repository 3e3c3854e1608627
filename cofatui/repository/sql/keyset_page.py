"""A whole ``Page`` of a one-entity list read by key (issue 21): the short lists of
jobs, imports, e-mails and the audit log, which all count their rows, page by
:func:`~cofatui.repository.sql.paging.seek_rows` and build each public row from its
entity."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, func, literal, select
from sqlalchemy.orm import Session

# EPOCH: what a NULL timestamp sorts as in a keyset order (``or_epoch``): older than
# any row, and a value a cursor can carry (paging.SortKey).
from cofatui.clock import EPOCH as EPOCH
from cofatui.repository.sql.paging import KeyValue, SortKey, seek_rows
from cofatui.schemas import Page, Seek

T = TypeVar("T")


def or_epoch(column: Any) -> ColumnElement[Any]:
    """``coalesce(column, EPOCH)`` with EPOCH bound with the column's own type, so that
    SQLite stores and compares it in the column's format (a plain DateTime literal is
    written otherwise): the sort value of a timestamp that may be NULL."""
    return func.coalesce(column, literal(EPOCH, column.type))


def entity_page(s: Session, query: Select[Any], keys: Sequence[SortKey], seek: Seek | None,
                offset: int, limit: int, key_of: Callable[[Any], Sequence[KeyValue]],
                public: Callable[[Any], T]) -> Page[T]:
    """The page of ``query`` (``select(Entity).where(...)``, not ordered) at ``offset``
    or where ``seek`` says, with the filter's total. ``key_of`` and ``public`` take
    the entity."""
    return entities_page(s, query, keys, seek, offset, limit, key_of,
                         lambda rows: [public(row) for row in rows])


def entities_page(s: Session, query: Select[Any], keys: Sequence[SortKey],
                  seek: Seek | None, offset: int, limit: int,
                  key_of: Callable[[Any], Sequence[KeyValue]],
                  publics: Callable[[list[Any]], list[T]]) -> Page[T]:
    """:func:`entity_page` for lists whose public rows are built a page at a time
    (``publics`` takes the page's entities: one query for what they all join)."""
    limit = max(1, min(limit, 500))
    total = s.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    page = seek_rows(s, query, keys, seek, offset, limit, lambda row: key_of(row[0]))
    return Page(items=publics([row[0] for row in page.rows]),
                offset=0 if seek else max(0, offset), limit=limit, total=total,
                first_cursor=page.first_cursor, last_cursor=page.last_cursor)
