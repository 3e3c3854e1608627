"""Filtering as the user types: the first key applies at once (one keystroke repaints
without delay), then at most one query per ``DELAYS.filter_debounce`` while typing goes
on, and the last keys are never lost."""

from __future__ import annotations

from collections.abc import Callable
from time import monotonic

from textual.message_pump import MessagePump
from textual.timer import Timer

from cofatui.tui.kit.delays import DELAYS

__all__ = ["Debounce"]


class Debounce:
    """``typed()`` on each change; ``apply`` is called on the leading edge and once more
    after the pause (on the owner's timers)."""

    def __init__(self, owner: MessagePump, apply: Callable[[], object]) -> None:
        self.owner = owner
        self.apply = apply
        self._timer: Timer | None = None
        self._last = 0.0

    def typed(self) -> None:
        since = monotonic() - self._last
        if self._timer is None:
            if since >= DELAYS.filter_debounce:
                self.now()
            else:
                self._timer = self.owner.set_timer(DELAYS.filter_debounce - since, self.now)

    def now(self) -> None:
        """Apply at once (and cancel a pending call)."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self._last = monotonic()
        self.apply()
