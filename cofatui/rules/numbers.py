"""The numbers the database can store (issue 13 item 4): beyond them a driver fails
(``OverflowError``, PostgreSQL's "integer out of range") and the user saw a database
error instead of a refusal at the field.

- **Amounts** are stored as a 64-bit count of thousandths (``models.types.Money``):
  at most :data:`AMOUNT_DIGITS` digits before the decimal point (a thousand million
  million, far above any credit limit, and what a 64-bit count of thousandths holds
  with room to spare) and :data:`AMOUNT_PLACES` decimals (the minor unit of KWD, TND,
  JOD); a fourth decimal would be rounded away silently.
- **Exchange rates** are a 64-bit count of 10⁻¹⁰ (``models.exchange_rate.RateValue``):
  below :data:`RATE_MAX`, at most :data:`RATE_PLACES` decimals.
- **Whole numbers** (ids, versions, counts, days, slots) go into INTEGER columns,
  32-bit on PostgreSQL (SQLite's 64-bit is wider), so :data:`INT_MIN`..:data:`INT_MAX`.
- Never NaN or an infinity: neither is a quantity, and no column takes one.

Trailing zeros are not decimals: ``12.5000`` is ``12.5``, storable as it is.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from cofatui.errors import FieldError

__all__ = ["AMOUNT_DIGITS", "AMOUNT_PLACES", "INT_MAX", "INT_MIN", "RATE_MAX", "RATE_PLACES",
           "DecimalKind", "amount_errors", "decimal_errors", "decimal_places",
           "float_errors", "integer_errors"]

AMOUNT_DIGITS = 15
AMOUNT_PLACES = 3
AMOUNT_MAX = Decimal(10) ** AMOUNT_DIGITS  # exclusive
RATE_MAX = Decimal(10) ** 8  # exclusive; rules.exchange_rates.MAX_RATE
RATE_PLACES = 10  # rules.exchange_rates.MAX_RATE_DECIMALS
INT_MIN = -(2**31)
INT_MAX = 2**31 - 1

NOT_FINITE = "input.not_finite"
OUT_OF_RANGE = "input.number_out_of_range"  # whole numbers: min and max included
TOO_LARGE = "input.number_too_large"  # decimals: the size must stay below max
TOO_MANY_DECIMALS = "common.max_decimals"


class DecimalKind(StrEnum):
    """What a decimal input is, hence what the database keeps of it."""

    AMOUNT = "amount"
    RATE = "rate"


_LIMITS: dict[DecimalKind, tuple[Decimal, int]] = {
    DecimalKind.AMOUNT: (AMOUNT_MAX, AMOUNT_PLACES),
    DecimalKind.RATE: (RATE_MAX, RATE_PLACES),
}


def decimal_places(value: Decimal) -> int:
    """Decimals that matter: ``12.50`` has 1, ``1E+3`` has 0 (``value`` finite)."""
    exponent = value.as_tuple().exponent
    if not isinstance(exponent, int) or exponent >= 0:
        return 0
    # Strip trailing zeros only when there are decimals to look at (cheap on the
    # common "12.50"); normalize() of a huge exponent would be costly otherwise.
    normal = value.normalize().as_tuple().exponent
    return -normal if isinstance(normal, int) and normal < 0 else 0


def decimal_errors(field: str, value: Decimal, kind: DecimalKind = DecimalKind.AMOUNT, *,
                   line: int | None = None) -> list[FieldError]:
    """The refusal of decimal ``value`` in ``field`` as a ``kind`` (at most one):
    positive or negative, its size must stay below the kind's limit."""
    if not value.is_finite():
        return [FieldError(field, NOT_FINITE, line=line)]
    if value.is_zero():  # 0E+400 is zero, whatever its exponent
        return []
    limit, places = _LIMITS[kind]
    # The limits are powers of ten, so the exponent alone tells (1E+308 is not built).
    if value.adjusted() >= limit.adjusted():
        return [FieldError(field, TOO_LARGE, {"max": limit}, line=line)]
    if decimal_places(value) > places:
        return [FieldError(field, TOO_MANY_DECIMALS, {"count": places}, line=line)]
    return []


def amount_errors(field: str, value: Decimal, *, line: int | None = None) -> list[FieldError]:
    """The refusal of an amount of money (see the module's note)."""
    return decimal_errors(field, value, DecimalKind.AMOUNT, line=line)


def integer_errors(field: str, value: int, *, line: int | None = None) -> list[FieldError]:
    """The refusal of a whole number beyond a 32-bit INTEGER column."""
    if INT_MIN <= value <= INT_MAX:
        return []
    return [FieldError(field, OUT_OF_RANGE, {"min": INT_MIN, "max": INT_MAX}, line=line)]


def float_errors(field: str, value: float, *, line: int | None = None) -> list[FieldError]:
    """A float input must at least be a number (NaN and infinities are not)."""
    if value != value or value in (float("inf"), float("-inf")):
        return [FieldError(field, NOT_FINITE, line=line)]
    return []
