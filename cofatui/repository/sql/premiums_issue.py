"""Notices insurer staff issue (issue 20 item 2): the yearly schedule of provisional
instalments, the adjustment of a past insurance year, and the month's billed services.
The amounts come from ``rules.premiums`` (pure); this module finds what is already
issued (each is refused or skipped when done, so a rerun adds nothing) and writes.
The caller holds the contract's row lock: two racing issues of the same year or month
cannot both pass the "already issued" check."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.enums import NoticeKind, NoticeLineRole, NoticeOrigin, NoticeStatus
from cofatui.errors import RuleViolation
from cofatui.models import Claim, Product
from cofatui.models.premiums import PremiumNotice, PremiumNoticeLine, PremiumPrice, PremiumTerms
from cofatui.repository.sql.premiums_notices import CENTS, LineSpec, insert_notice
from cofatui.rules import premiums as rules
from cofatui.rules.products import INFORMATION_CODES
from cofatui.schemas_accounting import NoticeAdjustment, NoticeSchedule, ServicesBilling

if TYPE_CHECKING:
    from cofatui.repository.sql.core import SqlCore

#: An adjustment or a services notice is due 30 days after it is issued (our choice).
DUE_DAYS = 30
_LIVE = col(PremiumNotice.status) != NoticeStatus.CANCELLED.value


def _terms(s: Session, contract_id: int) -> PremiumTerms:
    terms = s.get(PremiumTerms, contract_id)
    if terms is None:
        raise RuleViolation("premiums.no_terms", contract_id=contract_id)
    return terms


def _year(terms: PremiumTerms, year_start: date) -> tuple[date, date]:
    start, end = rules.insurance_year_of(terms.year_start, year_start)
    if start != year_start or year_start < terms.year_start:
        raise RuleViolation("premiums.not_an_anniversary", day=terms.year_start)
    return start, end


def _issued(s: Session, contract_id: int, kind: NoticeKind, start: date,
            end: date) -> list[PremiumNotice]:
    return list(s.execute(select(PremiumNotice).where(
        col(PremiumNotice.contract_id) == contract_id, col(PremiumNotice.kind) == kind.value,
        _LIVE, col(PremiumNotice.period_start) >= start,
        col(PremiumNotice.period_start) <= end)).scalars())


def schedule(s: Session, core: SqlCore, data: NoticeSchedule) -> list[PremiumNotice]:
    terms = _terms(s, data.contract_id)
    start, end = _year(terms, data.year_start)
    if _issued(s, data.contract_id, NoticeKind.PROVISIONAL, start, end):
        raise RuleViolation("premiums.schedule_exists", year_start=start)
    today = core.clock.now().date()
    plan = rules.instalment_schedule(start, terms.provisional_premium, terms.currency,
                                     terms.instalments)
    out = []
    for n, (p_start, p_end, due, amount) in enumerate(plan, start=1):
        out.append(insert_notice(
            s, contract_id=data.contract_id, kind=NoticeKind.PROVISIONAL,
            origin=NoticeOrigin.INSURER, period=(p_start, p_end), due_date=due,
            currency=terms.currency, issued_on=today, login=core.principal.login,
            lines=[LineSpec(NoticeLineRole.CREDIT_INSURANCE, f"{n}/{len(plan)}", amount)]))
    core._audit(s, "premiums.issue_schedule", "premium_terms", data.contract_id,
                {"year": [None, f"{start}/{end}"], "notices": [None, [x.number for x in out]]},
                data.contract_id)
    return out


def adjustment(s: Session, core: SqlCore, data: NoticeAdjustment) -> PremiumNotice:
    terms = _terms(s, data.contract_id)
    start, end = _year(terms, data.year_start)
    today = core.clock.now().date()
    if end >= today:
        raise RuleViolation("premiums.year_not_over", end=end)
    if _issued(s, data.contract_id, NoticeKind.ADJUSTMENT, start, end):
        raise RuleViolation("premiums.adjustment_exists", year_start=start)
    provisional = sum((x.total for x in _issued(s, data.contract_id, NoticeKind.PROVISIONAL,
                                                 start, end)), Decimal(0))
    amount = rules.adjustment(terms.rate_per_mille, data.turnover, terms.minimum_premium,
                              provisional)
    notice = insert_notice(
        s, contract_id=data.contract_id, kind=NoticeKind.ADJUSTMENT,
        origin=NoticeOrigin.INSURER, period=(start, end),
        due_date=today + timedelta(days=DUE_DAYS), currency=terms.currency, issued_on=today,
        login=core.principal.login, turnover=data.turnover,
        lines=[LineSpec(NoticeLineRole.CREDIT_INSURANCE, "", amount)])
    core._audit(s, "premiums.issue_adjustment", "premium_notice", notice.id,
                {"turnover": [None, data.turnover], "provisional": [None, provisional],
                 "amount": [None, amount]}, data.contract_id)
    return notice


def _month(day: date) -> tuple[date, date]:
    first = day.replace(day=1)
    nxt = (first + timedelta(days=32)).replace(day=1)
    return first, nxt - timedelta(days=1)


def _percent(rate: Decimal) -> str:
    return format(rate.normalize(), "f").replace(".", ",")


def services(s: Session, core: SqlCore, data: ServicesBilling) -> list[PremiumNotice]:
    """One notice per currency of the month's priced deliveries not billed yet (lines
    remember the product or claim they bill: a rerun finds them and adds nothing)."""
    first, last = _month(data.month)
    today = core.clock.now().date()
    if last >= today:
        raise RuleViolation("premiums.month_not_over", month=first)
    cid = data.contract_id
    since, until = datetime.combine(first, time.min), datetime.combine(last, time.max)
    prices = {p.code: p for p in s.execute(select(PremiumPrice)
                                           .where(col(PremiumPrice.contract_id) == cid))
              .scalars()}
    billed = select(PremiumNoticeLine.id).join(
        PremiumNotice, col(PremiumNotice.id) == col(PremiumNoticeLine.notice_id)).where(_LIVE)
    products = s.execute(select(Product.id, Product.code).where(
        col(Product.contract_id) == cid, col(Product.code).in_(sorted(INFORMATION_CODES)),
        col(Product.decided_at) >= since, col(Product.decided_at) <= until,
        ~col(Product.id).in_(billed.where(col(PremiumNoticeLine.product_id).is_not(None))
                             .with_only_columns(col(PremiumNoticeLine.product_id))))
        .order_by(col(Product.id))).all()
    claims = s.execute(select(Claim.id, Claim.reference).where(
        col(Claim.contract_id) == cid, col(Claim.intervention_requested).is_(True),
        col(Claim.submitted_at) >= since, col(Claim.submitted_at) <= until,
        ~col(Claim.id).in_(billed.where(col(PremiumNoticeLine.claim_id).is_not(None))
                           .with_only_columns(col(PremiumNoticeLine.claim_id))))
        .order_by(col(Claim.id))).all()
    by_currency: dict[str, list[LineSpec]] = defaultdict(list)
    vat: dict[tuple[str, Decimal], Decimal] = defaultdict(Decimal)
    items = [(prices.get(code), NoticeLineRole.INFORMATION, code, pid, None)
             for pid, code in products]
    items += [(prices.get("FEE"), NoticeLineRole.FEE, ref or "", None, claim_id)
              for claim_id, ref in claims]
    for price, role, label, pid, claim_id in items:
        if price is None:  # not on the price list: nothing to bill
            continue
        by_currency[price.currency].append(LineSpec(role, label, price.price,
                                                    product_id=pid, claim_id=claim_id))
        if price.vat_rate:
            vat[(price.currency, price.vat_rate)] += price.price * price.vat_rate / 100
    out = []
    for currency, lines in sorted(by_currency.items()):
        # "TVA 20 %", "TVA 5,5 %": French, as the FEC reads it (not "2E+1").
        lines += [LineSpec(NoticeLineRole.VAT, f"TVA {_percent(rate)} %", Decimal(0),
                           tax=amount.quantize(CENTS))
                  for (cur, rate), amount in sorted(vat.items()) if cur == currency]
        notice = insert_notice(
            s, contract_id=cid, kind=NoticeKind.SERVICES, origin=NoticeOrigin.INSURER,
            period=(first, last), due_date=today + timedelta(days=DUE_DAYS), currency=currency,
            issued_on=today, login=core.principal.login, lines=lines)
        core._audit(s, "premiums.bill_services", "premium_notice", notice.id,
                    {"month": [None, first], "lines": [None, len(lines)],
                     "total": [None, notice.total]}, cid)
        out.append(notice)
    return out
