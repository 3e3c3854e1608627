"""Money: an amount together with its ISO 4217 currency (SPEC §11 "Money").

An amount is never a bare number once it is known to be money: adding, subtracting or
ordering two amounts of different currencies raises ``CurrencyMismatch``, so a total of
EUR and USD invoices (the bug of issue 10) cannot be written again. Converting needs a
recorded exchange rate and is done by whoever holds it (``rules/indemnity.py``), never
here.

Equality between different currencies is simply ``False`` (EUR 1 is not USD 1), so
``Money`` works in sets and dicts; only arithmetic and ordering refuse.

Multiplying by a number (a percentage, a rate) is exact; ``quantize()`` rounds to the
currency's minor unit (2 decimals for EUR, 0 for JPY, 3 for BHD, from Babel's CLDR data).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache

from babel.numbers import get_currency_precision, list_currencies

from cofatui.errors import FieldError, RuleViolation, ValidationFailed
from cofatui.i18n.messages import Term

__all__ = ["CurrencyMismatch", "Money", "UnknownCurrency", "currency_decimals",
           "is_currency", "totals_by_currency"]

# ISO 4217 codes that are not money one can be owed: "no currency" and "testing".
_NOT_CURRENCIES = frozenset({"XXX", "XTS"})


class CurrencyMismatch(RuleViolation):
    """Two amounts of different currencies were added, subtracted or compared.

    A ``RuleViolation`` so that, should one escape through the API, the caller gets a
    400 with this refusal rather than a server error. ``operation``: ``added``,
    ``subtracted`` or ``compared``.
    """

    reason_code = "money.currency_mismatch"

    def __init__(self, left: str, right: str, operation: str) -> None:
        super().__init__(self.reason_code, left=left, right=right,
                         operation=Term(f"errors.money.operation.{operation}"))
        self.currencies = (left, right)


class UnknownCurrency(ValidationFailed):
    """A currency code that is not an ISO 4217 currency."""

    reason_code = "money.unknown_currency"

    def __init__(self, currency: str) -> None:
        super().__init__([FieldError("currency", self.reason_code, {"code": currency})])
        self.currency = currency


@cache
def _currencies() -> frozenset[str]:
    return frozenset(list_currencies()) - _NOT_CURRENCIES


def is_currency(code: str) -> bool:
    """``code`` is an ISO 4217 currency code, upper case (``"EUR"``, not ``"eur"``)."""
    return code in _currencies()


@cache
def currency_decimals(code: str) -> int:
    """Decimals of the currency's minor unit: EUR 2, JPY 0, BHD 3.

    Raises ``UnknownCurrency`` for a code that is not a currency.
    """
    if not is_currency(code):
        raise UnknownCurrency(code)
    return int(get_currency_precision(code))


@dataclass(frozen=True, slots=True)
class Money:
    """``amount`` of ``currency``. Build it from a ``Decimal`` or an ``int`` (a float
    would carry binary rounding errors into an amount, so it is refused)."""

    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        if isinstance(self.amount, bool) or not isinstance(self.amount, (Decimal, int)):
            raise TypeError(f"Money needs a Decimal amount, not {type(self.amount).__name__}")
        if isinstance(self.amount, int):
            object.__setattr__(self, "amount", Decimal(self.amount))
        if not self.amount.is_finite():
            raise ValidationFailed({"amount": "money.not_finite"})
        if not is_currency(self.currency):
            raise UnknownCurrency(self.currency)

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(Decimal(0), currency)

    @property
    def decimals(self) -> int:
        """The currency's minor-unit decimals."""
        return currency_decimals(self.currency)

    def quantize(self, rounding: str = ROUND_HALF_UP) -> Money:
        """Rounded to the currency's minor unit (half up, the commercial rule)."""
        quantum = Decimal(1).scaleb(-self.decimals)
        return Money(self.amount.quantize(quantum, rounding=rounding), self.currency)

    def fits_minor_unit(self) -> bool:
        """No more decimals than the currency has (``JPY 10.5`` does not fit)."""
        return self.quantize().amount == self.amount

    def _same(self, other: Money, operation: str) -> None:
        if self.currency != other.currency:
            raise CurrencyMismatch(self.currency, other.currency, operation)

    def __add__(self, other: object) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other, "added")
        return Money(self.amount + other.amount, self.currency)

    def __radd__(self, other: object) -> Money:
        # ``sum(amounts)`` starts from the int 0; anything else is not money.
        if isinstance(other, int) and not isinstance(other, bool) and other == 0:
            return self
        return NotImplemented

    def __sub__(self, other: object) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other, "subtracted")
        return Money(self.amount - other.amount, self.currency)

    def __mul__(self, factor: object) -> Money:
        # A factor is a plain number (a percentage, a rate); money times money is
        # meaningless, and a float would bring binary rounding in.
        if isinstance(factor, bool) or not isinstance(factor, (Decimal, int)):
            return NotImplemented
        return Money(self.amount * factor, self.currency)

    __rmul__ = __mul__

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __abs__(self) -> Money:
        return Money(abs(self.amount), self.currency)

    def __bool__(self) -> bool:
        return bool(self.amount)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other, "compared")
        return self.amount < other.amount

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other, "compared")
        return self.amount <= other.amount

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other, "compared")
        return self.amount > other.amount

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other, "compared")
        return self.amount >= other.amount

    def __str__(self) -> str:
        # For logs and English API messages; screens format with ``i18n.format_amount``.
        return f"{self.currency} {self.amount:f}"


def totals_by_currency(amounts: Iterable[Money]) -> dict[str, Money]:
    """One total per currency, keyed and ordered by currency code (a stable display:
    "EUR 1,435.50 · USD 500.00" whatever the order of the lines)."""
    totals: dict[str, Money] = {}
    for money in amounts:
        known = totals.get(money.currency)
        totals[money.currency] = money if known is None else known + money
    return {code: totals[code] for code in sorted(totals)}
