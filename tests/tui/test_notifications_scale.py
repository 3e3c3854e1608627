"""The notifications screen at a million rows (issue 21), on a repository whose list is
synthetic: End reads the last page by key (no deep offset); a keystroke during a slow
filter leaves the old rows on screen and stops the slow read; "mark all", one row
unmarked, then "mark read" runs ``mark_matching`` on the filter with that exception."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input

from cofatui.repository.cancel import ReadCancelled, current_cancel
from cofatui.schemas import NotificationFilter, NotificationRow, Page, RowCount, Seek
from cofatui.tui.app import CofaApp
from cofatui.tui.features.notifications.notifications import NotificationsScreen
from tests.repo_doubles import Override
from tests.tui.pilot import screen_text, settle, wait_until
from tests.tui.test_notifications import all_rows_of, app_for, engine, open_notifications, utc

__all__ = ["app_for", "engine", "utc"]  # the fixtures this module uses

MILLION = 1_000_000


class Synthetic:
    """A repository whose notification list has a million rows (ids MILLION..1, newest
    first); a text filter gives ``len(text) * 100`` rows of other ids. Reads of the
    text ``slow`` wait until released or cancelled. Every call is recorded."""

    def __init__(self, inner: Any, slow: str | None = None) -> None:
        self._inner = inner
        self.template = all_rows_of(inner)[0]
        self.slow = slow
        self.release = threading.Event()
        self.cancelled: list[str] = []
        self.reads: list[tuple[str, int, Seek | None]] = []
        self.marked: list[tuple[NotificationFilter, bool, list[int]]] = []
        #: When set, an exact count waits for it (a count slower than the screen).
        self.count_gate: threading.Event | None = None
        self.notifications = Override(inner.notifications, rows=self.rows, count=self.count,
                                      mark_matching=self.mark_matching)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    @staticmethod
    def _shape(flt: NotificationFilter | None) -> tuple[str, int, int]:
        text = (flt.text if flt else None) or ""
        size = len(text) * 100 if text else MILLION
        return text, size, size + 10_000_000 * len(text)  # text, rows, id of the first

    def rows(self, flt: NotificationFilter | None = None, offset: int = 0, limit: int = 100,
             with_total: bool = True, seek: Seek | None = None) -> Page[NotificationRow]:
        text, size, top = self._shape(flt)
        self.reads.append((text, offset, seek))
        if text == self.slow:
            self._wait(text)
        start = offset
        if seek is not None and seek.last:
            start = size - limit
        elif seek is not None and seek.after is not None:
            start = top - int(seek.after) + 1
        elif seek is not None and seek.before is not None:
            start = top - int(seek.before) - limit
        positions = range(max(0, start), max(0, min(start + limit, size)))
        items = [self.template.model_copy(update={"id": top - p}) for p in positions]
        return Page(items=items, offset=offset, limit=limit, total=size if with_total else -1,
                    first_cursor=str(items[0].id) if items else None,
                    last_cursor=str(items[-1].id) if items else None)

    def _wait(self, text: str) -> None:
        """A slow query that the cancel hook stops (as the SQL repository's does)."""
        token = current_cancel()
        assert token is not None, "the screen reads under a cancel token"
        stopped = threading.Event()
        detach = token.attach(stopped.set)
        try:
            while not self.release.wait(0.01):
                if stopped.is_set():
                    self.cancelled.append(text)
                    raise ReadCancelled()
        finally:
            detach()

    def count(self, flt: NotificationFilter | None = None,
              at_most: int | None = None) -> RowCount:
        _, size, _ = self._shape(flt)
        if at_most is not None and size > at_most:
            return RowCount(count=at_most, exact=False)
        if self.count_gate is not None:
            self.count_gate.wait(10)
        return RowCount(count=size)

    def mark_matching(self, flt: NotificationFilter, read: bool,
                      except_ids: Sequence[int] = ()) -> int:
        self.marked.append((flt, read, list(except_ids)))
        return self._shape(flt)[1] - len(except_ids)


def synthetic_app(app_for: Callable[..., CofaApp],
                  slow: str | None = None) -> tuple[CofaApp, Synthetic]:
    app = app_for()
    repo = Synthetic(app.repo, slow)
    app.repo = repo
    return app, repo


async def opened(pilot: Pilot[Any]) -> NotificationsScreen:
    """The screen open on the million rows, counted."""
    screen = await open_notifications(pilot)
    lst = screen.vlist
    await wait_until(pilot, lambda: lst.total == MILLION and lst.total_exact)
    return screen


async def test_end_on_a_million_notifications_shows_the_last_rows(
        app_for: Callable[..., CofaApp]) -> None:
    app, repo = synthetic_app(app_for)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await opened(pilot)
        lst = screen.vlist
        assert "1,000,000 notifications" in screen_text(app)
        await pilot.press("end")
        await settle(pilot)
        assert lst.cursor == MILLION - 1
        assert lst.cursor_row is not None and lst.cursor_row.id == 1
        assert max(offset for _, offset, _ in repo.reads) == 0  # never a deep OFFSET
        assert Seek(last=True) in [seek for _, _, seek in repo.reads]


async def test_a_keystroke_during_a_slow_filter_leaves_the_old_rows(
        app_for: Callable[..., CofaApp]) -> None:
    app, repo = synthetic_app(app_for, slow="s")
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_notifications(pilot)
        lst = screen.vlist
        await wait_until(pilot, lambda: lst.total == MILLION)
        first = lst.row_at(0)
        assert first is not None and first.id == MILLION
        screen.query_one("#filter", Input).focus()
        await pilot.press("s")
        await wait_until(pilot, lambda: ("s", 0, None) in repo.reads, what="the slow read")
        await pilot.pause(0.05)
        assert lst.row_at(0) is first and lst.filtering  # the old rows, still painted
        assert "filtering…" in screen_text(app)
        await pilot.press("t")  # the next keystroke: "st" is quick
        await wait_until(pilot, lambda: not lst.filtering and lst.total == 200,
                         what="the rows of 'st'")
        await wait_until(pilot, lambda: repo.cancelled == ["s"], what="the slow read stopped")
        row = lst.row_at(0)
        assert row is not None and row.id == 20_000_200
        assert "filtering…" not in screen_text(app)


async def test_mark_all_unmark_one_then_mark_read_runs_on_the_filter(
        app_for: Callable[..., CofaApp]) -> None:
    app, repo = synthetic_app(app_for)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await opened(pilot)
        lst = screen.vlist
        lst.focus()
        await pilot.press("ctrl+a", "down", "space")
        await pilot.pause()
        assert "999,999 marked" in screen_text(app)
        await pilot.press("r")
        await wait_until(pilot, lambda: repo.marked, what="mark_matching")
        flt, read, except_ids = repo.marked[0]
        assert read is True and except_ids == [MILLION - 1]
        assert flt == screen.current_filter()
        await settle(pilot)
        assert lst.selection().empty  # the marks are cleared after the change
        toasts = [n.message for n in app._notifications]
        assert any("999" in m and "marked read" in m for m in toasts), toasts


async def test_mark_read_at_the_end_keeps_the_last_rows_on_screen(
        app_for: Callable[..., CofaApp]) -> None:
    """After End, "mark all" and "mark read", the list is read again where the cursor
    stands: the rows there are the list's last ones, read by key from the other end."""
    app, repo = synthetic_app(app_for)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await opened(pilot)
        lst = screen.vlist
        lst.focus()
        await pilot.press("end")
        await settle(pilot)
        reads_before = len(repo.reads)
        repo.count_gate = threading.Event()  # the exact count comes after a while
        await pilot.press("ctrl+a", "r")
        await wait_until(pilot, lambda: repo.marked, what="mark_matching")
        await pilot.pause(0.2)  # the screen repaints meanwhile (rows "…")
        repo.count_gate.set()
        await wait_until(pilot, lambda: len(repo.reads) > reads_before
                         and lst.cursor_row is not None, what="the rows read again")
        await settle(pilot)
        assert lst.cursor == MILLION - 1
        top = int(lst.scroll_y)
        shown = [lst.row_at(i) for i in range(top, MILLION)]
        assert shown and all(row is not None for row in shown)
        assert [row.id for row in shown if row is not None] == \
            list(range(MILLION - top, 0, -1))
        assert max(offset for _, offset, _ in repo.reads[reads_before:]) == 0
