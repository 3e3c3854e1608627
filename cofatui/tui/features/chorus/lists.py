"""The invoices of one side (a dashboard's count, or a search): a virtual, paged list
with the seed's columns (seed 003 §X), newest deposit first. Enter opens the invoice;
``f`` changes the criteria."""

from __future__ import annotations

from typing import ClassVar, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Static

from cofatui.errors import CofaError
from cofatui.i18n import t
from cofatui.schemas_chorus import ChorusInvoiceRow, ChorusInvoiceSearch
from cofatui.tui.features.chorus.criteria import criteria_text
from cofatui.tui.features.chorus.wording import invoice_columns
from cofatui.tui.kit.header import AppHeader
from cofatui.tui.kit.paged_source import PagedSource
from cofatui.tui.kit.products import cofa
from cofatui.tui.kit.virtual_list import VirtualList
from cofatui.tui.kit.wording import plural
from cofatui.tui.navigation import open_screen
from cofatui.tui.safe import clean


class InvoiceListScreen(Screen[None]):
    CSS_PATH = "chorus.tcss"
    TITLE = "chorus_ui.list_title"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f", "search", "chorus_ui.key.criteria", id="chorus.list.search",
                tooltip="chorus_ui.key.search_tip"),
        Binding("ctrl+r", "reload", "chorus_ui.key.reload", id="chorus.list.reload"),
    ]

    def __init__(self, criteria: ChorusInvoiceSearch) -> None:
        super().__init__()
        self.away = False
        self.criteria = criteria

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static(criteria_text(self.criteria), id="chorus-criteria")
        yield Static("", id="chorus-count", markup=False)
        yield VirtualList(invoice_columns(self.criteria.side), id="chorus-invoices")
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
        lst = self.query_one(VirtualList)
        cursor = lst.cursor
        criteria, repo = self.criteria, cofa(self.app).repo
        self.query_one("#chorus-count", Static).update("")
        lst.columns = invoice_columns(criteria.side)  # the actions differ by side
        lst.set_source(PagedSource(
            lambda offset, limit: repo.chorus_invoices.search(criteria, offset, limit),
            self._failed))
        if keep_position:
            lst.cursor = cursor

    def _failed(self, exc: CofaError) -> None:
        self.app.call_from_thread(self._failed_now, str(exc))

    def _failed_now(self, message: str) -> None:
        self.query_one("#chorus-count", Static).update(Text("⚠ " + clean(message)))

    @on(VirtualList.CountChanged, "#chorus-invoices")
    def _counted(self, event: VirtualList.CountChanged) -> None:
        count = self.query_one("#chorus-count", Static)
        if str(count.render()).startswith("⚠"):
            return
        total = event.total or 0
        count.update(Text(plural("chorus_ui.count", count=total) if total
                          else t("chorus_ui.none")))

    @on(VirtualList.RowActivated, "#chorus-invoices")
    def _open(self, event: VirtualList.RowActivated) -> None:
        open_screen(self.app, "chorus_invoice", cast(ChorusInvoiceRow, event.row).id)

    def action_search(self) -> None:
        def searched(criteria: ChorusInvoiceSearch | None) -> None:
            if criteria is not None:
                self.criteria = criteria
                self.query_one("#chorus-criteria", Static).update(criteria_text(criteria))
                self.reload()

        open_screen(self.app, "chorus_search", self.criteria, callback=searched)

    def action_reload(self) -> None:
        self.reload(keep_position=True)


__all__ = ["InvoiceListScreen"]
