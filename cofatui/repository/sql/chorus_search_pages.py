"""Keyset pages of the Chorus invoice search (issue 21): newest deposit first, then the
drafts (never deposited) newest first.

The list is two index ranges (``…_deposited`` on ``(structure, deposited_at, id)``):
the deposited rows by ``(deposited_at desc, id desc)``, then the drafts by ``id desc``.
A single sort on ``coalesce(deposited_at, …)`` would give the same order but no index
serves it, so a page is read from one range and, when it runs out, completed from the
other. A cursor names the range and the row: ``[deposited, deposited_at, id]`` (a
draft's ``deposited_at`` is :data:`NEVER`, never compared).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, and_, literal, select
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.models.chorus import ChorusInvoice
from cofatui.repository.sql.keyset_page import EPOCH
from cofatui.repository.sql.paging import SortKey, beyond, decode_cursor, encode_cursor
from cofatui.schemas import Seek

#: A draft's place holder for ``deposited_at`` in its cursor.
NEVER = EPOCH

_AT = col(ChorusInvoice.deposited_at)
_ID = col(ChorusInvoice.id)
#: The deposited range's order, and the drafts'.
DEPOSITED_KEYS = (SortKey(_AT, datetime, descending=True), SortKey(_ID, int, descending=True))
DRAFT_KEYS = (SortKey(_ID, int, descending=True),)
#: The shape of a cursor, to read it back (the flag's expression is never queried).
_CURSOR_KEYS = (SortKey(literal(True), bool), SortKey(_AT, datetime), SortKey(_ID, int))

Window = list[tuple[int, datetime | None]]


def cursor_of(invoice_id: int, deposited_at: datetime | None) -> str:
    return encode_cursor([deposited_at is not None, deposited_at or NEVER, invoice_id])


def page_ids(s: Session, scope: ColumnElement[bool], seek: Seek | None, offset: int,
             limit: int, n_deposited: int) -> Window:
    """The (id, deposited_at) of one page in list order: at ``offset`` (``n_deposited``
    says where the drafts start) when ``seek`` is None, else where it says."""
    deposited = and_(scope, _AT.is_not(None))
    drafts = and_(scope, _AT.is_(None))
    if seek is None or (seek.after is None and seek.before is None and not seek.last):
        start = offset if seek is None else 0
        rows = _range(s, deposited, DEPOSITED_KEYS, True, start, limit) \
            if start < n_deposited else []
        if len(rows) < limit:
            rows += _range(s, drafts, DRAFT_KEYS, True, max(0, start - n_deposited),
                           limit - len(rows))
        return rows
    if seek.last:
        rows = _range(s, drafts, DRAFT_KEYS, False, 0, limit)
        if len(rows) < limit:
            rows = _range(s, deposited, DEPOSITED_KEYS, False, 0, limit - len(rows)) \
                + rows
        return rows
    forward = seek.after is not None
    flag, at, invoice_id = decode_cursor(seek.after if forward else seek.before or "",
                                         _CURSOR_KEYS)
    if flag:
        where: ColumnElement[bool] = and_(deposited, beyond(DEPOSITED_KEYS, [at, invoice_id],
                                                            after=forward))
        rows = _range(s, where, DEPOSITED_KEYS, forward, 0, limit)
        if forward and len(rows) < limit:
            rows += _range(s, drafts, DRAFT_KEYS, True, 0, limit - len(rows))
        return rows
    where = and_(drafts, beyond(DRAFT_KEYS, [invoice_id], after=forward))
    rows = _range(s, where, DRAFT_KEYS, forward, 0, limit)
    if not forward and len(rows) < limit:
        rows = _range(s, deposited, DEPOSITED_KEYS, False, 0, limit - len(rows)) + rows
    return rows


def _range(s: Session, where: ColumnElement[bool], keys: Sequence[SortKey],
           forward: bool, offset: int, limit: int) -> Window:
    """Up to ``limit`` rows of one range in list order, read from its start (forward)
    or from its end (backward: read upwards, then put back in list order)."""
    order = [(k.expression.desc() if k.descending == forward else k.expression.asc())
             for k in keys]
    rows = [(int(i), at) for i, at in s.execute(
        select(_ID, _AT).where(where).order_by(*order).offset(offset).limit(limit))]
    if not forward:
        rows.reverse()
    return rows
