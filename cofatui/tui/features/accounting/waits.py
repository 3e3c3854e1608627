"""Events waiting (issue 20 item 5, "money rule"): what could not be booked yet and
why, in the reader's language ("no EUR rate for USD on 2026-03-31"); ``generate`` books
them once the rate or the year exists."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Static

from cofatui.errors import CofaError
from cofatui.i18n import t
from cofatui.schemas_accounting import WaitPublic
from cofatui.tui.features.accounting.wording import day, label_of
from cofatui.tui.kit.header import AppHeader
from cofatui.tui.kit.list_source import ListSource
from cofatui.tui.kit.products import cofa
from cofatui.tui.kit.virtual_list import Column, VirtualList
from cofatui.tui.kit.wording import plural
from cofatui.tui.safe import clean


def wait_columns() -> list[Column]:
    c = "accounting_ui.col."
    return [
        Column("date", t(c + "date"), 11, render=lambda w: day(w.event_date)),
        Column("kind", t(c + "kind"), 24, render=lambda w: label_of("kind", w.event_kind)),
        Column("key", t(c + "key"), 26, render=lambda w: w.event_key),
        Column("message", t(c + "reason"), 0, render=lambda w: w.message),
    ]


class WaitsScreen(Screen[None]):
    CSS_PATH = "accounting.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "common.back", id="accounting.waits.back"),
        Binding("ctrl+r", "reload", "accounting_ui.key.reload", id="accounting.waits.reload"),
    ]

    def __init__(self, books_id: int) -> None:
        super().__init__()
        self.books_id = books_id

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static("", id="w-title", markup=False)
        yield VirtualList(wait_columns(), row_key=lambda w: hash(w.event_key), id="w-list")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "accounting_ui.waits_title"
        self.query_one("#w-list", VirtualList).focus()
        self.action_reload()

    @work(thread=True, exclusive=True, group="accounting-waits")
    def action_reload(self) -> None:
        try:
            waits = cofa(self.app).repo.ledger.waits(self.books_id)
        except CofaError as exc:
            self.app.call_from_thread(self._title, "⚠ " + clean(exc))
            return
        self.app.call_from_thread(self._show, waits)

    def _title(self, text: str) -> None:
        self.query_one("#w-title", Static).update(Text(text))

    def _show(self, waits: list[WaitPublic]) -> None:
        self._title(plural("accounting_ui.waits_count", count=len(waits)))
        self.query_one("#w-list", VirtualList).set_source(ListSource(waits))


__all__ = ["WaitsScreen"]
