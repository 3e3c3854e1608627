"""Notifications: the filtered list, unread counts, read/unread/delete per user."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time

from sqlalchemy import bindparam, exists, false, func, or_, select, true
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from cofatui.enums import Section
from cofatui.errors import Forbidden, ValidationFailed
from cofatui.models import (
    Company,
    CustomFieldDefinition,
    CustomFieldValue,
    LegalIdentifier,
    Notification,
    NotificationState,
    PortfolioEntry,
)
from cofatui.notification_wording import load_params
from cofatui.repository.base import MAX_PAGE
from cofatui.repository.sql import (
    notification_changes,
    notifications_json,
    notifications_matching,
    notifications_page,
    preferences,
)
from cofatui.repository.sql.core import SqlArea
from cofatui.repository.sql.notifications_listed import ORDER, Listed, scope
from cofatui.repository.sql.notifications_page import key_of, page_query
from cofatui.repository.sql.notifications_search import text_condition
from cofatui.repository.sql.paging import cursor_values, seek_kind, seek_rows
from cofatui.repository.sql.search import identifier_variants, like_pattern
from cofatui.repository.sql.upsert import table_of, upsert
from cofatui.schemas import NotificationFilter, NotificationRow, Page, RowCount, Seek
from cofatui.schemas_preferences import Preferences, PreferencesUpdate

MAX_MARK = 100_000  # ids accepted by one mark/delete call
assert notification_changes.DECISION_KINDS  # its listener fills the change columns

_n = Notification.__table__.c
#: Whether a user has notifications of their own (one probe of
#: ``ix_notification_user_created``), built once: every page and count asks.
_HAS_OWN = select(_n.id).where(_n.user_id == bindparam("user_id")).limit(1)


@dataclass(frozen=True)
class _Prepared:
    """What a filter's statement needs read first: the user's thresholds on its
    contracts (none with "include below"), its own conditions (the text probe made)
    and whether the user has notifications of their own."""

    thresholds: list[preferences.Threshold]
    terms: list[ColumnElement[bool]]
    own: bool


class SqlNotifications(SqlArea):
    """``repo.notifications`` on SQL.

    Two kinds of rows are a user's: those of the contracts they read (``contract_id``),
    and those addressed to them alone (``user_id``: Chorus Pro, issue 18), which show
    whatever contract is chosen, since they belong to none. A user who has none of the
    second kind (one probe of ``ix_notification_user_created``) gets exactly the
    queries of contracts only."""

    def _scope(self, s: Session, contracts: list[int]) -> ColumnElement[bool]:
        """The rows of ``contracts``, and the user's own when they have any."""
        return scope(contracts, self._has_own(s), self.principal.user_id)

    def _has_own(self, s: Session | Connection) -> bool:
        """Whether any notification is addressed to the user alone."""
        return s.execute(_HAS_OWN, {"user_id": self.principal.user_id}).first() is not None

    def _notification_scope(self, contract_id: int | None) -> list[int]:
        if contract_id is not None:
            self._require_read(contract_id, Section.NOTIFICATIONS)
            return [contract_id]
        # Customised rights without the notifications section: that contract's are
        # not the user's to read.
        return self._readable(self.contract_ids, Section.NOTIFICATIONS)

    def count(self, flt: NotificationFilter | None = None,
              at_most: int | None = None) -> RowCount:
        flt = flt or NotificationFilter()
        with self._uow() as s, self.root._principal_read_in(s):
            contracts = self._notification_scope(flt.contract_id)
            listed = self._listed(s, flt, contracts)
            if at_most is not None:
                # Counting stops at at_most + 1 rows: "more than at_most" is all a
                # list painting its rows first needs to say.
                cap = max(0, at_most)
                found = int(s.execute(select(func.count()).select_from(
                    listed.query(_n.id).limit(cap + 1).subquery())).scalar_one())
                if found > cap:
                    return RowCount(count=cap, exact=False)
                return RowCount(count=found)
            return RowCount(count=self._count(s, flt, listed))

    def mark_matching(self, flt: NotificationFilter, read: bool,
                      except_ids: Sequence[int] = ()) -> int:
        return self._set_matching(flt, except_ids, read=read)

    def delete_matching(self, flt: NotificationFilter,
                        except_ids: Sequence[int] = ()) -> int:
        return self._set_matching(flt, except_ids, deleted=True)

    def _set_matching(self, flt: NotificationFilter, except_ids: Sequence[int],
                      read: bool | None = None, deleted: bool | None = None) -> int:
        """``mark``/``delete`` of what ``rows(flt)`` lists: the same rights and audit,
        one INSERT … SELECT … ON CONFLICT over the filter's own predicate."""
        contracts = self._notification_scope(flt.contract_id)
        refused = self._write_refusals(contracts)
        operation = ("delete_notifications" if deleted else
                     "mark_read" if read else "mark_unread")
        with self._uow(write=True) as s:
            listed = self._listed(s, flt, contracts)
            kept = notifications_matching.minus(listed, except_ids,
                                                None if deleted else read)
            groups: list[int | None] = [*contracts, *([None] if self._has_own(s) else [])]
            if len(groups) == 1 and groups[0] not in refused:
                # One contract (or the user's own only), writable: the audit's count
                # is the statement's, and the filter is not read a second time to
                # count it first (the real demo: half of a 230 000-row mark's time).
                written = notifications_matching.set_states(
                    s, self.principal.user_id, kept, read, deleted)
                per_contract = {groups[0]: written} if written else {}
            else:
                per_contract = notifications_matching.per_contract(s, kept)
                for contract_id in per_contract:
                    if contract_id in refused:
                        raise refused[contract_id]
                notifications_matching.set_states(s, self.principal.user_id, kept,
                                                   read, deleted)
            for audited, count in per_contract.items():
                self._audit(s, operation, "notification", None, {"count": [None, count]},
                            audited)
        return sum(per_contract.values())

    def _write_refusals(self, readable: list[int]) -> dict[int, Forbidden]:
        """A read-only notifications section (customised rights) reads, and marks
        nothing: the refusal of each such contract."""
        refused: dict[int, Forbidden] = {}
        for contract_id in readable:
            try:
                self._require_own_write(contract_id, Section.NOTIFICATIONS)
            except Forbidden as refusal:
                refused[contract_id] = refusal
        return refused

    def _listed(self, s: Session, flt: NotificationFilter,
                contracts: list[int]) -> Listed:
        """What ``rows(flt)`` lists: its joins and conditions."""
        return self._listed_of(flt, contracts, self._prepared(s, flt, contracts))

    def _prepared(self, s: Session | Connection, flt: NotificationFilter,
                  contracts: list[int]) -> _Prepared:
        """What a filter's statement needs read first."""
        # A date range backwards is refused before any read (the text probe included).
        if flt.date_from and flt.date_to and flt.date_from > flt.date_to:
            raise ValidationFailed.at("date_to", "api.end_before_start")
        found = [] if _include_below(flt) else preferences.thresholds(
            s, self.principal.user_id, contracts)
        text = text_condition(s, flt.text, self.dialect) if flt.text else None
        return _Prepared(found, self._filters(flt, text), self._has_own(s))

    def _listed_of(self, flt: NotificationFilter, contracts: list[int],
                   prepared: _Prepared) -> Listed:
        me = self.principal.user_id
        return Listed(
            flt, me=me, hidden=preferences.hidden_of(prepared.thresholds,
                                                     self.principal.login),
            base=[scope(contracts, prepared.own, me), *prepared.terms])

    def rows(self, flt: NotificationFilter | None = None, offset: int = 0,
             limit: int = 100, with_total: bool = True,
             seek: Seek | None = None) -> Page[NotificationRow]:
        listed = self._page(flt, offset, limit, with_total, seek)
        items = [NotificationRow(
            id=row.id, contract_id=row.contract_id, policy_number=row.policy_number or "",
            company_id=row.company_id, company_name=row.name or "",
            country=row.country or "", easy_number=row.easy_number or "",
            client_reference=row.client_reference or "",
            product_code=row.product_code, category=row.category, type=row.type,
            importance=row.importance, kind=row.kind, params=load_params(row.params),
            stored_title=row.title, stored_body=row.body,
            created_at=row.created_at, read=bool(row.is_read),
            target_type=row.target_type, target_id=row.target_id)
            for row in listed.found.rows]
        return Page(items=items, offset=listed.offset, limit=listed.limit,
                    total=listed.total, first_cursor=listed.found.first_cursor,
                    last_cursor=listed.found.last_cursor)

    def rows_json(self, flt: NotificationFilter | None = None, offset: int = 0,
                  limit: int = 100, with_total: bool = True,
                  seek: Seek | None = None) -> bytes:
        """``rows`` as the JSON of its ``Page[NotificationRow]`` (what the API sends),
        written from the database's rows without a model per row: the same reads, the
        same rights, the same bytes (tests/unit/test_api_notifications_json.py)."""
        return notifications_json.page_json(self._page(flt, offset, limit, with_total,
                                                        seek))

    def _page(self, flt: NotificationFilter | None, offset: int, limit: int,
              with_total: bool, seek: Seek | None) -> notifications_json.PageRows:
        """The rows of a page of ``rows`` (Core tuples) with its total and cursors."""
        flt = flt or NotificationFilter()
        limit = max(1, min(limit, MAX_PAGE))
        # The rights read in the page's own transaction: what they allow is what it
        # reads, and an API request (a principal not read yet) opens one transaction.
        # Core statements on the connection, no ORM Session (its construction and
        # execution path per statement).
        with self._reading() as s, self.root._principal_read_in(s):
            contracts = self._notification_scope(flt.contract_id)
            prepared = self._prepared(s, flt, contracts)
            # Built once, for the statement of a filter with conditions of its own and
            # for the total; the plain page needs it for neither when no total is asked.
            listed = self._listed_of(flt, contracts, prepared) \
                if prepared.terms or with_total else None
            if listed is not None and prepared.terms:  # a statement built for it
                found = seek_rows(s, page_query(listed), ORDER, seek, offset, limit, key_of)
            else:  # the list as it opens: its shape's statement, built once
                found = notifications_page.plain_page(
                    s, me=self.principal.user_id, login=self.principal.login,
                    contracts=contracts, thresholds=prepared.thresholds,
                    own=prepared.own, read=flt.read, kind=seek_kind(seek),
                    cursor=cursor_values(seek, ORDER), offset=offset, limit=limit)
            total = self._count(s, flt, listed) if listed is not None and with_total else -1
            return notifications_json.PageRows(found=found, offset=0 if seek else offset,
                                               limit=limit, total=total)

    def _count(self, s: Session | Connection, flt: NotificationFilter,
               listed: Listed) -> int:
        """The number of rows the filter shows, without probing the user's read state
        for each of a million notifications: count what matches, then subtract what
        this user deleted (and, for read/unread, what they read) — both small sets —
        and what each of their thresholds leaves out (one index range each)."""
        state = listed.state
        kept = [] if listed.shown is None else [listed.shown]

        def counted(*extra: ColumnElement[bool], with_state: bool = False) -> int:
            query = listed.from_(select(func.count()), with_state=False,
                                 state_rows_only=with_state)
            return int(s.execute(query.where(*listed.base, *extra)).scalar_one())

        visible = counted() - sum(counted(term) for term in listed.hidden) \
            - counted(state.deleted == true(), *kept, with_state=True)
        if flt.read is None:
            return visible
        read = counted(state.read == true(), state.deleted == false(), *kept,
                       with_state=True)
        return read if flt.read else visible - read

    def _filters(self, f: NotificationFilter,
                 text: ColumnElement[bool] | None) -> list[ColumnElement[bool]]:
        """The filter's conditions but the user's read state (``Listed.base``)."""
        n, c = _n, Company.__table__.c
        cond: list[ColumnElement[bool]] = []
        if text is not None:
            cond.append(text)
        if f.company and f.company.strip():
            cond.append(c.name_key.like(like_pattern(f.company.strip().casefold()),
                                        escape="\\"))
        if f.country:
            cond.append(c.country == f.country.upper())
        if f.easy_number and f.easy_number.strip():
            cond.append(c.easy_number.like(like_pattern(f.easy_number.strip()), escape="\\"))
        if f.legal_identifier and f.legal_identifier.strip():
            ids = LegalIdentifier.__table__.c
            cond.append(n.company_id.in_(select(ids.company_id).where(
                ids.value.in_(identifier_variants(f.legal_identifier)))))
        if f.custom_field_slot is not None and f.custom_field_value:
            v, d = CustomFieldValue.__table__.c, CustomFieldDefinition.__table__.c
            cond.append(exists().where(
                v.entry_id == PortfolioEntry.__table__.c.id, v.definition_id == d.id,
                d.slot == f.custom_field_slot,
                func.lower(v.value).like(
                    like_pattern(f.custom_field_value.lower()), escape="\\")))
        if f.product_code:
            code = "CRL" if f.product_code == "LCR" else f.product_code
            cond.append(n.product_code == code)
        if f.importance:
            cond.append(n.importance == f.importance.value)
        if f.type:
            cond.append(n.type == f.type)
        if f.category:
            cond.append(n.category == f.category.value)
        if f.date_from and f.date_to and f.date_from > f.date_to:
            raise ValidationFailed.at("date_to", "api.end_before_start")
        if f.date_from:
            cond.append(n.created_at >= datetime.combine(f.date_from, time.min))
        if f.date_to:
            cond.append(n.created_at <= datetime.combine(f.date_to, time.max))
        return cond

    def unread_count(self, contract_id: int | None = None) -> int:
        contracts = self._notification_scope(contract_id)
        n, st = Notification, NotificationState
        with self._uow() as s:
            mine = self._scope(s, contracts)
            hidden = self._hidden(s, contracts)
            shown = preferences.shown_by(hidden)
            extra = [] if shown is None else [shown]
            total = s.execute(select(func.count()).select_from(n).where(mine)).scalar_one()
            for term in hidden:  # one index range each
                total -= s.execute(select(func.count()).select_from(n).where(
                    mine, term)).scalar_one()
            seen = s.execute(
                select(func.count()).select_from(st).join(n, n.id == st.notification_id)
                .where(st.user_id == self.principal.user_id,
                       mine, *extra,
                       or_(st.read == true(), st.deleted == true()))).scalar_one()
            return int(total - seen)

    def _hidden(self, s: Session, contracts: list[int]) -> list[ColumnElement[bool]]:
        """What each of the user's thresholds leaves out."""
        return preferences.hidden_terms(s, self.principal.user_id, self.principal.login,
                                        contracts)

    # --- preferences (issue 16 item 9) ------------------------------------------------
    def preferences(self) -> Preferences:
        with self._uow() as s:
            return preferences.read(s, self.principal.user_id, self.contract_ids)

    def save_preferences(self, data: PreferencesUpdate) -> Preferences:
        with self._uow(write=True) as s:
            changes = preferences.save(s, self.principal.user_id, self.contract_ids, data)
            if changes:
                self._audit(s, "save_preferences", "user", self.principal.user_id,
                            changes)
        with self._uow() as s:
            return preferences.read(s, self.principal.user_id, self.contract_ids)

    def mark(self, ids: Sequence[int], read: bool) -> int:
        return self._set_state(ids, read=read)

    def delete(self, ids: Sequence[int]) -> int:
        return self._set_state(ids, deleted=True)

    def _set_state(self, ids: Sequence[int], read: bool | None = None,
                   deleted: bool | None = None) -> int:
        unique = sorted({int(i) for i in ids})
        if len(unique) > MAX_MARK:
            raise ValidationFailed.at("ids", "api.too_many_ids", limit=MAX_MARK)
        me = self.principal.user_id
        per_contract: dict[int | None, int] = {}
        readable = self._readable(self.contract_ids, Section.NOTIFICATIONS)
        refused = self._write_refusals(readable)
        with self._uow(write=True) as s:
            for start in range(0, len(unique), 900):
                chunk = unique[start:start + 900]
                visible = s.execute(select(Notification.id, Notification.contract_id).where(
                    Notification.id.in_(chunk),
                    or_(Notification.contract_id.in_(readable or [-1]),
                        Notification.user_id == me))).all()
                for _, contract_id in visible:
                    if contract_id in refused:
                        raise refused[contract_id]
                self._upsert_states(s, me, [nid for nid, _ in visible], read, deleted)
                for _, contract_id in visible:
                    per_contract[contract_id] = per_contract.get(contract_id, 0) + 1
            operation = ("delete_notifications" if deleted else
                         "mark_read" if read else "mark_unread")
            for audited, count in per_contract.items():
                self._audit(s, operation, "notification", None, {"count": [None, count]},
                            audited)
        return sum(per_contract.values())

    def _upsert_states(self, s: Session, me: int, ids: list[int], read: bool | None,
                       deleted: bool | None) -> None:
        """One row per (user, notification): created with the given flags, or updated
        with them where it exists (the other flag kept); repeating a mark is harmless."""
        changed = [name for name, value in (("read", read), ("deleted", deleted))
                   if value is not None]
        upsert(s, table_of(NotificationState),
               [{"user_id": me, "notification_id": i, "read": bool(read),
                 "deleted": bool(deleted)} for i in ids],
               keys=("user_id", "notification_id"), update=changed)


def _include_below(flt: NotificationFilter) -> bool:
    """The list's toggle "include below my thresholds"."""
    return flt.include_below_thresholds


__all__ = ["SqlNotifications"]
