"""The books' set-up dialogs (issue 20 items 1 and 4): create a set of books with its
first year, open the next year, override an account number. Each checks what it can
before sending (dates as typed) and shows the repository's refusals at their fields
(SIREN, dates, contracts, number)."""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from cofatui.errors import CofaError
from cofatui.i18n import t
from cofatui.schemas_accounting import (
    AccountOverrideSet,
    AccountPublic,
    BooksCreate,
    FinancialYearCreate,
)
from cofatui.tui.features.accounting.wording import day
from cofatui.tui.kit.choices import TickList
from cofatui.tui.kit.dialog import Dialog
from cofatui.tui.kit.form import FormField, refusal, show_errors
from cofatui.tui.kit.products import app_clock, cofa
from cofatui.tui.kit.styles import DIALOGS_TCSS
from cofatui.tui.kit.typed_input import TypedInputError, date_pattern, parse_date, typed_date


class _SetupDialog(Dialog[bool]):
    """Sends ``command()`` in a worker; dismisses True once done."""

    CSS_PATH = [DIALOGS_TCSS, "accounting.tcss"]
    CANCEL_RESULT = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "common.cancel", id="accounting.setup.cancel"),
        Binding("ctrl+s", "submit", "common.save", id="accounting.setup.save"),
    ]

    def buttons(self) -> ComposeResult:
        yield Static("", id="setup-general", markup=False)
        with Horizontal(classes="dialog-buttons"):
            yield Button(t("common.save"), variant="primary", id="save")
            yield Button(t("common.cancel"), id="cancel")

    def typed_date(self, selector: str, field: str, errors: dict[str, str]) -> date | None:
        try:
            value = parse_date(self.query_one(selector, Input).value,
                               cofa(self.app).settings.date_order)
        except TypedInputError as exc:
            errors[field] = str(exc)
            return None
        if value is None:
            errors[field] = t("accounting_ui.setup.required")
        return value

    def command(self) -> Any:
        """What to send: a callable run in the worker; None when the form is refused."""
        raise NotImplementedError

    def submit(self) -> None:
        call = self.command()
        if call is not None:
            self._send(call)

    @work(thread=True, exclusive=True, group="accounting-setup")
    def _send(self, call: Any) -> None:
        try:
            call()
        except CofaError as exc:
            self.app.call_from_thread(self._refused, exc)
            return
        self.app.call_from_thread(self.dismiss, True)

    def _refused(self, exc: CofaError) -> None:
        show_errors(self, refusal(exc, "accounting_ui.setup.conflict"),
                    self.query_one("#setup-general", Static))


class BooksCreateDialog(_SetupDialog):
    def compose(self) -> ComposeResult:
        order = cofa(self.app).settings.date_order
        today = app_clock(self.app).today()
        contracts = cofa(self.app).principal.contracts
        with Vertical(classes="dialog", id="acc-books-create"):
            yield Label(t("accounting_ui.setup.create_title"), classes="dialog-title")
            yield Static(t("accounting_ui.sub_ledger"), markup=False)
            with Horizontal(classes="acc-pair"):
                yield FormField(t("accounting_ui.setup.siren"),
                                Input(id="c-siren", max_length=20), "siren")
                yield FormField(t("accounting_ui.setup.name"),
                                Input(id="c-name", max_length=200), "name")
            yield FormField(t("accounting_ui.setup.contracts"), TickList(
                *[(c.policy_number, str(c.contract_id)) for c in contracts],
                id="c-contracts"), "contract_ids")
            with Horizontal(classes="acc-pair"):
                yield FormField(t("accounting_ui.setup.bank_account"),
                                Input("512", id="c-bank", max_length=20), "bank_account")
                yield FormField(t("accounting_ui.setup.bank_label"),
                                Input(t("accounting_ui.setup.bank_label_default"),
                                      id="c-bank-label", max_length=100),
                                "bank_label")
            with Horizontal(classes="acc-pair"):
                yield FormField(t("accounting_ui.setup.start", pattern=date_pattern(order)),
                                Input(typed_date(date(today.year, 1, 1), order), id="c-start"),
                                "first_year_start")
                yield FormField(t("accounting_ui.setup.end", pattern=date_pattern(order)),
                                Input(typed_date(date(today.year, 12, 31), order),
                                      id="c-end"), "first_year_end")
            yield from self.buttons()

    def on_mount(self) -> None:
        self.query_one("#c-siren", Input).focus()

    def command(self) -> Any:
        errors: dict[str, str] = {}
        start = self.typed_date("#c-start", "first_year_start", errors)
        end = self.typed_date("#c-end", "first_year_end", errors)
        ids = [int(v) for v in self.query_one("#c-contracts", TickList).selected]
        if not ids:
            errors["contract_ids"] = t("accounting_ui.setup.contracts_needed")
        name = self.query_one("#c-name", Input).value.strip()
        if not name:
            errors["name"] = t("accounting_ui.setup.required")
        show_errors(self, errors, self.query_one("#setup-general", Static))
        if errors or start is None or end is None:
            return None
        data = BooksCreate(siren=self.query_one("#c-siren", Input).value.strip(), name=name,
                           contract_ids=ids,
                           bank_account=self.query_one("#c-bank", Input).value.strip(),
                           bank_label=self.query_one("#c-bank-label", Input).value.strip(),
                           first_year_start=start, first_year_end=end)
        books = cofa(self.app).repo.books
        return lambda: books.create(data)


class YearAddDialog(_SetupDialog):
    def __init__(self, books_id: int, after: date) -> None:
        super().__init__()
        self.books_id = books_id
        self.after = after  # the last year's end

    def compose(self) -> ComposeResult:
        order = cofa(self.app).settings.date_order
        proposed = date(self.after.year + 1, self.after.month, self.after.day) \
            if not (self.after.month == 2 and self.after.day == 29) \
            else date(self.after.year + 1, 2, 28)
        with Vertical(classes="dialog", id="acc-year-add"):
            yield Label(t("accounting_ui.setup.year_title"), classes="dialog-title")
            yield Static(t("accounting_ui.setup.year_intro", start=day(self.after)),
                         markup=False)
            yield FormField(t("accounting_ui.setup.end", pattern=date_pattern(order)),
                            Input(typed_date(proposed, order), id="y-end"), "end")
            yield from self.buttons()

    def on_mount(self) -> None:
        self.query_one("#y-end", Input).focus()

    def command(self) -> Any:
        errors: dict[str, str] = {}
        end = self.typed_date("#y-end", "end", errors)
        show_errors(self, errors, self.query_one("#setup-general", Static))
        if end is None:
            return None
        data = FinancialYearCreate(books_id=self.books_id, end=end)
        books = cofa(self.app).repo.books
        return lambda: books.add_year(data)


class OverrideDialog(_SetupDialog):
    def __init__(self, books_id: int, account: AccountPublic) -> None:
        super().__init__()
        self.books_id = books_id
        self.account = account

    def compose(self) -> ComposeResult:
        a = self.account
        overridden = a.number != a.account
        with Vertical(classes="dialog", id="acc-override"):
            yield Label(t("accounting_ui.setup.override_title", account=a.account,
                          label=a.label), classes="dialog-title")
            yield Static(t("accounting_ui.setup.override_intro"), markup=False)
            yield FormField(t("accounting_ui.setup.number"),
                            Input(a.number if overridden else "", id="o-number",
                                  restrict=r"[0-9]*", max_length=20), "number")
            yield FormField(t("accounting_ui.setup.number_label"),
                            Input(a.number_label if overridden else "", id="o-label",
                                  max_length=100), "label")
            yield from self.buttons()

    def on_mount(self) -> None:
        self.query_one("#o-number", Input).focus()

    def command(self) -> Any:
        data = AccountOverrideSet(books_id=self.books_id, account=self.account.account,
                                  number=self.query_one("#o-number", Input).value.strip(),
                                  label=self.query_one("#o-label", Input).value.strip())
        books = cofa(self.app).repo.books
        return lambda: books.set_override(data)


__all__ = ["BooksCreateDialog", "OverrideDialog", "YearAddDialog"]
