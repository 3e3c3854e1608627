"""Deposit of a PDF invoice (seed 004 "Dépôt de factures"; issue 18 item 5): the format
(signed or unsigned PDF, with the seed's reminder as help), the frame, the file through
the kit's file picker (a PDF by content, opening, not encrypted, at most 10 MB: the
repository checks it), then the fields the PDF does not give. "Validate and send"
deposits it: the technical checks run at once and it is made available or
non-compliant (then the correction screen opens with the reasons)."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Button, RadioSet, Static

from cofatui.errors import ValidationFailed
from cofatui.i18n import t
from cofatui.schemas_chorus import ChorusInvoiceDetail
from cofatui.schemas_company_info import UploadedFile
from cofatui.tui.features.chorus_forms.form_base import InvoiceForm
from cofatui.tui.kit.choices import Choice
from cofatui.tui.kit.file_picker import FilePicker, read_picked
from cofatui.tui.kit.file_size import size_text
from cofatui.tui.kit.form import FormField
from cofatui.tui.kit.products import cofa
from cofatui.tui.safe import clean

#: What is read of the file: the API's upload limit; the repository refuses over 10 MB.
READ_LIMIT = 11 * 1024 * 1024


class InvoiceDepositScreen(InvoiceForm):
    TITLE_KEY = "chorus_forms_ui.deposit.title"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "validate", "chorus_forms_ui.button.validate",
                id="chorus.deposit.send", tooltip="chorus_forms_ui.key.validate_tip"),
        Binding("ctrl+b", "save_draft", "chorus_forms_ui.button.draft",
                id="chorus.deposit.draft", tooltip="chorus_forms_ui.key.draft_tip"),
        Binding("ctrl+o", "pick_pdf", "chorus_forms_ui.key.pdf", id="chorus.deposit.pdf"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.pdf: Path | None = None

    def above(self) -> list[Widget]:
        kind = FormField(t("chorus_forms_ui.deposit.format") + " *", RadioSet(
            Choice(t("chorus_forms_ui.deposit.unsigned"), value=True, id="format-unsigned"),
            Choice(t("chorus_forms_ui.deposit.signed"), id="format-signed"),
            id="format"), "format", hint=t("chorus_forms_ui.deposit.format_help"))
        pdf = FormField(t("chorus_forms_ui.deposit.pdf") + " *", Horizontal(
            Button(t("chorus_forms_ui.deposit.choose"), id="pick-pdf", compact=True),
            Static(t("chorus_forms_ui.deposit.no_file"), id="pdf-name", markup=False),
            id="pdf-row"), "pdf", hint=t("chorus_forms_ui.deposit.pdf_help"))
        return [Vertical(kind, pdf, id="deposit-top")]

    def ready(self) -> None:
        self.query_one("#pick-pdf", Button).focus()

    @property
    def signed(self) -> bool:
        return self.query_one("#format-signed", Choice).value

    # --- the file -----------------------------------------------------------------------
    @on(Button.Pressed, "#pick-pdf")
    def _pick_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_pick_pdf()

    def action_pick_pdf(self) -> None:
        settings = cofa(self.app).settings
        self.app.push_screen(FilePicker(t("chorus_forms_ui.deposit.pick"),
                                        settings.last_folder), self._picked)

    def _picked(self, path: Path | None) -> None:
        if path is None:
            return
        self.pdf = path
        try:
            size = size_text(path.stat().st_size)
        except OSError:
            size = "?"
        self.query_one("#pdf-name", Static).update(Text(f"{clean(path.name)} ({size})"))
        self.query_one("#pdf-field", FormField).set_error(None)
        if str(path.parent) != cofa(self.app).settings.last_folder:
            cofa(self.app)._save_one(last_folder=str(path.parent))

    # --- sending ------------------------------------------------------------------------
    def action_validate(self) -> None:
        self._deposit(submit=True)

    def action_save_draft(self) -> None:
        self._deposit(submit=False)

    def _deposit(self, *, submit: bool) -> None:
        invoice = self.read_invoice()
        if self.pdf is None:
            self.query_one("#pdf-field", FormField).set_error(
                t("chorus_forms_ui.deposit.pdf_missing"))
            return
        if invoice is None:
            return
        path, signed = self.pdf, self.signed
        repo = cofa(self.app).repo.chorus_invoices

        def call() -> ChorusInvoiceDetail:
            return repo.create(invoice, pdf=read_pdf(path), signed=signed, submit=submit)

        self.send(call, self.deposited if submit else self._drafted)

    def _drafted(self, detail: ChorusInvoiceDetail) -> None:
        self.deposited(detail)
        self.dismiss(detail)


def read_pdf(path: Path) -> UploadedFile:
    """The picked file's bytes; a file the picker cannot read is refused at ``pdf``."""
    try:
        content = read_picked(path, READ_LIMIT)
    except ValidationFailed as exc:
        raise ValidationFailed.at("pdf", exc.errors[0].code, **exc.errors[0].params) from exc
    except OSError as exc:
        raise ValidationFailed.at("pdf", "company_info.file_unreadable", path=path.name,
                                  reason=exc.strerror or "") from exc
    return UploadedFile(name=path.name, content=content)


__all__ = ["InvoiceDepositScreen", "read_pdf"]
