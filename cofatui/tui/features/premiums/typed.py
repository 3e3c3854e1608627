"""A notice typed in: received on paper by the policyholder (its number as printed), or
a manual notice issued by insurer staff (numbered by cofatui). The period, the due
date, the currency and one line (what it charges, amount excluding tax, tax); a tax
other than VAT is part of the charge (issue 20 item 2 "Tax")."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Label, Select, Static

from cofatui.enums import NoticeLineRole
from cofatui.i18n import t
from cofatui.rules.ledger_money import EUR
from cofatui.schemas_accounting import NoticeCreate, NoticeLineIn, NoticePublic
from cofatui.tui.kit.amount_field import AmountField
from cofatui.tui.kit.form import FormField
from cofatui.tui.kit.products import cofa
from cofatui.tui.kit.sending import SendingDialog
from cofatui.tui.kit.styles import DIALOGS_TCSS
from cofatui.tui.kit.typed_input import date_pattern


class TypedNoticeDialog(SendingDialog[NoticePublic | None]):
    CONFLICT_KEY = "premiums_ui.error.changed"
    REQUIRED_KEY = "premiums_ui.error.required"
    CSS_PATH = [DIALOGS_TCSS, "premiums.tcss"]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "premiums_ui.key.cancel", id="premiums.typed.cancel"),
        Binding("ctrl+s", "submit", "premiums_ui.key.record", id="premiums.typed.record"),
    ]

    def __init__(self, contract_id: int | None, *, manual: bool = False) -> None:
        """``manual``: insurer staff issue it (no number typed)."""
        super().__init__()
        self.contract_id = contract_id
        self.manual = manual

    def compose(self) -> ComposeResult:
        pattern = date_pattern(cofa(self.app).settings.date_order)
        contracts = cofa(self.app).principal.contracts
        with Vertical(classes="dialog", id="typed-dialog"):
            yield Label(Text(t("premiums_ui.manual.title" if self.manual
                               else "premiums_ui.typed.title")), classes="dialog-title")
            with VerticalScroll(id="typed-body"):
                yield FormField(t("premiums_ui.field.contract"), Select(
                    [(c.policy_number, c.contract_id) for c in contracts],
                    value=self.contract_id if self.contract_id in
                    {c.contract_id for c in contracts} else Select.NULL,
                    id="contract_id", compact=True), "contract_id")
                if not self.manual:
                    yield FormField(t("premiums_ui.field.number"),
                                    Input(id="number", max_length=40, compact=True), "number")
                with Horizontal(classes="form-row"):
                    for name in ("period_start", "period_end", "due_date"):
                        yield FormField(t(f"premiums_ui.field.{name}", pattern=pattern),
                                        Input(id=name, compact=True), name)
                yield FormField(t("premiums_ui.field.currency"),
                                Input(EUR, id="currency", max_length=3, compact=True),
                                "currency")
                yield FormField(t("premiums_ui.field.role"), Select(
                    [(t(f"premiums_ui.role.{r.value}"), r.value) for r in NoticeLineRole],
                    value=NoticeLineRole.CREDIT_INSURANCE.value, allow_blank=False,
                    id="role", compact=True), "role")
                yield FormField(t("premiums_ui.field.label"),
                                Input(id="label", max_length=200, compact=True),
                                "label")
                yield AmountField(t("premiums_ui.field.amount_excl_tax"),
                                  "amount_excl_tax", None, input_id="amount",
                                  negative=True, compact=True)
                yield AmountField(t("premiums_ui.field.tax"), "tax", None,
                                  input_id="tax", compact=True)
            yield Static("", id="dialog-error", classes="form-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("premiums_ui.button.record"), variant="primary", id="submit")
                yield Button(t("premiums_ui.button.cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#number" if not self.manual else "#period_start", Input).focus()

    def read(self) -> tuple[NoticeCreate | None, dict[str, str]]:
        errors: dict[str, str] = {}
        contract = self.query_one("#contract_id", Select).value
        if not isinstance(contract, int):
            errors["contract_id"] = self.missing()
        number = "" if self.manual else self.query_one("#number", Input).value.strip()
        if not self.manual and not number:
            errors["number"] = self.missing()
        dates = {name: self.read_date(name, errors)
                 for name in ("period_start", "period_end", "due_date")}
        amount = self.read_amount("amount_excl_tax", errors)
        tax = self.read_amount("tax", errors, required=False) or Decimal(0)
        start, end, due = dates["period_start"], dates["period_end"], dates["due_date"]
        if errors or amount is None or not isinstance(contract, int) \
                or start is None or end is None or due is None:
            return None, errors
        role = NoticeLineRole(str(self.query_one("#role", Select).value))
        line = NoticeLineIn(role=role, label=self.query_one("#label", Input).value.strip(),
                            amount_excl_tax=amount, tax=tax)
        return NoticeCreate(
            contract_id=contract, number=number, lines=[line],
            currency=self.query_one("#currency", Input).value.strip().upper()[:3],
            period_start=start, period_end=end, due_date=due), {}

    def show(self, errors: dict[str, str]) -> None:
        # The repository names a line's field ``lines.<n>.<field>``: one line here.
        super().show({k.removeprefix("lines.0."): v for k, v in errors.items()})

    def submit(self) -> None:
        notice, errors = self.read()
        self.show(errors)
        if notice is not None:
            premiums = cofa(self.app).repo.premiums
            self.send(lambda: premiums.create_notice(notice))


__all__ = ["TypedNoticeDialog"]
