"""The virtual list at scale, driven with Pilot (issue 21): End on a million rows reads
the last page from the other end; a new filter keeps the old rows on screen, marked
"filtering…", and stops the read it replaces; "mark all" is a predicate with
exceptions (instant, no cap, no lost hand mark); rows first, then "more than N", then
the exact count."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

from textual.app import App, ComposeResult

from cofatui.errors import CofaError
from cofatui.schemas import RowCount, Seek
from cofatui.tui.kit.paged_source import PagedSource
from cofatui.tui.kit.virtual_list import Column, RowSource, VirtualList
from tests.tui.pilot import settle, wait_until
from tests.tui.test_virtual_list_keyset import Synthetic


class NumbersApp(App[None]):
    def __init__(self, source: RowSource) -> None:
        super().__init__()
        self.source = source
        self.counts: list[tuple[int | None, bool, bool]] = []  # total, exact, rows shown
        self.errors: list[str] = []

    def compose(self) -> ComposeResult:
        yield VirtualList([Column("n", "Number", 12, render=str)], self.source,
                          row_key=lambda row: int(row), id="list")

    def on_virtual_list_count_changed(self, event: VirtualList.CountChanged) -> None:
        lst = event.virtual_list
        self.counts.append((event.total, lst.total_exact, lst.row_at(0) is not None))

    def notify(self, message: str, **kwargs: Any) -> None:
        self.errors.append(message)


def keyset(data: Synthetic, errors: list[CofaError] | None = None,
           counted: bool = False) -> PagedSource[int]:
    return PagedSource(data.page, (errors if errors is not None else []).append,
                       fetch_seek=data.seek, count_rows=data.count if counted else None)


def header(lst: VirtualList) -> str:
    return "".join(seg.text for seg in lst.render_line(0))


async def test_end_on_a_million_rows_reads_the_last_page_by_key() -> None:
    data = Synthetic(1_000_000)
    app = NumbersApp(keyset(data))
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot)
        lst = app.query_one(VirtualList)
        assert lst.total == 1_000_000
        await pilot.press("end")
        await settle(pilot)
        assert lst.cursor == 999_999 and lst.cursor_row == 999_999
        await pilot.press("pageup", "pageup")
        await settle(pilot)
        assert lst.cursor_row == lst.cursor
        assert data.offsets == [0]  # the first page; never a deep OFFSET
        assert (Seek(last=True), 200) in data.seeks
        assert len(data.seeks) <= 3


async def test_a_new_filter_keeps_the_old_rows_and_stops_the_read_it_replaces() -> None:
    errors: list[CofaError] = []
    app = NumbersApp(keyset(Synthetic(50)))
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot)
        lst = app.query_one(VirtualList)
        slow = Synthetic(800, gate=threading.Event(), with_total=False)
        slow_source = keyset(slow, errors, counted=True)  # counts once its rows are in
        lst.set_source(slow_source, keep_rows=True)
        await wait_until(pilot, lambda: slow.offsets, what="the slow read to start")
        await pilot.pause()
        assert lst.filtering and lst.total == 50
        assert lst.row_at(10) == 10 and "filtering…" in header(lst)
        lst.set_source(keyset(Synthetic(3)), keep_rows=True)  # the next keystroke
        assert slow_source.token.cancelled
        await settle(pilot)
        assert not lst.filtering and lst.total == 3
        assert [lst.row_at(i) for i in range(4)] == [0, 1, 2, None]
        assert "filtering…" not in header(lst)
        assert errors == [] and app.errors == []  # a cancelled read is nobody's error


async def test_mark_all_is_the_filter_with_exceptions() -> None:
    data = Synthetic(1_000_000)
    app = NumbersApp(keyset(data))
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot)
        lst = app.query_one(VirtualList)
        lst.marks_as_filter = True
        await pilot.press("space", "ctrl+a", "down", "space", "down")
        await settle(pilot)
        selection = lst.selection()
        assert selection.all and selection.except_keys == {1}
        assert lst.marked_count == 999_999
        assert lst.is_marked(0) and not lst.is_marked(1) and lst.is_marked(500_000)
        await pilot.press("up", "space")  # marked again by hand
        assert lst.selection().except_keys == frozenset() and lst.marked_count == 1_000_000
        assert len(data.seeks) + len(data.offsets) <= 3  # no key collected
        lst.clear_marks()
        assert lst.selection().empty and lst.marked_count == 0


class Gated:
    """Rows 0..size-1; reads past the first page wait for ``gate``."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.gate = threading.Event()

    def count(self) -> int:
        return self.size

    def fetch(self, offset: int, limit: int) -> Sequence[int]:
        if offset:
            self.gate.wait(10)
        return list(range(offset, min(offset + limit, self.size)))


async def test_keys_collected_for_a_screen_that_needs_them_keep_hand_unmarks() -> None:
    source = Gated(1000)
    app = NumbersApp(source)
    async with app.run_test(size=(60, 20)) as pilot:
        lst = app.query_one(VirtualList)
        # Not settle: the prefetch of the second page waits for the gate too.
        await wait_until(pilot, lambda: lst.total == 1000 and lst.row_at(2) is not None)
        await pilot.press("ctrl+a")
        await pilot.press("down", "down", "space")  # while the keys are being read
        assert lst.all_marked and lst.marked_count == 999
        source.gate.set()
        await settle(pilot)
        assert not lst.all_marked
        assert lst.marked_keys() == [k for k in range(1000) if k != 2]


async def test_rows_first_then_more_than_n_then_the_exact_count() -> None:
    data = Synthetic(5000, with_total=False)
    app = NumbersApp(keyset(data, counted=True))
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot)
        lst = app.query_one(VirtualList)
        assert app.counts == [(1000, False, True), (5000, True, True)]
        assert data.counts == [1000, None]
        assert lst.total == 5000 and lst.total_exact


class SlowExactCount(Synthetic):
    """The exact count waits for ``release`` (a full count of a million rows is slow);
    the quick capped one answers at once."""

    def __init__(self, size: int) -> None:
        super().__init__(size, with_total=False)
        self.release = threading.Event()

    def count(self, at_most: int | None) -> RowCount:
        if at_most is None:
            self.release.wait(10)
        return super().count(at_most)


async def test_end_before_the_exact_count_lands_on_the_last_row_when_it_arrives() -> None:
    data = SlowExactCount(5000)
    app = NumbersApp(keyset(data, counted=True))
    async with app.run_test(size=(60, 20)) as pilot:
        lst = app.query_one(VirtualList)
        await wait_until(pilot, lambda: lst.total == 1000, what="the quick count")
        assert not lst.total_exact
        await pilot.press("end")  # "more than 1,000": the known end for now
        await pilot.pause()
        assert lst.cursor == 999
        data.release.set()
        await settle(pilot)
        assert lst.total == 5000 and lst.total_exact
        assert lst.cursor == 4999 and lst.cursor_row == 4999
        assert data.offsets == [0]  # the last page read from the other end
        await pilot.press("home", "end")  # the count known: End goes there at once
        await settle(pilot)
        assert lst.cursor == 4999
