"""Paging a query: by offset (short lists: jobs, imports, mail) and by key (issue 21).

Keyset paging reads the page that follows (or precedes) a row by comparing the sort
key, so page 5 000 of a million rows costs what page 1 costs; a deep ``OFFSET`` reads
and drops every row before it. :func:`seek_rows` does it for any query whose order is
a list of :class:`SortKey` ending with a unique column (the id), and makes the opaque
cursors of :class:`~cofatui.schemas.Seek` / ``Page.first_cursor`` / ``last_cursor``.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from sqlalchemy import Select, and_, func, or_, select, tuple_
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from cofatui.errors import ValidationFailed
from cofatui.schemas import Seek

#: The message of a cursor this module did not make (or made for another sort).
BAD_CURSOR = "api.bad_cursor"

KeyValue = int | str | bool | Decimal | date | datetime


def paged(s: Session, query: Select[Any], offset: int, limit: int) -> tuple[int, list[Any]]:
    """(rows matching ``query``, the entities of the window asked for, at most 500)."""
    total = s.execute(select(func.count()).select_from(query.order_by(None).subquery())
                      ).scalar_one()
    rows = list(s.execute(query.offset(max(0, offset)).limit(max(1, min(limit, 500))))
                .scalars())
    return total, rows


@dataclass(frozen=True)
class SortKey:
    """One term of a list's order. ``expression`` must never be NULL (wrap it in
    ``coalesce``): a NULL compares as neither before nor after, and rows would be lost
    between pages. ``kind`` is the Python type of its values (to read a cursor back)."""

    expression: ColumnElement[Any]
    kind: type[KeyValue]
    descending: bool = False


@dataclass(frozen=True)
class SeekResult:
    rows: list[Any]
    first_cursor: str | None
    last_cursor: str | None


def seek_rows(s: Session | Connection, query: Select[Any], keys: Sequence[SortKey],
              seek: Seek | None, offset: int, limit: int,
              key_of: Callable[[Any], Sequence[KeyValue]]) -> SeekResult:
    """A page of ``query`` (filtered, not yet ordered) in the order of ``keys``: at
    ``offset`` when ``seek`` is None, else where ``seek`` says (``offset`` ignored).
    ``key_of(row)`` gives a returned row's values of ``keys``, in order, for its
    cursor. Raises ValidationFailed at ``cursor`` for a cursor not made by this sort.
    """
    kind = seek_kind(seek)
    values = cursor_values(seek, keys)
    ordered = seek_query(query, keys, kind, values, max(0, offset), limit)
    # all(): one fetchall, where iterating a result fetches a row at a time.
    return seek_result(list(s.execute(ordered).all()), kind, key_of)


#: How a page is found: at an offset, first, last, after or before a cursor.
SeekKind = Literal["offset", "first", "last", "after", "before"]


def seek_kind(seek: Seek | None) -> SeekKind:
    if seek is None:
        return "offset"
    if seek.last:
        return "last"
    if seek.after is not None:
        return "after"
    if seek.before is not None:
        return "before"
    return "first"  # an empty Seek: the first page


def cursor_values(seek: Seek | None, keys: Sequence[SortKey]) -> list[KeyValue]:
    """The sort values of ``seek``'s cursor (none without one); ValidationFailed at
    ``cursor`` for a cursor not made by this sort."""
    kind = seek_kind(seek)
    if kind == "after":
        assert seek is not None and seek.after is not None
        return decode_cursor(seek.after, keys)
    if kind == "before":
        assert seek is not None and seek.before is not None
        return decode_cursor(seek.before, keys)
    return []


def seek_query(query: Select[Any], keys: Sequence[SortKey], kind: SeekKind,
               values: Sequence[Any], offset: Any, limit: Any) -> Select[Any]:
    """``query`` ordered and cut as ``kind`` says: ``values`` (a cursor's, for after
    and before), ``offset`` and ``limit`` are values or bind parameters (a statement
    built once for every page of its shape: :mod:`.notifications_page`)."""
    forward = [k.expression.desc() if k.descending else k.expression.asc() for k in keys]
    backward = [k.expression.asc() if k.descending else k.expression.desc() for k in keys]
    if kind == "offset":
        return query.order_by(*forward).offset(offset).limit(limit)
    if kind == "last":
        return query.order_by(*backward).limit(limit)
    if kind == "after":
        return query.where(beyond(keys, values, after=True)).order_by(*forward).limit(limit)
    if kind == "before":
        return query.where(beyond(keys, values, after=False)).order_by(*backward
                                                                       ).limit(limit)
    return query.order_by(*forward).limit(limit)


def seek_result(rows: list[Any], kind: SeekKind,
                key_of: Callable[[Any], Sequence[KeyValue]]) -> SeekResult:
    """The page of the rows :func:`seek_query` read, in the list's order, with its
    cursors."""
    if kind in ("last", "before"):
        rows.reverse()
    if not rows:
        return SeekResult(rows, None, None)
    return SeekResult(rows, encode_cursor(key_of(rows[0])), encode_cursor(key_of(rows[-1])))


def beyond(keys: Sequence[SortKey], values: Sequence[KeyValue],
           after: bool) -> ColumnElement[bool]:
    """The rows after (or before) the row whose sort values are ``values``. When every
    key runs the same way, one row-value comparison, which both SQLite and PostgreSQL
    turn into an index range; otherwise the expanded form (a OR of ANDs)."""
    directions = {k.descending for k in keys}
    if len(directions) == 1:
        greater = (not keys[0].descending) == after
        left = tuple_(*(k.expression for k in keys))
        right = tuple_(*values)
        return left > right if greater else left < right
    terms: list[ColumnElement[bool]] = []
    for i, key in enumerate(keys):
        greater = (not key.descending) == after
        equal = [keys[j].expression == values[j] for j in range(i)]
        step = key.expression > values[i] if greater else key.expression < values[i]
        terms.append(and_(*equal, step))
    return or_(*terms)


# --- cursors ------------------------------------------------------------------------


def encode_cursor(values: Sequence[KeyValue]) -> str:
    """The sort values of a row as an opaque, URL-safe string."""
    raw = json.dumps([_plain(v) for v in values], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, keys: Sequence[SortKey]) -> list[KeyValue]:
    """The values :func:`encode_cursor` wrote, typed as ``keys`` say. Raises
    ValidationFailed at ``cursor`` for anything else (another sort's cursor, a
    hand-made string)."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        plain = json.loads(raw)
        if not isinstance(plain, list) or len(plain) != len(keys):
            raise ValueError("not this sort's cursor")
        return [_typed(value, key.kind) for value, key in zip(plain, keys, strict=True)]
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError,
            InvalidOperation) as exc:
        raise ValidationFailed.at("cursor", BAD_CURSOR) from exc


def _plain(value: KeyValue) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _typed(value: Any, kind: type[KeyValue]) -> KeyValue:
    if kind is bool:
        if not isinstance(value, bool):
            raise TypeError(value)
        return value
    if kind is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(value)
        return value
    if not isinstance(value, str):
        raise TypeError(value)
    if kind is datetime:
        return datetime.fromisoformat(value)
    if kind is date:
        return date.fromisoformat(value)
    if kind is Decimal:
        return Decimal(value)
    return value


__all__ = ["BAD_CURSOR", "SeekKind", "SeekResult", "SortKey", "beyond", "cursor_values",
           "decode_cursor", "encode_cursor", "paged", "seek_kind", "seek_query",
           "seek_result", "seek_rows"]
