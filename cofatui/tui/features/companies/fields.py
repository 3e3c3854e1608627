"""Edit a company's information for this contract (client reference, outstanding
amount, internal credit limit and the contract's custom fields), and the multi-contract
view of a company. A stale edit is refused with a message asking to reload."""

from __future__ import annotations

from decimal import Decimal
from pathlib import PurePath
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Label, Static

from cofatui.errors import CofaError, ValidationFailed
from cofatui.i18n import format_amount, t
from cofatui.rules.companies import (
    CUSTOM_FIELD_MAX_LENGTH,
    ENTRY_AMOUNTS,
    ENTRY_MAX_LENGTHS,
    portfolio_entry_errors,
)
from cofatui.rules.custom_fields import custom_field_value_errors
from cofatui.schemas import CompanyDetail, PortfolioEntryUpdate
from cofatui.tui.kit.amount_field import AmountField
from cofatui.tui.kit.custom_field_input import shown_value, typed_value
from cofatui.tui.kit.dialog import Dialog
from cofatui.tui.kit.form import FormField, refusal, show_errors
from cofatui.tui.kit.products import cofa, product_tags, status_label
from cofatui.tui.kit.styles import DIALOGS_TCSS
from cofatui.tui.safe import clean, plain

CSS: list[str | PurePath] = [DIALOGS_TCSS, "company.tcss"]


class CustomFieldsScreen(Dialog[bool]):
    CANCEL_RESULT = False
    CSS_PATH = CSS

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "company.key.cancel", id="fields.cancel"),
        Binding("ctrl+s", "submit", "company.key.save", id="fields.save"),
    ]

    def __init__(self, detail: CompanyDetail) -> None:
        super().__init__()
        self.detail = detail
        #: Each custom field's value as first shown: sent back unchanged if not edited.
        self.shown: dict[int, str] = {}

    def _format(self, slot: int) -> str:
        return self.detail.custom_field_formats.get(slot, "text")

    def _custom_values(self, errors: dict[str, str]) -> dict[int, str]:
        """Each custom field as the server stores it (ISO date, plain number); a field
        the user did not touch goes back as it was stored, fitting or not."""
        order = cofa(self.app).settings.date_order
        values: dict[int, str] = {}
        for slot in self.detail.custom_field_names:
            text = self.query_one(f"#custom_field_{slot}", Input).value
            if text == self.shown.get(slot):
                values[slot] = self.detail.custom_fields.get(slot, "")
                continue
            try:
                values[slot] = typed_value(text, self._format(slot), order)
            except ValueError as exc:  # worded in the UI language by typed_input
                errors[f"custom_field_{slot}"] = str(exc)
                values[slot] = text
        return values

    def compose(self) -> ComposeResult:
        d = self.detail
        with Vertical(id="fields-dialog", classes="dialog"):
            title = Text(t("company.edit_title") + " — ")
            title.append_text(plain(d.company.name))
            yield Label(title, classes="dialog-title")
            with VerticalScroll():
                yield FormField(t("company.client_reference"), Input(
                    d.client_reference, id="client_reference",
                    max_length=ENTRY_MAX_LENGTHS["client_reference"]),
                    "client_reference")
                # Both are amounts in the contract's currency (its label says which).
                yield AmountField(t("typed.amount_in", label=t("company.outstanding"),
                                    currency=d.currency),
                                  "outstanding_amount", d.currency, d.outstanding_amount,
                                  negative=True)
                yield AmountField(t("typed.amount_in", label=t("company.internal_limit"),
                                    currency=d.currency),
                                  "internal_credit_limit", d.currency, d.internal_credit_limit,
                                  negative=True)
                order = cofa(self.app).settings.date_order
                for slot, name in sorted(d.custom_field_names.items()):
                    # Dates in the user's order, numbers in the UI language (a stored
                    # value that does not fit its format is shown as it is).
                    shown = shown_value(d.custom_fields.get(slot, ""), self._format(slot),
                                        order)
                    self.shown[slot] = shown
                    yield FormField(clean(name), Input(shown, id=f"custom_field_{slot}",
                                                       max_length=CUSTOM_FIELD_MAX_LENGTH),
                                    f"custom_field_{slot}")
            yield Static("", id="fields-error", classes="form-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("company.button.save"), variant="primary", id="save")
                yield Button(t("company.button.cancel"), id="cancel")

    def read(self) -> tuple[PortfolioEntryUpdate | None, dict[str, str]]:
        errors: dict[str, str] = {}
        amounts: dict[str, Decimal | None] = {}
        for name in ENTRY_AMOUNTS:
            try:
                amounts[name] = self.query_one(f"#{name}-field", AmountField).read()
            except ValueError as exc:  # not an amount at all: said by the field itself
                errors[name] = str(exc)
                amounts[name] = None
        custom = self._custom_values(errors)
        changes = PortfolioEntryUpdate(
            client_reference=self.query_one("#client_reference", Input).value.strip(),
            outstanding_amount=amounts["outstanding_amount"],
            internal_credit_limit=amounts["internal_credit_limit"],
            custom_fields=custom or None)
        # The server's own rule (``rules/companies``), in the UI language.
        refused = portfolio_entry_errors(changes) + [
            error for slot, value in custom.items()
            if f"custom_field_{slot}" not in errors
            and value != self.detail.custom_fields.get(slot, "")
            for error in custom_field_value_errors(slot, value, self._format(slot))]
        if refused:
            errors = {**ValidationFailed(refused).by_field(), **errors}
        return (None, errors) if errors else (changes, {})

    def submit(self) -> None:
        changes, errors = self.read()
        show_errors(self, errors, self.query_one("#fields-error", Static))
        if changes is None or self.detail.entry_id is None:
            return
        self.query_one("#save", Button).disabled = True
        self.save(self.detail.entry_id, changes, self.detail.entry_version or 0)

    @work(thread=True, exclusive=True, group="company-fields")
    def save(self, entry_id: int, changes: PortfolioEntryUpdate, version: int) -> None:
        try:
            cofa(self.app).repo.portfolio.update_entry(entry_id, changes, version)
        except CofaError as exc:
            # The server's input guard names a custom field's value as in the request
            # body (custom_fields.2); the form's field is custom_field_2.
            errors = {k.replace("custom_fields.", "custom_field_", 1): v
                      for k, v in refusal(exc, "company.error.conflict").items()}
            self.app.call_from_thread(self._refused, errors)
            return
        self.app.call_from_thread(self._saved)

    def _refused(self, errors: dict[str, str]) -> None:
        self.query_one("#save", Button).disabled = False
        show_errors(self, errors, self.query_one("#fields-error", Static))

    def _saved(self) -> None:
        self.notify(t("company.saved"))
        self.dismiss(True)


class ContractsScreen(Dialog[None]):
    """Multi-contract view: the company under each of my contracts."""

    CSS_PATH = CSS

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "company.key.close", id="contracts.close"),
    ]

    def __init__(self, company_id: int) -> None:
        super().__init__()
        self.company_id = company_id

    def compose(self) -> ComposeResult:
        with Vertical(id="contracts-dialog", classes="dialog"):
            yield Label(Text(t("company.contracts_title")), classes="dialog-title")
            yield Static(Text(t("common.loading")), id="contracts-body", markup=False)

    def on_mount(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="company-contracts")
    def load(self) -> None:
        app = cofa(self.app)
        out = Text()
        for access in app.principal.contracts:
            out.append_text(plain(access.policy_number, style="bold"))
            out.append("  ")
            try:
                detail = app.repo.products.company_detail(access.contract_id, self.company_id)
            except CofaError as exc:
                out.append_text(plain(exc))
                out.append("\n")
                continue
            live = [p for p in detail.products if p.status.value not in
                    ("deleted", "expired", "replaced")]
            if detail.entry_id is None and not live:
                out.append(t("company.not_in_portfolio"), style="dim")
            else:
                if detail.client_reference:
                    out.append_text(plain(detail.client_reference))
                    out.append("  ")
                out.append_text(product_tags([p.code for p in live]))
                for p in live:
                    out.append(f"\n    {p.code} {status_label(p.status)} "
                               f"{format_amount(p.decided_amount, p.currency)}")
            out.append("\n")
        self.app.call_from_thread(self.query_one("#contracts-body", Static).update, out)

