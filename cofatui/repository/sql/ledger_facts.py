"""The facts an event's postings are built from (``rules.ledger_model``), read from the
database: a premium payment, a claim, a cover event. Plain reads in the caller's
session, so a write and its entries see the same rows."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from cofatui.enums import ClaimStatus, CoverEventKind
from cofatui.models import (
    Claim,
    ClaimInvoice,
    ClaimPayment,
    Company,
    CoveredReceivable,
    CoverEvent,
    ExchangeRate,
    OtherCover,
    PaymentAllocation,
    PortfolioEntry,
    PremiumNotice,
    PremiumNoticeLine,
    PremiumPayment,
)
from cofatui.rules import exchange_rates as rates_rules
from cofatui.rules.ledger_model import (
    ClaimFacts,
    ClaimInvoiceFacts,
    ClaimPaymentFacts,
    CoverEventFacts,
    NoticeLineFacts,
    PaymentFacts,
)

__all__ = ["EUR", "RATE_AGE", "claim_facts", "claim_facts_many", "contract_of", "cover_event_facts",
           "cover_event_facts_many", "payment_facts", "payment_facts_many"]

EUR = "EUR"
#: The money rule (issue item 5): a rate at most this old converts an event.
RATE_AGE = timedelta(days=31)


def contract_of(s: Session, source_kind: str, source_id: int) -> int | None:
    """The contract a source belongs to (its books are that contract's)."""
    if source_kind == "claim":
        return s.execute(select(Claim.contract_id).where(
            Claim.id == source_id)).scalar_one_or_none()
    if source_kind == "payment":
        return s.execute(select(PremiumPayment.contract_id).where(
            PremiumPayment.id == source_id)).scalar_one_or_none()
    if source_kind == "cover_event":
        return s.execute(select(OtherCover.contract_id).join(
            CoverEvent, CoverEvent.cover_id == OtherCover.id).where(
            CoverEvent.id == source_id)).scalar_one_or_none()
    raise ValueError(f"unknown source kind {source_kind!r}")


def payment_facts(s: Session, payment_id: int) -> PaymentFacts | None:
    return payment_facts_many(s, [payment_id]).get(payment_id)


def payment_facts_many(s: Session, payment_ids: Sequence[int]) -> dict[int, PaymentFacts]:
    """The facts of many payments in three queries (generate reads a chunk at once)."""
    # Columns, not ORM objects: generate reads a chunk of a hundred thousand.
    payments = s.execute(select(
        PremiumPayment.id, PremiumPayment.paid_on, PremiumPayment.bank_account,
        PremiumPayment.currency, PremiumPayment.amount, PremiumPayment.eur_amount).where(
        PremiumPayment.id.in_(payment_ids))).all()
    numbers: dict[int, list[str]] = defaultdict(list)
    by_notice: dict[int, int] = {}
    for notice_id, payment_id, number in s.execute(select(
            PremiumNotice.id, PremiumNotice.payment_id, PremiumNotice.number).where(
            PremiumNotice.payment_id.in_(payment_ids)).order_by(PremiumNotice.id)).all():
        numbers[payment_id].append(number)
        by_notice[notice_id] = payment_id
    lines: dict[int, list[NoticeLineFacts]] = defaultdict(list)
    for notice_id, role, label, amount, tax in s.execute(select(
            PremiumNoticeLine.notice_id, PremiumNoticeLine.role, PremiumNoticeLine.label,
            PremiumNoticeLine.amount_excl_tax, PremiumNoticeLine.tax).where(
            PremiumNoticeLine.notice_id.in_(list(by_notice) or [-1]))
            .order_by(PremiumNoticeLine.notice_id, PremiumNoticeLine.line_no)).all():
        lines[by_notice[notice_id]].append(NoticeLineFacts(
            role=role, label=label, amount_excl_tax=amount, tax=tax))
    return {p.id: PaymentFacts(
        payment_id=p.id, paid_on=p.paid_on, bank_account=p.bank_account, currency=p.currency,
        amount=p.amount, eur_amount=p.eur_amount,
        notice_numbers=tuple(numbers.get(p.id, [])),
        lines=tuple(lines.get(p.id, []))) for p in payments}


def _rates(s: Session, currencies: set[str], dates: list[date]) -> list[rates_rules.ExchangeRate]:
    """The recorded rates the claim's events may use: every pair a conversion into EUR
    may need, dated within 31 days before any of its event dates (the rules choose)."""
    if not currencies - {EUR} or not dates:
        return []
    first, last = min(dates) - RATE_AGE, max(dates)
    found: list[rates_rules.ExchangeRate] = []
    for base, quote in rates_rules.needed_pairs(currencies, EUR):
        found += [rates_rules.ExchangeRate(r.base, r.quote, r.rate, r.rate_date, r.source,
                                           r.recorded_at)
                  for r in s.execute(select(ExchangeRate).where(
                      ExchangeRate.base == base, ExchangeRate.quote == quote,
                      ExchangeRate.rate_date >= first, ExchangeRate.rate_date <= last)
                      .order_by(ExchangeRate.rate_date)).scalars()]
    return found


def claim_facts(s: Session, claim_id: int) -> ClaimFacts | None:
    """A registered claim's facts (None for a draft: nothing to book yet)."""
    return claim_facts_many(s, [claim_id]).get(claim_id)


def claim_facts_many(s: Session, claim_ids: Sequence[int]) -> dict[int, ClaimFacts]:
    """The facts of many registered claims (drafts left out) in seven queries whatever
    their number: generate books a chunk of claims (the 100 000-company demo about two
    thousand), and ``claim_facts`` reads one. Columns, not ORM objects."""
    claims = s.execute(select(
        Claim.id, Claim.reference, Claim.status, Claim.contract_id, Claim.company_id,
        Claim.submitted_at, Claim.status_on, Claim.currency, Claim.insured,
        Claim.covered_amount, Claim.calculated_indemnity, Claim.indemnity_date,
        Claim.indemnity_received_on, Claim.indemnity_received_eur, Claim.irrecoverable_on,
        Claim.vat_recoverable).where(
        Claim.id.in_(claim_ids), Claim.status != ClaimStatus.DRAFT.value,
        Claim.reference.is_not(None))).all()
    if not claims:
        return {}
    ids = [c.id for c in claims]
    company_ids = sorted({c.company_id for c in claims})
    companies = {row.id: row for row in s.execute(select(
        Company.id, Company.name, Company.easy_number).where(Company.id.in_(company_ids)))}
    references = {(row.contract_id, row.company_id): row.client_reference
                  for row in s.execute(select(
                      PortfolioEntry.contract_id, PortfolioEntry.company_id,
                      PortfolioEntry.client_reference).where(
                      PortfolioEntry.company_id.in_(company_ids)))}
    invoices: dict[int, list[ClaimInvoiceFacts]] = defaultdict(list)
    for i in s.execute(select(ClaimInvoice.id, ClaimInvoice.claim_id, ClaimInvoice.number,
                              ClaimInvoice.currency, ClaimInvoice.amount_excl_tax,
                              ClaimInvoice.tax).where(ClaimInvoice.claim_id.in_(ids))
                       .order_by(ClaimInvoice.id)):
        invoices[i.claim_id].append(ClaimInvoiceFacts(
            invoice_id=i.id, number=i.number, currency=i.currency,
            amount_excl_tax=i.amount_excl_tax, tax=i.tax))
    payments = s.execute(select(ClaimPayment.id, ClaimPayment.claim_id, ClaimPayment.type,
                                ClaimPayment.currency, ClaimPayment.amount).where(
        ClaimPayment.claim_id.in_(ids)).order_by(ClaimPayment.id)).all()
    allocations: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for a in s.execute(select(PaymentAllocation.payment_id, PaymentAllocation.invoice_id,
                              PaymentAllocation.amount).where(
            PaymentAllocation.payment_id.in_([p.id for p in payments] or [-1]))
            .order_by(PaymentAllocation.payment_id, PaymentAllocation.id)):
        allocations[a.payment_id][a.invoice_id] = a.amount
    by_claim: dict[int, list[ClaimPaymentFacts]] = defaultdict(list)
    for p in payments:
        by_claim[p.claim_id].append(ClaimPaymentFacts(
            payment_id=p.id, type=p.type, currency=p.currency, amount=p.amount,
            allocations=dict(allocations.get(p.id, {}))))
    events: dict[int, tuple[set[str], list[date]]] = {}
    for c in claims:
        submitted_on = c.submitted_at.date() if c.submitted_at else None
        dates = [d for d in (submitted_on, c.status_on, c.indemnity_date,
                             c.indemnity_received_on, c.irrecoverable_on) if d]
        currencies = {c.currency} | {i.currency for i in invoices.get(c.id, [])} | {
            p.currency for p in by_claim.get(c.id, [])}
        events[c.id] = currencies, dates
    rates = _RateBook(s, events.values())
    out: dict[int, ClaimFacts] = {}
    for c in claims:
        company = companies[c.company_id]
        currencies, dates = events[c.id]
        client_reference = references.get((c.contract_id, c.company_id))
        out[c.id] = ClaimFacts(
            claim_id=c.id, reference=c.reference, debtor_name=company.name,
            debtor_aux=client_reference or company.easy_number, status=ClaimStatus(c.status),
            submitted_on=c.submitted_at.date() if c.submitted_at else None,
            status_on=c.status_on, currency=c.currency, insured=c.insured,
            covered_amount=c.covered_amount, calculated_indemnity=c.calculated_indemnity,
            indemnity_date=c.indemnity_date, indemnity_received_on=c.indemnity_received_on,
            indemnity_received_eur=c.indemnity_received_eur,
            irrecoverable_on=c.irrecoverable_on, vat_recoverable=c.vat_recoverable,
            invoices=tuple(invoices.get(c.id, [])), payments=tuple(by_claim.get(c.id, [])),
            rates=rates.rates(currencies, dates))
    return out


class _RateBook:
    """The rates many claims may use, read in one query per pair over the span of all
    their dates, then cut per claim as ``_rates`` reads them for one."""

    def __init__(self, s: Session, events: Iterable[tuple[set[str], list[date]]]) -> None:
        pairs: list[tuple[str, str]] = []
        spans: list[date] = []
        for currencies, dates in events:
            if currencies - {EUR} and dates:
                pairs += [p for p in rates_rules.needed_pairs(currencies, EUR)
                          if p not in pairs]
                spans += [min(dates) - RATE_AGE, max(dates)]
        self.by_pair: dict[tuple[str, str], list[rates_rules.ExchangeRate]] = {}
        for base, quote in pairs:
            # The order of ``_rates``' query (the unique index: pair, day, source).
            self.by_pair[(base, quote)] = [
                rates_rules.ExchangeRate(r.base, r.quote, r.rate, r.rate_date, r.source,
                                         r.recorded_at)
                for r in s.execute(select(
                    ExchangeRate.base, ExchangeRate.quote, ExchangeRate.rate,
                    ExchangeRate.rate_date, ExchangeRate.source, ExchangeRate.recorded_at)
                    .where(ExchangeRate.base == base, ExchangeRate.quote == quote,
                           ExchangeRate.rate_date >= min(spans),
                           ExchangeRate.rate_date <= max(spans))
                    .order_by(ExchangeRate.rate_date, ExchangeRate.source))]

    def rates(self, currencies: set[str], dates: list[date]) -> list[rates_rules.ExchangeRate]:
        if not currencies - {EUR} or not dates:
            return []
        first, last = min(dates) - RATE_AGE, max(dates)
        return [r for pair in rates_rules.needed_pairs(currencies, EUR)
                for r in self.by_pair.get(pair, []) if first <= r.on <= last]


def cover_event_facts(s: Session, event_id: int) -> CoverEventFacts | None:
    return cover_event_facts_many(s, [event_id]).get(event_id)


def cover_event_facts_many(s: Session, event_ids: Sequence[int]) -> dict[int, CoverEventFacts]:
    """The facts of many cover events in one query."""
    out: dict[int, CoverEventFacts] = {}
    for event, cover, receivable in s.execute(
            select(CoverEvent, OtherCover, CoveredReceivable)
            .join(OtherCover, OtherCover.id == CoverEvent.cover_id)
            .outerjoin(CoveredReceivable, CoveredReceivable.id == CoverEvent.receivable_id)
            .where(CoverEvent.id.in_(event_ids))).all():
        common = dict(event_id=event.id, kind=CoverEventKind(event.kind),
                      event_date=event.event_date, cover_reference=cover.reference,
                      cover_currency=cover.currency, eur_amount=event.eur_amount,
                      currency_amount=event.currency_amount)
        if receivable is None:
            out[event.id] = CoverEventFacts(**common)
        else:
            out[event.id] = CoverEventFacts(
                **common, receivable_reference=receivable.reference, debtor=receivable.debtor,
                debtor_aux=receivable.debtor_aux, booked_rate=receivable.booked_rate,
                guaranteed_rate=cover.guaranteed_rate, covered_share=cover.covered_share)
    return out
