"""The balance of a financial year for a period (issue 20 item 8): per account the
opening (before the period, the opening entry included), debit, credit and closing,
411 and 416 per auxiliary; the totals line shows debit = credit. Enter opens the
account's ledger; the balance exports as displayed."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Input, Select, Static

from cofatui.enums import EntryStatus
from cofatui.errors import CofaError
from cofatui.formats.export import ExportColumn
from cofatui.i18n import t
from cofatui.schemas_accounting import BalanceFilter, BalancePublic, BalanceRow
from cofatui.tui.features.accounting.export import export_as_displayed
from cofatui.tui.features.accounting.wording import label_of, money
from cofatui.tui.kit.debounce import Debounce
from cofatui.tui.kit.header import AppHeader
from cofatui.tui.kit.list_source import ListSource
from cofatui.tui.kit.products import cofa
from cofatui.tui.kit.typed_input import TypedInputError, date_pattern, parse_date
from cofatui.tui.kit.virtual_list import Column, VirtualList
from cofatui.tui.navigation import open_screen
from cofatui.tui.safe import clean


def balance_columns() -> list[Column]:
    c = "accounting_ui.col."
    return [
        Column("account", t(c + "account"), 9),
        Column("aux_num", t(c + "aux"), 12),
        Column("label", t(c + "label"), 0,
               render=lambda r: r.aux_label if r.aux_num else r.label),
        Column("opening", t(c + "opening"), 14, "right", render=lambda r: money(r.opening)),
        Column("debit", t(c + "debit"), 14, "right", render=lambda r: money(r.debit)),
        Column("credit", t(c + "credit"), 14, "right", render=lambda r: money(r.credit)),
        Column("closing", t(c + "closing"), 14, "right", render=lambda r: money(r.closing)),
    ]


def balance_export_columns() -> list[ExportColumn]:
    c = "accounting_ui.col."
    return [ExportColumn(t(c + "account"), lambda r: r.account),
            ExportColumn(t(c + "label"), lambda r: r.label),
            ExportColumn(t(c + "aux"), lambda r: r.aux_num),
            ExportColumn(t(c + "aux_label"), lambda r: r.aux_label),
            ExportColumn(t(c + "opening"), lambda r: r.opening),
            ExportColumn(t(c + "debit"), lambda r: r.debit),
            ExportColumn(t(c + "credit"), lambda r: r.credit),
            ExportColumn(t(c + "closing"), lambda r: r.closing)]


class BalanceScreen(Screen[None]):
    CSS_PATH = "accounting.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "common.back", id="accounting.balance.back"),
        Binding("ctrl+r", "reload", "accounting_ui.key.reload", id="accounting.balance.reload"),
        Binding("ctrl+e", "export", "accounting_ui.key.export", id="accounting.balance.export",
                tooltip="accounting_ui.key.export_tip"),
    ]

    def __init__(self, books_id: int, year_id: int) -> None:
        super().__init__()
        self.books_id = books_id
        self.year_id = year_id
        self.balance: BalancePublic | None = None
        self._debounce = Debounce(self, self.action_reload)

    def compose(self) -> ComposeResult:
        pattern = date_pattern(cofa(self.app).settings.date_order)
        yield AppHeader()
        yield Static(t("accounting_ui.sub_ledger"), id="acc-intro", markup=False)
        with Horizontal(classes="acc-filters"):
            yield Input(placeholder=t("accounting_ui.filter.from", pattern=pattern),
                        id="b-from")
            yield Input(placeholder=t("accounting_ui.filter.to", pattern=pattern), id="b-to")
            yield Select([(label_of("status", s), s) for s in EntryStatus],
                         prompt=t("accounting_ui.filter.status"), id="b-status")
        yield Static("", id="b-message", markup=False)
        yield VirtualList(balance_columns(), row_key=lambda r: hash((r.account, r.aux_num)),
                          id="b-list")
        yield Static("", id="b-totals", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.title = "accounting_ui.balance_title"
        self.query_one("#b-list", VirtualList).focus()
        self.action_reload()

    @on(Input.Changed)
    def _typed(self, _event: Input.Changed) -> None:
        self._debounce.typed()

    @on(Select.Changed)
    def _status(self, _event: Select.Changed) -> None:
        self.action_reload()

    def current_filter(self) -> BalanceFilter | None:
        order = cofa(self.app).settings.date_order
        try:
            date_from = parse_date(self.query_one("#b-from", Input).value, order)
            date_to = parse_date(self.query_one("#b-to", Input).value, order)
        except TypedInputError as exc:
            self._message("⚠ " + str(exc))
            return None
        status: Any = self.query_one("#b-status", Select).value
        return BalanceFilter(books_id=self.books_id, year_id=self.year_id,
                             date_from=date_from, date_to=date_to,
                             status=None if status is Select.NULL else status)

    def _message(self, text: str) -> None:
        self.query_one("#b-message", Static).update(Text(text))

    def action_reload(self) -> None:
        flt = self.current_filter()
        if flt is not None:
            self._message("")
            self._read(flt)

    @work(thread=True, exclusive=True, group="accounting-balance")
    def _read(self, flt: BalanceFilter) -> None:
        try:
            balance = cofa(self.app).repo.ledger.balance(flt)
        except CofaError as exc:
            self.app.call_from_thread(self._message, "⚠ " + clean(exc))
            return
        self.app.call_from_thread(self._show, balance)

    def _show(self, balance: BalancePublic) -> None:
        self.balance = balance
        self.query_one("#b-list", VirtualList).set_source(ListSource(balance.rows))
        self.query_one("#b-totals", Static).update(Text(t(
            "accounting_ui.balance_totals", accounts=len(balance.rows),
            opening=money(balance.opening), debit=money(balance.debit),
            credit=money(balance.credit), closing=money(balance.closing))))

    def on_virtual_list_row_activated(self, event: VirtualList.RowActivated) -> None:
        row = event.row
        flt = self.current_filter()
        if isinstance(row, BalanceRow) and flt is not None:
            open_screen(self.app, "accounting_ledger", self.books_id, self.year_id,
                        row.account, row.aux_num or None, flt.date_from, flt.date_to)

    def action_export(self) -> None:
        if self.balance is not None:
            rows = list(self.balance.rows)
            export_as_displayed(self.app, "balance", balance_export_columns(), lambda: rows)


__all__ = ["BalanceScreen", "balance_columns"]
