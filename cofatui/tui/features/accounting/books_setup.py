"""Tools › Accounting › Books set-up (issue 20 items 1 and 4), for contract
administrators and insurer staff (the repository refuses the others): the sets of
books I may read with their years; create a set of books, open the next year, and the
accounts of a year with the books' overrides (Enter changes one)."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Static

from cofatui.errors import CofaError
from cofatui.i18n import t
from cofatui.schemas_accounting import AccountPublic, BooksPublic
from cofatui.tui.features.accounting.books_forms import (
    BooksCreateDialog,
    OverrideDialog,
    YearAddDialog,
)
from cofatui.tui.features.accounting.wording import day, label_of
from cofatui.tui.kit.header import AppHeader
from cofatui.tui.kit.list_source import ListSource
from cofatui.tui.kit.products import cofa
from cofatui.tui.kit.virtual_list import Column, VirtualList
from cofatui.tui.kit.wording import plural
from cofatui.tui.safe import clean


def _years(book: BooksPublic) -> str:
    return ", ".join(f"{day(y.start)} – {day(y.end)} ({label_of('year_status', y.status)})"
                     for y in book.years[-2:])


def books_columns() -> list[Column]:
    c = "accounting_ui.col."
    return [
        Column("name", t(c + "books"), 24),
        Column("siren", t(c + "siren"), 11),
        Column("contracts", t(c + "contracts"), 20,
               render=lambda b: ", ".join(b.policy_numbers)),
        Column("bank", t(c + "bank"), 10, render=lambda b: b.bank_account),
        Column("years", t(c + "years"), 0, render=_years),
    ]


class BooksSetupScreen(Screen[None]):
    CSS_PATH = "accounting.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "common.back", id="accounting.books.back"),
        Binding("ctrl+n", "create", "accounting_ui.key.create", id="accounting.books.create",
                tooltip="accounting_ui.key.create_tip"),
        Binding("ctrl+y", "add_year", "accounting_ui.key.add_year",
                id="accounting.books.add_year", tooltip="accounting_ui.key.add_year_tip"),
    ]

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static(t("accounting_ui.setup.intro"), id="acc-intro", markup=False)
        yield Static("", id="s-message", markup=False)
        yield VirtualList(books_columns(), id="s-list")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "accounting_ui.books_title"
        self.query_one("#s-list", VirtualList).focus()
        self.action_reload()

    @work(thread=True, exclusive=True, group="accounting-books")
    def action_reload(self) -> None:
        try:
            books = cofa(self.app).repo.books.list()
        except CofaError as exc:
            self.app.call_from_thread(self._message, "⚠ " + clean(exc))
            return
        self.app.call_from_thread(self._show, books)

    def _message(self, text: str) -> None:
        self.query_one("#s-message", Static).update(Text(text))

    def _show(self, books: list[BooksPublic]) -> None:
        self._message(plural("accounting_ui.setup.count", count=len(books)))
        self.query_one("#s-list", VirtualList).set_source(ListSource(books))

    def _after(self, done: bool | None) -> None:
        if done:
            self.action_reload()

    def action_create(self) -> None:
        self.app.push_screen(BooksCreateDialog(), self._after)

    def action_add_year(self) -> None:
        book = self.query_one("#s-list", VirtualList).cursor_row
        if isinstance(book, BooksPublic) and book.years:
            self.app.push_screen(YearAddDialog(book.id, book.years[-1].end), self._after)

    def on_virtual_list_row_activated(self, event: VirtualList.RowActivated) -> None:
        book = event.row
        if isinstance(book, BooksPublic) and book.years:
            self.app.push_screen(AccountsScreen(book.id, book.years[-1].id, book.name))


def account_columns() -> list[Column]:
    c = "accounting_ui.col."
    return [
        Column("account", t(c + "account"), 9),
        Column("label", t(c + "label"), 0),
        Column("number", t(c + "used"), 10),
        Column("number_label", t(c + "used_label"), 26),
        Column("source", t(c + "source"), 30),
    ]


class AccountsScreen(Screen[None]):
    """The accounts a year's chart uses, with these books' overrides."""

    CSS_PATH = "accounting.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "common.back", id="accounting.accounts.back"),
    ]

    def __init__(self, books_id: int, year_id: int, name: str) -> None:
        super().__init__()
        self.books_id = books_id
        self.year_id = year_id
        self.books_name = name

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static(t("accounting_ui.setup.accounts_intro", books=self.books_name),
                     id="acc-intro", markup=False)
        yield Static("", id="a-message", markup=False)
        yield VirtualList(account_columns(), row_key=lambda a: hash(a.account), id="a-list")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "accounting_ui.accounts_title"
        self.query_one("#a-list", VirtualList).focus()
        self.action_reload()

    @work(thread=True, exclusive=True, group="accounting-accounts")
    def action_reload(self) -> None:
        try:
            accounts = cofa(self.app).repo.books.accounts(self.books_id, self.year_id)
        except CofaError as exc:
            self.app.call_from_thread(self._message, "⚠ " + clean(exc))
            return
        self.app.call_from_thread(self._show, accounts)

    def _message(self, text: str) -> None:
        self.query_one("#a-message", Static).update(Text(text))

    def _show(self, accounts: list[AccountPublic]) -> None:
        self.query_one("#a-list", VirtualList).set_source(ListSource(accounts))

    def on_virtual_list_row_activated(self, event: VirtualList.RowActivated) -> None:
        account: Any = event.row
        if isinstance(account, AccountPublic):
            self.app.push_screen(OverrideDialog(self.books_id, account), self._after)

    def _after(self, done: bool | None) -> None:
        if done:
            self.action_reload()


__all__ = ["AccountsScreen", "BooksSetupScreen"]
