"""A claim's events and their entries (issue 20 item 5): registered, uninsured part,
indemnity agreed, written off, indemnity received, cancelled.

``claim_postings`` returns every event that applies *now*; an event of the claim absent
from the result no longer applies (its booked entries are to be undone by the diff).

Amounts of the debtor's receivable are the invoices' *remaining* amounts: what is left
after the payments and credit notes allocated to each invoice, the unallocated ones
spread pro rata over the invoices of their currency. The receivable keeps the EUR value
it was registered at (the rates of the submission date) through the write-off and the
cancellation, so 416 and 491 come back to zero. One line per currency.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TypedDict

from cofatui.enums import AccountingEventKind as K
from cofatui.enums import ClaimStatus, Journal
from cofatui.rules.ledger_chart import Chart
from cofatui.rules.ledger_labels import claim_label
from cofatui.rules.ledger_model import ClaimFacts, Posting, Waiting, event_key
from cofatui.rules.ledger_money import EUR, NO_RATE, Amount, allocate, cents, eur_of, lines_of

__all__ = ["CurrencyRemaining", "claim_postings", "remaining_by_currency"]

_AGREED_STATUSES = frozenset({ClaimStatus.ACCEPTED, ClaimStatus.CLOSED})


@dataclass(frozen=True)
class CurrencyRemaining:
    currency: str
    incl_tax: Decimal  # what the debtor still owes, VAT included
    vat: Decimal  # the VAT in it: remaining × tax / (amount + tax), per invoice


class _NoRate(Exception):
    def __init__(self, currency: str, on: date) -> None:
        super().__init__(currency)
        self.currency, self.on = currency, on


def remaining_by_currency(f: ClaimFacts) -> list[CurrencyRemaining]:
    """The remaining amount and its VAT per currency (sorted by currency)."""
    remaining = {inv.invoice_id: inv.amount_excl_tax + inv.tax for inv in f.invoices}
    unallocated: dict[str, Decimal] = {}
    for p in f.payments:
        for invoice_id, amount in p.allocations.items():
            if invoice_id in remaining:
                remaining[invoice_id] -= amount
        rest = p.amount - sum(p.allocations.values(), Decimal(0))
        if rest:
            unallocated[p.currency] = unallocated.get(p.currency, Decimal(0)) + rest
    for currency, rest in unallocated.items():
        ids = [i.invoice_id for i in f.invoices if i.currency == currency]
        base = [max(remaining[i], Decimal(0)) for i in ids]
        if sum(base, Decimal(0)) > 0:
            for invoice_id, share in zip(ids, allocate(cents(rest), base), strict=True):
                remaining[invoice_id] -= share
    out: dict[str, list[Decimal]] = {}
    for inv in f.invoices:
        left = max(remaining[inv.invoice_id], Decimal(0))
        gross = inv.amount_excl_tax + inv.tax
        vat = left * inv.tax / gross if gross else Decimal(0)
        acc = out.setdefault(inv.currency, [Decimal(0), Decimal(0)])
        acc[0] += left
        acc[1] += vat
    return [CurrencyRemaining(c, cents(v[0]), cents(v[1])) for c, v in sorted(out.items())]


def _eur(amount: Decimal, currency: str, on: date, f: ClaimFacts) -> Decimal:
    value = eur_of(amount, currency, on, f.rates)
    if value is None:
        raise _NoRate(currency, on)
    return cents(value)


class _Cur(TypedDict):
    currency_amount: Decimal | None
    currency: str


class _Aux(TypedDict):
    aux_num: str
    aux_label: str


def _cur(amount: Decimal, currency: str) -> _Cur:
    """Montantdevise/Idevise of a foreign amount (signed like its EUR line)."""
    if currency == EUR:
        return {"currency_amount": None, "currency": ""}
    return {"currency_amount": amount, "currency": currency}


class _Claim:
    """The builders of one claim's events, sharing its remaining amounts."""

    def __init__(self, f: ClaimFacts, chart_for: Callable[[date], Chart], today: date):
        self.f, self.chart_for, self.today = f, chart_for, today
        self.remaining = [r for r in remaining_by_currency(f) if r.incl_tax > 0]
        self.aux: _Aux = {"aux_num": f.debtor_aux, "aux_label": f.debtor_name}

    def posting(self, kind: K, on: date, amounts: list[Amount]) -> Posting | None:
        lines = lines_of(amounts)
        if len(lines) < 2:
            return None
        f = self.f
        return Posting(
            event_key=event_key(kind, f.claim_id), event_kind=kind,
            journal=Journal.BANK if kind is K.INDEMNITY_RECEIVED else Journal.OTHER,
            entry_date=on, piece_ref=f.reference[:60], piece_date=on,
            label=claim_label(kind, f.reference, f.debtor_name), source_kind="claim",
            source_id=f.claim_id, lines=lines)

    def label(self, kind: K) -> str:
        return claim_label(kind, self.f.reference, self.f.debtor_name)

    # -- shared amounts (at the submission date's rates) --

    def receivable_eur(self, submitted: date) -> list[tuple[CurrencyRemaining, Decimal]]:
        return [(r, _eur(r.incl_tax, r.currency, submitted, self.f)) for r in self.remaining]

    def uninsured_eur(self, submitted: date) -> Decimal:
        f = self.f
        excl = sum((_eur(r.incl_tax - r.vat, r.currency, submitted, f)
                    for r in self.remaining), Decimal(0))
        covered = Decimal(0)
        if f.insured and f.status is not ClaimStatus.REJECTED and f.covered_amount:
            covered = _eur(f.covered_amount, f.currency, submitted, f)
        return max(excl - covered, Decimal(0))

    def uninsured_currency(self) -> _Cur:
        """Montantdevise of the impairment when the claim is in one foreign currency
        (its invoices and covered amount): the part not covered, in that currency."""
        f = self.f
        currencies = {r.currency for r in self.remaining}
        if len(currencies) != 1 or f.currency not in currencies or f.currency == EUR:
            return _cur(Decimal(0), EUR)
        covered = Decimal(0)
        if f.insured and f.status is not ClaimStatus.REJECTED and f.covered_amount:
            covered = f.covered_amount
        left = sum((r.incl_tax - r.vat for r in self.remaining), Decimal(0)) - covered
        return _cur(left, f.currency) if left > 0 else _cur(Decimal(0), EUR)

    def impairment(self, submitted: date, chart: Chart, label: str, debit: str,
                   credit: str) -> list[Amount]:
        """D ``debit`` / C ``credit`` of the uninsured part (booked, then taken back)."""
        amount, cur = self.uninsured_eur(submitted), self.uninsured_currency()
        back = cur["currency_amount"]
        return [Amount(chart.account(debit), amount, label, **cur),
                Amount(chart.account(credit), -amount, label, currency_amount=-back
                       if back is not None else None, currency=cur["currency"])]

    def impairment_back(self, submitted: date, chart: Chart, label: str) -> list[Amount]:
        return self.impairment(submitted, chart, label, "impairment_provision",
                               "impairment_reversal")

    def agreed_eur(self) -> Decimal | None:
        f = self.f
        if (f.status not in _AGREED_STATUSES or not f.insured or f.indemnity_date is None
                or not f.calculated_indemnity or f.calculated_indemnity <= 0
                or f.indemnity_date > self.today):
            return None
        return _eur(f.calculated_indemnity, f.currency, f.indemnity_date, f)

    # -- the events --

    def registered(self, on: date) -> Posting | None:
        chart, label = self.chart_for(on), self.label(K.CLAIM_REGISTERED)
        amounts: list[Amount] = []
        for r, eur in self.receivable_eur(on):
            amounts += [Amount(chart.account("doubtful_receivable"), eur, label, **self.aux,
                               **_cur(r.incl_tax, r.currency)),
                        Amount(chart.account("receivable"), -eur, label, **self.aux,
                               **_cur(-r.incl_tax, r.currency))]
        return self.posting(K.CLAIM_REGISTERED, on, amounts)

    def uninsured(self, on: date) -> Posting | None:
        chart, label = self.chart_for(on), self.label(K.CLAIM_UNINSURED)
        return self.posting(K.CLAIM_UNINSURED, on, self.impairment(
            on, chart, label, "impairment_expense", "impairment_provision"))

    def agreed(self) -> Posting | None:
        f, eur = self.f, self.agreed_eur()
        if eur is None or f.indemnity_date is None or f.calculated_indemnity is None:
            return None
        on, chart, label = f.indemnity_date, self.chart_for(f.indemnity_date), \
            self.label(K.INDEMNITY_AGREED)
        return self.posting(K.INDEMNITY_AGREED, on, [
            Amount(chart.account("income_receivable"), eur, label,
                   **_cur(f.calculated_indemnity, f.currency)),
            Amount(chart.account("indemnity_income"), -eur, label,
                   **_cur(-f.calculated_indemnity, f.currency))])

    def written_off_on(self) -> date | None:
        f = self.f
        if self.agreed_eur() is not None:
            return f.indemnity_date
        if (f.status is ClaimStatus.CLOSED and f.irrecoverable_on is not None
                and f.irrecoverable_on <= self.today):
            return f.irrecoverable_on
        return None

    def written_off(self, submitted: date, on: date) -> Posting | None:
        """D 654 excl. VAT + D 44571 the VAT (switch off: all on 654) / C 416; and the
        impairment back, D 491 / C 7817."""
        chart, label = self.chart_for(on), self.label(K.WRITTEN_OFF)
        amounts: list[Amount] = []
        for r, eur in self.receivable_eur(submitted):
            vat = r.vat if self.f.vat_recoverable else Decimal(0)
            # The total converted once; the VAT share of it, the rest to 654.
            loss_eur, vat_eur = allocate(eur, [r.incl_tax - vat, vat])
            amounts += [Amount(chart.account("bad_debt"), loss_eur, label,
                               **_cur(r.incl_tax - vat, r.currency)),
                        Amount(chart.account("vat_collected"), vat_eur, label,
                               **_cur(vat, r.currency)),
                        Amount(chart.account("doubtful_receivable"), -eur, label, **self.aux,
                               **_cur(-r.incl_tax, r.currency))]
        amounts += self.impairment_back(submitted, chart, label)
        return self.posting(K.WRITTEN_OFF, on, amounts)

    def received(self) -> Posting | None:
        """D bank (EUR received) / C 4687 (EUR agreed); the difference 666 / 766."""
        f, agreed = self.f, self.agreed_eur()
        on, received = f.indemnity_received_on, f.indemnity_received_eur
        if agreed is None or on is None or received is None or received <= 0 \
                or f.calculated_indemnity is None:
            return None
        chart, label = self.chart_for(on), self.label(K.INDEMNITY_RECEIVED)
        received = cents(received)
        diff = received - agreed
        role = "exchange_gain_financial" if diff > 0 else "exchange_loss_financial"
        return self.posting(K.INDEMNITY_RECEIVED, on, [
            Amount(chart.account("bank"), received, label),
            Amount(chart.account("income_receivable"), -agreed, label,
                   **_cur(-f.calculated_indemnity, f.currency)),
            Amount(chart.account(role), -diff, label)])

    def cancelled(self, submitted: date, on: date) -> Posting | None:
        """D 411 / C 416 (the registration undone); D 491 / C 7817."""
        chart, label = self.chart_for(on), self.label(K.CLAIM_CANCELLED)
        amounts: list[Amount] = []
        for r, eur in self.receivable_eur(submitted):
            amounts += [Amount(chart.account("receivable"), eur, label, **self.aux,
                               **_cur(r.incl_tax, r.currency)),
                        Amount(chart.account("doubtful_receivable"), -eur, label, **self.aux,
                               **_cur(-r.incl_tax, r.currency))]
        amounts += self.impairment_back(submitted, chart, label)
        return self.posting(K.CLAIM_CANCELLED, on, amounts)


def claim_postings(f: ClaimFacts, chart_for: Callable[[date], Chart],
                   today: date) -> list[Posting | Waiting]:
    """Every event of the claim that applies now, in the order they happen; an event
    needing a rate that is not recorded (≤ 31 days old) is a ``Waiting``
    (``accounting.no_rate`` with ``currency`` and ``on``)."""
    submitted = f.submitted_on
    if submitted is None or f.status is ClaimStatus.DRAFT:
        return []
    c = _Claim(f, chart_for, today)
    steps: list[tuple[K, date, Callable[[], Posting | None]]] = [
        (K.CLAIM_REGISTERED, submitted, lambda: c.registered(submitted)),
        (K.CLAIM_UNINSURED, submitted, lambda: c.uninsured(submitted)),
    ]
    if f.indemnity_date is not None:
        steps.append((K.INDEMNITY_AGREED, f.indemnity_date, c.agreed))
    try:
        off = c.written_off_on()
    except _NoRate:
        off = f.indemnity_date
    if off is not None:
        steps.append((K.WRITTEN_OFF, off, lambda: c.written_off(submitted, off)))
    if f.indemnity_received_on is not None:
        steps.append((K.INDEMNITY_RECEIVED, f.indemnity_received_on, c.received))
    if f.status is ClaimStatus.CANCELLED and f.status_on is not None:
        on = f.status_on
        steps.append((K.CLAIM_CANCELLED, on, lambda: c.cancelled(submitted, on)))
    out: list[Posting | Waiting] = []
    for kind, on, build in steps:
        try:
            posting = build()
        except _NoRate as missing:
            out.append(Waiting(event_key(kind, f.claim_id), kind, "claim", f.claim_id, on,
                               NO_RATE, {"currency": missing.currency,
                                         "on": missing.on.isoformat()}))
            continue
        if posting is not None:
            out.append(posting)
    return out
