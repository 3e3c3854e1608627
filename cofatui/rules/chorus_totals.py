"""The totals of a Chorus Pro invoice, computed from its lines, never typed (issue 18
item 4, EN 16931).

- a line's amount excl. tax is quantity × unit price rounded to the currency's minor
  unit (BR-24 / BT-131: the line net amount is what the sums add);
- excl. tax = Σ line amounts;
- per VAT rate, the base is the Σ of its lines and the VAT amount is base × rate
  rounded to the minor unit once per rate (BR-CO-17: not a sum of rounded lines);
- VAT total = Σ per rate; incl. tax = excl. tax + VAT;
- amount due = incl. tax, or 0 in frame A2 (the invoice is already paid).

Rounding is half up (the commercial rule, as ``rules/money.Money.quantize``). Exact
``Decimal`` all the way: no float ever touches an amount.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

from cofatui.enums import ChorusFrame, ChorusVatRate
from cofatui.rules.money import currency_decimals, is_currency

__all__ = ["InvoiceTotals", "TotalsLine", "VatTotal", "compute_totals", "line_amount",
           "vat_percent"]

_HUNDRED = Decimal(100)


class TotalsLine(Protocol):
    """What the totals read of a line (``ChorusLineIn`` and the stored line have it)."""

    @property
    def quantity(self) -> Decimal: ...

    @property
    def unit_price(self) -> Decimal: ...

    @property
    def vat_rate(self) -> ChorusVatRate: ...


@dataclass(frozen=True)
class VatTotal:
    """One rate's base and VAT amount (``ChorusVatPublic``)."""

    vat_rate: ChorusVatRate
    base: Decimal
    amount: Decimal


@dataclass(frozen=True)
class InvoiceTotals:
    #: Each line's amount excl. tax, in the lines' order.
    line_amounts: tuple[Decimal, ...]
    #: One per rate used, in ``ChorusVatRate`` order.
    vat: tuple[VatTotal, ...]
    total_excl_tax: Decimal
    total_vat: Decimal
    total_incl_tax: Decimal
    amount_due: Decimal


def vat_percent(rate: ChorusVatRate) -> Decimal:
    """The rate in percent: ``Decimal("5.5")``; 0 for exempt."""
    return Decimal(0) if rate is ChorusVatRate.EXEMPT else Decimal(rate.value)


def _quantum(currency: str) -> Decimal:
    # An unknown currency is refused by check_invoice; here it rounds like EUR so
    # that the totals of a draft being typed can still be shown.
    decimals = currency_decimals(currency) if is_currency(currency) else 2
    return Decimal(1).scaleb(-decimals)


def line_amount(quantity: Decimal, unit_price: Decimal, currency: str = "EUR") -> Decimal:
    """quantity × unit price, rounded half up to the currency's minor unit."""
    return (quantity * unit_price).quantize(_quantum(currency), rounding=ROUND_HALF_UP)


def compute_totals(lines: Sequence[TotalsLine], *, currency: str = "EUR",
                   frame: ChorusFrame | str = ChorusFrame.A1) -> InvoiceTotals:
    """The invoice's totals from its lines (see the module's docstring)."""
    quantum = _quantum(currency)
    amounts = tuple(line_amount(line.quantity, line.unit_price, currency) for line in lines)
    bases: dict[ChorusVatRate, Decimal] = {}
    for line, amount in zip(lines, amounts, strict=True):
        bases[line.vat_rate] = bases.get(line.vat_rate, Decimal(0)) + amount
    vat = tuple(
        VatTotal(rate, bases[rate],
                 (bases[rate] * vat_percent(rate) / _HUNDRED).quantize(
                     quantum, rounding=ROUND_HALF_UP))
        for rate in ChorusVatRate if rate in bases)
    # Decimal(0) + … keeps an exact zero with the currency's exponent for no lines.
    excl = sum(amounts, Decimal(0)).quantize(quantum)
    total_vat = sum((v.amount for v in vat), Decimal(0)).quantize(quantum)
    incl = excl + total_vat
    due = Decimal(0).quantize(quantum) if str(frame) == ChorusFrame.A2.value else incl
    return InvoiceTotals(amounts, vat, excl, total_vat, incl, due)
