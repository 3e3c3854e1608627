"""Tools › Accounting: the journal of the insurance sub-ledger (issue 20 item 7).

Filters combine (books and year, period, journal, account prefix, event kind, status,
text) and select whole entries, so the footer's total debit equals its total credit.
The list is virtual (keyset windows), grouped by entry; Enter opens what an entry
books (a claim, a premium payment's notices, a cover). Actions: validate up to a date,
generate, events waiting, export as displayed, the FEC (a job), the balance."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Input, Select, Static

from cofatui.enums import AccountingEventKind, EntryStatus, Journal
from cofatui.errors import CofaError
from cofatui.i18n import t
from cofatui.schemas_accounting import (
    BooksPublic,
    GenerateResult,
    JournalFilter,
    JournalTotals,
)
from cofatui.tui.features.accounting.books_choice import YearKey, default_year, year_options
from cofatui.tui.features.accounting.export import export_as_displayed, windows
from cofatui.tui.features.accounting.journal_rows import (
    JournalRow,
    journal_columns,
    journal_export_columns,
    journal_row,
)
from cofatui.tui.features.accounting.keyset_source import KeysetSource
from cofatui.tui.features.accounting.sources import open_source
from cofatui.tui.features.accounting.wording import label_of, money
from cofatui.tui.kit.debounce import Debounce
from cofatui.tui.kit.header import AppHeader
from cofatui.tui.kit.products import cofa
from cofatui.tui.kit.typed_input import TypedInputError, date_pattern, parse_date
from cofatui.tui.kit.virtual_list import VirtualList
from cofatui.tui.kit.wording import plural
from cofatui.tui.navigation import open_screen
from cofatui.tui.safe import clean


class JournalScreen(Screen[None]):
    CSS_PATH = "accounting.tcss"
    # Control keys, as the filters above take letters; none that a focused Input
    # (ctrl+e end, ctrl+w word, ctrl+v paste — a terminal may paste it itself) or the
    # app (ctrl+o contract) already means.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r", "reload", "accounting_ui.key.reload", id="journal.reload",
                tooltip="accounting_ui.key.reload_tip"),
        Binding("ctrl+l", "validate", "accounting_ui.key.validate", id="journal.validate",
                tooltip="accounting_ui.key.validate_tip"),
        Binding("ctrl+g", "generate", "accounting_ui.key.generate", id="journal.generate",
                tooltip="accounting_ui.key.generate_tip"),
        Binding("ctrl+t", "waits", "accounting_ui.key.waits", id="journal.waits",
                tooltip="accounting_ui.key.waits_tip"),
        Binding("ctrl+y", "export", "accounting_ui.key.export", id="journal.export",
                tooltip="accounting_ui.key.export_tip"),
        Binding("ctrl+f", "fec", "accounting_ui.key.fec", id="journal.fec",
                tooltip="accounting_ui.key.fec_tip"),
        Binding("ctrl+b", "balance", "accounting_ui.key.balance", id="journal.balance",
                tooltip="accounting_ui.key.balance_tip"),
        Binding("ctrl+n", "books", "accounting_ui.key.books", id="journal.books",
                tooltip="accounting_ui.key.books_tip"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.books: list[BooksPublic] = []
        self.year: YearKey | None = None
        self.totals: JournalTotals | None = None
        self._debounce = Debounce(self, self.action_reload)

    def compose(self) -> ComposeResult:
        pattern = date_pattern(cofa(self.app).settings.date_order)
        yield AppHeader()
        yield Static(t("accounting_ui.sub_ledger"), id="acc-intro", markup=False)
        with Horizontal(classes="acc-filters"):
            yield Select([], prompt=t("accounting_ui.filter.year"),
                         id="j-year")
            yield Input(placeholder=t("accounting_ui.filter.from", pattern=pattern),
                        id="j-from")
            yield Input(placeholder=t("accounting_ui.filter.to", pattern=pattern), id="j-to")
            yield Select([(label_of("journal", j), j) for j in Journal],
                         prompt=t("accounting_ui.filter.journal"), id="j-journal")
        with Horizontal(classes="acc-filters"):
            yield Input(placeholder=t("accounting_ui.filter.account"), id="j-account",
                        restrict=r"[0-9]*", max_length=20)
            yield Select([(label_of("kind", k), k) for k in AccountingEventKind],
                         prompt=t("accounting_ui.filter.kind"), id="j-kind")
            yield Select([(label_of("status", s), s) for s in EntryStatus],
                         prompt=t("accounting_ui.filter.status"), id="j-status")
            yield Input(placeholder=t("accounting_ui.filter.text"), id="j-text", max_length=100)
        yield Static("", id="j-message", markup=False)
        yield VirtualList(journal_columns(), row_key=lambda r: r.key, id="j-list")
        yield Static("", id="j-totals", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.title = "accounting_ui.journal_title"
        self._load_books()

    async def on_language_changed(self, _event: object) -> None:
        year = self.year
        await self.recompose()
        self.year = year
        self._show_books(self.books)

    # --- the books and years ------------------------------------------------------------
    @work(thread=True, exclusive=True, group="journal-books")
    def _load_books(self) -> None:
        try:
            books = cofa(self.app).repo.books.list()
        except CofaError as exc:
            self.app.call_from_thread(self._message, "⚠ " + clean(exc))
            return
        self.app.call_from_thread(self._show_books, books)

    def _show_books(self, books: list[BooksPublic]) -> None:
        self.books = books
        select: Select[YearKey] = self.query_one("#j-year", Select)
        options = year_options(books)
        if not options:
            self._message(t("accounting_ui.no_books"))
            return
        keys = {key for _, key in options}
        self.year = self.year if self.year in keys else default_year(
            books, cofa(self.app).current_contract_id)
        with self.prevent(Select.Changed):
            select.set_options(options)
            if self.year is not None:
                select.value = self.year
        self.action_reload()
        self.query_one("#j-list", VirtualList).focus()

    # --- the filter ---------------------------------------------------------------------
    @on(Select.Changed)
    def _select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "j-year" and isinstance(event.value, tuple):
            self.year = event.value
        self.action_reload()

    @on(Input.Changed)
    def _typed(self, _event: Input.Changed) -> None:
        self._debounce.typed()

    def current_filter(self) -> JournalFilter | None:
        """The filter as typed; None (and the reason shown) when a date is not one."""
        if self.year is None:
            return None
        order = cofa(self.app).settings.date_order
        try:
            date_from = parse_date(self.query_one("#j-from", Input).value, order)
            date_to = parse_date(self.query_one("#j-to", Input).value, order)
        except TypedInputError as exc:
            self._message("⚠ " + str(exc))
            return None

        def chosen(selector: str) -> Any:
            value = self.query_one(selector, Select).value
            return None if value is Select.NULL else value

        return JournalFilter(
            books_id=self.year[0], year_id=self.year[1], date_from=date_from,
            date_to=date_to, journal=chosen("#j-journal"),
            account_prefix=self.query_one("#j-account", Input).value.strip(),
            event_kind=chosen("#j-kind"), status=chosen("#j-status"),
            text=self.query_one("#j-text", Input).value.strip())

    def action_reload(self) -> None:
        flt = self.current_filter()
        if flt is None:
            return
        self._message("")
        self.totals = None
        self.query_one("#j-totals", Static).update(t("accounting_ui.totals_loading"))
        ledger = cofa(self.app).repo.ledger

        def read(after: str | None, limit: int) -> tuple[list[Any], str | None]:
            window = ledger.journal(flt, after, limit)
            return window.items, window.next_after

        def count() -> int:
            totals = ledger.journal_totals(flt)  # in the list's worker: one query
            self.app.call_from_thread(self._show_totals, totals)
            return totals.lines

        self.query_one("#j-list", VirtualList).set_source(
            KeysetSource(read, count, journal_row, self._failed))

    def _failed(self, exc: CofaError) -> None:
        self.app.call_from_thread(self._message, "⚠ " + clean(exc))

    def _message(self, text: str) -> None:
        self.query_one("#j-message", Static).update(Text(text))

    def _show_totals(self, totals: JournalTotals) -> None:
        self.totals = totals
        self.query_one("#j-totals", Static).update(Text(
            plural("accounting_ui.totals_lines", count=totals.lines) + " · "
            + plural("accounting_ui.totals_entries", count=totals.entries) + " · "
            + t("accounting_ui.totals_amounts", debit=money(totals.debit),
                credit=money(totals.credit))))

    # --- Enter: the source --------------------------------------------------------------
    def on_virtual_list_row_activated(self, event: VirtualList.RowActivated) -> None:
        row = event.row
        if not isinstance(row, JournalRow):
            return
        open_source(self.app, row.line.source_kind, row.line.source_id)

    # --- actions ------------------------------------------------------------------------
    def action_validate(self) -> None:
        if self.year is not None:
            open_screen(self.app, "accounting_validate", self.year[0],
                        callback=lambda done: self.action_reload() if done else None)

    def action_generate(self) -> None:
        if self.year is not None:
            self._message(t("accounting_ui.generating"))
            self._generate(self.year[0])

    @work(thread=True, exclusive=True, group="journal-generate")
    def _generate(self, books_id: int) -> None:
        try:
            result = cofa(self.app).repo.ledger.generate(books_id)
        except CofaError as exc:
            self.app.call_from_thread(self._message, "⚠ " + clean(exc))
            return
        self.app.call_from_thread(self._generated, result)

    def _generated(self, result: GenerateResult) -> None:
        self.action_reload()
        self._message(t("accounting_ui.generated", posted=result.posted,
                        replaced=result.replaced, reversed=result.reversed,
                        waiting=result.waiting))

    def action_waits(self) -> None:
        if self.year is not None:
            open_screen(self.app, "accounting_waits", self.year[0])

    def action_export(self) -> None:
        flt = self.current_filter()
        if flt is None:
            return
        ledger = cofa(self.app).repo.ledger

        def read(after: str | None) -> tuple[list[Any], str | None]:
            window = ledger.journal(flt, after, 500)
            return window.items, window.next_after

        export_as_displayed(self.app, "journal", journal_export_columns(),
                            lambda: windows(read))

    def action_fec(self) -> None:
        if self.year is not None:
            open_screen(self.app, "accounting_fec", self.year[0], self.year[1])

    def action_balance(self) -> None:
        if self.year is not None:
            open_screen(self.app, "accounting_balance", self.year[0], self.year[1])

    def action_books(self) -> None:
        open_screen(self.app, "accounting_books",
                    callback=lambda _: self._load_books())


__all__ = ["JournalScreen"]
