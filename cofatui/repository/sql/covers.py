"""``repo.covers`` on SQL (issue 20 item 3): the prospection (seed 002 §3) and exchange
(§4) covers of a contract, the receivables an exchange cover covers, and their events.

Reads follow the accounting section of the cover's contract (a cover the user may not
read is not found); writes need write access there. An event, its checks against what
the cover holds (read under the cover's row lock, so two racing repayments cannot both
fit) and, when the contract has books, its proposed entry are one transaction."""

from __future__ import annotations

import builtins
from decimal import Decimal

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.enums import CoverEventKind, CoverKind, Section
from cofatui.errors import FieldError, NotFound, RuleViolation, ValidationFailed
from cofatui.models import Contract
from cofatui.models.covers import CoveredReceivable, CoverEvent, OtherCover
from cofatui.repository.base import MAX_PAGE
from cofatui.repository.sql.books_access import books_of_contract
from cofatui.repository.sql.core import SqlArea
from cofatui.repository.sql.paging import SortKey, seek_rows
from cofatui.rules.covers import cover_errors, event_errors
from cofatui.rules.currencies import currency_errors
from cofatui.schemas import Page, Seek
from cofatui.schemas_accounting import (
    CoverCreate,
    CoverEventCreate,
    CoverEventPublic,
    CoverPublic,
    ReceivableCreate,
    ReceivablePublic,
)

SECTION = Section.ACCOUNTING
COVER_NOT_FOUND = "covers.cover_not_found"
_KIND_OF_EVENT = {
    CoverEventKind.PROSPECTION_INDEMNITY: CoverKind.PROSPECTION,
    CoverEventKind.PROSPECTION_REPAYMENT: CoverKind.PROSPECTION,
    CoverEventKind.PROSPECTION_BALANCE: CoverKind.PROSPECTION,
    CoverEventKind.EXCHANGE_SETTLEMENT: CoverKind.EXCHANGE,
}


def outstanding(s: Session, cover_ids: builtins.list[int]) -> dict[int, Decimal]:
    """What 168 holds per prospection cover: indemnities received less repayments and
    the final balance (EUR)."""
    signed = case((col(CoverEvent.kind) == CoverEventKind.PROSPECTION_INDEMNITY.value,
                   col(CoverEvent.eur_amount)), else_=-col(CoverEvent.eur_amount))
    rows = s.execute(select(CoverEvent.cover_id, func.sum(signed))
                     .where(col(CoverEvent.cover_id).in_(cover_ids or [-1]),
                            col(CoverEvent.kind) != CoverEventKind.EXCHANGE_SETTLEMENT.value)
                     .group_by(col(CoverEvent.cover_id))).all()
    out = {cid: Decimal(0) for cid in cover_ids}
    out.update({cid: Decimal(total or 0) for cid, total in rows})
    return out


class SqlCovers(SqlArea):
    """``repo.covers`` on SQL."""

    def list(self, contract_id: int | None = None, offset: int = 0,
             limit: int = 100, seek: Seek | None = None) -> Page[CoverPublic]:
        limit = max(1, min(limit, MAX_PAGE))
        offset = max(0, offset)
        readable = self._readable(self.contract_ids, SECTION)
        if contract_id is not None:
            # A contract I may not read is missing (ids leak nothing), as the other
            # lists filtered on a contract answer; not an empty page.
            if contract_id not in readable:
                raise NotFound("access.contract_not_found", contract_id=contract_id)
            readable = [contract_id]
        cond = col(OtherCover.contract_id).in_(readable or [-1])
        with self._uow() as s:
            total = -1 if seek is not None else s.execute(
                select(func.count()).select_from(OtherCover).where(cond)).scalar_one()
            # By reference, then id (a reference is unique per contract only).
            found = seek_rows(s, select(OtherCover).where(cond),
                              (SortKey(col(OtherCover.reference), str),
                               SortKey(col(OtherCover.id), int)),
                              seek, offset, limit, lambda row: (row[0].reference, row[0].id))
            return Page(items=self._publics(s, [row[0] for row in found.rows]),
                        offset=0 if seek else offset, limit=limit, total=total,
                        first_cursor=found.first_cursor, last_cursor=found.last_cursor)

    def get(self, cover_id: int) -> CoverPublic:
        with self._uow() as s:
            return self._publics(s, [self._cover(s, cover_id)])[0]

    def create(self, data: CoverCreate) -> CoverPublic:
        self._visible_or_404(data.contract_id, "premiums.contract_not_found",
                             contract_id=data.contract_id)
        self._require_write(data.contract_id, SECTION)
        errors = cover_errors(data.kind.value, data.start, data.end, data.guarantee_end,
                              data.amortisation_end, data.guaranteed_rate, data.covered_share)
        errors += currency_errors(data.currency, data.start)
        if data.kind == CoverKind.EXCHANGE and data.currency == "EUR":
            errors.append(FieldError("currency", "covers.exchange_in_eur"))
        if errors:
            raise ValidationFailed(errors)
        reference = data.reference.strip()
        with self._uow(write=True) as s:
            if s.get(Contract, data.contract_id) is None:
                raise NotFound("premiums.contract_not_found", contract_id=data.contract_id)
            if s.execute(select(OtherCover.id).where(
                    col(OtherCover.contract_id) == data.contract_id,
                    col(OtherCover.reference) == reference)).first():
                raise RuleViolation("covers.reference_taken", reference=reference)
            exchange = data.kind == CoverKind.EXCHANGE
            cover = OtherCover(
                contract_id=data.contract_id, kind=data.kind.value, reference=reference,
                currency=data.currency, start=data.start, end=data.end,
                guarantee_end=None if exchange else data.guarantee_end,
                amortisation_end=None if exchange else data.amortisation_end,
                guaranteed_rate=data.guaranteed_rate if exchange else None,
                covered_share=data.covered_share if exchange else Decimal(100),
                created_at=self.clock.now(), created_by=self.principal.login)
            s.add(cover)
            s.flush()
            self._audit(s, "covers.create", "other_cover", cover.id,
                        {k: [None, v] for k, v in data.model_dump(mode="json").items()},
                        data.contract_id)
            return self._publics(s, [cover])[0]

    def receivables(self, cover_id: int) -> builtins.list[ReceivablePublic]:
        with self._uow() as s:
            self._cover(s, cover_id)
            rows = s.execute(select(CoveredReceivable)
                             .where(col(CoveredReceivable.cover_id) == cover_id)
                             .order_by(col(CoveredReceivable.booked_on),
                                       col(CoveredReceivable.id))).scalars()
            return [ReceivablePublic.model_validate(r, from_attributes=True) for r in rows]

    def add_receivable(self, data: ReceivableCreate) -> ReceivablePublic:
        errors: builtins.list[FieldError] = []
        if data.amount <= 0:
            errors.append(FieldError("amount", "covers.not_above_zero"))
        if data.booked_rate <= 0:
            errors.append(FieldError("booked_rate", "covers.not_above_zero"))
        if errors:
            raise ValidationFailed(errors)
        reference = data.reference.strip()
        with self._uow(write=True) as s:
            cover = self._cover(s, data.cover_id, write=True)
            if cover.kind != CoverKind.EXCHANGE.value:
                raise RuleViolation("covers.not_exchange", reference=cover.reference)
            if s.execute(select(CoveredReceivable.id).where(
                    col(CoveredReceivable.cover_id) == cover.id,
                    col(CoveredReceivable.reference) == reference)).first():
                raise RuleViolation("covers.reference_taken", reference=reference)
            row = CoveredReceivable(cover_id=cover.id, reference=reference,
                                    debtor=data.debtor.strip(),
                                    debtor_aux=data.debtor_aux.strip(), amount=data.amount,
                                    booked_rate=data.booked_rate, booked_on=data.booked_on)
            s.add(row)
            s.flush()
            self._audit(s, "covers.add_receivable", "covered_receivable", row.id,
                        {k: [None, v] for k, v in data.model_dump(mode="json").items()},
                        cover.contract_id)
            return ReceivablePublic.model_validate(row, from_attributes=True)

    def events(self, cover_id: int) -> builtins.list[CoverEventPublic]:
        with self._uow() as s:
            self._cover(s, cover_id)
            rows = s.execute(select(CoverEvent).where(col(CoverEvent.cover_id) == cover_id)
                             .order_by(col(CoverEvent.event_date), col(CoverEvent.id))
                             ).scalars()
            return [CoverEventPublic.model_validate(r, from_attributes=True) for r in rows]

    def record_event(self, data: CoverEventCreate) -> CoverEventPublic:
        today = self.clock.now().date()
        with self._uow(write=True) as s:
            cover = self._cover(s, data.cover_id, write=True, lock=True)
            if _KIND_OF_EVENT[data.kind].value != cover.kind:
                # Not a field mistake: the event belongs to the other kind of cover.
                raise RuleViolation("covers.wrong_kind", reference=cover.reference)
            receivable = None
            if data.receivable_id is not None:
                receivable = s.execute(select(CoveredReceivable).where(
                    col(CoveredReceivable.id) == data.receivable_id,
                    col(CoveredReceivable.cover_id) == cover.id).with_for_update()
                ).scalars().first()
                if receivable is None:
                    raise ValidationFailed.at("receivable_id", "covers.receivable_not_found")
            assert cover.id is not None
            held = outstanding(s, [cover.id])[cover.id]
            errors = event_errors(cover, data.kind.value, data.event_date, data.eur_amount,
                                  data.currency_amount,
                                  None if receivable is None else receivable.settled, today)
            if errors:
                raise ValidationFailed(errors)
            self._refuse_event(data, held)
            event = CoverEvent(cover_id=cover.id, kind=data.kind.value,
                               event_date=data.event_date, eur_amount=data.eur_amount,
                               currency_amount=data.currency_amount,
                               receivable_id=data.receivable_id,
                               recorded_at=self.clock.now(), recorded_by=self.principal.login)
            s.add(event)
            if receivable is not None:
                receivable.settled = True
            s.flush()
            assert event.id is not None
            self._audit(s, "covers.record_event", "cover_event", event.id,
                        {k: [None, v] for k, v in data.model_dump(mode="json").items()},
                        cover.contract_id)
            if books_of_contract(s, cover.contract_id) is not None:
                from cofatui.repository.sql.ledger_post import book_source

                book_source(s, self.root, "cover_event", event.id)
            return CoverEventPublic.model_validate(event, from_attributes=True)

    # ------------------------------------------------------------------ helpers
    @staticmethod
    def _refuse_event(data: CoverEventCreate, held: Decimal) -> None:
        """What the cover holds limits what leaves it: no more repaid than received, and
        the final balance is what 168 still holds (the dates and amounts themselves are
        ``rules.covers.event_errors``'s)."""
        if data.kind == CoverEventKind.PROSPECTION_REPAYMENT and data.eur_amount > held:
            raise RuleViolation("covers.repayment_exceeds", outstanding=held)
        if data.kind == CoverEventKind.PROSPECTION_BALANCE:
            if held <= 0:
                raise RuleViolation("covers.balance_nothing_left")
            if data.eur_amount != held:
                raise ValidationFailed.at("eur_amount", "covers.balance_is_outstanding",
                                          outstanding=held)

    def _cover(self, s: Session, cover_id: int, write: bool = False,
               lock: bool = False) -> OtherCover:
        query = select(OtherCover).where(col(OtherCover.id) == cover_id)
        cover = s.execute(query.with_for_update() if lock else query).scalars().first()
        if cover is None or not self._readable([cover.contract_id], SECTION):
            raise NotFound(COVER_NOT_FOUND, cover_id=cover_id)
        if write:
            self._require_write(cover.contract_id, SECTION)
        return cover

    @staticmethod
    def _publics(s: Session, rows: builtins.list[OtherCover] | tuple[OtherCover, ...]
                 ) -> builtins.list[CoverPublic]:
        rows = builtins.list(rows)
        held = outstanding(s, [c.id for c in rows if c.id is not None])
        policies = dict(s.execute(select(Contract.id, Contract.policy_number).where(
            col(Contract.id).in_({c.contract_id for c in rows} or {-1}))).all())
        return [CoverPublic(
            id=c.id, contract_id=c.contract_id, policy_number=policies.get(c.contract_id, ""),
            kind=CoverKind(c.kind), reference=c.reference, currency=c.currency, start=c.start,
            end=c.end, guarantee_end=c.guarantee_end, amortisation_end=c.amortisation_end,
            guaranteed_rate=c.guaranteed_rate, covered_share=c.covered_share,
            outstanding=held.get(c.id, Decimal(0)) if c.id is not None else Decimal(0),
            version=c.version) for c in rows if c.id is not None]
