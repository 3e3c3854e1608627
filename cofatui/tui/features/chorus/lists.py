"""The invoices of one side (a dashboard's count, or a search): a virtual, paged list
with the seed's columns (seed 003 §X), newest deposit first. Enter opens the invoice;
``f`` changes the criteria."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Static

from cofatui.schemas_chorus import ChorusInvoiceSearch
from cofatui.tui.features.chorus.criteria import criteria_text
from cofatui.tui.features.chorus.paged import ChorusListScreen, Pages, SeekPages
from cofatui.tui.features.chorus.wording import invoice_columns
from cofatui.tui.kit.products import cofa
from cofatui.tui.kit.virtual_list import Column
from cofatui.tui.navigation import open_screen


class InvoiceListScreen(ChorusListScreen):
    TITLE = "chorus_ui.list_title"
    COUNT_KEY = "chorus_ui.count"
    NONE_KEY = "chorus_ui.none"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f", "search", "chorus_ui.key.criteria", id="chorus.list.search",
                tooltip="chorus_ui.key.search_tip"),
        # issue 19: the listed invoices' Factur-X, as a job
        Binding("x", "export", "chorus_facturx_ui.key.export_selection",
                id="chorus.list.export"),
    ]

    def __init__(self, criteria: ChorusInvoiceSearch) -> None:
        super().__init__()
        self.criteria = criteria

    def above(self) -> ComposeResult:
        yield Static(criteria_text(self.criteria), id="chorus-criteria")

    def columns(self) -> list[Column]:
        return invoice_columns(self.criteria.side)  # the actions differ by side

    def pages(self) -> Pages:
        criteria, area = self.criteria, cofa(self.app).repo.chorus_invoices
        return lambda offset, limit: area.search(criteria, offset, limit)

    def seek_pages(self) -> SeekPages:
        criteria, area = self.criteria, cofa(self.app).repo.chorus_invoices
        return lambda seek, limit: area.search(criteria, 0, limit, seek)

    def action_search(self) -> None:
        def searched(criteria: ChorusInvoiceSearch | None) -> None:
            if criteria is not None:
                self.criteria = criteria
                self.query_one("#chorus-criteria", Static).update(criteria_text(criteria))
                self.reload()

        open_screen(self.app, "chorus_search", self.criteria, callback=searched)

    def action_export(self) -> None:
        open_screen(self.app, "chorus_facturx_export_selection", self.criteria)


__all__ = ["InvoiceListScreen"]
