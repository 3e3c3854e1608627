"""Whether the data behind the app answers: one watch over every repository call.

The app wraps its Repository in :class:`WatchedRepository`; a call of an area method
(``repo.notifications.page(…)``) that raises :class:`Unavailable` reports the app
offline, any call that returns reports it back. Screens need nothing of their own: the
app shows the badge, probes with a backoff and reloads the current screen on recovery.
Nothing here retries a call (a write is never sent twice by this layer).
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from cofatui.errors import Unavailable

if TYPE_CHECKING:
    # The protocol's module imports every area's schemas: names for mypy only.
    from cofatui.repository.base import Repository

#: Called from worker threads: (error or None when the call answered).
Report = Callable[[Unavailable | None], None]


@functools.cache
def _area_names() -> frozenset[str]:
    """The repository's area names (``repo.<name>``), read at the first area call:
    ``cofatui.repository.areas`` imports every area's schemas, which the first frame
    does not wait for (issue 21 item 1)."""
    from cofatui.repository.areas import AREAS

    return frozenset(AREAS)


def _watched_call(function: Callable[..., Any], report: Report) -> Callable[..., Any]:
    @functools.wraps(function)
    def call(*args: Any, **kwargs: Any) -> Any:
        try:
            result = function(*args, **kwargs)
        except Unavailable as exc:
            report(exc)
            raise
        report(None)
        return result
    return call


class _WatchedArea:
    def __init__(self, area: object, report: Report) -> None:
        self._area = area
        self._report = report

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._area, name)
        return _watched_call(value, self._report) if callable(value) else value


class WatchedRepository:
    """A Repository whose area calls report whether the data answered."""

    def __init__(self, repo: Repository, report: Report) -> None:
        self._repo = repo
        self._report = report

    @property
    def wrapped(self) -> Repository:
        return self._repo

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._repo, name)
        if name in _area_names():
            return _WatchedArea(value, self._report)
        if name == "contracts":
            return _watched_call(value, self._report)
        return value


class ConnectionState:
    """Thread-safe: the last answer's time and whether the last call was unavailable."""

    def __init__(self, now: Callable[[], datetime]) -> None:
        self._now = now
        self._lock = threading.Lock()
        self.last_success: datetime | None = now()
        self.error: Unavailable | None = None

    def record(self, error: Unavailable | None) -> bool:
        """Note one call's outcome; True when it changed online ↔ offline."""
        with self._lock:
            was_offline = self.error is not None
            if error is None:
                self.last_success = self._now()
                self.error = None
            else:
                self.error = error
            return was_offline != (self.error is not None)


def next_probe_delay(previous: float | None, first: float, ceiling: float) -> float:
    """The backoff between two health probes: doubling from ``first`` up to ``ceiling``."""
    return first if previous is None else min(previous * 2, ceiling)


__all__ = ["ConnectionState", "WatchedRepository", "next_probe_delay"]
