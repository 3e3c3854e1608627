"""The policyholder's additional declaration on a registered claim (SPEC §6; seed 000
"Mettre à jour une DMS"; seed 001 "Modifier une déclaration"): new invoices, payments, an
intervention request, a new contact, an alternative contact for the intervention,
comments — what was declared before never changes. A draft is kept as the user types,
restored when the form is opened again on the claim, deleted once sent or discarded."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Grid, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import (
    Checkbox,
    Input,
    Label,
    Static,
    TextArea,
)

from cofatui.errors import ValidationFailed
from cofatui.i18n import format_amount, t
from cofatui.rules import addresses
from cofatui.rules import claims as rules
from cofatui.schemas import (
    AdditionalDeclaration,
    ClaimDetail,
    InvoiceLine,
    PaymentLine,
)
from cofatui.tui.features.claims.claim_dialog import ClaimDialog
from cofatui.tui.features.claims.line_dialogs import (
    InvoiceLineDialog,
    PaymentLineDialog,
    invoice_columns,
    invoice_label,
    payment_columns,
)
from cofatui.tui.features.claims.wizard_steps import invoices_summary
from cofatui.tui.kit.drafts import FormDraft, draft_lines, leave_form
from cofatui.tui.kit.form import FormField
from cofatui.tui.kit.line_import import save_template, start_import
from cofatui.tui.kit.lines import (
    LineContext,
    RowsPanel,
    Tick,
    line_errors,
)
from cofatui.tui.kit.products import app_clock, cofa
from cofatui.tui.kit.wording import plural

DECLARATION_DRAFT = "claim_declaration"
DRAFT_VERSION = 1
CONTACT_FIELDS = ("contact_name", "contact_email", "contact_phone", "alt_contact_name",
                  "alt_contact_email", "alt_contact_phone")


# --- additional declaration -------------------------------------------------------------------


def contact_fields(prefix: str) -> ComposeResult:
    """Name, e-mail and phone of a contact (``prefix`` "alt_": the alternative contact)."""
    for name in ("contact_name", "contact_email", "contact_phone"):
        yield FormField(t(f"claim_wizard.field.{name}"), Input(id=prefix + name), prefix + name)


class AdditionalDeclarationScreen(ClaimDialog):
    """New invoices and payments, the intervention request, a new contact, an alternative
    contact for the intervention, comments; kept as a draft while typed."""

    def __init__(self, detail: ClaimDetail) -> None:
        super().__init__(detail)
        self.invoices: list[InvoiceLine] = []
        self.payments: list[PaymentLine] = []
        self.draft = FormDraft(self, DECLARATION_DRAFT, str(self.claim.id), self.payload,
                               note_id="declare-draft")
        self.restored = False

    def on_mount(self) -> None:
        self.query_one("#add-invoices", RowsPanel).focus_list()
        self._show_alt_contact()
        self.draft.open(self._restore)

    # --- the draft ------------------------------------------------------------------------
    def payload(self) -> dict[str, Any]:
        """What was typed, as the draft keeps it."""
        return {
            "version": DRAFT_VERSION,
            "invoices": [line.model_dump(mode="json") for line in self.invoices],
            "payments": [line.model_dump(mode="json") for line in self.payments],
            "intervention_requested": self._intervention_ticked(),
            **{name: self.query_one(f"#{name}", Input).value for name in CONTACT_FIELDS},
            "comments": self.query_one("#comments", TextArea).text,
        }

    def _restore(self, found: dict[str, Any]) -> None:
        self.restored = True
        invoices = draft_lines(InvoiceLine, found.get("invoices"))
        payments = draft_lines(PaymentLine, found.get("payments"))
        self.query_one("#add-invoices", RowsPanel).set_lines(invoices)
        self.query_one("#add-payments", RowsPanel).set_lines(payments)
        self.invoices, self.payments = invoices, payments
        for name in CONTACT_FIELDS:
            value = found.get(name)
            if isinstance(value, str):
                self.query_one(f"#{name}", Input).value = value
        boxes = self.query("#intervention_requested")
        if boxes and found.get("intervention_requested") is True:
            boxes.first(Checkbox).value = True
        if isinstance(found.get("comments"), str):
            self.query_one("#comments", TextArea).load_text(found["comments"])
        self._show_alt_contact()
        self.query_one("#declare-draft", Static).update(
            Text(t("claims.declare.draft_restored")))

    @on(Input.Changed)
    @on(Checkbox.Changed)
    def _typed(self) -> None:
        self._show_alt_contact()
        self.draft.changed()

    def _intervention_ticked(self) -> bool:
        boxes = self.query("#intervention_requested")
        return bool(boxes) and bool(boxes.first(Checkbox).value)

    def _show_alt_contact(self) -> None:
        self.query_one("#declaration-alt-contact").display = (
            self.claim.intervention_requested or self._intervention_ticked())

    def action_cancel(self) -> None:
        leave_form(self, self.draft, "claims.declare.leave_title", "claims.declare.leave_text")

    def line_context(self) -> LineContext:
        known = [(i.number, f"{i.type} {i.number} — "
                             f"{format_amount(i.amount_excl_tax + i.tax, i.currency)}")
                 for i in self.detail.invoices]
        known += [(i.number, invoice_label(i)) for i in self.invoices]
        return LineContext(today=app_clock(self.app).today(), currency=self.claim.currency,
                           date_order=cofa(self.app).settings.date_order,
                           max_declaration_days=self.detail.max_declaration_days,
                           invoices=tuple(known), shifts=self.detail.due_date_shifts)

    def _payment_keys(self, skip: int | None = None) -> set[rules.PaymentKey]:
        """The payments of the claim and those typed here (but line ``skip``): the same
        payment again is refused, as by the repository."""
        declared = [rules.PaymentInput(p.type, [r for r in p.invoice_references.split(",") if r],
                                       p.payment_date, p.currency, p.amount)
                    for p in self.detail.payments]
        typed = [rules.PaymentInput(**p.model_dump()) for n, p in enumerate(self.payments)
                 if n != skip]
        return {rules.payment_key(p) for p in [*declared, *typed]}

    def compose(self) -> ComposeResult:
        order = cofa(self.app).settings.date_order
        with Vertical(classes="dialog", id="declaration-dialog"):
            yield Label(self.title_text("claims.declare.title"), classes="dialog-title")
            yield Static(Text(t("claims.declare.intro")), classes="form-info")
            with VerticalScroll(id="declaration-body"):
                yield Label(Text(t("claims.declare.invoices")), classes="section-title")
                yield RowsPanel(invoice_columns(order), [], self._invoice_editor,
                                importer=self._import_invoices,
                                template=lambda: save_template(self.app, "invoice"),
                                summary=invoices_summary, id="add-invoices")
                yield Label(Text(t("claims.declare.payments")), classes="section-title")
                yield RowsPanel(payment_columns(order), [], self._payment_editor,
                                importer=self._import_payments,
                                template=lambda: save_template(self.app, "payment"),
                                id="add-payments")
                if not self.claim.intervention_requested:
                    yield FormField(t("claims.declare.intervention"), Tick(
                        t("claims.declare.intervention_box"), id="intervention_requested"),
                        "intervention_requested", hint=t("claims.declare.intervention_hint"))
                yield Label(Text(t("claims.declare.contact")), classes="section-title")
                with Grid(id="declaration-contact", classes="declaration-contact"):
                    yield from contact_fields("")
                with Vertical(id="declaration-alt-contact"):
                    yield Label(Text(t("claim_wizard.intervention.alt_title")),
                                classes="section-title")
                    with Grid(classes="declaration-contact"):
                        yield from contact_fields("alt_")
                yield FormField(t("claim_wizard.field.comments"), TextArea(id="comments"),
                                "comments")
                yield Static("", id="declare-counter", markup=False)
            yield Static("", id="dialog-error", classes="form-error", markup=False)
            yield Static("", id="declare-draft", classes="form-info", markup=False)
            yield self.buttons(t("claims.declare.submit"))

    def _invoice_editor(self, line: InvoiceLine | None, index: int | None) -> Screen[Any]:
        taken = {(i.type, i.number) for i in self.detail.invoices}
        taken |= {(i.type, i.number) for n, i in enumerate(self.invoices) if n != index}
        return InvoiceLineDialog(self.line_context(), line, taken)

    def _payment_editor(self, line: PaymentLine | None, index: int | None) -> Screen[Any]:
        return PaymentLineDialog(self.line_context(), line, self._payment_keys(skip=index))

    def _import_invoices(self, done: Any) -> None:
        existing = [(i.type, i.number) for i in self.detail.invoices]
        existing += [(i.type, i.number) for i in self.invoices]
        start_import(self.app, "invoice", self.line_context(), done, existing=existing)

    def _import_payments(self, done: Any) -> None:
        known = [n for n, _ in self.line_context().invoices]
        start_import(self.app, "payment", self.line_context(), done, known_invoices=known,
                     existing=self._payment_keys())

    @on(RowsPanel.Changed)
    def _lines_changed(self, event: RowsPanel.Changed) -> None:
        if event.panel.id == "add-invoices":
            self.invoices = list(event.panel.lines)
        else:
            self.payments = list(event.panel.lines)
        self.draft.changed()

    @on(TextArea.Changed, "#comments")
    def _counter(self, event: TextArea.Changed) -> None:
        used = len(event.text_area.text.strip())
        self.query_one("#declare-counter", Static).update(Text(t(
            "claim_wizard.comments.counter", n=used, max=rules.MAX_COMMENT),
            style="bold" if used > rules.MAX_COMMENT else ""))
        self.draft.changed()

    def _field_value(self, widget_id: str) -> str:
        return self.query_one(f"#{widget_id}", Input).value.strip()

    def submit(self) -> None:
        intervention = self._intervention_ticked()
        comments = self.query_one("#comments", TextArea).text.strip()
        errors: dict[str, str] = {}
        if len(comments) > rules.MAX_COMMENT:
            errors["comments"] = plural("claim_wizard.comments.too_long",
                                        count=len(comments) - rules.MAX_COMMENT)
        alt = self.claim.intervention_requested or intervention
        values = {name: self._field_value(name) if alt or not name.startswith("alt_") else ""
                  for name in CONTACT_FIELDS}
        found = [*addresses.contact_errors("contact_", values["contact_name"],
                                           values["contact_email"], values["contact_phone"]),
                 *rules.alt_contact_errors(values["alt_contact_name"],
                                           values["alt_contact_email"],
                                           values["alt_contact_phone"], alt)]
        for e in found:
            errors.setdefault(e.field, e.message)
        data = AdditionalDeclaration(
            invoices=self.invoices, payments=self.payments, intervention_requested=intervention,
            comments=comments, **values)
        if not (data.invoices or data.payments or data.intervention_requested
                or data.contact_name or data.alt_contact_name):
            errors[""] = t("claims.declare.nothing")
        if errors:
            self.refused(errors)
            return
        claim_id, version, draft = self.claim.id, self.claim.version, self.draft

        def declare(repo: Any) -> Any:
            result = repo.claims.add_declaration(claim_id, data, version)
            draft.sent()
            return result

        self.run_command(declare)

    def on_validation(self, exc: ValidationFailed) -> None:
        self.query_one("#add-invoices", RowsPanel).set_errors(line_errors(exc.errors, "invoices"))
        self.query_one("#add-payments", RowsPanel).set_errors(line_errors(exc.errors, "payments"))
        fields = {k: v for k, v in exc.by_field().items() if "[" not in k}
        if not fields:
            fields[""] = plural("claim_wizard.error.lines", count=len(exc.errors))
        self.refused(fields)


__all__ = ["CONTACT_FIELDS", "DECLARATION_DRAFT", "AdditionalDeclarationScreen", "contact_fields"]
