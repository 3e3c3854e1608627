"""Live countdowns in a list column: time left until a deadline, repainted every second.

The countdown cells are computed from an injected clock, never from ``datetime.now()``,
so a test (or an SVG snapshot) with a fixed clock always shows the same value. The
ticker repaints only the countdown column of the list (one region), never asks the
repository for anything, and reports the rows whose deadline passed since the previous
tick, once each, so the screen can say so and reload.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from rich.text import Text
from textual.geometry import Region
from textual.timer import Timer
from textual.widget import Widget

from cofatui.clock import Clock
from cofatui.i18n import t
from cofatui.tui.kit.virtual_list import GUTTER, Column, VirtualList

__all__ = ["CountdownTicker", "countdown_column", "format_countdown", "seconds_left"]

COUNTDOWN_WIDTH = 14
Deadline = Callable[[Any], datetime | None]


def seconds_left(deadline: datetime | None, now: datetime) -> int | None:
    """Whole seconds until ``deadline`` (negative once passed); None without deadline."""
    if deadline is None:
        return None
    return int((_aware(deadline) - _aware(now)).total_seconds())


def format_countdown(deadline: datetime | None, now: datetime) -> str:
    """``2 d 04:12:05``, ``04:12:05``, or the "due" text once the deadline has passed."""
    left = seconds_left(deadline, now)
    if left is None:
        return t("home.countdown.no_deadline")
    if left <= 0:
        return t("home.countdown.due")
    days, rest = divmod(left, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes, seconds = divmod(rest, 60)
    clock = f"{hours:02d}:{minutes:02d}:{seconds:02d}"
    return t("home.countdown.days", days=days, time=clock) if days else clock


def countdown_column(label: str, deadline: Deadline, clock: Clock,
                     width: int = COUNTDOWN_WIDTH) -> Column:
    """A right-aligned list column showing the time left until ``deadline(row)``.

    Passed deadlines read "due" in bold, so they stand out without colour.
    """

    def render(row: Any) -> Text:
        when = deadline(row)
        text = format_countdown(when, clock.now())
        left = seconds_left(when, clock.now())
        return Text(text.rjust(width), style="bold" if left is not None and left <= 0 else "",
                    no_wrap=True)

    return Column(key="countdown", label=label, width=width, align="right", render=render)


class CountdownTicker:
    """Every ``interval`` seconds: repaint one column of ``target`` and report deadlines
    that have just passed.

    ``rows()`` gives the rows currently shown (the screen keeps them: no repository
    call); ``on_due(rows)`` receives the rows whose deadline fell between the previous
    tick and this one. Deadlines already passed when the ticker starts are not reported.
    """

    def __init__(self, owner: Widget, target: VirtualList, column_index: int,
                 deadline: Deadline, clock: Clock, rows: Callable[[], Sequence[Any]],
                 on_due: Callable[[list[Any]], None], interval: float = 1.0) -> None:
        self.owner = owner
        self.target = target
        self.column_index = column_index
        self.deadline = deadline
        self.clock = clock
        self.rows = rows
        self.on_due = on_due
        self.interval = interval
        self._last: datetime = clock.now()
        self._timer: Timer | None = None

    def start(self) -> None:
        if self._timer is None:
            self._last = self.clock.now()
            self._timer = self.owner.set_interval(self.interval, self.tick)

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def reset(self) -> None:
        """New rows arrived: deadlines before now are old news, not "just passed"."""
        self._last = self.clock.now()

    def tick(self) -> None:
        now = self.clock.now()
        due = [row for row in self.rows()
               if (when := self.deadline(row)) is not None
               and _aware(self._last) < _aware(when) <= _aware(now)]
        self._last = now
        self.target.refresh(self.column_region())
        if due:
            self.on_due(due)

    def column_region(self) -> Region:
        """Where the countdown cells are on the list (every row line, that column)."""
        widths = self.target._widths(self.target.scrollable_content_region.width)
        x = GUTTER + sum(w + 1 for w in widths[:self.column_index] if w)  # 0: left out
        height = max(0, self.target.size.height - 1)
        return Region(x, 1, widths[self.column_index], height)


def _aware(value: datetime) -> datetime:
    # The database may hand back naive UTC timestamps (SQLite); the clock is aware UTC.
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
