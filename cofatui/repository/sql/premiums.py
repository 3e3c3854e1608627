"""``repo.premiums`` on SQL (issue 20 item 2): premium terms and prices, notices, and
the payments that settle them.

Insurer staff set terms and prices and issue notices (``premiums_issue``); a
policyholder with write access to the accounting section types paper notices in and
pays (``premiums_pay``). Reads follow the accounting section of the notice's contract;
a notice of a contract the user may not read is not found."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.enums import NoticeKind, NoticeOrigin, NoticeStatus, Role, Section
from cofatui.errors import (
    Conflict,
    FieldError,
    Forbidden,
    NotFound,
    RuleViolation,
    ValidationFailed,
)
from cofatui.models import Contract
from cofatui.models.premiums import PremiumNotice, PremiumPayment, PremiumPrice, PremiumTerms
from cofatui.repository.base import MAX_PAGE
from cofatui.repository.sql import premiums_issue as issue
from cofatui.repository.sql import premiums_notices as notices_sql
from cofatui.repository.sql import premiums_pay as pay_sql
from cofatui.repository.sql.core import SqlArea
from cofatui.repository.sql.paging import SortKey, seek_rows
from cofatui.rules import premiums as premium_rules
from cofatui.rules.currencies import currency_errors
from cofatui.rules.products import INFORMATION_CODES
from cofatui.schemas import Page, Seek
from cofatui.schemas_accounting import (
    NoticeAdjustment,
    NoticeCreate,
    NoticeFilter,
    NoticePublic,
    NoticeSchedule,
    PaymentCreate,
    PaymentPublic,
    PremiumPricePublic,
    PremiumPriceSet,
    PremiumTermsPublic,
    PremiumTermsSet,
    ServicesBilling,
)

SECTION = Section.ACCOUNTING
CONTRACT_NOT_FOUND = "premiums.contract_not_found"
#: What a price list may price: information products, and the intervention fee.
PRICED_CODES = INFORMATION_CODES | {"FEE"}


#: The notices' order: the soonest due first (ix_premium_notice_contract_due), then id.
NOTICE_ORDER = (SortKey(col(PremiumNotice.due_date), date), SortKey(col(PremiumNotice.id), int))
#: The payments' order: the latest paid first, then the latest recorded.
PAYMENT_ORDER = (SortKey(col(PremiumPayment.paid_on), date, descending=True),
                 SortKey(col(PremiumPayment.id), int, descending=True))

class SqlPremiums(SqlArea):
    """``repo.premiums`` on SQL."""

    # ------------------------------------------------------------------ terms, prices
    def terms(self, contract_id: int) -> PremiumTermsPublic | None:
        self._read(contract_id)
        with self._uow() as s:
            row = s.get(PremiumTerms, contract_id)
            return PremiumTermsPublic.model_validate(row, from_attributes=True) if row else None

    def set_terms(self, data: PremiumTermsSet) -> PremiumTermsPublic:
        self._require_staff()
        today = self.clock.now().date()
        errors = premium_rules.terms_errors(data.instalments, data.rate_per_mille,
                                            data.provisional_premium, data.minimum_premium)
        errors += currency_errors(data.currency, today)
        if errors:
            raise ValidationFailed(errors)
        with self._uow(write=True) as s:
            self._contract(s, data.contract_id)
            row = s.get(PremiumTerms, data.contract_id)
            values: dict[str, Any] = dict(
                year_start=data.year_start, provisional_premium=data.provisional_premium,
                currency=data.currency, instalments=data.instalments,
                rate_per_mille=data.rate_per_mille, minimum_premium=data.minimum_premium,
                updated_at=self.clock.now())
            if row is None:
                if data.version is not None:
                    raise Conflict("premiums.terms_changed", contract_id=data.contract_id)
                row = PremiumTerms(contract_id=data.contract_id, **values)
                s.add(row)
                changes = {k: [None, v] for k, v in values.items() if k != "updated_at"}
            else:
                if data.version != row.version:
                    raise Conflict("premiums.terms_changed", contract_id=data.contract_id)
                changes = {k: [getattr(row, k), v] for k, v in values.items()
                           if k != "updated_at" and getattr(row, k) != v}
                for k, v in values.items():
                    setattr(row, k, v)
            s.flush()
            self._audit(s, "premiums.set_terms", "premium_terms", data.contract_id, changes,
                        data.contract_id)
            return PremiumTermsPublic.model_validate(row, from_attributes=True)

    def prices(self, contract_id: int) -> list[PremiumPricePublic]:
        self._read(contract_id)
        with self._uow() as s:
            rows = s.execute(select(PremiumPrice)
                             .where(col(PremiumPrice.contract_id) == contract_id)
                             .order_by(col(PremiumPrice.code))).scalars()
            return [PremiumPricePublic.model_validate(r, from_attributes=True) for r in rows]

    def set_price(self, data: PremiumPriceSet) -> PremiumPricePublic | None:
        self._require_staff()
        errors: list[FieldError] = []
        if data.code not in PRICED_CODES:
            errors.append(FieldError("code", "premiums.not_priced_code", {"code": data.code}))
        if data.price < 0:
            errors.append(FieldError("price", "premiums.below_zero"))
        if not Decimal(0) <= data.vat_rate <= Decimal(100):
            errors.append(FieldError("vat_rate", "premiums.bad_vat_rate"))
        errors += currency_errors(data.currency, self.clock.now().date())
        if errors:
            raise ValidationFailed(errors)
        with self._uow(write=True) as s:
            self._contract(s, data.contract_id)
            row = s.execute(select(PremiumPrice).where(
                col(PremiumPrice.contract_id) == data.contract_id,
                col(PremiumPrice.code) == data.code)).scalars().first()
            before = [row.price, row.currency, row.vat_rate] if row else None
            if data.price == 0:
                if row is not None:
                    s.delete(row)
                result = None
            else:
                if row is None:
                    row = PremiumPrice(contract_id=data.contract_id, code=data.code,
                                       price=data.price, currency=data.currency,
                                       vat_rate=data.vat_rate)
                    s.add(row)
                else:
                    row.price, row.currency, row.vat_rate = (data.price, data.currency,
                                                             data.vat_rate)
                s.flush()
                result = PremiumPricePublic.model_validate(row, from_attributes=True)
            s.flush()
            self._audit(s, "premiums.set_price", "premium_price", row.id if row else None,
                        {data.code: [before, [data.price, data.currency, data.vat_rate]]},
                        data.contract_id)
            return result

    # ------------------------------------------------------------------ notices
    def notices(self, flt: NoticeFilter, offset: int = 0,
                limit: int = 100, seek: Seek | None = None) -> Page[NoticePublic]:
        limit = max(1, min(limit, MAX_PAGE))
        offset = max(0, offset)
        readable = self._readable(self.contract_ids, SECTION)
        if flt.contract_id is not None:
            # A contract I may not read is missing (ids leak nothing), as the other
            # lists filtered on a contract answer; not an empty page.
            if flt.contract_id not in readable:
                raise NotFound("access.contract_not_found", contract_id=flt.contract_id)
            readable = [flt.contract_id]
        cond: list[Any] = [col(PremiumNotice.contract_id).in_(readable or [-1])]
        if flt.status is not None:
            cond.append(col(PremiumNotice.status) == flt.status.value)
        if flt.kind is not None:
            cond.append(col(PremiumNotice.kind) == flt.kind.value)
        text = flt.text.strip()
        if text:
            like = f"%{text.lower()}%"
            cond.append(or_(func.lower(PremiumNotice.number).like(like),
                            col(PremiumNotice.contract_id).in_(
                                select(Contract.id).where(
                                    func.lower(Contract.policy_number).like(like)))))
        with self._uow() as s:
            total = -1 if seek is not None else s.execute(
                select(func.count()).select_from(PremiumNotice).where(*cond)).scalar_one()
            found = seek_rows(s, select(PremiumNotice).where(*cond), NOTICE_ORDER, seek,
                              offset, limit, lambda row: (row[0].due_date, row[0].id))
            return Page(items=notices_sql.notice_publics(s, [r[0] for r in found.rows]),
                        offset=0 if seek else offset, limit=limit, total=total,
                        first_cursor=found.first_cursor, last_cursor=found.last_cursor)

    def notice(self, notice_id: int) -> NoticePublic:
        with self._uow() as s:
            return notices_sql.notice_publics(s, [self._notice(s, notice_id)])[0]

    def create_notice(self, data: NoticeCreate) -> NoticePublic:
        staff = self.principal.role == Role.UNDERWRITER
        number = data.number.strip()
        self._read(data.contract_id)
        if not staff:
            self._require_write(data.contract_id, SECTION)
        # A notice typed or issued by hand may be a refund (negative total).
        errors = premium_rules.notice_line_errors(
            [(ln.role.value, ln.amount_excl_tax, ln.tax) for ln in data.lines],
            refund_allowed=True)
        errors += currency_errors(data.currency, self.clock.now().date())
        if data.period_end < data.period_start:
            errors.append(FieldError("period_end", "premiums.period_end_before_start"))
        if not staff and not number:
            errors.append(FieldError("number", "premiums.number_required"))
        if errors:
            raise ValidationFailed(errors)
        with self._uow(write=True) as s:
            if number and s.execute(select(PremiumNotice.id)
                                    .where(col(PremiumNotice.number) == number)).first():
                raise RuleViolation("premiums.number_taken", number=number)
            try:
                notice = notices_sql.insert_notice(
                    s, contract_id=data.contract_id, kind=NoticeKind.MANUAL,
                    origin=NoticeOrigin.INSURER if staff else NoticeOrigin.TYPED,
                    period=(data.period_start, data.period_end), due_date=data.due_date,
                    currency=data.currency,
                    lines=[notices_sql.LineSpec.of(ln) for ln in data.lines],
                    issued_on=self.clock.now().date(), login=self.principal.login,
                    number=number)
            except IntegrityError as exc:  # a concurrent notice with the typed number
                raise RuleViolation("premiums.number_taken", number=number) from exc
            self._audit(s, "premiums.create_notice", "premium_notice", notice.id,
                        {"number": [None, notice.number], "total": [None, notice.total],
                         "currency": [None, notice.currency], "origin": [None, notice.origin]},
                        notice.contract_id)
            return notices_sql.notice_publics(s, [notice])[0]

    def issue_schedule(self, data: NoticeSchedule) -> list[NoticePublic]:
        self._require_staff()
        with self._uow(write=True) as s:
            self._contract(s, data.contract_id, lock=True)
            rows = issue.schedule(s, self.root, data)
            return notices_sql.notice_publics(s, rows)

    def issue_adjustment(self, data: NoticeAdjustment) -> NoticePublic:
        self._require_staff()
        if data.turnover < 0:
            raise ValidationFailed.at("turnover", "premiums.below_zero")
        with self._uow(write=True) as s:
            self._contract(s, data.contract_id, lock=True)
            return notices_sql.notice_publics(s, [issue.adjustment(s, self.root, data)])[0]

    def bill_services(self, data: ServicesBilling) -> list[NoticePublic]:
        self._require_staff()
        with self._uow(write=True) as s:
            self._contract(s, data.contract_id, lock=True)
            return notices_sql.notice_publics(s, issue.services(s, self.root, data))

    def cancel_notice(self, notice_id: int, version: int) -> NoticePublic:
        with self._uow(write=True) as s:
            notice = self._notice(s, notice_id, lock=True)
            if notice.origin == NoticeOrigin.TYPED.value \
                    and self.principal.role != Role.UNDERWRITER:
                self._require_write(notice.contract_id, SECTION)
            else:
                self._require_staff()
            if notice.status != NoticeStatus.ISSUED.value:
                raise RuleViolation("premiums.notice_paid", number=notice.number)
            if notice.version != version:
                raise Conflict("premiums.notice_changed", number=notice.number)
            notice.status = NoticeStatus.CANCELLED.value
            s.flush()
            self._audit(s, "premiums.cancel_notice", "premium_notice", notice.id,
                        {"status": [NoticeStatus.ISSUED.value, notice.status]},
                        notice.contract_id)
            return notices_sql.notice_publics(s, [notice])[0]

    # ------------------------------------------------------------------ payments
    def pay(self, data: PaymentCreate) -> PaymentPublic:
        return pay_sql.pay(self, data)

    def payments(self, contract_id: int, offset: int = 0,
                 limit: int = 100, seek: Seek | None = None) -> Page[PaymentPublic]:
        self._read(contract_id)
        limit = max(1, min(limit, MAX_PAGE))
        offset = max(0, offset)
        with self._uow() as s:
            cond = col(PremiumPayment.contract_id) == contract_id
            total = -1 if seek is not None else s.execute(
                select(func.count()).select_from(PremiumPayment).where(cond)).scalar_one()
            found = seek_rows(s, select(PremiumPayment).where(cond), PAYMENT_ORDER, seek,
                              offset, limit, lambda row: (row[0].paid_on, row[0].id))
            return Page(items=pay_sql.payment_publics(s, [r[0] for r in found.rows]),
                        offset=0 if seek else offset, limit=limit, total=total,
                        first_cursor=found.first_cursor, last_cursor=found.last_cursor)

    # ------------------------------------------------------------------ helpers
    def _require_staff(self) -> None:
        self.root._refresh_principal()
        if self.principal.role != Role.UNDERWRITER:
            raise Forbidden("access.underwriters_only")

    def _read(self, contract_id: int) -> None:
        """NotFound for a contract the user is not attached to; Forbidden when its
        accounting section is closed to them."""
        self._visible_or_404(contract_id, CONTRACT_NOT_FOUND, contract_id=contract_id)
        self._require_read(contract_id, SECTION)

    def _contract(self, s: Session, contract_id: int, lock: bool = False) -> Contract:
        query = select(Contract).where(col(Contract.id) == contract_id)
        contract = s.execute(query.with_for_update() if lock else query).scalars().first()
        if contract is None:
            raise NotFound(CONTRACT_NOT_FOUND, contract_id=contract_id)
        return contract

    def _notice(self, s: Session, notice_id: int, lock: bool = False) -> PremiumNotice:
        query = select(PremiumNotice).where(col(PremiumNotice.id) == notice_id)
        notice = s.execute(query.with_for_update() if lock else query).scalars().first()
        if notice is None or notice.contract_id not in \
                self._readable([notice.contract_id], SECTION):
            raise NotFound(notices_sql.NOTICE_NOT_FOUND, notice_id=notice_id)
        return notice
