"""Attachments of a registered claim (SPEC §6; seed 000 "Joindre un fichier"): adding one
(PDF, JPG, PNG, GIF recognised by their content, category, comment), and an attachment's
metadata with a copy saved where the user says."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import (
    Button,
    Input,
    Label,
    RadioSet,
    Static,
)

from cofatui import locations
from cofatui.enums import DocumentCategory
from cofatui.errors import CofaError, ValidationFailed
from cofatui.i18n import format_datetime, format_number, t
from cofatui.rules.attachments import MAX_ATTACHMENT_BYTES, sniff_content_type
from cofatui.schemas import (
    DocumentPublic,
)
from cofatui.tui.features.claims.claim_dialog import ClaimDialog
from cofatui.tui.kit.dialog import Dialog
from cofatui.tui.kit.file_picker import FilePicker
from cofatui.tui.kit.form import FormField
from cofatui.tui.kit.line_import import SaveFileDialog
from cofatui.tui.kit.lines import (
    CSS,
    Choice,
)
from cofatui.tui.kit.local_files import local_path, start_folder
from cofatui.tui.kit.products import cofa
from cofatui.tui.safe import clean, plain

# --- attachments ------------------------------------------------------------------------------


class AttachmentDialog(ClaimDialog):
    """A file by its path (typed, or chosen with the file picker), its category
    (contractual or other) and a comment."""
    BINDINGS: ClassVar[list[BindingType]] = [
        *ClaimDialog.BINDINGS,
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
                str(start_folder(cofa(self.app).settings.last_folder)) + "/", id="file",
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
        try:
            path = local_path(raw)
        except ValidationFailed as exc:
            self.refused(exc.by_field())
            return
        self.busy(True)
        self._attach_file(path, category or DocumentCategory.OTHER.value, comment)

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
            document = cofa(self.app).repo.claims.add_document(self.claim.id, path.name, content,
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
            _row, content = cofa(self.app).repo.documents.content(self.document.id)
        except CofaError as exc:
            self.app.call_from_thread(self.notify, clean(exc), severity="error", markup=False)
            return
        self.app.call_from_thread(self._ask_where, content)

    def _ask_where(self, content: bytes) -> None:
        default = locations.exports_dir() / Path(self.document.filename).name

        def saved(path: Path | None) -> None:
            if path is not None:
                self.notify(t("claims.doc.saved", path=str(path)), markup=False)

        self.app.push_screen(SaveFileDialog(t("claims.doc.save_title"), content, default), saved)


__all__ = ["AttachmentDialog", "DocumentInfoDialog", "size_text"]
