"""Injected time. Rules and repositories take a Clock so deadlines, countdowns and
demo data are testable; nothing else calls ``datetime.now()``."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Protocol

#: The time a missing timestamp stands for where a value is needed (a keyset order
#: sorts a NULL as the oldest; the underwriter's queue carries it for a request older
#: than its time column). Screens show it as no time at all.
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class Clock(Protocol):
    def now(self) -> datetime: ...

    def today(self) -> date: ...


class SystemClock:
    """Wall-clock time, always timezone-aware UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def today(self) -> date:
        return self.now().date()


class FixedClock:
    """A clock for tests and demo generation; ``advance`` moves it forward."""

    def __init__(self, at: datetime) -> None:
        self._at = at if at.tzinfo else at.replace(tzinfo=UTC)

    def now(self) -> datetime:
        return self._at

    def today(self) -> date:
        return self._at.date()

    def advance(self, **delta: float) -> None:
        self._at += timedelta(**delta)
