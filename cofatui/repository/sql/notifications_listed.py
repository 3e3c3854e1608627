"""What a notifications filter lists, as one value the page, the counts and the actions
on "all marked" (issue 21) share, so the rows marked are exactly the rows shown."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import Select, and_, false, func, or_, select, true
from sqlalchemy.sql.elements import ColumnElement

from cofatui.models import Company, Notification, NotificationState, PortfolioEntry
from cofatui.repository.sql import preferences
from cofatui.repository.sql.paging import SortKey
from cofatui.schemas import NotificationFilter

# The tables, not the entities: a statement naming an entity is compiled and its rows
# read by the ORM (``loading.instances``), a third of the API page's CPU for tuples.
_notification, _company = Notification.__table__, Company.__table__
_entry = PortfolioEntry.__table__
_n = _notification.c

#: Newest first: ``ix_notification_created`` (created_at, id), read either way. Every
#: writer sets created_at (a NULL would be neither before nor after a cursor), so no
#: coalesce here, which would cost the index.
#: The user's state row, joined as ``my_state`` (see ``Listed.state``).
_STATE = NotificationState.__table__.alias("my_state")

ORDER = (SortKey(_n.created_at, kind=datetime, descending=True),
         SortKey(_n.id, kind=int, descending=True))


@dataclass
class Listed:
    """``base``: the scope and the filter's conditions but the read state; ``hidden``:
    what each threshold of the user leaves out; the user's state row is joined as
    ``state`` (outer: absent means unread and not deleted)."""

    flt: NotificationFilter
    me: int
    hidden: list[ColumnElement[bool]]
    base: list[ColumnElement[bool]]
    #: The columns of one alias for every request: a new ``aliased()`` per request
    #: made SQLAlchemy build its columns and adapt every column of the statement again
    #: at each page (the API's notifications page: 6.9 -> 3.9 ms of CPU). Shared
    #: safely because no statement joins two users' states.
    state: ClassVar[Any] = _STATE.c

    @property
    def join_state(self) -> ColumnElement[bool]:
        return and_(self.state.notification_id == _n.id, self.state.user_id == self.me)

    @property
    def shown(self) -> ColumnElement[bool] | None:
        return preferences.shown_by(self.hidden)

    @property
    def needs_company(self) -> bool:
        f = self.flt
        return bool((f.company and f.company.strip()) or f.country
                    or (f.easy_number and f.easy_number.strip()))

    @property
    def needs_entry(self) -> bool:
        return bool(self.flt.custom_field_slot is not None and self.flt.custom_field_value)

    def conditions(self) -> list[ColumnElement[bool]]:
        """Everything ``rows`` applies: ``base``, the thresholds, not deleted by me, and
        the read/unread choice."""
        st = self.state
        # "Not deleted" and "unread" as coalesce(flag, false) = false, not "flag IS NULL
        # OR flag = false": PostgreSQL estimated the latter from the state rows' own
        # statistics, blind to the rows the outer join adds as NULL, so once a user had
        # read (or deleted) most of their state rows it expected one unread row, joined
        # the companies by a nested loop over a full scan per row, and the unread list's
        # first page took 26-57 s at 500 000 notifications (issue 21). A coalesce gets
        # a default estimate and the plan walks the date index as for the other lists.
        cond = [*self.base, func.coalesce(st.deleted, false()) == false()]
        if self.shown is not None:
            cond.append(self.shown)
        if self.flt.read is True:
            cond.append(st.read == true())
        elif self.flt.read is False:
            cond.append(func.coalesce(st.read, false()) == false())
        return cond

    def from_(self, query: Select[Any], with_state: bool = True,
              state_rows_only: bool = False) -> Select[Any]:
        """``query`` over the notifications with the joins the conditions name.
        ``state_rows_only``: only the notifications the user has a state row for (an
        inner join, which lets the database start from the user's few state rows; a
        LEFT JOIN made SQLite walk every notification of the contract — 6 s at
        773 000 — to count the user's deleted ones)."""
        query = query.select_from(_notification)
        if self.needs_company:
            query = query.join(_company, _company.c.id == _n.company_id)
        if self.needs_entry:
            query = query.join(_entry, and_(_entry.c.contract_id == _n.contract_id,
                                            _entry.c.company_id == _n.company_id))
        if state_rows_only:
            query = query.join(_STATE, self.join_state)
        elif with_state:
            query = query.outerjoin(_STATE, self.join_state)
        return query

    def query(self, *columns: Any) -> Select[Any]:
        """SELECT ``columns`` of the listed rows (unordered)."""
        return self.from_(select(*columns)).where(*self.conditions())


def scope(contracts: Any, own: bool, me: Any) -> ColumnElement[bool]:
    """The notifications of ``contracts`` (ids, or an expanding bind parameter), and the
    user's own (``me``) when ``own``: see ``SqlNotifications``.

    No contract (an empty list: a Chorus Pro user who reads none) is the user's own
    alone, not ``contract_id IN (-1) OR user_id = :me``: SQLite's planner costs that IN
    as a contract's share of the table and walked the newest-first index to its end for
    the user's few rows (5.7 s a page at a million notifications)."""
    if isinstance(contracts, list | tuple) and not contracts:
        return _n.user_id == me if own else false()
    by_contract: ColumnElement[bool] = _n.contract_id.in_(contracts)
    return or_(by_contract, _n.user_id == me) if own else by_contract


__all__ = ["ORDER", "Listed", "scope"]
