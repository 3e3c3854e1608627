"""The notifications page's statement (issue 21 item 5): its columns over what a filter
lists, and, for a filter with no condition of its own (the list as it opens, of one
contract or all, read or unread), one statement per shape built once.

A page's statement built per request cost SQLAlchemy its construction (a coercion per
column and condition) and its cache key (a walk of the whole tree) before the compiled
form was found in the cache: about a third of the API page's CPU. The plain filter's
statement depends only on its :class:`Shape`; the contracts, the user, the thresholds'
values, the cursor and the window go in as bind parameters, and the SQL sent is the one
the same filter's statement built for the request compiles to (the same joins,
conditions, types and order). A filter with conditions (text, company, dates…) still
has its statement built for it: it cannot be told from its shape without building it.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Integer, Select, and_, bindparam, false, func, literal
from sqlalchemy.engine import Connection
from sqlalchemy.sql.type_api import TypeEngine

from cofatui.models import Company, Contract, Notification, PortfolioEntry
from cofatui.repository.sql import preferences
from cofatui.repository.sql.notifications_listed import ORDER, Listed, scope
from cofatui.repository.sql.paging import (
    KeyValue,
    SeekKind,
    SeekResult,
    seek_query,
    seek_result,
)
from cofatui.schemas import NotificationFilter

_n, _c, _e = Notification.__table__.c, Company.__table__.c, PortfolioEntry.__table__.c
_contract, _company, _entry = Contract.__table__, Company.__table__, PortfolioEntry.__table__

#: Shapes whose statement is kept; a rarer one is built for its request (a user with
#: hundreds of thresholds makes a shape per count of them).
MAX_SHAPES = 256


def page_query(listed: Listed) -> Select[Any]:
    """The page's columns (in the order ``notifications_json.row_dict`` reads them) over
    what ``listed`` lists, not ordered. Core columns, not entities: a page is tuples,
    no identity map, no ORM row loading."""
    query = (
        listed.query(
            _n.id, _n.contract_id, _n.company_id, _n.product_code, _n.category, _n.type,
            _n.importance, _n.kind, _n.params, _n.title, _n.body, _n.created_at,
            _n.target_type, _n.target_id, _c.name, _c.country, _c.easy_number,
            _e.client_reference, _contract.c.policy_number,
            func.coalesce(listed.state.read, false()).label("is_read"))
        .outerjoin(_contract, _contract.c.id == _n.contract_id))
    if not listed.needs_entry:
        query = query.outerjoin(_entry, and_(_e.contract_id == _n.contract_id,
                                             _e.company_id == _n.company_id))
    if not listed.needs_company:
        query = query.outerjoin(_company, _c.id == _n.company_id)
    return query


def key_of(row: Any) -> tuple[Any, Any]:
    """A page row's values of :data:`ORDER` (its cursor)."""
    return row.created_at, row.id


@dataclass(frozen=True)
class Shape:
    """What the statement of a filter without conditions of its own depends on: the
    user's own rows or not, how many thresholds, the read state asked, how the page is
    found and the types of its cursor's values (bound with the type SQLAlchemy gives
    each value, as a statement built with the values does: an aware or a naive
    datetime, an int)."""

    own: bool
    #: whether the user reads any contract's (``notifications_listed.scope``)
    contracts: bool
    thresholds: int
    read: bool | None
    seek: SeekKind
    cursor_types: tuple[str, ...]


_statements: dict[Shape, Select[Any]] = {}
_statements_lock = threading.Lock()


def statement(shape: Shape, types: Sequence[TypeEngine[Any]]) -> Select[Any]:
    """The page's statement of ``shape`` (``types``: its cursor values' types, whose
    names ``shape.cursor_types`` holds), built on first use."""
    found = _statements.get(shape)
    if found is None:
        found = _build(shape, types)
        with _statements_lock:
            if len(_statements) < MAX_SHAPES:
                found = _statements.setdefault(shape, found)
    return found


def _build(shape: Shape, types: Sequence[TypeEngine[Any]]) -> Select[Any]:
    me = bindparam("me")
    thresholds: list[preferences.Threshold] = [
        (bindparam(f"threshold_{i}_0"), bindparam(f"threshold_{i}_1"),
         bindparam(f"threshold_{i}_2"), bindparam(f"threshold_{i}_3"))
        for i in range(shape.thresholds)]
    listed = Listed(NotificationFilter(read=shape.read), me=me,
                    hidden=preferences.hidden_of(thresholds, bindparam("login")),
                    base=[scope(bindparam("contracts", expanding=True) if shape.contracts
                                else [], shape.own, me)])
    cursor = [bindparam(f"cursor_{i}", type_=kind) for i, kind in enumerate(types)]
    # Integer, as SQLAlchemy types an int given to offset() and limit().
    return seek_query(page_query(listed), ORDER, shape.seek, cursor,
                      bindparam("offset", type_=Integer()), bindparam("limit", type_=Integer()))


def plain_page(s: Connection, *, me: int, login: str, contracts: Sequence[int],
               thresholds: Sequence[preferences.Threshold], own: bool, read: bool | None,
               kind: SeekKind, cursor: Sequence[KeyValue], offset: int,
               limit: int) -> SeekResult:
    """The page of a filter with no condition of its own (its rights, thresholds and own
    rows already read): what ``seek_rows`` over its ``page_query`` reads."""
    types = [literal(value).type for value in cursor]
    shape = Shape(own=own, contracts=bool(contracts), thresholds=len(thresholds), read=read,
                  seek=kind, cursor_types=tuple(repr(kind) for kind in types))
    params: dict[str, Any] = {"me": me, "login": login, "offset": max(0, offset),
                              "limit": limit}
    if contracts:
        params["contracts"] = list(contracts)
    for i, threshold in enumerate(thresholds):
        params.update({f"threshold_{i}_{part}": value
                       for part, value in enumerate(threshold)})
    params.update({f"cursor_{i}": value for i, value in enumerate(cursor)})
    # all(): one fetchall (iterating the result fetched a row at a time).
    rows = list(s.execute(statement(shape, types), params).all())
    return seek_result(rows, kind, key_of)


__all__ = ["MAX_SHAPES", "Shape", "key_of", "page_query", "plain_page", "statement"]
