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
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import get_currency_precision

from cofatui.errors import ValidationFailed

__all__ = ["IndemnityCalculation", "calculate_indemnity", "covered_amount", "round_money"]

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
            errors[name] = "Must be an amount of 0 or more"
    if credit_limit is not None and (not isinstance(credit_limit, Decimal)
                                     or not credit_limit.is_finite() or credit_limit < 0):
        errors["credit_limit"] = "Must be an amount of 0 or more"
    if (not isinstance(insured_percentage, Decimal) or not insured_percentage.is_finite()
            or not 0 <= insured_percentage <= HUNDRED):
        errors["insured_percentage"] = "Must be a percentage between 0 and 100"
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
