"""The lines panel shows its summary for the lines it is created with (a restored claim
draft, a screen rebuilt in another language), not only after a line changes."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import Static

from cofatui.tui.kit.lines import RowsPanel
from cofatui.tui.kit.virtual_list import Column
from tests.tui.pilot import settle


def _total(lines: list[Any]) -> Text:
    return Text(f"{len(lines)} lines · total {sum(lines)}")


def _no_editor(line: Any | None, index: int | None) -> Screen[Any]:
    raise AssertionError("no line is edited here")


class PanelApp(App[None]):
    def __init__(self, lines: list[int]) -> None:
        super().__init__()
        self.lines = lines

    def compose(self) -> ComposeResult:
        yield RowsPanel([Column("n", "N", 8)], self.lines, _no_editor, summary=_total,
                        id="rows")


def _summary(app: App[None]) -> str:
    return str(app.query_one(".rows-summary", Static).render())


async def test_the_summary_of_the_lines_given_at_creation_shows_at_once() -> None:
    app = PanelApp([10, 20, 30])
    async with app.run_test() as pilot:
        await settle(pilot)
        assert _summary(app) == "3 lines · total 60"


async def test_the_summary_follows_the_lines_set_later() -> None:
    app = PanelApp([10])
    async with app.run_test() as pilot:
        await settle(pilot)
        app.query_one(RowsPanel).set_lines([1, 2])
        await settle(pilot)
        assert _summary(app) == "2 lines · total 3"
