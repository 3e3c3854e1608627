"""Exchange rates recorded to convert claim lines into the contract's currency (SPEC §11
"Money"): typed in by a claims handler or imported from the European Central Bank's
reference rates file (``cofatui rates import``). ``1 base = rate quote`` on
``rate_date``; see ``rules.exchange_rates`` for which rate applies."""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import BigInteger, Column, Index
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

from cofatui.models.base import timestamp_field

RATE_SCALE = Decimal(10) ** 10  # rules.exchange_rates.MAX_RATE_DECIMALS


class RateValue(TypeDecorator[Decimal]):
    """A rate as an integer count of 10⁻¹⁰: exact on SQLite (no decimal type) and
    PostgreSQL alike, as ``types.Money`` does for amounts."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> int | None:
        if value is None:
            return None
        return int((Decimal(value) * RATE_SCALE).quantize(Decimal(1), rounding=ROUND_HALF_UP))

    def process_result_value(self, value: Any, dialect: Any) -> Decimal | None:
        if value is None:
            return None
        rate = (Decimal(int(value)) / RATE_SCALE).normalize()
        exponent = rate.as_tuple().exponent
        # normalize() writes 100 as 1E+2: keep whole numbers whole.
        return rate.quantize(Decimal(1)) if isinstance(exponent, int) and exponent > 0 else rate


class ExchangeRate(SQLModel, table=True):
    __tablename__ = "exchange_rate"
    __table_args__ = (
        # One rate per pair, day and source; its prefix finds a pair's newest rate on or
        # before a date (rules.exchange_rates.find_conversion).
        Index("ux_exchange_rate_pair_day_source", "base", "quote", "rate_date", "source",
              unique=True),
    )
    id: int | None = Field(default=None, primary_key=True)
    base: str = Field(max_length=3)
    quote: str = Field(max_length=3)
    rate: Decimal = Field(sa_column=Column(RateValue(), nullable=False))
    rate_date: date
    source: str = Field(max_length=80)
    recorded_at: datetime | None = timestamp_field(nullable=False)
    recorded_by: str = Field(default="", max_length=80)
