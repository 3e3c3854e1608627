"""``repo.rates``: exchange rates, for claims in another currency than the
contract's."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from cofatui.schemas import ExchangeRateCreate, ExchangeRatePublic, Page, Seek


@runtime_checkable
class RatesArea(Protocol):
    def record(self, data: ExchangeRateCreate) -> ExchangeRatePublic:
        """Record a rate; the same pair, day and source again corrects it.

        Raises: Forbidden (not a claims handler); ValidationFailed (a rate not above
        zero, an unknown currency, the same currency on both sides)."""
        ...

    def rows(self, currency: str | None = None, offset: int = 0,
             limit: int = 100, seek: Seek | None = None) -> Page[ExchangeRatePublic]:
        """Recorded rates, newest day first, of one currency or all; by offset, or by
        key as ``seek`` says. Raises: ValidationFailed (a cursor not of this list, at
        ``cursor``)."""
        ...
