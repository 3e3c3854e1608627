"""Deposit of a PDF invoice (seed 004 "Dépôt de factures"; issue 18 item 5): the format
(signed or unsigned PDF, with the seed's reminder as help), the frame, the file through
the kit's file picker (a PDF by content, opening, not encrypted, at most 10 MB: the
repository checks it), then the fields the PDF does not give. A Factur-X PDF fills the
form from its XML (issue 19, ``from_facturx.py``). "Validate and send" deposits it:
the technical checks run at once and it is made available or non-compliant (then the
correction screen opens with the reasons)."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Button, RadioSet, Static

from cofatui.errors import CofaError, ValidationFailed
from cofatui.i18n import t
from cofatui.schemas_chorus import ChorusInvoiceCreate, ChorusInvoiceDetail
from cofatui.schemas_company_info import UploadedFile
from cofatui.tui.features.chorus_forms.form_base import InvoiceForm
from cofatui.tui.features.chorus_forms.from_facturx import fill_from_pdf
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
        #: The values a Factur-X PDF gave (the form is composed anew with them).
        self.from_facturx: ChorusInvoiceCreate | None = None
        self.was_signed = False

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
        if self.pdf is not None:  # composed anew from a Factur-X: the file stays chosen
            self._show_pdf(self.pdf)
            self.query_one("#format-signed", Choice).value = self.was_signed
        self.query_one("#pick-pdf", Button).focus()

    def initial(self) -> ChorusInvoiceCreate | None:
        return self.from_facturx

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
        self._show_pdf(path)
        if str(path.parent) != cofa(self.app).settings.last_folder:
            cofa(self.app)._save_one(last_folder=str(path.parent))
        self._read_facturx(path)

    def _show_pdf(self, path: Path) -> None:
        try:
            size = size_text(path.stat().st_size)
        except OSError:
            size = "?"
        self.query_one("#pdf-name", Static).update(Text(f"{clean(path.name)} ({size})"))
        self.query_one("#pdf-field", FormField).set_error(None)

    @work(thread=True, exclusive=True, group="chorus-deposit-facturx")
    def _read_facturx(self, path: Path) -> None:
        try:
            found = fill_from_pdf(read_picked(path, READ_LIMIT))
        except (ValidationFailed, OSError):
            return  # said at the deposit, as for any PDF
        if found is not None:
            self.app.call_from_thread(self._filled, path, found)

    def _filled(self, path: Path, found: ChorusInvoiceCreate | CofaError) -> None:
        """A Factur-X's values: the form composed anew with them (the file and the
        format kept); a Factur-X we cannot use is said, the form left as it is."""
        if path != self.pdf:
            return  # another file was picked since
        if isinstance(found, CofaError):
            self.notify(t("chorus_facturx_ui.form.facturx_unread", reason=clean(found)),
                        severity="warning", markup=False)
            return
        self.from_facturx, self.was_signed = found, self.signed
        self.call_later(self._loaded, self.mine, None)
        self.notify(t("chorus_facturx_ui.form.facturx_filled"))

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
