"""Money as the database stores it: an integer count of thousandths of the currency
unit (``models.types.Money``), and back.

One place for the conversion, free of SQLAlchemy and Babel, because three readers need
it: the SQL column type, the start-up's WAP read with the standard library's
``sqlite3`` (before SQLAlchemy is imported) and the export writer (a hundred thousand
amounts a run). Each gives the same Decimal, digit for digit and exponent for exponent.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

#: Thousandths: exact for every currency, including those with three decimals (KWD).
MONEY_SCALE = Decimal(1000)
_ONE = Decimal(1)


def to_units(amount: Decimal | int | str) -> int:
    """An amount as stored: thousandths, rounded half up past the third decimal."""
    return int((Decimal(amount) * MONEY_SCALE).quantize(_ONE, rounding=ROUND_HALF_UP))


def from_units(units: int) -> Decimal:
    """Stored thousandths back to a Decimal with two decimals, or three when the third
    is used (12500 -> 12.50, 12345 -> 12.345). Moving the point (``scaleb``) instead of
    dividing and quantizing gives the same Decimal in a fraction of the time, and
    cannot overflow the decimal context."""
    if units % 10:
        return Decimal(units).scaleb(-3)
    return Decimal(units // 10).scaleb(-2)


def units_text(units: int) -> str:
    """``format(from_units(units), "f")`` made with integer arithmetic: the integer
    part, then two decimals, or three when the third is used."""
    if units < 0:
        return "-" + units_text(-units)
    whole, part = divmod(units, 1000)
    return f"{whole}.{part:03d}" if part % 10 else f"{whole}.{part // 10:02d}"
