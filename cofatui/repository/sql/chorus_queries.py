"""The reading side of ``repo.chorus_invoices`` (issue 18 items 9 and 10): dashboards,
search, anomalies and the returns pop-up. ``SqlChorusInvoices`` delegates these five
methods here.

Who sees what comes from :mod:`~cofatui.repository.sql.chorus_access`: the issued side
reads the invoices of the structures whose issued space the principal holds today;
the received side those addressed to the structures whose received space they hold,
never a draft nor a non-compliant invoice (``HIDDEN_FROM_RECIPIENT``).

Every query is one index range per structure and side: the dashboard counts on
``ix_chorus_invoice_<side>_state``, a search page reads ``…_deposited`` newest first.
Invoices never deposited (drafts) come after the deposited ones: they are read as a
second range rather than sorted with ``deposited_at IS NULL``, which no index serves.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session, aliased
from sqlmodel import col

from cofatui.enums import ChorusInvoiceType, ChorusSpace, ChorusState
from cofatui.errors import FieldError, ValidationFailed
from cofatui.models.chorus import (
    ChorusAccount,
    ChorusInvoice,
    ChorusInvoiceEvent,
    ChorusStructure,
)
from cofatui.repository.sql.chorus_access import (
    ChorusRights,
    chorus_rights,
    require_space_or_404,
)
from cofatui.repository.sql.chorus_search_pages import NEVER, cursor_of, page_ids
from cofatui.repository.sql.core import SqlArea
from cofatui.repository.sql.paging import SortKey, seek_rows
from cofatui.repository.sql.upsert import table_of, upsert
from cofatui.rules.chorus_states import HIDDEN_FROM_RECIPIENT, chorus_status
from cofatui.schemas import Page, Seek
from cofatui.schemas_chorus import (
    ChorusAnomaly,
    ChorusDashboard,
    ChorusInvoiceRef,
    ChorusInvoiceRow,
    ChorusInvoiceSearch,
    ChorusStateCount,
)

#: The supplier's anomalies (seed 003 §XVIII).
ANOMALY_STATES = (ChorusState.NON_COMPLIANT, ChorusState.TO_RECYCLE, ChorusState.SUSPENDED,
                  ChorusState.REJECTED)
#: What the home pop-up shows (seed 004 "cas particulier").
RETURN_STATES = (ChorusState.REJECTED, ChorusState.SUSPENDED)
#: The states each side's dashboard lists: a recipient never has a draft or a
#: non-compliant invoice, so their zero would only mislead.
SIDE_STATES: dict[ChorusSpace, tuple[ChorusState, ...]] = {
    ChorusSpace.ISSUED: tuple(ChorusState),
    ChorusSpace.RECEIVED: tuple(s for s in ChorusState if s not in HIDDEN_FROM_RECIPIENT),
}
PAGE_MAX = 500
RETURNS_MAX = 100

#: Anomalies newest change first; an invoice never changed (NULL) sorts as the oldest,
#: so that keyset pages lose no row (paging.SortKey).
_CHANGED = func.coalesce(col(ChorusInvoice.state_changed_at), NEVER)
_ANOMALY_KEYS = (SortKey(_CHANGED, datetime, descending=True),
                 SortKey(col(ChorusInvoice.id), int, descending=True))

_supplier = aliased(ChorusStructure, name="supplier")
_recipient = aliased(ChorusStructure, name="recipient")


class SqlChorusQueries(SqlArea):
    """Dashboards, search, anomalies and returns for the repository's principal."""

    def dashboard(self, side: ChorusSpace,
                  structure_id: int | None = None) -> ChorusDashboard:
        side = ChorusSpace(side)
        with self._uow() as s:
            ids = self._scope(s, side, structure_id)
            counts: dict[str, int] = {}
            if ids:
                # The whole range of the side's state index, grouped; a state hidden
                # from the side is dropped below rather than filtered in the query,
                # which would make the planner leave that index.
                column = (ChorusInvoice.supplier_structure_id if side == ChorusSpace.ISSUED
                          else ChorusInvoice.recipient_structure_id)
                counts = {state: int(n) for state, n in s.execute(
                    select(ChorusInvoice.state, func.count())
                    .where(col(column).in_(ids)).group_by(ChorusInvoice.state))}
        states = SIDE_STATES[side]
        rows = [ChorusStateCount(state=st, chorus_status=chorus_status(st),
                                 count=counts.get(st.value, 0)) for st in states]
        return ChorusDashboard(side=side, structure_id=structure_id, counts=rows,
                               total=sum(r.count for r in rows))

    def search(self, criteria: ChorusInvoiceSearch, offset: int = 0,
               limit: int = 100, seek: Seek | None = None) -> Page[ChorusInvoiceRow]:
        where = _criteria(criteria)
        offset, limit = max(0, offset), max(1, min(limit, PAGE_MAX))
        with self._uow() as s:
            ids = self._scope(s, criteria.side, criteria.structure_id)
            if not ids:
                return Page(items=[], offset=offset, limit=limit, total=0)
            scope = and_(_side_scope(criteria.side, ids), *where)
            n_all, n_deposited = s.execute(
                select(func.count(), func.count(ChorusInvoice.deposited_at))
                .select_from(ChorusInvoice).where(scope)).one()
            window = page_ids(s, scope, seek, offset, limit, n_deposited)
            rows = _rows(s, [i for i, _ in window])
            items = [_row(r) for r in rows]  # while the rows are bound to the session
        first, last = (cursor_of(*window[0]), cursor_of(*window[-1])) if window \
            else (None, None)
        return Page(items=items, offset=0 if seek else offset, limit=limit, total=n_all,
                    first_cursor=first, last_cursor=last)

    def anomalies(self, structure_id: int | None = None, offset: int = 0,
                  limit: int = 100, seek: Seek | None = None) -> Page[ChorusAnomaly]:
        offset, limit = max(0, offset), max(1, min(limit, PAGE_MAX))
        with self._uow() as s:
            ids = self._scope(s, ChorusSpace.ISSUED, structure_id)
            if not ids:
                return Page(items=[], offset=offset, limit=limit, total=0)
            where = and_(col(ChorusInvoice.supplier_structure_id).in_(ids),
                         col(ChorusInvoice.state).in_([st.value for st in ANOMALY_STATES]))
            total = _count(s, where)
            page = seek_rows(
                s, select(ChorusInvoice.id, ChorusInvoice.number, ChorusInvoice.state,
                          ChorusInvoice.state_changed_at, ChorusInvoice.recipient_siret,
                          ChorusInvoice.last_comment,
                          func.coalesce(_recipient.name, "").label("recipient_name"),
                          _CHANGED.label("changed"))
                .outerjoin(_recipient, _recipient.id == ChorusInvoice.recipient_structure_id)
                .where(where), _ANOMALY_KEYS, seek, offset, limit,
                lambda r: (r.changed, r.id))
            rows = page.rows
            reasons = _failed_checks(s, [r.id for r in rows
                                         if r.state == ChorusState.NON_COMPLIANT])
        items = [ChorusAnomaly(
            invoice_id=r.id, number=r.number, state=ChorusState(r.state),
            chorus_status=chorus_status(ChorusState(r.state)),
            anomaly=", ".join(reasons.get(r.id, ())) or chorus_status(ChorusState(r.state)),
            at=r.state_changed_at, recipient_siret=r.recipient_siret,
            recipient_name=r.recipient_name, comment=r.last_comment) for r in rows]
        return Page(items=items, offset=0 if seek else offset, limit=limit, total=total,
                    first_cursor=page.first_cursor, last_cursor=page.last_cursor)

    def returns(self) -> list[ChorusInvoiceRef]:
        with self._uow() as s:
            ids = self._scope(s, ChorusSpace.ISSUED, None)
            if not ids:
                return []
            since = s.execute(select(ChorusAccount.returns_acknowledged_at).where(
                ChorusAccount.user_id == self.principal.user_id)).scalar()
            where = [col(ChorusInvoice.supplier_structure_id).in_(ids),
                     col(ChorusInvoice.state).in_([st.value for st in RETURN_STATES])]
            if since is not None:
                where.append(col(ChorusInvoice.state_changed_at) > since)
            rows = s.execute(
                select(ChorusInvoice.id, ChorusInvoice.number, ChorusInvoice.state,
                       ChorusInvoice.state_changed_at, ChorusInvoice.last_comment,
                       func.coalesce(_recipient.name, "").label("recipient_name"))
                .outerjoin(_recipient, _recipient.id == ChorusInvoice.recipient_structure_id)
                .where(*where)
                .order_by(col(ChorusInvoice.state_changed_at).desc(),
                          col(ChorusInvoice.id).desc())
                .limit(RETURNS_MAX)).all()
        return [ChorusInvoiceRef(id=r.id, number=r.number, state=ChorusState(r.state),
                                 chorus_status=chorus_status(ChorusState(r.state)),
                                 recipient_name=r.recipient_name, comment=r.last_comment,
                                 at=r.state_changed_at) for r in rows]

    def acknowledge_returns(self) -> None:
        # One statement whatever races: a second acknowledgement moves the mark on.
        with self._uow(write=True) as s:
            upsert(s, table_of(ChorusAccount),
                   [{"user_id": self.principal.user_id,
                     "returns_acknowledged_at": self.clock.now()}],
                   keys=["user_id"], update=["returns_acknowledged_at"])

    # --- helpers -------------------------------------------------------------------------
    def _scope(self, s: Session, side: ChorusSpace, structure_id: int | None) -> list[int]:
        """The structures read on ``side``: the one asked (NotFound unless the
        principal holds that space on it) or every one they hold it on."""
        rights: ChorusRights = chorus_rights(s, self.principal.user_id, self.clock.today())
        if structure_id is not None:
            return [require_space_or_404(rights, structure_id, ChorusSpace(side))]
        return sorted(rights.space(ChorusSpace(side)))


def _side_scope(side: ChorusSpace, ids: Sequence[int]) -> ColumnElement[bool]:
    if side == ChorusSpace.ISSUED:
        return col(ChorusInvoice.supplier_structure_id).in_(ids)
    return and_(col(ChorusInvoice.recipient_structure_id).in_(ids),
                col(ChorusInvoice.state).not_in([st.value for st in HIDDEN_FROM_RECIPIENT]))


def _criteria(c: ChorusInvoiceSearch) -> list[ColumnElement[bool]]:
    """The search criteria as conditions; a range upside down is refused at its end."""
    errors = []
    for start, end, name in ((c.deposited_from, c.deposited_to, "deposited_to"),
                             (c.changed_from, c.changed_to, "changed_to")):
        if start is not None and end is not None and end < start:
            errors.append(FieldError(name, "api.end_before_start"))
    if c.amount_min is not None and c.amount_max is not None and c.amount_max < c.amount_min:
        errors.append(FieldError("amount_max", "portfolio.amount_range"))
    if errors:
        raise ValidationFailed(errors)
    inv = ChorusInvoice
    where: list[ColumnElement[bool]] = []
    if c.states:
        where.append(col(inv.state).in_([ChorusState(st).value for st in c.states]))
    where += _day_range(col(inv.deposited_at), c.deposited_from, c.deposited_to)
    where += _day_range(col(inv.state_changed_at), c.changed_from, c.changed_to)
    if c.supplier.strip():
        where.append(col(inv.supplier_structure_id).in_(_structures_matching(c.supplier)))
    if c.recipient.strip():
        siret = "".join(c.recipient.split())
        where.append(or_(col(inv.recipient_siret) == siret,
                         col(inv.recipient_structure_id).in_(
                             _structures_matching(c.recipient))))
    if c.service_code.strip():
        where.append(func.upper(inv.service_code) == c.service_code.strip().upper())
    if c.number.strip():
        where.append(func.lower(inv.number).contains(c.number.strip().lower(),
                                                     autoescape=True))
    if c.type is not None:
        where.append(col(inv.type) == c.type.value)
    if c.frame.strip():
        where.append(col(inv.frame) == c.frame.strip().upper())
    if c.engagement.strip():
        where.append(func.upper(inv.engagement) == c.engagement.strip().upper())
    if c.amount_min is not None:
        where.append(col(inv.total_incl_tax) >= c.amount_min)
    if c.amount_max is not None:
        where.append(col(inv.total_incl_tax) <= c.amount_max)
    return where


def _day_range(column: Any, start: date | None, end: date | None) -> list[ColumnElement[bool]]:
    """Whole days, the end included: stored timestamps are UTC."""
    out = []
    if start is not None:
        out.append(column >= datetime.combine(start, time()))
    if end is not None:
        out.append(column < datetime.combine(end + timedelta(days=1), time()))
    return out


def _structures_matching(text: str) -> Any:
    """The structures of that SIRET (typed spaces ignored) or whose name contains it."""
    siret = "".join(text.split())
    return select(ChorusStructure.id).where(or_(
        col(ChorusStructure.siret) == siret,
        func.lower(ChorusStructure.name).contains(text.strip().lower(), autoescape=True)))


def _count(s: Session, where: ColumnElement[bool]) -> int:
    return int(s.execute(select(func.count()).select_from(ChorusInvoice).where(where))
               .scalar_one())


#: The columns of a list row, read with the window in one statement.
_ROW_COLUMNS = (
    ChorusInvoice.id, ChorusInvoice.number, ChorusInvoice.type, ChorusInvoice.frame,
    ChorusInvoice.supplier_structure_id, _supplier.siret.label("supplier_siret"),
    _supplier.name.label("supplier_name"), ChorusInvoice.recipient_siret,
    func.coalesce(_recipient.name, "").label("recipient_name"), ChorusInvoice.service_code,
    ChorusInvoice.engagement, ChorusInvoice.invoice_date, ChorusInvoice.deposited_at,
    ChorusInvoice.state_changed_at, ChorusInvoice.currency, ChorusInvoice.total_excl_tax,
    ChorusInvoice.total_incl_tax, ChorusInvoice.state, ChorusInvoice.attachments_size,
    ChorusInvoice.last_comment, ChorusInvoice.version)


def _rows(s: Session, ids: list[int]) -> list[Any]:
    """The columns of a window's ids (read from the side's ``…_deposited`` index alone
    by :mod:`~cofatui.repository.sql.chorus_search_pages`), in the ids' order."""
    if not ids:
        return []
    rows = {r.id: r for r in s.execute(
        select(*_ROW_COLUMNS)
        .join(_supplier, _supplier.id == ChorusInvoice.supplier_structure_id)
        .outerjoin(_recipient, _recipient.id == ChorusInvoice.recipient_structure_id)
        .where(col(ChorusInvoice.id).in_(ids)))}
    return [rows[i] for i in ids]


def _row(r: Any) -> ChorusInvoiceRow:
    """A list row from its columns, built without validation: they come typed from
    the table (a page of 100 rows is read at each scroll of a virtual list)."""
    values = r._asdict()
    state = ChorusState(values["state"])
    values.update(type=ChorusInvoiceType(values["type"]), state=state,
                  chorus_status=chorus_status(state))
    return ChorusInvoiceRow.model_construct(**values)


def _failed_checks(s: Session, invoice_ids: list[int]) -> dict[int, list[str]]:
    """The failed technical checks' codes of each non-compliant invoice: its last
    move to non-compliant."""
    if not invoice_ids:
        return {}
    ev = ChorusInvoiceEvent
    last = (select(ev.invoice_id, func.max(ev.id).label("id"))
            .where(col(ev.invoice_id).in_(invoice_ids),
                   col(ev.to_state) == ChorusState.NON_COMPLIANT.value)
            .group_by(ev.invoice_id).subquery())
    out: dict[int, list[str]] = {}
    for invoice_id, raw in s.execute(select(ev.invoice_id, ev.reasons)
                                     .join(last, last.c.id == ev.id)):
        try:
            out[invoice_id] = [str(x.get("code", "")) for x in json.loads(raw or "[]")
                               if isinstance(x, dict)]
        except ValueError:
            out[invoice_id] = []
    return out
