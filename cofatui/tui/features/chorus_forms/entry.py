"""Entry of an invoice by form (seed 004 "Saisir facture"; issue 18 item 5): recipient
(picked from the directory, Ctrl+D), supplier (one of my structures), frame, references,
lines; starred fields are mandatory. "Save draft" keeps it as a draft; "Validate and
send" saves it, shows its summary (totals computed by the repository), and "Confirm and
send" deposits it. The billing mandate is a prerequisite: without it the screen says so
and the repository refuses (``chorus_invoices.billing_mandate_missing``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Select, Static

from cofatui.i18n import t
from cofatui.schemas_chorus import ChorusDraftUpdate, ChorusInvoiceDetail
from cofatui.tui.features.chorus_forms.form_base import InvoiceForm
from cofatui.tui.features.chorus_forms.wording import summary_text
from cofatui.tui.kit.dialog import Dialog
from cofatui.tui.kit.products import cofa
from cofatui.tui.kit.styles import DIALOGS_TCSS
from cofatui.tui.safe import clean


class SummaryDialog(Dialog[bool]):
    """The summary before "Confirm and send" (seed 004)."""

    CSS_PATH = DIALOGS_TCSS
    DEFAULT_CSS = """
    SummaryDialog > #summary { width: 90; max-width: 100%; height: auto; max-height: 100%; }
    SummaryDialog #summary-body { height: auto; max-height: 26; }
    """
    CANCEL_RESULT = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "chorus_forms_ui.button.back", id="chorus.summary.back"),
        Binding("ctrl+s", "submit", "chorus_forms_ui.button.confirm",
                id="chorus.summary.confirm"),
    ]

    def __init__(self, detail: ChorusInvoiceDetail) -> None:
        super().__init__()
        self.detail = detail

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="summary"):
            yield Label(Text(t("chorus_forms_ui.summary.title")), classes="dialog-title")
            with VerticalScroll(id="summary-body"):
                yield Static(summary_text(self.detail), id="summary-text")
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("chorus_forms_ui.button.confirm"), variant="primary",
                             id="confirm")
                yield Button(t("chorus_forms_ui.button.back"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#confirm", Button).focus()

    def submit(self) -> None:
        self.dismiss(True)


class InvoiceEntryScreen(InvoiceForm):
    TITLE_KEY = "chorus_forms_ui.entry.title"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "validate", "chorus_forms_ui.button.validate",
                id="chorus.entry.validate", tooltip="chorus_forms_ui.key.validate_tip"),
        Binding("ctrl+b", "save_draft", "chorus_forms_ui.button.draft",
                id="chorus.entry.draft", tooltip="chorus_forms_ui.key.draft_tip"),
    ]

    def __init__(self, structure_id: int | None = None, draft_id: int | None = None) -> None:
        super().__init__()
        self.structure_id = structure_id
        self.draft_id = draft_id
        #: The payment terms the form put in (a supplier's default), not typed.
        self.terms_given = ""

    def invoice_id(self) -> int | None:
        return self.draft_id

    def above(self) -> list[Widget]:
        return [Static("", id="mandate-note", classes="form-warning", markup=False)]

    def ready(self) -> None:
        if self.structure_id is not None and self.detail is None:
            for m in self.mine:
                if m.structure.id == self.structure_id:
                    self.query_one("#supplier_siret", Select).value = m.structure.siret
        self._mandate()
        self._payment_terms()
        self.query_one("#number").focus()

    @on(Select.Changed, "#supplier_siret")
    def _supplier(self) -> None:
        self._mandate()
        self._payment_terms()

    def _payment_terms(self) -> None:
        """A new invoice starts with its supplier's default payment terms (issue 19);
        terms the user typed are never replaced."""
        if self.detail is not None or not self.query("#payment_terms"):
            return
        terms = self.query_one("#payment_terms", Input)
        if terms.value != self.terms_given:
            return
        siret = self.query_one("#supplier_siret", Select).value
        structure = next((m.structure for m in self.mine if m.structure.siret == siret), None)
        self.terms_given = structure.payment_terms_default if structure is not None else ""
        terms.value = self.terms_given

    def _mandate(self) -> None:
        """Without the billing mandate the entry cannot be sent (seed 004): said at once."""
        if not self.query("#mandate-note"):
            return
        siret = self.query_one("#supplier_siret", Select).value
        structure = next((m.structure for m in self.mine if m.structure.siret == siret), None)
        missing = structure is not None and structure.billing_mandate_at is None
        self.query_one("#mandate-note", Static).update(
            Text("⚠ " + t("chorus_forms_ui.entry.mandate_missing")) if missing else "")

    # --- saving -------------------------------------------------------------------------
    def _save_call(self) -> Callable[[], ChorusInvoiceDetail] | None:
        invoice = self.read_invoice()
        if invoice is None:
            return None
        repo = cofa(self.app).repo.chorus_invoices
        draft = self.detail
        if draft is None:
            return lambda: repo.create(invoice, submit=False)
        return lambda: repo.update_draft(draft.id, ChorusDraftUpdate(version=draft.version,
                                                                    invoice=invoice))

    def action_save_draft(self) -> None:
        call = self._save_call()
        if call is not None:
            self.send(call, self._saved)

    def action_validate(self) -> None:
        """Saved first (the repository checks the fields and computes the totals), then
        the summary, then "Confirm and send"."""
        call = self._save_call()
        if call is not None:
            self.send(call, self._summary)

    def _saved(self, detail: ChorusInvoiceDetail) -> None:
        self.busy = False
        self.detail, self.draft_id = detail, detail.id
        self.app.notify(t("chorus_forms_ui.done.draft", number=clean(detail.number)),
                        markup=False)

    def _summary(self, detail: ChorusInvoiceDetail) -> None:
        self.busy = False
        self.detail, self.draft_id = detail, detail.id

        def confirmed(yes: bool | None) -> None:
            if yes:
                repo = cofa(self.app).repo.chorus_invoices
                self.send(lambda: repo.submit(detail.id, detail.version))

        self.app.push_screen(SummaryDialog(detail), confirmed)


__all__ = ["InvoiceEntryScreen", "SummaryDialog"]
