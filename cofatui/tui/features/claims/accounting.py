"""A claim's accounting facts (issue 20 item 5), recorded by the policyholder from the
claim detail (B): the indemnity as the bank credited it (EUR, with its date), the "VAT
recoverable" switch of the write-off (default on: the art. 272 CGI judgement is the
accountant's), or a closed claim without indemnity declared irrecoverable. Each books
its entries in the same transaction (the repository's rule)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from cofatui.errors import CofaError
from cofatui.i18n import format_amount, format_date, t
from cofatui.rules.ledger_money import EUR
from cofatui.schemas_accounting import (
    ClaimAccountingPublic,
    ClaimIrrecoverable,
    ClaimVatSwitch,
    IndemnityReceived,
)
from cofatui.tui.kit.amount_field import AmountField
from cofatui.tui.kit.form import FormField
from cofatui.tui.kit.products import app_clock, cofa
from cofatui.tui.kit.sending import SendingDialog
from cofatui.tui.kit.styles import DIALOGS_TCSS
from cofatui.tui.kit.typed_input import date_pattern, typed_date
from cofatui.tui.safe import clean

WHATS = ("received", "vat", "irrecoverable")
#: The fields each choice shows.
FIELDS = {"received": ("received_on", "eur_amount"), "vat": ("vat_recoverable",),
          "irrecoverable": ("on",)}


def facts_text(facts: ClaimAccountingPublic) -> Text:
    """What the books know of the claim so far."""
    rows = [t("claim_accounting_ui.fact.vat_" + ("on" if facts.vat_recoverable else "off"))]
    if facts.indemnity_received_on is not None:
        rows.append(t("claim_accounting_ui.fact.received",
                      amount=format_amount(facts.indemnity_received_eur, EUR),
                      on=format_date(facts.indemnity_received_on)))
    if facts.irrecoverable_on is not None:
        rows.append(t("claim_accounting_ui.fact.irrecoverable",
                      on=format_date(facts.irrecoverable_on)))
    return Text("\n".join(rows))


class ClaimAccountingDialog(SendingDialog[ClaimAccountingPublic | None]):
    CSS_PATH = [DIALOGS_TCSS, "accounting.tcss"]
    CONFLICT_KEY = "claim_accounting_ui.error.changed"
    REQUIRED_KEY = "claim_accounting_ui.error.required"
    RULE_FIELDS: ClassVar[dict[str, str]] = {
        "claim_accounting.before_indemnity": "received_on",
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "claim_accounting_ui.key.cancel",
                id="claim_accounting.cancel"),
        Binding("ctrl+s", "submit", "claim_accounting_ui.key.record",
                id="claim_accounting.record"),
    ]

    def __init__(self, claim_id: int, reference: str) -> None:
        super().__init__()
        self.claim_id = claim_id
        self.reference = reference
        self.facts: ClaimAccountingPublic | None = None

    def compose(self) -> ComposeResult:
        order = cofa(self.app).settings.date_order
        today = typed_date(app_clock(self.app).today(), order)
        pattern = date_pattern(order)
        with Vertical(classes="dialog", id="claim-accounting"):
            yield Label(Text(t("claim_accounting_ui.title", reference=clean(self.reference))),
                        classes="dialog-title")
            yield Static(Text(t("common.loading")), id="ca-facts")
            yield FormField(t("claim_accounting_ui.field.what"), Select(
                [(t(f"claim_accounting_ui.what.{w}"), w) for w in WHATS], value="received",
                allow_blank=False, id="what", compact=True), "what")
            yield FormField(t("claim_accounting_ui.field.received_on", pattern=pattern),
                            Input(today, id="received_on", compact=True), "received_on")
            yield AmountField(t("claim_accounting_ui.field.eur_amount"), "eur_amount", EUR,
                              compact=True, hint=t("claim_accounting_ui.hint.eur_amount"))
            yield FormField(t("claim_accounting_ui.field.vat_recoverable"),
                            Checkbox(t("claim_accounting_ui.field.vat_box"), True,
                                     id="vat_recoverable", compact=True), "vat_recoverable",
                            hint=t("claim_accounting_ui.hint.vat"))
            yield FormField(t("claim_accounting_ui.field.on", pattern=pattern),
                            Input(today, id="on", compact=True), "on",
                            hint=t("claim_accounting_ui.hint.irrecoverable"))
            yield Static("", id="dialog-error", classes="form-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("claim_accounting_ui.button.record"), variant="primary",
                             id="submit", disabled=True)
                yield Button(t("claim_accounting_ui.button.cancel"), id="cancel")

    def on_mount(self) -> None:
        self._shown()
        self.query_one("#what", Select).focus()
        self._load()

    @work(thread=True, exclusive=True, group="claim-accounting")
    def _load(self) -> None:
        try:
            facts = cofa(self.app).repo.claim_accounting.get(self.claim_id)
        except CofaError as exc:
            self.app.call_from_thread(self.show, {"": clean(exc)})
            return
        self.app.call_from_thread(self._loaded, facts)

    def _loaded(self, facts: ClaimAccountingPublic) -> None:
        self.facts = facts
        self.query_one("#ca-facts", Static).update(facts_text(facts))
        self.query_one("#vat_recoverable", Checkbox).value = facts.vat_recoverable
        self.query_one("#submit", Button).disabled = False

    def what(self) -> str:
        return str(self.query_one("#what", Select).value)

    @on(Select.Changed, "#what")
    def _shown(self) -> None:
        needed = FIELDS.get(self.what(), ())
        for field in self.query(FormField):
            if field.field != "what":
                field.display = field.field in needed

    def submit(self) -> None:
        facts = self.facts
        if facts is None:
            return
        errors: dict[str, str] = {}
        what, area = self.what(), cofa(self.app).repo.claim_accounting
        claim_id, version = self.claim_id, facts.version
        if what == "vat":
            switch = ClaimVatSwitch(version=version, vat_recoverable=self.query_one(
                "#vat_recoverable", Checkbox).value)
            self.send(lambda: area.set_vat_recoverable(claim_id, switch))
            return
        if what == "irrecoverable":
            on_ = self.read_date("on", errors)
            self.show(errors)
            if on_ is not None:
                declared = ClaimIrrecoverable(on=on_, version=version)
                self.send(lambda: area.declare_irrecoverable(claim_id, declared))
            return
        received_on = self.read_date("received_on", errors)
        eur = self.read_amount("eur_amount", errors)
        self.show(errors)
        if received_on is not None and eur is not None and not errors:
            received = IndemnityReceived(received_on=received_on, eur_amount=eur,
                                         version=version)
            self.send(lambda: area.record_received(claim_id, received))


__all__ = ["ClaimAccountingDialog"]
