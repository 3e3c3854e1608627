"""What can be done on a registered claim (SPEC §6; seed 000 "Mettre à jour une DMS",
"Joindre un fichier"; seed 001 "Modifier une déclaration"):

- the policyholder's **additional declaration** (new invoices, payments, an intervention
  request, a new contact, an alternative contact for the intervention, comments — what was
  declared before never changes; a draft is kept as the user types, restored when the
  form is opened again on the claim, deleted once sent or discarded) and
  **attachments** (PDF, JPG, PNG, GIF recognised by their content, category, comment);
- the metadata of an attachment (and a copy saved where the user says);
- the claims handler's **line validation**, **status** (with its comment) and
  **indemnity** (each change notifies the contract's users who did not opt out).

Each dialog dismisses with the claim as the repository returned it (or None).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import (
    Button,
    Checkbox,
    Input,
    Label,
    RadioSet,
    Select,
    Static,
    TextArea,
)

from cofatui.enums import ClaimStatus, Collector, DocumentCategory
from cofatui.errors import CofaError, Conflict, ValidationFailed
from cofatui.i18n import format_amount, format_datetime, format_number, t
from cofatui.rules import claims as rules
from cofatui.rules.attachments import MAX_ATTACHMENT_BYTES, sniff_content_type
from cofatui.schemas import (
    AdditionalDeclaration,
    ClaimDetail,
    ClaimStatusChange,
    DocumentPublic,
    IndemnityUpdate,
    InvoiceLine,
    LineValidation,
    PaymentLine,
)
from cofatui.tui.features.claims.currency_totals import waiting_text
from cofatui.tui.features.claims.line_dialogs import (
    InvoiceLineDialog,
    PaymentLineDialog,
    invoice_columns,
    invoice_label,
    payment_columns,
)
from cofatui.tui.features.claims.wizard_steps import invoices_summary
from cofatui.tui.kit.dialog import Dialog
from cofatui.tui.kit.drafts import FormDraft, draft_lines, leave_form
from cofatui.tui.kit.file_picker import FilePicker
from cofatui.tui.kit.form import FormField, show_errors
from cofatui.tui.kit.line_import import SaveFileDialog, save_template, start_import
from cofatui.tui.kit.lines import (
    CSS,
    Choice,
    LineContext,
    RowsPanel,
    Tick,
    format_user_date,
    line_errors,
    parse_user_date,
)
from cofatui.tui.kit.list_source import ListSource
from cofatui.tui.kit.products import app_clock, cofa
from cofatui.tui.kit.typed_input import parse_rounded_amount
from cofatui.tui.kit.virtual_list import Column, VirtualList
from cofatui.tui.safe import clean, plain

DECLARATION_DRAFT = "claim_declaration"
DRAFT_VERSION = 1
CONTACT_FIELDS = ("contact_name", "contact_email", "contact_phone", "alt_contact_name",
                  "alt_contact_email", "alt_contact_phone")
HANDLER_STATUSES = (ClaimStatus.ACCEPTED, ClaimStatus.REJECTED, ClaimStatus.CLOSED,
                    ClaimStatus.CANCELLED, ClaimStatus.PENDING)


class _ClaimDialog(Dialog[Any]):
    """A dialog on one claim: Esc cancels, Ctrl+S confirms; the repository's answer comes
    back to the fields (``ValidationFailed``) or the message line."""

    CSS_PATH = CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "claims.key.cancel", id="claim_dialog.cancel"),
        Binding("ctrl+s", "submit", "claims.key.confirm", id="claim_dialog.confirm"),
    ]

    def __init__(self, detail: ClaimDetail) -> None:
        super().__init__()
        self.detail = detail
        self.claim = detail.claim

    def buttons(self, confirm: str) -> Horizontal:
        return Horizontal(Button(confirm, variant="primary", id="confirm"),
                          Button(t("claims.button.cancel"), id="cancel"),
                          classes="dialog-buttons")

    def title_text(self, key: str) -> Text:
        text = Text(t(key) + " — ")
        text.append_text(plain(self.claim.reference or f"#{self.claim.id}"))
        text.append(" · ")
        text.append_text(plain(self.claim.company_name))
        return text

    def submit(self) -> None:
        raise NotImplementedError

    def busy(self, busy: bool) -> None:
        for button in self.query(Button):
            button.disabled = busy

    def refused(self, errors: dict[str, str]) -> None:
        self.busy(False)
        show_errors(self, errors, self.query_one("#dialog-error", Static))

    def failed(self, exc: CofaError) -> None:
        self.busy(False)
        message = t("claims.error.conflict") if isinstance(exc, Conflict) else str(exc)
        self.query_one("#dialog-error", Static).update(Text("⚠ " + clean(message)))
        self.notify(clean(message), severity="error", markup=False)

    def run_command(self, command: Any) -> None:
        """Run ``command(repo)`` in a worker; dismiss with its result, or show why not."""
        self.busy(True)
        self._run(command)

    @work(thread=True, exclusive=True, group="claim-command")
    def _run(self, command: Any) -> None:
        try:
            result = command(cofa(self.app).repo)
        except ValidationFailed as exc:
            self.app.call_from_thread(self.on_validation, exc)
            return
        except CofaError as exc:
            self.app.call_from_thread(self.failed, exc)
            return
        self.app.call_from_thread(self.dismiss, result)

    def on_validation(self, exc: ValidationFailed) -> None:
        self.refused(exc.by_field())


# --- additional declaration -------------------------------------------------------------------


class AdditionalDeclarationScreen(_ClaimDialog):
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
                    yield FormField(t("claim_wizard.field.contact_name"),
                                    Input(id="contact_name"), "contact_name")
                    yield FormField(t("claim_wizard.field.contact_email"),
                                    Input(id="contact_email"), "contact_email")
                    yield FormField(t("claim_wizard.field.contact_phone"),
                                    Input(id="contact_phone"), "contact_phone")
                with Vertical(id="declaration-alt-contact"):
                    yield Label(Text(t("claim_wizard.intervention.alt_title")),
                                classes="section-title")
                    with Grid(classes="declaration-contact"):
                        yield FormField(t("claim_wizard.field.contact_name"),
                                        Input(id="alt_contact_name"), "alt_contact_name")
                        yield FormField(t("claim_wizard.field.contact_email"),
                                        Input(id="alt_contact_email"), "alt_contact_email")
                        yield FormField(t("claim_wizard.field.contact_phone"),
                                        Input(id="alt_contact_phone"), "alt_contact_phone")
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
            errors["comments"] = t("claim_wizard.comments.too_long",
                                   n=len(comments) - rules.MAX_COMMENT)
        alt = self.claim.intervention_requested or intervention
        values = {name: self._field_value(name) if alt or not name.startswith("alt_") else ""
                  for name in CONTACT_FIELDS}
        found = [*rules.contact_errors("contact_", values["contact_name"],
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
            result = repo.add_declaration(claim_id, data, version)
            draft.sent()
            return result

        self.run_command(declare)

    def on_validation(self, exc: ValidationFailed) -> None:
        self.query_one("#add-invoices", RowsPanel).set_errors(line_errors(exc.errors, "invoices"))
        self.query_one("#add-payments", RowsPanel).set_errors(line_errors(exc.errors, "payments"))
        fields = {k: v for k, v in exc.by_field().items() if "[" not in k}
        if not fields:
            fields[""] = t("claim_wizard.error.lines", n=len(exc.errors))
        self.refused(fields)


# --- attachments ------------------------------------------------------------------------------


class AttachmentDialog(_ClaimDialog):
    """A file by its path (typed, or chosen with the file picker), its category
    (contractual or other) and a comment."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *_ClaimDialog.BINDINGS,
        Binding("ctrl+b", "browse", "picker.browse", id="claims.attach.browse"),
    ]

    def action_browse(self) -> None:
        def picked(path: Path | None) -> None:
            if path is not None:
                self.query_one("#file", Input).value = str(path)
                folder = str(path.parent)
                if folder != cofa(self.app).settings.last_folder:
                    cofa(self.app)._save_one(last_folder=folder)

        self.app.push_screen(FilePicker(t("claims.attach.path"),
                                        cofa(self.app).settings.last_folder), picked)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="attach-dialog"):
            yield Label(self.title_text("claims.attach.title"), classes="dialog-title")
            yield Static(Text(t("claims.attach.intro",
                                mb=MAX_ATTACHMENT_BYTES // (1024 * 1024))), classes="form-info")
            yield FormField(t("claims.attach.path"), Input(
                (cofa(self.app).settings.last_folder or str(Path.cwd())) + "/", id="file",
                select_on_focus=False), "file")
            yield FormField(t("claims.attach.category"), RadioSet(
                Choice(t("claims.category.contractual"), value=True,
                            id="category-contractual"),
                Choice(t("claims.category.other"), id="category-other"), id="category"),
                "category")
            yield FormField(t("claims.attach.comment"), Input(id="comment", max_length=500),
                            "comment")
            yield Static("", id="dialog-error", classes="form-error", markup=False)
            yield self.buttons(t("claims.attach.submit"))

    def on_mount(self) -> None:
        path = self.query_one("#file", Input)
        path.focus()
        path.cursor_position = len(path.value)

    def submit(self) -> None:
        raw = self.query_one("#file", Input).value.strip()
        if not raw or raw.endswith("/"):
            self.refused({"file": t("claims.attach.error.no_file")})
            return
        pressed = self.query_one("#category", RadioSet).pressed_button
        category = (pressed.id or "").removeprefix("category-") if pressed else ""
        comment = self.query_one("#comment", Input).value.strip()
        self.busy(True)
        self._attach_file(Path(raw).expanduser(), category or DocumentCategory.OTHER.value, comment)

    @work(thread=True, exclusive=True, group="claim-attach")
    def _attach_file(self, path: Path, category: str, comment: str) -> None:
        try:
            if not path.is_file():
                raise ValidationFailed({"file": t("claims.attach.error.not_found",
                                                  path=str(path))})
            if path.stat().st_size > MAX_ATTACHMENT_BYTES:
                raise ValidationFailed({"file": t(
                    "claims.attach.error.too_large", mb=MAX_ATTACHMENT_BYTES // (1024 * 1024))})
            content = path.read_bytes()
            if not content:
                raise ValidationFailed({"file": t("claims.attach.error.empty")})
            if sniff_content_type(content) is None:
                raise ValidationFailed({"file": t("claims.attach.error.content")})
            document = cofa(self.app).repo.add_document(self.claim.id, path.name, content,
                                                        category, comment)
        except ValidationFailed as exc:
            fields = {("file" if k in ("file", "filename") else k): v
                      for k, v in exc.by_field().items()}
            self.app.call_from_thread(self.refused, fields)
            return
        except CofaError as exc:
            self.app.call_from_thread(self.failed, exc)
            return
        except OSError as exc:
            self.app.call_from_thread(self.refused, {"file": t(
                "claims.attach.error.unreadable", reason=exc.strerror or str(exc))})
            return
        self.app.call_from_thread(self.dismiss, document)


def size_text(size: int) -> str:
    if size < 1024:
        return t("claims.size.bytes", n=size)
    if size < 1024 * 1024:
        return t("claims.size.kb", n=format_number(round(size / 1024, 1)))
    return t("claims.size.mb", n=format_number(round(size / (1024 * 1024), 1)))


class DocumentInfoDialog(Dialog[None]):
    """An attachment's metadata; S saves a copy of the file."""

    CSS_PATH = CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "claims.key.close", id="claim_document.close"),
        Binding("s", "save_copy", "claims.key.save_copy", id="claim_document.save"),
    ]

    def __init__(self, document: DocumentPublic) -> None:
        super().__init__()
        self.document = document

    def compose(self) -> ComposeResult:
        d = self.document
        text = Text()
        for label, value in (
                (t("claims.doc.filename"), d.filename),
                (t("claims.doc.type"), d.content_type),
                (t("claims.doc.size"), size_text(d.size)),
                (t("claims.doc.category"), t(f"claims.category.{d.category}")),
                (t("claims.doc.comment"), d.comment or "—"),
                (t("claims.doc.added"), format_datetime(d.created_at)),
                (t("claims.doc.by"), d.created_by),
                (t("claims.doc.sha256"), d.sha256)):
            text.append(f"{label}: ", style="bold")
            text.append_text(plain(value))
            text.append("\n")
        with Vertical(classes="dialog", id="document-dialog"):
            yield Label(Text(t("claims.doc.title")), classes="dialog-title")
            yield Static(text, id="document-info")
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("claims.button.save_copy"), id="save-copy")
                yield Button(t("claims.button.close"), variant="primary", id="close")

    def on_mount(self) -> None:
        self.query_one("#close", Button).focus()

    @on(Button.Pressed, "#save-copy")
    def _save(self) -> None:
        self.action_save_copy()

    def action_save_copy(self) -> None:
        self._fetch()

    @work(thread=True, exclusive=True, group="claim-document")
    def _fetch(self) -> None:
        try:
            content = cofa(self.app).repo.document_content(self.document.id)
        except CofaError as exc:
            self.app.call_from_thread(self.notify, clean(exc), severity="error", markup=False)
            return
        self.app.call_from_thread(self._ask_where, content)

    def _ask_where(self, content: bytes) -> None:
        from cofatui import locations

        default = locations.exports_dir() / Path(self.document.filename).name

        def saved(path: Path | None) -> None:
            if path is not None:
                self.notify(t("claims.doc.saved", path=str(path)), markup=False)

        self.app.push_screen(SaveFileDialog(t("claims.doc.save_title"), content, default), saved)


# --- claims handler ---------------------------------------------------------------------------


class ValidateLinesDialog(_ClaimDialog):
    """The lines not validated yet; Space marks, Ctrl+A marks all, Ctrl+S validates."""

    def compose(self) -> ComposeResult:
        rows = [r for r in line_rows(self.detail) if not r.validated]
        with Vertical(classes="dialog", id="validate-dialog"):
            yield Label(self.title_text("claims.validate.title"), classes="dialog-title")
            yield Static(Text(t("claims.validate.intro", n=len(rows))), classes="form-info")
            yield VirtualList(line_columns(cofa(self.app).settings.date_order),
                              ListSource(rows), row_key=lambda r: r.key, id="validate-list")
            yield Static("", id="dialog-error", classes="form-error", markup=False)
            yield self.buttons(t("claims.validate.submit"))

    def on_mount(self) -> None:
        self.query_one("#validate-list", VirtualList).focus()

    def submit(self) -> None:
        keys = self.query_one("#validate-list", VirtualList).marked_keys()
        if not keys:
            self.refused({"": t("claims.validate.none_marked")})
            return
        lines = LineValidation(invoice_ids=[k // 2 for k in keys if k % 2 == 0],
                               payment_ids=[k // 2 for k in keys if k % 2 == 1])
        claim_id, version = self.claim.id, self.claim.version
        self.run_command(lambda repo: repo.validate_claim_lines(claim_id, lines, version))


class StatusDialog(_ClaimDialog):
    """Accepted, rejected (say why), closed, cancelled, or back to pending."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="status-dialog"):
            yield Label(self.title_text("claims.status_dialog.title"), classes="dialog-title")
            yield Static(Text(t("claims.status_dialog.current",
                                status=t(f"claims.status.{self.claim.status.value}"))),
                         classes="form-info")
            yield FormField(t("claims.status_dialog.status"), RadioSet(
                *[Choice(t(f"claims.status.{s.value}"), value=s == self.claim.status,
                              id=f"status-{s.value}") for s in HANDLER_STATUSES], id="status"),
                "status")
            yield FormField(t("claims.status_dialog.comment"), Input(id="comment"), "comment",
                            hint=t("claims.status_dialog.comment_hint"))
            yield Static(Text(t("claims.status_dialog.notifies")), classes="form-info")
            yield Static("", id="dialog-error", classes="form-error", markup=False)
            yield self.buttons(t("claims.status_dialog.submit"))

    def on_mount(self) -> None:
        self.query_one("#status", RadioSet).focus()

    def submit(self) -> None:
        pressed = self.query_one("#status", RadioSet).pressed_button
        status = (pressed.id or "").removeprefix("status-") if pressed else ""
        comment = self.query_one("#comment", Input).value.strip()
        if not status:
            self.refused({"status": t("claims.status_dialog.choose")})
            return
        if status == ClaimStatus.REJECTED.value and not comment:
            self.refused({"comment": t("claims.status_dialog.why_rejected")})
            return
        change = ClaimStatusChange(status=ClaimStatus(status), comment=comment)
        claim_id, version = self.claim.id, self.claim.version
        self.run_command(lambda repo: repo.set_claim_status(claim_id, change, version))


class IndemnityDialog(_ClaimDialog):
    """Covered amount and calculated indemnity (blank: computed from the contract's
    insured percentage within the credit limit), indemnity date, who collects."""

    def compose(self) -> ComposeResult:
        currency = self.claim.currency
        order = cofa(self.app).settings.date_order
        with Vertical(classes="dialog", id="indemnity-dialog"):
            yield Label(self.title_text("claims.indemnity.title"), classes="dialog-title")
            # The claim amount in the contract's currency at the declaration date's
            # rates; with lines waiting for a rate, nothing can be computed yet.
            assessed = self.detail.assessment
            yield Static(Text(t("claims.indemnity.intro",
                                amount=format_amount(assessed.claim_amount, currency) or "—",
                                pct=format_number(self.detail.insured_percentage),
                                limit=format_amount(self.detail.credit_limit, currency)
                                if self.detail.credit_limit is not None
                                else t("claims.no_limit"))), classes="form-info")
            if assessed.waiting:
                yield Static(Text("⚠ " + t("claim_money.indemnity.waiting",
                                            waiting=waiting_text(assessed.waiting))),
                             classes="form-error")
            yield FormField(t("claims.indemnity.covered", currency=currency),
                            Input(id="covered_amount"), "covered_amount",
                            hint=t("claims.indemnity.blank_computed"))
            yield FormField(t("claims.indemnity.indemnity", currency=currency),
                            Input(id="calculated_indemnity"), "calculated_indemnity",
                            hint=t("claims.indemnity.blank_computed"))
            yield FormField(t("claims.indemnity.date"), Input(
                id="indemnity_date", placeholder=t(f"claim_wizard.pattern.{order}")),
                "indemnity_date", hint=t("claims.indemnity.blank_today"))
            yield FormField(t("claims.indemnity.collector"), Select(
                [(t(f"claims.collector.{c.value}"), c.value) for c in Collector],
                value=self.detail.collector if self.detail.collector in
                {c.value for c in Collector} else Collector.NONE.value,
                allow_blank=False, id="collector"), "collector")
            yield Static(Text(t("claims.status_dialog.notifies")), classes="form-info")
            yield Static("", id="dialog-error", classes="form-error", markup=False)
            yield self.buttons(t("claims.indemnity.submit"))

    def on_mount(self) -> None:
        self.query_one("#covered_amount", Input).focus()

    def submit(self) -> None:
        errors: dict[str, str] = {}
        currency = self.claim.currency
        values: dict[str, Any] = {}
        for name in ("covered_amount", "calculated_indemnity"):
            try:
                typed = self.query_one(f"#{name}", Input).value
                values[name] = parse_rounded_amount(typed, currency)
            except ValueError as exc:
                errors[name] = str(exc)
        try:
            values["indemnity_date"] = parse_user_date(
                self.query_one("#indemnity_date", Input).value,
                cofa(self.app).settings.date_order)
        except ValueError as exc:
            errors["indemnity_date"] = str(exc)
        collector = self.query_one("#collector", Select).value
        if errors:
            self.refused(errors)
            return
        update = IndemnityUpdate(collector=str(collector), **values)
        claim_id, version = self.claim.id, self.claim.version
        self.run_command(lambda repo: repo.set_indemnity(claim_id, update, version))


# --- lines of a claim, as the detail and the validation list show them ------------------------


@dataclass(frozen=True)
class LineRow:
    """An invoice or a payment of a claim, in one list. ``key`` is unique across both."""

    key: int
    kind: str
    type: str
    number: str
    when: date
    due: date | None
    currency: str
    amount: Decimal
    tax: Decimal | None
    validated: bool
    declaration: str


def line_rows(detail: ClaimDetail) -> list[LineRow]:
    names = {}
    additional = 0
    for d in detail.declarations:
        if d.kind == "initial":
            names[d.id] = t("claims.declaration.initial")
        else:
            additional += 1
            names[d.id] = t("claims.declaration.additional", n=additional)
    rows = [LineRow(key=i.id * 2, kind="invoice", type=i.type, number=i.number,
                    when=i.invoice_date, due=i.due_date, currency=i.currency,
                    amount=i.amount_excl_tax + i.tax, tax=i.tax, validated=i.validated,
                    declaration=names.get(i.declaration_id, "")) for i in detail.invoices]
    rows += [LineRow(key=p.id * 2 + 1, kind="payment", type=p.type,
                     number=p.invoice_references.replace(",", ", "), when=p.payment_date,
                     due=None, currency=p.currency, amount=p.amount, tax=None,
                     validated=p.validated, declaration=names.get(p.declaration_id, ""))
             for p in detail.payments]
    return rows


def line_columns(order: str) -> list[Column]:
    return [
        Column("validated", "✓", 1, render=lambda r: "✓" if r.validated else "·"),
        Column("kind", t("claims.col.kind"), 12, render=lambda r: t(f"claims.kind.{r.kind}")),
        Column("type", t("claim_wizard.col.type"), 4),
        Column("number", t("claims.col.number"), 0, render=lambda r: plain(r.number)),
        Column("date", t("claims.col.date"), 11, render=lambda r: format_user_date(r.when, order)),
        Column("due", t("claim_wizard.col.due_date"), 11,
               render=lambda r: format_user_date(r.due, order)),
        Column("amount", t("claims.col.amount_incl_tax"), 14, align="right",
               render=lambda r: format_amount(r.amount, r.currency)),
        Column("declaration", t("claims.col.declaration"), 14,
               render=lambda r: plain(r.declaration)),
    ]


__all__ = ["AdditionalDeclarationScreen", "AttachmentDialog", "DocumentInfoDialog",
           "IndemnityDialog", "LineRow", "StatusDialog", "ValidateLinesDialog", "line_columns",
           "line_rows", "size_text"]
