"""Pay whole notices (issue 20 item 2 "Payment"): the date, the bank account (empty:
the books' own), and — when the notices are not in EUR, e.g. a USD TopLiner — the EUR
amount the bank debited (credited for a net refund), which also records the rate."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from cofatui.i18n import format_amount, t
from cofatui.rules.ledger_money import EUR
from cofatui.schemas_accounting import NoticePublic, PaymentCreate, PaymentPublic
from cofatui.tui.features.premiums.wording import selection_total
from cofatui.tui.kit.amount_field import AmountField
from cofatui.tui.kit.form import FormField
from cofatui.tui.kit.products import app_clock, cofa
from cofatui.tui.kit.sending import SendingDialog
from cofatui.tui.kit.styles import DIALOGS_TCSS
from cofatui.tui.kit.typed_input import date_pattern, typed_date
from cofatui.tui.safe import clean


class PayDialog(SendingDialog[PaymentPublic | None]):
    CONFLICT_KEY = "premiums_ui.error.changed"
    REQUIRED_KEY = "premiums_ui.error.required"
    CSS_PATH = [DIALOGS_TCSS, "premiums.tcss"]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "premiums_ui.key.cancel", id="premiums.pay.cancel"),
        Binding("ctrl+s", "submit", "premiums_ui.key.record", id="premiums.pay.record"),
    ]

    def __init__(self, notices: list[NoticePublic]) -> None:
        super().__init__()
        self.notices = notices
        self.total = selection_total(notices)

    @property
    def currency(self) -> str:
        return self.total[0] if self.total else ""

    def compose(self) -> ComposeResult:
        order = cofa(self.app).settings.date_order
        with Vertical(classes="dialog", id="pay-dialog"):
            yield Label(Text(t("premiums_ui.pay.title")), classes="dialog-title")
            numbers = ", ".join(clean(n.number) for n in self.notices)
            summary = t("premiums_ui.pay.mixed") if self.total is None else t(
                "premiums_ui.pay.summary", count=len(self.notices), numbers=numbers,
                amount=format_amount(self.total[1], self.total[0]))
            yield Static(Text(summary), id="pay-summary")
            yield FormField(t("premiums_ui.field.paid_on", pattern=date_pattern(order)),
                            Input(typed_date(app_clock(self.app).today(), order),
                                  id="paid_on", compact=True), "paid_on")
            yield FormField(t("premiums_ui.field.bank_account"),
                            Input(id="bank_account", max_length=20, compact=True),
                            "bank_account", hint=t("premiums_ui.hint.bank_account"))
            if self.currency and self.currency != EUR:
                yield AmountField(t("premiums_ui.field.eur_amount"), "eur_amount", EUR,
                                  compact=True, negative=True,
                                  hint=t("premiums_ui.hint.eur_amount",
                                         currency=self.currency))
            yield Static("", id="dialog-error", classes="form-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("premiums_ui.button.record"), variant="primary", id="submit",
                             disabled=self.total is None)
                yield Button(t("premiums_ui.button.cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#paid_on", Input).focus()

    def read(self) -> tuple[PaymentCreate | None, dict[str, str]]:
        errors: dict[str, str] = {}
        paid_on = self.read_date("paid_on", errors)
        eur: Decimal | None = None
        if self.currency != EUR:
            eur = self.read_amount("eur_amount", errors, required=False)
            if eur is None and "eur_amount" not in errors:
                errors["eur_amount"] = t("premiums_ui.error.eur_required",
                                         currency=self.currency)
        if errors or paid_on is None or self.total is None:
            return None, errors
        return PaymentCreate(
            contract_id=self.notices[0].contract_id, paid_on=paid_on,
            notice_ids=[n.id for n in self.notices], eur_amount=eur,
            bank_account=self.query_one("#bank_account", Input).value.strip()), {}

    def submit(self) -> None:
        payment, errors = self.read()
        self.show(errors)
        if payment is not None:
            premiums = cofa(self.app).repo.premiums
            self.send(lambda: premiums.pay(payment))


__all__ = ["PayDialog"]
