"""``repo.turnover`` on SQL: turnover declarations (issue 17 items 2–3).

An underwriter issues a request: the declaration, its notification and its reminder
jobs are written in one transaction, under a lock on the contract's row so that two
racing requests for overlapping periods cannot both pass the overlap check. The
policyholder saves lines (the declaration stays new) and sends it (sent, frozen).
Every write locks the declaration's row first (``FOR UPDATE`` on PostgreSQL, the write
transaction on SQLite) and checks its status before its version: of two racing sends
the second finds it sent and is refused ``turnover.already_sent``, nothing changed.

Import, template and attachments come from :class:`TurnoverImportMixin`, which uses
the helpers below (``_load_for_write``, ``_apply_lines``, ``_bump``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified
from sqlmodel import col

from cofatui import notification_wording as wording
from cofatui.enums import (
    Importance,
    Role,
    Section,
    TurnoverBasis,
    TurnoverBreakdown,
    TurnoverStatus,
)
from cofatui.errors import Conflict, Forbidden, NotFound, RuleViolation, ValidationFailed
from cofatui.models import Contract, TurnoverDeclaration, User
from cofatui.repository.base import MAX_PAGE
from cofatui.repository.sql import turnover_lines as lines_sql
from cofatui.repository.sql import turnover_notices as notices
from cofatui.repository.sql.core import SqlArea
from cofatui.repository.sql.keyset_page import entities_page
from cofatui.repository.sql.paging import SortKey
from cofatui.repository.sql.turnover_import import TurnoverImportMixin
from cofatui.rules import turnover as rules
from cofatui.schemas import Page, Seek
from cofatui.schemas_turnover import (
    TurnoverContact,
    TurnoverDeclarationPublic,
    TurnoverFilter,
    TurnoverLineIn,
    TurnoverLinePublic,
    TurnoverRequestIn,
    TurnoverUpdate,
)

SECTION = Section.TURNOVER
#: The back office's requests, latest due date first; a contract's declarations,
#: latest period first (both dates NOT NULL), then the newest.
_LATEST_DUE = (SortKey(col(TurnoverDeclaration.due_date), date, descending=True),
               SortKey(col(TurnoverDeclaration.id), int, descending=True))
_LATEST_PERIOD = (SortKey(col(TurnoverDeclaration.period_start), date, descending=True),
                  SortKey(col(TurnoverDeclaration.id), int, descending=True))


def _key_of(decl: TurnoverDeclaration, keys: Sequence[SortKey]) -> tuple[date, int]:
    """A declaration's values of the order ``keys``, for its cursor."""
    assert decl.id is not None
    return (decl.due_date if keys is _LATEST_DUE else decl.period_start, decl.id)


class SqlTurnover(SqlArea, TurnoverImportMixin):
    """``repo.turnover`` on SQL."""

    # ------------------------------------------------------------- insurer side
    def request(self, data: TurnoverRequestIn) -> TurnoverDeclarationPublic:
        self._require_underwriter()
        now = self.clock.now()
        today = now.date()
        due = data.due_date or rules.default_due_date(data.period_end)
        reminders = list(data.reminders) if data.reminders is not None \
            else [d for d in rules.default_reminders(due) if d >= today]
        errors = rules.request_errors(data.period_start, data.period_end, due, reminders,
                                      today)
        if errors:
            raise ValidationFailed(errors)
        with self._uow(write=True) as s:
            # The lock: a second request on the contract waits here until this one
            # commits, then sees it in the overlap check.
            contract = s.execute(select(Contract).where(Contract.id == data.contract_id)
                                 .with_for_update()).scalars().first()
            if contract is None:
                raise NotFound("turnover.contract_not_found", contract_id=data.contract_id)
            self._refuse_overlap(s, contract.id, data.period_start, data.period_end)
            decl = TurnoverDeclaration(
                contract_id=data.contract_id, period_start=data.period_start,
                period_end=data.period_end, label=data.label.strip(),
                basis=(data.basis or TurnoverBasis(contract.turnover_basis)).value,
                breakdown=(data.breakdown or TurnoverBreakdown(contract.turnover_breakdown))
                .value, due_date=due, status=TurnoverStatus.NEW.value, requested_at=now,
                requested_by=self.principal.login, updated_at=now)
            s.add(decl)
            s.flush()
            assert decl.id is not None
            conn = s.connection()
            notices.notify(conn, decl.contract_id, decl.id,
                           wording.turnover_requested(decl.period_start,
                                                      contract.policy_number),
                           Importance.NORMAL, now)
            notices.queue_reminders(conn, decl.id, reminders, now)
            self._audit(s, "turnover.request", "turnover_declaration", decl.id,
                        {"period": [None, f"{decl.period_start}/{decl.period_end}"],
                         "due_date": [None, due], "reminders": [None, reminders]},
                        decl.contract_id)
            return self._public(s, decl)

    def cancel(self, declaration_id: int, version: int) -> TurnoverDeclarationPublic:
        self._require_underwriter()
        now = self.clock.now()
        with self._uow(write=True) as s:
            decl = self._locked(s, declaration_id)
            refusal = rules.cancel_refusal(decl.status)
            if refusal is not None:
                raise refusal
            self._check_version(decl, version)
            decl.status = TurnoverStatus.CANCELLED.value
            decl.cancelled_at = now
            decl.cancelled_by = self.principal.login
            decl.updated_at = now
            s.flush()
            self._audit(s, "turnover.cancel", "turnover_declaration", decl.id,
                        {"status": [TurnoverStatus.NEW.value, decl.status]}, decl.contract_id)
            return self._public(s, decl)

    def requests(self, flt: TurnoverFilter | None = None, offset: int = 0,
                 limit: int = 100, seek: Seek | None = None
                 ) -> Page[TurnoverDeclarationPublic]:
        self._require_underwriter()
        flt = flt or TurnoverFilter()
        cond: list[Any] = []
        if flt.contract_id is not None:
            cond.append(TurnoverDeclaration.contract_id == flt.contract_id)
        if flt.status is not None:
            cond.append(TurnoverDeclaration.status == flt.status.value)
        if flt.late_only:
            cond += [TurnoverDeclaration.status == TurnoverStatus.NEW.value,
                     TurnoverDeclaration.due_date < self.clock.now().date()]
        return self._page(cond, _LATEST_DUE, offset, limit, seek)

    # ------------------------------------------------------------- policyholder side
    def declarations(self, contract_id: int, offset: int = 0, limit: int = 100,
                     seek: Seek | None = None) -> Page[TurnoverDeclarationPublic]:
        self._require_read(contract_id, SECTION)
        return self._page([TurnoverDeclaration.contract_id == contract_id], _LATEST_PERIOD,
                          offset, limit, seek)

    def get(self, declaration_id: int) -> TurnoverDeclarationPublic:
        with self._uow() as s:
            return self._public(s, self._load_for_read(s, declaration_id))

    def lines(self, declaration_id: int, offset: int = 0, limit: int = 50,
              text: str | None = None, seek: Seek | None = None
              ) -> Page[TurnoverLinePublic]:
        with self._uow() as s:
            decl = self._load_for_read(s, declaration_id)
            empty = decl.status == TurnoverStatus.NEW and not lines_sql.has_lines(
                s, declaration_id)
        if empty:  # the first read of a new declaration: pre-fill it, then read
            with self._uow(write=True) as s:
                decl = self._lock(s, declaration_id)
                if decl.status == TurnoverStatus.NEW:
                    lines_sql.prefill(s, decl, self._currency(s, decl), self.clock.now())
        limit = max(1, min(limit, MAX_PAGE))
        with self._uow() as s:
            decl = self._load_for_read(s, declaration_id)
            return lines_sql.page(s, decl, offset, limit, text, seek)

    def update(self, declaration_id: int, data: TurnoverUpdate) -> TurnoverDeclarationPublic:
        with self._uow(write=True) as s:
            decl = self._load_for_write(s, declaration_id, data.version)
            errors = rules.contact_refusals(data.contact) if data.contact else []
            if errors:
                raise ValidationFailed(errors)
            written = self._apply_lines(s, decl, data.lines)
            refusal = rules.nothing_to_declare_refusal(
                data.nothing_to_declare, [lines_sql.any_amount(s, declaration_id)])
            if refusal is not None:
                raise refusal
            before = self._contact(decl)
            if data.contact is not None:
                self._set_contact(decl, data.contact)
            elif not decl.contact_name:
                self._set_contact(decl, self._own_contact(s))
            decl.nothing_to_declare = data.nothing_to_declare
            self._bump(s, decl)
            self._audit(s, "turnover.update", "turnover_declaration", decl.id,
                        {"lines": [None, written],
                         "contact": [before.model_dump(), self._contact(decl).model_dump()]}
                        if before != self._contact(decl) else {"lines": [None, written]},
                        decl.contract_id)
            return self._public(s, decl)

    def send(self, declaration_id: int, version: int) -> TurnoverDeclarationPublic:
        now = self.clock.now()
        with self._uow(write=True) as s:
            decl = self._load_for_write(s, declaration_id, version)
            lines_sql.fill_empty_with_zero(s, declaration_id, now)
            if not decl.contact_name:
                self._set_contact(decl, self._own_contact(s))
            decl.status = TurnoverStatus.SENT.value
            decl.sent_at = now
            decl.sent_by = self.principal.login
            self._bump(s, decl)
            self._audit(s, "turnover.send", "turnover_declaration", decl.id,
                        {"status": [TurnoverStatus.NEW.value, decl.status]}, decl.contract_id)
            return self._public(s, decl)

    # ------------------------------------------------------------- helpers (mixin too)
    def _require_underwriter(self) -> None:
        if self.principal.role != Role.UNDERWRITER:
            raise Forbidden("access.underwriters_only")

    def _lock(self, s: Session, declaration_id: int) -> TurnoverDeclaration:
        """The declaration's row, locked until the transaction ends (PostgreSQL; on
        SQLite the write transaction already holds the database)."""
        decl = s.execute(select(TurnoverDeclaration)
                         .where(TurnoverDeclaration.id == declaration_id)
                         .with_for_update()).scalars().first()
        if decl is None:
            raise NotFound(rules.NOT_FOUND, declaration_id=declaration_id)
        return decl

    def _locked(self, s: Session, declaration_id: int) -> TurnoverDeclaration:
        """Locked and visible to the user (another contract's is missing: 404)."""
        decl = self._lock(s, declaration_id)
        self._visible_or_404(decl.contract_id, rules.NOT_FOUND, declaration_id=declaration_id)
        return decl

    def _load_for_read(self, s: Session, declaration_id: int) -> TurnoverDeclaration:
        decl = s.get(TurnoverDeclaration, declaration_id)
        if decl is None:
            raise NotFound(rules.NOT_FOUND, declaration_id=declaration_id)
        self._visible_or_404(decl.contract_id, rules.NOT_FOUND, declaration_id=declaration_id)
        self._require_read(decl.contract_id, SECTION)
        return decl

    def _load_for_write(self, s: Session, declaration_id: int,
                        version: int | None = None) -> TurnoverDeclaration:
        """Locked, writable by the user (``turnover`` full), new (a sent one is
        ``turnover.already_sent`` whatever the version given), at ``version`` if given,
        pre-filled if it has no line yet."""
        decl = self._locked(s, declaration_id)
        self._require_write(decl.contract_id, SECTION)
        refusal = rules.edit_refusal(decl.status)
        if refusal is not None:
            raise refusal
        if version is not None:
            self._check_version(decl, version)
        # A declaration saved, imported into or sent before its first read is
        # pre-filled first, as that read would have.
        lines_sql.prefill(s, decl, self._currency(s, decl), self.clock.now())
        return decl

    @staticmethod
    def _check_version(decl: TurnoverDeclaration, version: int) -> None:
        if decl.version != version:
            raise Conflict("turnover.changed", declaration_id=decl.id)

    def _apply_lines(self, s: Session, decl: TurnoverDeclaration,
                     lines: list[TurnoverLineIn]) -> int:
        """Upsert lines (validated per line at ``lines.N.field``); returns how many."""
        now = self.clock.now()
        return lines_sql.apply_lines(s, decl, lines, self._currency(s, decl), now.date(), now)

    def _bump(self, s: Session, decl: TurnoverDeclaration) -> None:
        """A change of the declaration: its version moves (the ORM checks the old one),
        even when no column of its own changed (lines saved at the same instant)."""
        decl.updated_at = self.clock.now()
        flag_modified(decl, "updated_at")
        s.flush()

    @staticmethod
    def _currency(s: Session, decl: TurnoverDeclaration) -> str:
        return str(s.execute(select(Contract.currency)
                             .where(Contract.id == decl.contract_id)).scalar_one())

    def _refuse_overlap(self, s: Session, contract_id: int, start: date, end: date) -> None:
        other = s.execute(select(TurnoverDeclaration).where(
            TurnoverDeclaration.contract_id == contract_id,
            TurnoverDeclaration.status != TurnoverStatus.CANCELLED.value,
            TurnoverDeclaration.period_start <= end, TurnoverDeclaration.period_end >= start)
            .limit(1)).scalars().first()
        if other is not None:
            raise RuleViolation(rules.OVERLAPS, label=other.label or
                                f"{other.period_start} – {other.period_end}")

    @staticmethod
    def _contact(decl: TurnoverDeclaration) -> TurnoverContact:
        return TurnoverContact(name=decl.contact_name, phone=decl.contact_phone,
                               email=decl.contact_email)

    @staticmethod
    def _set_contact(decl: TurnoverDeclaration, contact: TurnoverContact) -> None:
        decl.contact_name = contact.name.strip()
        decl.contact_phone = contact.phone.strip()
        decl.contact_email = contact.email.strip()

    def _own_contact(self, s: Session) -> TurnoverContact:
        """The user in charge by default (seed: "Modifier" changes it)."""
        email, phone = s.execute(select(User.email, User.phone)
                                 .where(User.id == self.principal.user_id)).one()
        return TurnoverContact(name=self.principal.display_name[:120], phone=phone[:40],
                               email=email[:254])

    def _page(self, cond: list[Any], keys: Sequence[SortKey], offset: int,
              limit: int, seek: Seek | None) -> Page[TurnoverDeclarationPublic]:
        """A page in the order of ``keys`` (a date, then the id), by offset or by key
        (issue 21)."""
        with self._uow() as s:
            return entities_page(s, select(TurnoverDeclaration).where(*cond), keys, seek,
                                 offset, min(limit, MAX_PAGE),
                                 lambda d: _key_of(d, keys),
                                 lambda rows: self._publics(s, rows))

    def _public(self, s: Session, decl: TurnoverDeclaration) -> TurnoverDeclarationPublic:
        return self._publics(s, [decl])[0]

    def _publics(self, s: Session,
                 rows: list[TurnoverDeclaration]) -> list[TurnoverDeclarationPublic]:
        if not rows:
            return []
        ids = [r.id for r in rows if r.id is not None]
        contracts = {cid: (num, cur) for cid, num, cur in s.execute(
            select(Contract.id, Contract.policy_number, Contract.currency)
            .where(Contract.id.in_({r.contract_id for r in rows})))}
        aggs = lines_sql.aggregates(s, ids)
        conn = s.connection()
        today = self.clock.now().date()
        # Not chosen yet: the reader is in charge by default (seed "Modifier").
        own = self._own_contact(s) if any(not r.contact_name for r in rows) else None
        out = []
        for r in rows:
            assert r.id is not None
            policy, currency = contracts[r.contract_id]
            agg = aggs[r.id]
            contact = self._contact(r) if r.contact_name or own is None else own
            out.append(TurnoverDeclarationPublic(
                id=r.id, contract_id=r.contract_id, policy_number=policy,
                period_start=r.period_start, period_end=r.period_end, label=r.label,
                basis=TurnoverBasis(r.basis), breakdown=TurnoverBreakdown(r.breakdown),
                due_date=r.due_date, days_late=rules.days_late(r.due_date, r.status, today),
                status=TurnoverStatus(r.status), requested_at=r.requested_at,
                requested_by=r.requested_by, contact=contact,
                nothing_to_declare=r.nothing_to_declare, sent_at=r.sent_at,
                sent_by=r.sent_by, cancelled_at=r.cancelled_at, currency=currency,
                line_count=agg.line_count, filled_count=agg.filled_count,
                totals=agg.totals or [],
                notification_id=notices.request_notification_id(conn, r.id),
                version=r.version))
        return out
