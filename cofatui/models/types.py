"""Column types shared by every table.

Money is stored as an integer count of thousandths of the currency unit: exact on
SQLite (which has no decimal type) and PostgreSQL alike, sortable, and wide enough for
currencies with three decimals (KWD, TND, JOD). Timestamps are stored UTC and always
come back timezone-aware.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import BigInteger, DateTime
from sqlalchemy.types import TypeDecorator

MONEY_SCALE = Decimal(1000)


class Money(TypeDecorator[Decimal]):
    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> int | None:
        if value is None:
            return None
        return int((Decimal(value) * MONEY_SCALE).quantize(Decimal(1), rounding=ROUND_HALF_UP))

    def process_result_value(self, value: Any, dialect: Any) -> Decimal | None:
        if value is None:
            return None
        return _from_units(int(value))


def _from_units(units: int) -> Decimal:
    """Thousandths back to a Decimal with at least two decimals (12.5 -> 12.50)."""
    value = Decimal(units) / MONEY_SCALE
    return value.quantize(Decimal("0.01")) if units % 10 == 0 else value.quantize(Decimal("0.001"))


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        stored: datetime = value.astimezone(UTC)
        return stored.replace(tzinfo=None) if dialect.name == "sqlite" else stored

    def process_result_value(self, value: Any, dialect: Any) -> datetime | None:
        if value is None:
            return None
        read: datetime = value
        return read.replace(tzinfo=UTC) if read.tzinfo is None else read.astimezone(UTC)
