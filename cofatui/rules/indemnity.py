"""Indemnity of a claim (SPEC §6 "Indemnity", seed 000 "onglet Indemnisation").

Definitions used here, shown to the user as "the contract conditions used":

- **claim amount**: what the debtor still owes on the declared lines (invoices
  including tax, less payments and credit notes: ``rules.claims.claim_amount``);
- **covered amount**: for an insured debt, the contract's insured percentage (quotité
  garantie) of the claim amount within the credit limit in force on the debtor:
  ``percentage × min(claim amount, credit limit)``. Nothing is covered without a credit
  limit, nor for a claim on an uninsured debt (collection only);
- **recovered**: what was collected after the claim amount was fixed (by the insurer's
  collection, or paid late by the debtor);
- **calculated indemnity**: the covered amount of what is still unpaid once the
  recoveries are deducted, ``percentage × min(claim amount − recovered, credit limit)``.
  Recoveries therefore reduce the debt first, so a recovery on the part above the
  credit limit does not lower the indemnity, and one within it lowers the indemnity by
  the insured percentage of it — the insured keeps their uninsured share. When the
  claim is within the limit this is ``covered amount − percentage × recovered``.

Amounts are ``Decimal`` rounded to the currency's minor unit (cents for EUR and USD,
none for JPY) half up, once, at the end of each computation.

**Currencies** (SPEC §11). A claim keeps each line's currency: its totals are kept per
currency (``totals_per_currency``) and never added across currencies (``Money``
raises). The claim amount, covered amount and indemnity are in the **contract's**
currency: lines in another currency are converted with a recorded exchange rate
(``rules.exchange_rates``) valid on the claim's **declaration date** (the day the claim
was submitted; additional declarations are converted at the same date, so every line of
one claim uses one rate per currency, and a rate recorded later for that date, or an
earlier one, applies). The conversion is exact (``Decimal``): each currency's balance is
converted unrounded, the converted balances are added, and the sum is rounded half up
to the contract currency's minor unit **once**; the covered amount and the indemnity
are then computed from that claim amount and rounded once each. Until a rate exists for
every foreign currency of the claim, nothing is computed in the contract's currency:
``assess_claim`` says which lines wait for one instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import get_currency_precision

from cofatui.errors import ValidationFailed
from cofatui.rules.exchange_rates import Conversion, ExchangeRate, find_conversion
from cofatui.rules.money import Money

__all__ = ["ClaimAmount", "ClaimAssessment", "ClaimLine", "CurrencyTotals",
           "IndemnityCalculation", "Waiting", "assess_claim", "calculate_indemnity",
           "claim_amount_in", "covered_amount", "round_money", "totals_per_currency"]

HUNDRED = Decimal(100)
MAX_CONDITIONS = 500  # the claim's ``conditions_used`` column


def round_money(amount: Decimal, currency: str = "EUR") -> Decimal:
    """Half up to the currency's minor unit (2 decimals when the currency is unknown)."""
    try:
        places = int(get_currency_precision(currency))
    except Exception:  # babel raises for codes it does not know
        places = 2
    return amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class IndemnityCalculation:
    claim_amount: Decimal
    credit_limit: Decimal | None
    insured_percentage: Decimal
    insured: bool
    recovered: Decimal
    covered_amount: Decimal
    calculated_indemnity: Decimal
    currency: str
    conditions_used: str  # at most 500 characters, the claim's column


def _validate(claim_amount: Decimal, credit_limit: Decimal | None,
              insured_percentage: Decimal, recovered: Decimal) -> None:
    errors: dict[str, str] = {}
    for name, value in (("claim_amount", claim_amount), ("recovered", recovered)):
        if not isinstance(value, Decimal) or not value.is_finite() or value < 0:
            errors[name] = "indemnity.amount_not_negative"
    if credit_limit is not None and (not isinstance(credit_limit, Decimal)
                                     or not credit_limit.is_finite() or credit_limit < 0):
        errors["credit_limit"] = "indemnity.amount_not_negative"
    if (not isinstance(insured_percentage, Decimal) or not insured_percentage.is_finite()
            or not 0 <= insured_percentage <= HUNDRED):
        errors["insured_percentage"] = "indemnity.percentage_range"
    if errors:
        raise ValidationFailed(errors)


def _covered(amount: Decimal, credit_limit: Decimal | None, insured_percentage: Decimal,
             insured: bool) -> Decimal:
    if not insured or not credit_limit:
        return Decimal(0)
    return insured_percentage * min(amount, credit_limit) / HUNDRED


def covered_amount(claim_amount: Decimal, credit_limit: Decimal | None,
                   insured_percentage: Decimal, *, insured: bool = True,
                   currency: str = "EUR") -> Decimal:
    """Insured percentage of the claim amount within the credit limit (0 if uninsured)."""
    _validate(claim_amount, credit_limit, insured_percentage, Decimal(0))
    return round_money(_covered(claim_amount, credit_limit, insured_percentage, insured),
                       currency)


def calculate_indemnity(claim_amount: Decimal, credit_limit: Decimal | None,
                        insured_percentage: Decimal, *, insured: bool = True,
                        recovered: Decimal = Decimal(0),
                        currency: str = "EUR") -> IndemnityCalculation:
    """Covered amount and calculated indemnity, with the conditions used, in words."""
    _validate(claim_amount, credit_limit, insured_percentage, recovered)
    covered = round_money(_covered(claim_amount, credit_limit, insured_percentage, insured),
                          currency)
    unpaid = max(claim_amount - recovered, Decimal(0))
    indemnity = round_money(_covered(unpaid, credit_limit, insured_percentage, insured),
                            currency)
    return IndemnityCalculation(
        claim_amount=claim_amount, credit_limit=credit_limit,
        insured_percentage=insured_percentage, insured=insured, recovered=recovered,
        covered_amount=covered, calculated_indemnity=indemnity, currency=currency,
        conditions_used=_conditions(claim_amount, credit_limit, insured_percentage, insured,
                                    recovered, covered, indemnity, currency),
    )


def _conditions(claim: Decimal, limit: Decimal | None, pct: Decimal, insured: bool,
                recovered: Decimal, covered: Decimal, indemnity: Decimal, cur: str) -> str:
    def money(value: Decimal) -> str:
        return f"{round_money(value, cur)} {cur}"

    percent = f"{pct.normalize():f} %"
    if not insured:
        text = (f"Uninsured debt (collection only): nothing is covered. Claim amount "
                f"{money(claim)}.")
    elif not limit:
        text = (f"No credit limit in force on the debtor: nothing is covered. Claim amount "
                f"{money(claim)}; insured percentage {percent}.")
    else:
        text = (f"Insured percentage {percent} of the claim amount {money(claim)} within "
                f"the credit limit {money(limit)}: covered amount {money(covered)}.")
        if recovered:
            text += (f" Recovered {money(recovered)}, deducted from the claim amount first: "
                     f"{percent} of min({money(max(claim - recovered, Decimal(0)))}, "
                     f"{money(limit)}) = calculated indemnity {money(indemnity)}.")
        else:
            text += f" Nothing recovered: calculated indemnity {money(indemnity)}."
    return text[:MAX_CONDITIONS]


# --- claims in several currencies ---------------------------------------------------------


@dataclass(frozen=True)
class ClaimLine:
    """An invoice (its amount including tax) or a payment / credit note of a claim."""

    kind: str  # "invoice" | "payment"
    number: str
    money: Money

    @property
    def is_invoice(self) -> bool:
        return self.kind == "invoice"


@dataclass(frozen=True)
class CurrencyTotals:
    """What the lines in one currency add up to: invoiced, paid, and the balance."""

    invoiced: Money
    paid: Money

    @property
    def currency(self) -> str:
        return self.invoiced.currency

    @property
    def balance(self) -> Money:
        return self.invoiced - self.paid


def totals_per_currency(lines: Iterable[ClaimLine]) -> list[CurrencyTotals]:
    """One entry per currency of the lines, ordered by currency code."""
    invoiced: dict[str, Money] = {}
    paid: dict[str, Money] = {}
    for line in lines:
        into = invoiced if line.is_invoice else paid
        code = line.money.currency
        into[code] = into.get(code, Money.zero(code)) + line.money
    return [CurrencyTotals(invoiced.get(code, Money.zero(code)), paid.get(code, Money.zero(code)))
            for code in sorted(invoiced.keys() | paid.keys())]


@dataclass(frozen=True)
class Waiting:
    """Lines in ``currency`` that no recorded rate converts yet."""

    currency: str
    invoices: int
    payments: int

    def describe(self) -> str:
        parts = [f"{n} {word}{'s' if n > 1 else ''}" for n, word in
                 ((self.invoices, "invoice"), (self.payments, "payment")) if n]
        verb = "waits" if self.invoices + self.payments == 1 else "wait"
        return f"{' and '.join(parts)} in {self.currency} {verb} for an exchange rate"


@dataclass(frozen=True)
class ClaimAmount:
    """The claim amount in ``currency`` at the rates valid on ``on``, or the lines that
    wait for a rate (then ``amount`` is None: a sum of mixed currencies is never made)."""

    currency: str
    on: date
    amount: Money | None
    waiting: tuple[Waiting, ...]
    conversions: tuple[Conversion, ...]

    def waiting_text(self) -> str:
        """English, one sentence: ``2 invoices in USD wait for an exchange rate``."""
        return "; ".join(w.describe() for w in self.waiting)

    def conversions_text(self) -> str:
        return " ".join(f"Lines in {c.source_currency} converted at {c.describe()}."
                        for c in self.conversions)


def claim_amount_in(lines: Sequence[ClaimLine], currency: str, rates: Sequence[ExchangeRate],
                    on: date) -> ClaimAmount:
    """Invoices less payments, in ``currency``, never below zero, rounded once."""
    totals = totals_per_currency(lines)
    conversions: list[Conversion] = []
    waiting: list[Waiting] = []
    for entry in totals:
        if entry.currency == currency:
            continue
        conversion = find_conversion(rates, entry.currency, currency, on)
        if conversion is None:
            waiting.append(Waiting(
                entry.currency,
                sum(1 for li in lines if li.is_invoice and li.money.currency == entry.currency),
                sum(1 for li in lines if not li.is_invoice
                    and li.money.currency == entry.currency)))
        else:
            conversions.append(conversion)
    if waiting:
        return ClaimAmount(currency, on, None, tuple(waiting), tuple(conversions))
    by_currency = {c.source_currency: c for c in conversions}
    total = Money.zero(currency)
    for entry in totals:
        balance = entry.balance
        total += balance if entry.currency == currency \
            else by_currency[entry.currency].convert(balance)
    amount = max(total, Money.zero(currency)).quantize()
    return ClaimAmount(currency, on, amount, (), tuple(conversions))


@dataclass(frozen=True)
class ClaimAssessment:
    """A claim seen by the claims handler: totals per currency, the claim amount in the
    contract's currency, and the indemnity computed on it (None while lines wait)."""

    totals: tuple[CurrencyTotals, ...]
    amount: ClaimAmount
    indemnity: IndemnityCalculation | None

    @property
    def waiting(self) -> tuple[Waiting, ...]:
        return self.amount.waiting


def assess_claim(lines: Sequence[ClaimLine], currency: str, on: date,
                 rates: Sequence[ExchangeRate], credit_limit: Decimal | None,
                 insured_percentage: Decimal, *, insured: bool = True) -> ClaimAssessment:
    """Totals per currency, the claim amount in ``currency`` (the contract's) with the
    rates valid on ``on`` (the declaration date), and the indemnity on it."""
    amount = claim_amount_in(lines, currency, rates, on)
    indemnity = None
    if amount.amount is not None:
        computed = calculate_indemnity(amount.amount.amount, credit_limit, insured_percentage,
                                       insured=insured, currency=currency)
        rated = amount.conversions_text()
        if rated:
            computed = replace(computed, conditions_used=f"{rated} {computed.conditions_used}"
                               [:MAX_CONDITIONS])
        indemnity = computed
    return ClaimAssessment(tuple(totals_per_currency(lines)), amount, indemnity)
