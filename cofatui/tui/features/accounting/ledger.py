"""An account's ledger (issue 20 item 8): its lines in date order with the running
balance from the opening (what is before the period, the opening entry included);
keyset windows as the journal; Enter opens the line's source; exports as displayed."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Static

from cofatui.errors import CofaError
from cofatui.formats.export import ExportColumn
from cofatui.i18n import t
from cofatui.schemas_accounting import LedgerFilter, LedgerRow, LedgerWindow
from cofatui.tui.features.accounting.export import export_as_displayed, windows
from cofatui.tui.features.accounting.keyset_source import KeysetSource
from cofatui.tui.features.accounting.sources import open_source
from cofatui.tui.features.accounting.wording import day, money
from cofatui.tui.kit.header import AppHeader
from cofatui.tui.kit.products import cofa
from cofatui.tui.kit.virtual_list import Column, VirtualList
from cofatui.tui.safe import clean


def ledger_columns() -> list[Column]:
    c = "accounting_ui.col."
    return [
        Column("date", t(c + "date"), 11, render=lambda r: day(r.entry_date)),
        Column("journal", t(c + "journal"), 3, render=lambda r: r.journal.value),
        Column("number", t(c + "number"), 6, "right",
               render=lambda r: "" if r.number is None else str(r.number)),
        Column("piece", t(c + "piece"), 16, render=lambda r: r.piece_ref),
        Column("aux", t(c + "aux"), 12, render=lambda r: r.aux_num),
        Column("label", t(c + "label"), 0, render=lambda r: r.label),
        Column("debit", t(c + "debit"), 14, "right",
               render=lambda r: money(r.debit, blank_zero=True)),
        Column("credit", t(c + "credit"), 14, "right",
               render=lambda r: money(r.credit, blank_zero=True)),
        Column("balance", t(c + "balance"), 15, "right", render=lambda r: money(r.balance)),
    ]


def ledger_export_columns() -> list[ExportColumn]:
    c = "accounting_ui.col."
    return [ExportColumn(t(c + "date"), lambda r: r.entry_date),
            ExportColumn(t(c + "journal"), lambda r: r.journal.value),
            ExportColumn(t(c + "number"), lambda r: r.number),
            ExportColumn(t(c + "piece"), lambda r: r.piece_ref),
            ExportColumn(t(c + "aux"), lambda r: r.aux_num),
            ExportColumn(t(c + "label"), lambda r: r.label),
            ExportColumn(t(c + "debit"), lambda r: r.debit),
            ExportColumn(t(c + "credit"), lambda r: r.credit),
            ExportColumn(t(c + "balance"), lambda r: r.balance)]


class LedgerScreen(Screen[None]):
    CSS_PATH = "accounting.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "common.back", id="accounting.ledger.back"),
        Binding("ctrl+e", "export", "accounting_ui.key.export", id="accounting.ledger.export",
                tooltip="accounting_ui.key.export_tip"),
    ]

    def __init__(self, books_id: int, year_id: int, account: str, aux_num: str | None = None,
                 date_from: date | None = None, date_to: date | None = None) -> None:
        super().__init__()
        self.filter = LedgerFilter(books_id=books_id, year_id=year_id, account=account,
                                   aux_num=aux_num, date_from=date_from, date_to=date_to)

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static("", id="l-title", markup=False)
        yield VirtualList(ledger_columns(), row_key=lambda r: r.entry_id * 10_000 + r.line_no,
                          id="l-list")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "accounting_ui.ledger_title"
        self.query_one("#l-list", VirtualList).focus()
        ledger = cofa(self.app).repo.ledger
        flt = self.filter
        # The window's header (label, opening) comes with the rows: the first window
        # read gives the title; the count is the rows read to the end once (a ledger of
        # one account is a small part of the journal).
        first: dict[str, LedgerWindow] = {}

        def read(after: str | None, limit: int) -> tuple[list[LedgerRow], str | None]:
            window = ledger.ledger(flt, after, limit)
            if after is None and "w" not in first:
                first["w"] = window
                self.app.call_from_thread(self._title, window)
            return window.items, window.next_after

        def count() -> int:
            return sum(1 for _ in windows(lambda after: read(after, 500)))

        self.query_one("#l-list", VirtualList).set_source(
            KeysetSource(read, count, lambda row, _before: row, self._failed))

    def _failed(self, exc: CofaError) -> None:
        self.app.call_from_thread(self.query_one("#l-title", Static).update,
                                  Text("⚠ " + clean(exc)))

    def _title(self, window: LedgerWindow) -> None:
        aux = f" / {self.filter.aux_num}" if self.filter.aux_num else ""
        self.query_one("#l-title", Static).update(Text(t(
            "accounting_ui.ledger_head", account=window.account + aux, label=window.label,
            opening=money(window.opening))))

    def on_virtual_list_row_activated(self, event: VirtualList.RowActivated) -> None:
        if isinstance(event.row, LedgerRow):
            open_source(self.app, event.row.source_kind, event.row.source_id)

    def action_export(self) -> None:
        ledger = cofa(self.app).repo.ledger
        flt = self.filter

        def read(after: str | None) -> tuple[list[LedgerRow], str | None]:
            window = ledger.ledger(flt, after, 500)
            return window.items, window.next_after

        export_as_displayed(self.app, f"ledger-{flt.account}", ledger_export_columns(),
                            lambda: windows(read))


__all__ = ["LedgerScreen"]
