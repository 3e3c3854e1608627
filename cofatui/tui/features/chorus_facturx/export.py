"""Export one invoice (issue 19 item 4): the format (Factur-X, its XML alone, its PDF
alone), then the file is made by the repository (on the server with ``--api``) and the
kit's file picker, in save mode, says where to write it on the machine the TUI runs on.

The Chorus Pro constraints are checked before anything is written: a refused invoice
keeps the dialog open with each refusal named by its field, in the UI's language."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label, RadioSet, Static

from cofatui.enums import FacturxFormat
from cofatui.errors import CofaError, ValidationFailed
from cofatui.i18n import t
from cofatui.schemas_facturx import FacturxFile
from cofatui.tui.features.chorus_facturx.format_choice import chosen_format, format_choices
from cofatui.tui.kit.dialog import Dialog
from cofatui.tui.kit.file_picker import FilePicker
from cofatui.tui.kit.local_files import deliver
from cofatui.tui.kit.products import cofa
from cofatui.tui.kit.styles import DIALOGS_TCSS
from cofatui.tui.safe import clean, plain

#: The constraints' fields (``rules/chorus_export.py``) the dialog names.
FIELDS = frozenset({"number", "type", "service_code", "engagement", "recipient_siret",
                    "supplier_siret", "payment_mode", "iban", "file"})


def refusal_text(exc: CofaError) -> Text:
    """A refused export: each field's refusal on its own line ("Service code: missing"),
    or the error's own text when it names no field."""
    if not isinstance(exc, ValidationFailed):
        return Text("⚠ " + clean(exc))
    out = Text(t("chorus_facturx_ui.export.refused"), style="bold")
    for error in exc.errors:
        name = t(f"chorus_facturx_ui.field.{error.field}") if error.field in FIELDS \
            else error.field
        said = f"{name} — {error.message}" if name else error.message
        out.append("\n⚠ ")
        out.append_text(Text(clean(said)))
    return out


def write_file(app: App[Any], path: Path, content: bytes) -> None:
    """Write the exported bytes (a worker's thread), then tell where; a web session
    also hands the file to the browser."""
    try:
        tmp = path.with_name(f".{path.name}.part")
        tmp.write_bytes(content)
        tmp.replace(path)
    except OSError as exc:
        app.call_from_thread(app.notify, t("chorus_facturx_ui.export.unwritable",
                                           path=str(path), reason=exc.strerror or str(exc)),
                             severity="error", markup=False)
        return
    app.call_from_thread(deliver, app, path)
    app.call_from_thread(app.notify, t("chorus_facturx_ui.export.saved", path=str(path)),
                         markup=False)


class ExportDialog(Dialog[Path | None]):
    """The format, then (made without refusal) where to save it; dismisses with the
    path written, or None."""

    CSS_PATH = [DIALOGS_TCSS, "chorus_facturx.tcss"]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "chorus_facturx_ui.key.cancel", id="facturx.export.cancel"),
        Binding("ctrl+s", "submit", "chorus_facturx_ui.export.choose",
                id="facturx.export.confirm"),
    ]

    def __init__(self, invoice_id: int, number: str) -> None:
        super().__init__()
        self.invoice_id = invoice_id
        self.number = number

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="facturx-export"):
            title = Text(t("chorus_facturx_ui.export.title") + " — ")
            title.append_text(plain(self.number))
            yield Label(title, classes="dialog-title")
            yield Label(t("chorus_facturx_ui.export.format"))
            yield format_choices()
            yield Static("", id="export-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("chorus_facturx_ui.export.choose"), variant="primary",
                             id="confirm")
                yield Button(t("chorus_facturx_ui.key.cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#export-format", RadioSet).focus()

    @property
    def fmt(self) -> FacturxFormat:
        return chosen_format(self)

    def busy(self, on: bool) -> None:
        for button in self.query(Button):
            button.disabled = on

    def submit(self) -> None:
        fmt, language = self.fmt, cofa(self.app).settings.language
        area = cofa(self.app).repo.chorus_facturx
        self.busy(True)
        self.query_one("#export-error", Static).update("")

        def make() -> None:
            try:
                made = area.export(self.invoice_id, fmt, language)
            except CofaError as exc:
                self.app.call_from_thread(self._refused, exc)
                return
            self.app.call_from_thread(self._made, made)

        self.run_worker(make, thread=True, group="facturx-export", exclusive=True,
                        exit_on_error=False)

    def _refused(self, exc: CofaError) -> None:
        self.busy(False)
        self.query_one("#export-error", Static).update(refusal_text(exc))
        self.query_one("#confirm", Button).focus()

    def _made(self, made: FacturxFile) -> None:
        """The file is made: ask where (the proposed name is the repository's)."""
        self.busy(False)
        app = self.app
        settings = cofa(app).settings

        def chosen(path: Path | None) -> None:
            if path is None:
                return
            if str(path.parent) != settings.last_folder:
                cofa(app)._save_one(last_folder=str(path.parent))
            app.run_worker(lambda: write_file(app, path, made.content), thread=True,
                           group="facturx-export-write", exit_on_error=False)
            self.dismiss(path)

        app.push_screen(FilePicker(t("chorus_facturx_ui.export.pick"), settings.last_folder,
                                   save_name=Path(made.file_name).name), chosen)


def export_invoice(app: App[Any], invoice_id: int, number: str, *,
                   callback: Any = None) -> None:
    """The opener ``chorus_facturx_export``: the dialog for one invoice."""
    app.push_screen(ExportDialog(invoice_id, number), callback)


__all__ = ["ExportDialog", "export_invoice", "refusal_text", "write_file"]
