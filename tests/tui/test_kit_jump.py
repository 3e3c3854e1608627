"""A jump of the virtual list to rows not read yet (End on a long list) paints once: the
list stays as it is painted until the page arrives (``JUMP_HOLD`` at most), then shows
the rows and its new scroll together; a page slower than the hold shows placeholders,
then its rows. No timing is asserted: the hold is set long or short for each case."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

import pytest
from textual.app import App, ComposeResult
from textual.pilot import Pilot

from cofatui.tui.kit import virtual_list
from cofatui.tui.kit.virtual_list import PAGE_SIZE, Column, VirtualList
from tests.tui.pilot import settle, wait_until

SIZE = 10 * PAGE_SIZE + 37
LAST_PAGE = (SIZE - 1) // PAGE_SIZE


class GatedSource:
    """``SIZE`` numbers read in a worker; the last page waits for ``gate``."""

    def __init__(self) -> None:
        self.gate = threading.Event()
        self.asked: list[int] = []

    def count(self) -> int:
        return SIZE

    def fetch(self, offset: int, limit: int) -> Sequence[int]:
        self.asked.append(offset // PAGE_SIZE)
        if offset // PAGE_SIZE == LAST_PAGE:
            self.gate.wait(30)
        return list(range(offset, min(offset + limit, SIZE)))


class JumpApp(App[None]):
    def __init__(self, source: GatedSource) -> None:
        super().__init__()
        self.source = source

    def compose(self) -> ComposeResult:
        yield VirtualList([Column("n", "Number", 12, render=lambda n: f"n{n}")],
                          self.source, row_key=int)


@asynccontextmanager
async def jumped(monkeypatch: pytest.MonkeyPatch, hold: float
                 ) -> AsyncIterator[tuple[Pilot[None], GatedSource, VirtualList]]:
    """A list of ``SIZE`` rows on screen, End pressed, with a hold of ``hold`` seconds."""
    monkeypatch.setattr(virtual_list, "JUMP_HOLD", hold)
    source = GatedSource()
    app = JumpApp(source)
    async with app.run_test(size=(40, 12)) as pilot:
        await settle(pilot)
        lst = app.query_one(VirtualList)
        assert "n0 " in shown(app)
        await pilot.press("end")
        yield pilot, source, lst


def shown(app: App[None]) -> str:
    """The screen as the compositor holds it (what the terminal shows)."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(seg.text for seg in strip) for strip in strips)


async def test_end_keeps_the_list_painted_until_the_last_rows_then_shows_them(
        monkeypatch: pytest.MonkeyPatch) -> None:
    async with jumped(monkeypatch, 60.0) as (pilot, source, lst):  # ended by the page only
        app = pilot.app
        await wait_until(pilot, lambda: LAST_PAGE in source.asked, what="the last page")
        await pilot.pause()
        # The page is coming: the rows painted stay, no placeholder, no scroll yet.
        assert lst.cursor == SIZE - 1
        screen = shown(app)
        assert "n0 " in screen and "…" not in screen
        assert lst.scroll_y == 0
        source.gate.set()
        await settle(pilot)
        screen = shown(app)
        assert f"n{SIZE - 1} " in screen and "n0 " not in screen and "…" not in screen
        assert lst.cursor_row == SIZE - 1


async def test_a_page_slower_than_the_hold_shows_placeholders_then_its_rows(
        monkeypatch: pytest.MonkeyPatch) -> None:
    async with jumped(monkeypatch, 0.01) as (pilot, source, lst):
        app = pilot.app
        await wait_until(pilot, lambda: "…" in shown(app), what="the placeholders")
        assert "n0 " not in shown(app) and lst.cursor == SIZE - 1
        source.gate.set()
        await settle(pilot)
        assert f"n{SIZE - 1} " in shown(app) and "…" not in shown(app)


async def test_home_during_the_hold_goes_back_to_the_top_rows(
        monkeypatch: pytest.MonkeyPatch) -> None:
    async with jumped(monkeypatch, 60.0) as (pilot, source, lst):
        app = pilot.app
        await wait_until(pilot, lambda: LAST_PAGE in source.asked, what="the last page")
        await pilot.press("home")
        assert lst.cursor == 0 and lst.scroll_y == 0
        source.gate.set()
        await settle(pilot)
        screen = shown(app)
        assert "›" in screen.splitlines()[1] and "n0 " in screen
        assert lst.cursor_row == 0 and lst.scroll_y == 0
