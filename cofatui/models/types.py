"""Column types shared by every table.

Money is stored as an integer count of thousandths of the currency unit: exact on
SQLite (which has no decimal type) and PostgreSQL alike, sortable, and wide enough for
currencies with three decimals (KWD, TND, JOD). Timestamps are stored UTC and always
come back timezone-aware.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, DateTime
from sqlalchemy.types import TypeDecorator

from cofatui.rules.money_units import MONEY_SCALE, from_units, to_units

__all__ = ["MONEY_SCALE", "Money", "UTCDateTime"]


class Money(TypeDecorator[Decimal]):
    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> int | None:
        if value is None:
            return None
        return to_units(value)

    def process_result_value(self, value: Any, dialect: Any) -> Decimal | None:
        if value is None:
            return None
        return from_units(int(value))


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
