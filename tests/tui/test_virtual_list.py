"""The virtual list: paging, cursor, marks, literal cells, stale pages dropped."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass

from textual.app import App, ComposeResult

from cofatui.tui.kit.virtual_list import PAGE_SIZE, Column, VirtualList
from tests.tui.pilot import settle


@dataclass(frozen=True)
class Row:
    id: int
    name: str


class CountingSource:
    """``size`` synthetic rows; records which offsets were fetched."""

    def __init__(self, size: int, name: str = "row") -> None:
        self.size = size
        self.name = name
        self.fetched: list[int] = []
        self.lock = threading.Lock()

    def count(self) -> int:
        return self.size

    def fetch(self, offset: int, limit: int) -> Sequence[Row]:
        with self.lock:
            self.fetched.append(offset)
        return [Row(i, f"{self.name} {i}") for i in range(offset, min(offset + limit, self.size))]


class ListApp(App[None]):
    def __init__(self, source: CountingSource) -> None:
        super().__init__()
        self.source = source
        self.activated: list[int] = []

    def compose(self) -> ComposeResult:
        yield VirtualList([Column("id", "Id", 10), Column("name", "Name", 0)], self.source,
                          id="list")

    def on_virtual_list_row_activated(self, event: VirtualList.RowActivated) -> None:
        self.activated.append(event.row.id)


async def test_a_million_rows_fetches_only_what_is_shown() -> None:
    source = CountingSource(1_000_000)
    app = ListApp(source)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        lst = app.query_one(VirtualList)
        assert lst.total == 1_000_000
        assert lst.row_count == 1_000_000
        assert len(source.fetched) <= 2  # the first page (and perhaps its neighbour)
        await pilot.press("end")
        await settle(pilot)
        await pilot.pause()
        assert lst.cursor == 999_999
        assert lst.cursor_row == Row(999_999, "row 999999")
        assert max(source.fetched) >= 999_999 - PAGE_SIZE
        assert len(source.fetched) < 10


async def test_cursor_marks_and_activation() -> None:
    app = ListApp(CountingSource(50))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        lst = app.query_one(VirtualList)
        await pilot.press("down", "down", "space")
        assert lst.marked_keys() == [2]
        await pilot.press("shift+down", "shift+down")
        assert lst.marked_keys() == [2, 3, 4]
        await pilot.press("space")
        assert lst.marked_keys() == [2, 3]
        await pilot.press("enter")
        await pilot.pause()
        assert app.activated == [4]
        await pilot.press("ctrl+a")
        await settle(pilot)
        assert len(lst.marked_keys()) == 50


async def test_new_source_drops_old_rows_and_marks() -> None:
    app = ListApp(CountingSource(30, "old"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        lst = app.query_one(VirtualList)
        await pilot.press("space")
        lst.set_source(CountingSource(3, "new"))
        await settle(pilot)
        assert lst.total == 3
        assert lst.marked_keys() == []
        assert lst.cursor_row == Row(0, "new 0")


async def test_cells_are_literal() -> None:
    class Nasty(CountingSource):
        def fetch(self, offset: int, limit: int) -> Sequence[Row]:
            names = ["[/] x", "[@click=app.quit]x[/]", "Foo [UK] Ltd", "$accent",
                     "evil\x1b]52;c;aGk=\x07\x1b[2Jname"]
            return [Row(i, names[i]) for i in range(offset, min(offset + limit, 5))]

    app = ListApp(Nasty(5))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        lst = app.query_one(VirtualList)
        lines = ["".join(seg.text for seg in lst.render_line(y)) for y in range(1, 6)]
        assert "[/] x" in lines[0]
        assert "[@click=app.quit]x[/]" in lines[1]
        assert "Foo [UK] Ltd" in lines[2]
        assert "$accent" in lines[3]
        assert "evil]52;c;aGk=[2Jname" in lines[4]
        assert "\x1b" not in "".join(lines)
        await pilot.click(VirtualList, offset=(5, 2))
        await pilot.pause()
        assert app.is_running


def list_text(app: App[None]) -> list[str]:
    strips = app.screen._compositor.render_strips()
    return ["".join(seg.text for seg in strip) for strip in strips]


class StateApp(App[None]):
    """Rows held in memory; a column that reads state outside the row (a clock, say)
    and one that only fits a wide terminal."""

    def __init__(self) -> None:
        super().__init__()
        self.suffix = "before"

    def compose(self) -> ComposeResult:
        from cofatui.tui.kit.list_source import ListSource

        yield VirtualList([Column("id", "Id", 4), Column("name", "Name", 0),
                           Column("state", "State", 8, render=lambda r: self.suffix),
                           Column("wide", "Wide only", 10, render=lambda r: f"w{r.id}",
                                  min_list_width=100)],
                          ListSource([Row(i, f"row {i}") for i in range(50)]), id="list")


async def test_in_memory_rows_show_with_their_count_at_once() -> None:
    app = StateApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        lst = app.query_one(VirtualList)
        assert lst.total == 50 and lst.cursor_row == Row(0, "row 0")
        lines = list_text(app)
        assert any("row 0" in line and "before" in line for line in lines)
        assert not any("Wide only" in line or "w0" in line for line in lines)


async def test_outside_refresh_shows_new_cells_and_cursor_moves_keep_them() -> None:
    app = StateApp()
    async with app.run_test(size=(120, 24)) as pilot:
        await pilot.pause()
        lst = app.query_one(VirtualList)
        assert any("Wide only" in line for line in list_text(app))
        assert any("w3" in line for line in list_text(app))
        app.suffix = "after"
        lst.refresh()
        await pilot.pause()
        assert not any("before" in line for line in list_text(app))
        await pilot.press("down", "down")
        await pilot.pause()
        row2 = next(line for line in list_text(app) if "row 2 " in line)
        assert row2.lstrip().startswith("›") and "after" in row2
