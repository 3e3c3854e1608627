"""The supplier's answers that fit in a dialog (issue 18 item 8): complete a suspended
invoice with new files (the kit's file picker) and a comment; turn a rejected direct
debit into a transfer (seed 003 §IX: the IBAN); re-issue an invoice under a new number;
and the confirmed ones — issue the credit note, submit or delete a draft. Each sends in
a worker and keeps the dialog open with the refusal at its field."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from cofatui.errors import CofaError
from cofatui.i18n import t
from cofatui.schemas_chorus import (
    COMMENT_MAX,
    NUMBER_MAX,
    ChorusCompletion,
    ChorusInvoiceDetail,
    ChorusPaymentModeChange,
)
from cofatui.schemas_company_info import UploadedFile
from cofatui.tui.features.chorus.process import comment_counter
from cofatui.tui.features.chorus.wording import attachments_size, state_label
from cofatui.tui.kit.dialog import Dialog
from cofatui.tui.kit.file_picker import FilePicker, read_picked
from cofatui.tui.kit.form import FormField, refusal, show_errors
from cofatui.tui.kit.products import cofa
from cofatui.tui.kit.styles import DIALOGS_TCSS
from cofatui.tui.safe import clean, plain

#: Chorus Pro's limit per file (the repository checks every limit again).
FILE_MAX_BYTES = 10 * 1024 * 1024


class _AnswerDialog(Dialog[Any]):
    """Title, fields, the general error line, Confirm / Cancel; sending in a worker."""

    CSS_PATH = [DIALOGS_TCSS, "chorus.tcss"]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "chorus_ui.key.cancel", id="chorus.answer.cancel"),
        Binding("ctrl+s", "submit", "chorus_ui.key.confirm", id="chorus.answer.confirm"),
    ]
    TITLE_KEY = ""

    def __init__(self, detail: ChorusInvoiceDetail) -> None:
        super().__init__()
        self.detail = detail

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog chorus-answer"):
            title = Text(t(self.TITLE_KEY) + " — ")
            title.append_text(plain(self.detail.number))
            yield Label(title, classes="dialog-title")
            yield from self.fields()
            yield Static("", id="dialog-error", classes="form-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("chorus_ui.button.confirm"), variant="primary", id="confirm")
                yield Button(t("chorus_ui.button.cancel"), id="cancel")

    def fields(self) -> ComposeResult:
        yield from ()

    def busy(self, on: bool) -> None:
        for button in self.query(Button):
            button.disabled = on

    #: Rule refusals that concern one field of the dialog: said there.
    FIELD_OF: ClassVar[dict[str, str]] = {}

    def refused(self, exc: CofaError) -> None:
        self.busy(False)
        errors = refusal(exc, "chorus_ui.error.changed")
        field = self.FIELD_OF.get(getattr(exc, "code", ""))
        if field is not None and "" in errors:
            errors[field] = errors.pop("")
        show_errors(self, errors, self.query_one("#dialog-error", Static))
        self.focus_after_refusal()

    def focus_after_refusal(self) -> None:
        """The buttons were disabled while sending: give the focus back."""
        self.query_one("#confirm", Button).focus()

    def send(self, call: Any) -> None:
        """Run ``call()`` (a repository write) in a worker; dismiss with its answer."""
        self.busy(True)

        def run() -> None:
            try:
                answer = call()
            except CofaError as exc:
                self.app.call_from_thread(self.refused, exc)
                return
            self.app.call_from_thread(self.dismiss, answer)

        self.run_worker(run, thread=True, group="chorus-answer", exclusive=True,
                        exit_on_error=False)


class CompleteDialog(_AnswerDialog):
    """Complete a suspended invoice (seed 003 §XIX): at least one new file, unless it
    was suspended as received too early (§XXII); the repository says so at ``files``."""

    TITLE_KEY = "chorus_ui.complete.title"
    FIELD_OF: ClassVar[dict[str, str]] = {"chorus.attachment_required": "files"}
    BINDINGS: ClassVar[list[BindingType]] = [
        *_AnswerDialog.BINDINGS,
        Binding("ctrl+o", "browse", "chorus_ui.key.add_file", id="chorus.complete.add"),
    ]

    def __init__(self, detail: ChorusInvoiceDetail) -> None:
        super().__init__(detail)
        self.files: list[UploadedFile] = []

    def fields(self) -> ComposeResult:
        reason = self.detail.suspension_reason
        if reason is not None:
            yield Static(Text(t("chorus_ui.complete.suspended",
                                reason=t(f"chorus_ui.reason.{reason.value}"))),
                         classes="form-info")
        yield FormField(t("chorus_ui.complete.files"),
                        Static(Text(t("chorus_ui.files.none"), style="dim"), id="files-list"),
                        "files")
        yield Button(t("chorus_ui.button.add_file"), id="pick-file")
        yield FormField(t("chorus_ui.process.comment"),
                        Input(id="comment", max_length=COMMENT_MAX, compact=True), "comment",
                        echo=True)

    def on_mount(self) -> None:
        self._count()
        self.query_one("#pick-file", Button).focus()

    def focus_after_refusal(self) -> None:
        self.query_one("#pick-file", Button).focus()

    @on(Input.Changed, "#comment")
    def _count(self) -> None:
        comment_counter(self.query_one("#comment-field", FormField),
                        self.query_one("#comment", Input).value)

    @on(Button.Pressed, "#pick-file")
    def _add_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_browse()

    def action_browse(self) -> None:
        app = cofa(self.app)

        def picked(path: Path | None) -> None:
            if path is None:
                return
            if str(path.parent) != app.settings.last_folder:
                app._save_one(last_folder=str(path.parent))
            self._read(path)

        self.app.push_screen(FilePicker(t("chorus_ui.complete.pick"), app.settings.last_folder),
                             picked)

    @work(thread=True, exclusive=True, group="chorus-complete-file")
    def _read(self, path: Path) -> None:
        try:
            content = read_picked(path, FILE_MAX_BYTES)
        except CofaError as exc:
            self.app.call_from_thread(self._file_refused, f"{path.name}: {exc}")
            return
        except OSError as exc:
            self.app.call_from_thread(self._file_refused,
                                      f"{path.name}: {exc.strerror or exc}")
            return
        self.app.call_from_thread(self._file_added, UploadedFile(name=path.name,
                                                                 content=content))

    def _file_refused(self, message: str) -> None:
        self.query_one("#files-field", FormField).set_error(clean(message))

    def _file_added(self, file: UploadedFile) -> None:
        self.files.append(file)
        self.query_one("#files-field", FormField).set_error(None)
        listing = Text()
        for f in self.files:
            listing.append_text(plain(f.name))
            listing.append(f"  {attachments_size(len(f.content))}\n", style="dim")
        listing.rstrip()
        self.query_one("#files-list", Static).update(listing)

    def submit(self) -> None:
        data = ChorusCompletion(version=self.detail.version,
                                comment=self.query_one("#comment", Input).value.strip())
        files, invoice_id = list(self.files), self.detail.id
        self.send(lambda: cofa(self.app).repo.chorus_invoices.complete(invoice_id, data, files))


class PaymentModeDialog(_AnswerDialog):
    """A rejected invoice paid by direct debit becomes a transfer: its IBAN."""

    TITLE_KEY = "chorus_ui.payment_mode.title"

    def fields(self) -> ComposeResult:
        yield Static(Text(t("chorus_ui.payment_mode.help")), classes="form-info")
        yield FormField(t("chorus_ui.payment_mode.iban"),
                        Input(id="iban", max_length=50, compact=True), "iban")

    def on_mount(self) -> None:
        self.query_one("#iban", Input).focus()

    def submit(self) -> None:
        iban = self.query_one("#iban", Input).value.strip()
        data = ChorusPaymentModeChange(version=self.detail.version, iban=iban)
        invoice_id = self.detail.id
        self.send(lambda: cofa(self.app).repo.chorus_invoices.change_payment_mode(
            invoice_id, data))


class ReissueDialog(_AnswerDialog):
    """A copy of the invoice as a new draft under a new number; answers
    ``("reissue", the draft)``."""

    TITLE_KEY = "chorus_ui.reissue.title"

    def fields(self) -> ComposeResult:
        yield Static(Text(t("chorus_ui.reissue.help")), classes="form-info")
        yield FormField(t("chorus_ui.reissue.number"),
                        Input(id="number", max_length=NUMBER_MAX, compact=True), "number")

    def on_mount(self) -> None:
        self.query_one("#number", Input).focus()

    def submit(self) -> None:
        number = self.query_one("#number", Input).value.strip()
        invoice_id = self.detail.id
        self.send(lambda: ("reissue", cofa(self.app).repo.chorus_invoices.reissue(
            invoice_id, number)))


class ConfirmAnswerDialog(_AnswerDialog):
    """Credit note, submit or delete a draft: a question, then the call. Answers
    ``(name, the invoice made or moved)`` (None for a deleted draft)."""

    def __init__(self, detail: ChorusInvoiceDetail, name: str) -> None:
        super().__init__(detail)
        self.name_ = name
        self.TITLE_KEY = f"chorus_ui.confirm.{name}_title"

    def fields(self) -> ComposeResult:
        yield Static(Text(t(f"chorus_ui.confirm.{self.name_}", number=self.detail.number,
                            recipient=self.detail.recipient_name,
                            state=state_label(self.detail.state))), id="question")

    def on_mount(self) -> None:
        self.query_one("#cancel", Button).focus()

    def submit(self) -> None:
        area, d, name = cofa(self.app).repo.chorus_invoices, self.detail, self.name_
        if name == "credit_note":
            self.send(lambda: (name, area.credit_note(d.id)))
        elif name == "submit":
            self.send(lambda: (name, area.submit(d.id, d.version)))
        elif name == "delete":
            def delete() -> tuple[str, None]:
                area.delete_draft(d.id, d.version)
                return name, None

            self.send(delete)


__all__ = ["CompleteDialog", "ConfirmAnswerDialog", "PaymentModeDialog", "ReissueDialog"]
