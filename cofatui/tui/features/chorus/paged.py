"""What the Chorus Pro lists share (the invoices of a count or a search, the
anomalies): a count line over a virtual list read page by page from the repository,
reloaded when the user comes back to it (a move may have changed it), a refusal told in
the count line, Enter opening the invoice."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Static

from cofatui.errors import CofaError
from cofatui.i18n import t
from cofatui.schemas import Page, Seek
from cofatui.tui.kit.header import AppHeader
from cofatui.tui.kit.paged_source import PagedSource
from cofatui.tui.kit.virtual_list import Column, VirtualList
from cofatui.tui.kit.wording import plural
from cofatui.tui.navigation import open_screen
from cofatui.tui.safe import clean

Pages = Callable[[int, int], Page[Any]]
#: The same list read by key (issue 21): a page after/before a cursor, or the last.
SeekPages = Callable[[Seek | None, int], Page[Any]]


class ChorusListScreen(Screen[None]):
    """A subclass says what it lists: ``columns()``, ``pages()`` (by offset: the
    first page and far jumps), ``seek_pages()`` (by key: every other page) and, in
    ``COUNT_KEY``/``NONE_KEY``, how its count reads; ``above()`` adds lines over it."""

    CSS_PATH = "chorus.tcss"
    COUNT_KEY = ""
    NONE_KEY = ""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r", "reload", "chorus_ui.key.reload", id="chorus.list.reload"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.away = False

    def columns(self) -> list[Column]:
        raise NotImplementedError

    def pages(self) -> Pages:
        raise NotImplementedError

    def seek_pages(self) -> SeekPages:
        raise NotImplementedError

    def invoice_id(self, row: Any) -> int:
        return int(row.id)

    def above(self) -> ComposeResult:
        yield from ()

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield from self.above()
        yield Static("", id="chorus-count", markup=False)
        yield VirtualList(self.columns(), row_key=self.invoice_id, id="chorus-rows")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(VirtualList).focus()
        self.reload()

    def on_screen_suspend(self) -> None:
        self.away = True

    def on_screen_resume(self) -> None:
        # Back from an invoice or a form (not the first showing): a move may have
        # changed what is counted and listed.
        if self.away:
            self.away = False
            self.reload(keep_position=True)

    async def on_language_changed(self, _event: object) -> None:
        await self.recompose()
        self.reload()

    def reload(self, keep_position: bool = False) -> None:
        rows = self.query_one(VirtualList)
        cursor = rows.cursor
        self.query_one("#chorus-count", Static).update("")
        rows.columns = self.columns()
        rows.set_source(PagedSource(self.pages(), self._failed, fetch_seek=self.seek_pages()))
        if keep_position:
            rows.cursor = cursor

    def _failed(self, exc: CofaError) -> None:
        self.app.call_from_thread(self._failed_now, str(exc))

    def _failed_now(self, message: str) -> None:
        self.query_one("#chorus-count", Static).update(Text("⚠ " + clean(message)))

    @on(VirtualList.CountChanged, "#chorus-rows")
    def _counted(self, event: VirtualList.CountChanged) -> None:
        count = self.query_one("#chorus-count", Static)
        if str(count.render()).startswith("⚠"):
            return
        total = event.total or 0
        count.update(Text(plural(self.COUNT_KEY, count=total) if total else t(self.NONE_KEY)))

    @on(VirtualList.RowActivated, "#chorus-rows")
    def _open(self, event: VirtualList.RowActivated) -> None:
        open_screen(self.app, "chorus_invoice", self.invoice_id(event.row))

    def action_reload(self) -> None:
        self.reload(keep_position=True)


__all__ = ["ChorusListScreen", "Pages"]
