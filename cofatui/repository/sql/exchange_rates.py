"""Exchange rates (record, list, import an ECB file) and what claims read of them: the
rates valid on a claim's declaration date, its totals per currency and its assessment
in the contract's currency (``rules.indemnity``, ``rules.exchange_rates``)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, insert, or_, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.enums import FINAL_CLAIM_STATUSES, ClaimStatus, Role
from cofatui.errors import FieldError, Forbidden, ValidationFailed
from cofatui.formats.ecb_rates import BASE_CURRENCY, EcbRates
from cofatui.models import AuditEntry, Claim, ClaimInvoice, ClaimPayment, ExchangeRate
from cofatui.models.types import Money as MoneyColumn
from cofatui.repository.base import MAX_PAGE
from cofatui.repository.sql.core import SqlArea
from cofatui.repository.sql.engine import translated_errors
from cofatui.repository.sql.keyset_page import entity_page
from cofatui.repository.sql.paging import SortKey
from cofatui.rules import exchange_rates as rates_rules
from cofatui.rules import indemnity
from cofatui.rules.money import Money
from cofatui.schemas import (
    ClaimAssessment,
    CurrencyAmount,
    CurrencyTotal,
    ExchangeRateCreate,
    ExchangeRatePublic,
    InvoiceLine,
    Page,
    PaymentLine,
    RateUsed,
    Seek,
    WaitingLines,
)

ECB_SOURCE = "ECB"
#: The list's order: newest day first, then newest recorded (both NOT NULL).
_NEWEST_DAY = (SortKey(col(ExchangeRate.rate_date), date, descending=True),
               SortKey(col(ExchangeRate.id), int, descending=True))
INSERT_CHUNK = 2000


class SqlRates(SqlArea):
    """``repo.rates`` on SQL."""
    def record(self, data: ExchangeRateCreate) -> ExchangeRatePublic:
        """A rate typed in by a claims handler. The same pair, day and source again
        replaces the rate (a correction, audited with the value it replaces)."""
        if self.principal.role != Role.UNDERWRITER:
            raise Forbidden("access.handlers_record_rates")
        base, quote = data.base.strip().upper(), data.quote.strip().upper()
        source = data.source.strip() or self.principal.login
        errors = rates_rules.rate_errors(base, quote, data.rate, data.rate_date, source,
                                         self.clock.today())
        if errors:
            raise ValidationFailed(errors)
        now = self.clock.now()
        with self._uow(write=True) as s:
            row = s.execute(select(ExchangeRate).where(
                ExchangeRate.base == base, ExchangeRate.quote == quote,
                ExchangeRate.rate_date == data.rate_date,
                ExchangeRate.source == source)).scalars().first()
            before = None if row is None else row.rate
            if row is None:
                row = ExchangeRate(base=base, quote=quote, rate=data.rate,
                                   rate_date=data.rate_date, source=source)
                s.add(row)
            elif row.rate == data.rate:
                return ExchangeRatePublic.model_validate(row)
            row.rate, row.recorded_at, row.recorded_by = data.rate, now, self.principal.login
            s.flush()
            self._audit(s, "record_exchange_rate", "exchange_rate", row.id,
                        {"pair": [None, f"{base}/{quote}"],
                         "rate_date": [None, data.rate_date],
                         "rate": [before, data.rate], "source": [None, source]})
            refresh_claim_amounts(s, {base, quote}, self.clock.today())
            return ExchangeRatePublic.model_validate(row)

    def rows(self, currency: str | None = None, offset: int = 0,
             limit: int = 100, seek: Seek | None = None) -> Page[ExchangeRatePublic]:
        """Recorded rates, newest day first; ``currency`` keeps the pairs it is in. By
        offset, or by key (rate_date, id) as ``seek`` says (issue 21)."""
        cond = []
        if currency:
            code = currency.strip().upper()
            cond.append(or_(ExchangeRate.base == code, ExchangeRate.quote == code))
        with self._uow() as s:
            return entity_page(s, select(ExchangeRate).where(*cond), _NEWEST_DAY, seek,
                               max(0, offset), min(limit, MAX_PAGE),
                               lambda r: (r.rate_date, r.id),
                               ExchangeRatePublic.model_validate)


# --- what claims read ---------------------------------------------------------------------


def rates_on(s: Session, currencies: Iterable[str], target: str,
             on: date) -> list[rates_rules.ExchangeRate]:
    """For each pair a conversion of ``currencies`` into ``target`` may use, the rates of
    its newest day on or before ``on`` (every source of that day: the rule picks)."""
    found: list[rates_rules.ExchangeRate] = []
    for base, quote in rates_rules.needed_pairs(currencies, target):
        pair = (ExchangeRate.base == base, ExchangeRate.quote == quote)
        newest = select(func.max(ExchangeRate.rate_date)).where(
            *pair, ExchangeRate.rate_date <= on).scalar_subquery()
        found += [rates_rules.ExchangeRate(r.base, r.quote, r.rate, r.rate_date, r.source,
                                           r.recorded_at)
                  for r in s.execute(select(ExchangeRate).where(
                      *pair, ExchangeRate.rate_date == newest)).scalars()]
    return found


def declaration_date(claim: Claim, today: date) -> date:
    """The date a claim's foreign-currency lines are converted at (rules.indemnity): the
    day it was submitted (a claim always has one once registered)."""
    return declared_on(claim.submitted_at, claim.created_at, today)


def declared_on(submitted_at: datetime | None, created_at: datetime | None,
                today: date) -> date:
    at = submitted_at or created_at
    return at.date() if at is not None else today


def claim_lines(s: Session, claim_id: int) -> list[indemnity.ClaimLine]:
    invoices = s.execute(select(ClaimInvoice.number, ClaimInvoice.currency,
                                ClaimInvoice.amount_excl_tax, ClaimInvoice.tax).where(
        ClaimInvoice.claim_id == claim_id).order_by(ClaimInvoice.id)).all()
    payments = s.execute(select(ClaimPayment.invoice_references, ClaimPayment.currency,
                                ClaimPayment.amount).where(
        ClaimPayment.claim_id == claim_id).order_by(ClaimPayment.id)).all()
    return [*(indemnity.ClaimLine("invoice", n, Money(amount + tax, cur))
              for n, cur, amount, tax in invoices),
            *(indemnity.ClaimLine("payment", refs, Money(amount, cur))
              for refs, cur, amount in payments)]


def claim_amount(s: Session, lines: Sequence[indemnity.ClaimLine], currency: str,
                 on: date) -> Decimal | None:
    """The claim amount in ``currency`` with the rates valid on ``on``; None while lines
    wait for a rate (a sum of mixed currencies is never stored)."""
    foreign = {line.money.currency for line in lines} - {currency}
    rates = rates_on(s, foreign, currency, on) if foreign else []
    amount = indemnity.claim_amount_in(lines, currency, rates, on).amount
    return None if amount is None else amount.amount


def refresh_claim_amounts(s: Session, currencies: Iterable[str], today: date) -> int:
    """A rate recorded, imported or corrected in one of ``currencies`` changes the stored
    claim amount of every open claim with a line in such a currency other than its own:
    a claim that waited for the rate gets its amount (so the claims queue lists and
    filters it), one computed with a corrected rate is computed again. Runs in the
    transaction that records the rate. Returns how many claims changed."""
    codes = sorted(set(currencies))
    if not codes:
        return 0
    foreign = select(ClaimInvoice.claim_id).join(Claim, Claim.id == ClaimInvoice.claim_id) \
        .where(ClaimInvoice.currency.in_(codes), ClaimInvoice.currency != Claim.currency) \
        .union(select(ClaimPayment.claim_id).join(Claim, Claim.id == ClaimPayment.claim_id)
               .where(ClaimPayment.currency.in_(codes), ClaimPayment.currency != Claim.currency))
    not_open = [ClaimStatus.DRAFT.value, *(c.value for c in FINAL_CLAIM_STATUSES)]
    rows = s.execute(select(Claim.id, Claim.currency, Claim.submitted_at, Claim.created_at,
                            Claim.claim_amount)
                     .where(Claim.id.in_(foreign), Claim.status.not_in(not_open))).all()
    changed = 0
    for claim_id, currency, submitted_at, created_at, stored in rows:
        amount = claim_amount(s, claim_lines(s, claim_id), currency,
                              declared_on(submitted_at, created_at, today))
        if amount != stored:
            # A derived figure, not an edit: written without moving the claim's version,
            # so a handler who read the claim can still set its indemnity.
            s.execute(update(Claim).where(Claim.id == claim_id).values(claim_amount=amount))
            changed += 1
    s.flush()
    return changed


def assess(s: Session, claim: Claim, credit_limit: Decimal | None,
           insured_percentage: Decimal, today: date) -> indemnity.ClaimAssessment:
    lines = claim_lines(s, claim.id) if claim.id is not None else []
    on = declaration_date(claim, today)
    foreign = {line.money.currency for line in lines} - {claim.currency}
    rates = rates_on(s, foreign, claim.currency, on) if foreign else []
    return indemnity.assess_claim(lines, claim.currency, on, rates, credit_limit,
                                  insured_percentage, insured=claim.insured)


def assessment_public(a: indemnity.ClaimAssessment) -> ClaimAssessment:
    calc = a.indemnity
    return ClaimAssessment(
        currency=a.amount.currency, rate_date=a.amount.on,
        totals=[CurrencyTotal(currency=t.currency, invoiced=t.invoiced.amount,
                              paid=t.paid.amount, balance=t.balance.amount) for t in a.totals],
        waiting=[WaitingLines(currency=w.currency, invoices=w.invoices, payments=w.payments)
                 for w in a.waiting],
        rates_used=[RateUsed(base=r.base, quote=r.quote, rate=r.rate, rate_date=r.on,
                             source=r.source)
                    for c in a.amount.conversions for r in c.rates],
        claim_amount=None if a.amount.amount is None else a.amount.amount.amount,
        covered_amount=None if calc is None else calc.covered_amount,
        calculated_indemnity=None if calc is None else calc.calculated_indemnity,
        conditions=a.amount.waiting_text() if calc is None else calc.conditions_used)


def line_balances(s: Session, claim_ids: Sequence[int]) -> dict[int, list[CurrencyAmount]]:
    """Invoices less payments of each claim, per currency, summed by the database one
    currency at a time (grouped by it), so no total ever mixes currencies."""
    if not claim_ids:
        return {}
    money = MoneyColumn()
    totals: dict[int, dict[str, Money]] = {}
    invoiced = s.execute(select(
        ClaimInvoice.claim_id, ClaimInvoice.currency,
        func.sum(ClaimInvoice.amount_excl_tax + ClaimInvoice.tax, type_=money))
        .where(ClaimInvoice.claim_id.in_(claim_ids))
        .group_by(ClaimInvoice.claim_id, ClaimInvoice.currency)).all()
    paid = s.execute(select(
        ClaimPayment.claim_id, ClaimPayment.currency, func.sum(ClaimPayment.amount, type_=money))
        .where(ClaimPayment.claim_id.in_(claim_ids))
        .group_by(ClaimPayment.claim_id, ClaimPayment.currency)).all()
    for sign, rows in ((1, invoiced), (-1, paid)):
        for claim_id, currency, amount in rows:
            per = totals.setdefault(claim_id, {})
            per[currency] = per.get(currency, Money.zero(currency)) + Money(amount * sign,
                                                                            currency)
    return {claim_id: [CurrencyAmount(currency=code, amount=per[code].amount)
                       for code in sorted(per)] for claim_id, per in totals.items()}


def balances_of(lines: Iterable[indemnity.ClaimLine]) -> list[CurrencyAmount]:
    """The same per-currency balances, from lines in memory (a claim being written)."""
    return [CurrencyAmount(currency=t.currency, amount=t.balance.amount)
            for t in indemnity.totals_per_currency(lines)]


# --- cofatui rates import -------------------------------------------------------------------


@dataclass(frozen=True)
class ImportSummary:
    days: int
    currencies: int
    added: int
    unchanged: int
    corrected: int
    not_quoted: int
    first_day: date
    last_day: date


def import_ecb_rates(engine: Engine, parsed: EcbRates, *, recorded_by: str, now: datetime,
                     today: date) -> ImportSummary:
    """Record the rates of an ECB file (``1 EUR = rate currency``, source "ECB") in one
    transaction. A rate already recorded for that day is left alone (importing the same
    file twice adds nothing); a different value for it is a correction and replaces it.
    A rate the rules refuse (a future day, too many decimals) refuses the whole file."""
    errors = [FieldError(e.field if e.field != "quote" else r.currency, e.code, e.params, r.line)
              for r in parsed.rates
              for e in rates_rules.rate_errors(BASE_CURRENCY, r.currency, r.rate, r.on,
                                               ECB_SOURCE, today)]
    if errors:
        raise ValidationFailed(errors[:20])
    days = [r.on for r in parsed.rates]
    first, last = min(days, default=today), max(days, default=today)
    with translated_errors(), engine.connect() as conn:
        conn.info["write"] = True
        try:
            with Session(bind=conn) as s:
                known = {(row.quote, row.rate_date): row for row in s.execute(
                    select(ExchangeRate).where(
                        ExchangeRate.base == BASE_CURRENCY, ExchangeRate.source == ECB_SOURCE,
                        ExchangeRate.rate_date >= first, ExchangeRate.rate_date <= last)
                ).scalars()}
                new: list[dict[str, object]] = []
                unchanged = corrected = 0
                for r in parsed.rates:
                    row = known.get((r.currency, r.on))
                    if row is None:
                        new.append({"base": BASE_CURRENCY, "quote": r.currency, "rate": r.rate,
                                    "rate_date": r.on, "source": ECB_SOURCE,
                                    "recorded_at": now, "recorded_by": recorded_by})
                    elif row.rate == r.rate:
                        unchanged += 1
                    else:
                        row.rate, row.recorded_at, row.recorded_by = r.rate, now, recorded_by
                        corrected += 1
                for start in range(0, len(new), INSERT_CHUNK):
                    s.execute(insert(ExchangeRate), new[start:start + INSERT_CHUNK])
                if new or corrected:
                    refresh_claim_amounts(s, {BASE_CURRENCY, *parsed.currencies}, today)
                    s.add(AuditEntry(at=now, login=recorded_by[:80],
                                     operation="import_exchange_rates",
                                     target_type="exchange_rate", changes=json.dumps({
                                         "source": [None, ECB_SOURCE],
                                         "days": [None, f"{first} .. {last}"],
                                         "added": [None, len(new)],
                                         "corrected": [None, corrected]})))
                s.commit()
        finally:
            conn.info["write"] = False
    return ImportSummary(days=parsed.days, currencies=len(parsed.currencies), added=len(new),
                         unchanged=unchanged, corrected=corrected,
                         not_quoted=parsed.not_quoted, first_day=first, last_day=last)


def lines_of(invoices: Iterable[InvoiceLine], payments: Iterable[PaymentLine]
             ) -> list[indemnity.ClaimLine]:
    """The lines of a declaration being written, as money (their currencies checked)."""
    return [*(indemnity.ClaimLine("invoice", i.number, Money(i.amount_excl_tax + i.tax,
                                                             i.currency)) for i in invoices),
            *(indemnity.ClaimLine("payment", ",".join(p.invoice_references),
                                  Money(p.amount, p.currency)) for p in payments)]
