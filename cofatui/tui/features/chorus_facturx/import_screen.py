"""Import received Factur-X (issue 19 item 5), in the received space: files added one
by one through the kit's file picker (it picks one file; the list grows), then sent
together to ``repo.chorus_facturx.import_files``, each file imported on its own. Every
file's outcome is a line: imported (its invoice, Enter opens it) or refused with its
coded reasons in the UI's language. "Import results" opens the stored result (Tools ›
Import results, one line per file).

A file the TUI cannot read (gone, unreadable, far over the limit) is refused here with
the same coded reasons; nothing of it is sent."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, OptionList, Static
from textual.widgets.option_list import Option

from cofatui.errors import CofaError, ValidationFailed
from cofatui.i18n import format_amount, t
from cofatui.i18n.messages import encode_params
from cofatui.schemas_company_info import UploadedFile
from cofatui.schemas_facturx import (
    FACTURX_MAX_BYTES,
    FacturxImportBatch,
    FacturxImportOutcome,
    FacturxImportStatus,
    FacturxReason,
)
from cofatui.tui.features.chorus_facturx.results import open_import_result
from cofatui.tui.kit.file_picker import FilePicker, read_picked
from cofatui.tui.kit.header import AppHeader
from cofatui.tui.kit.products import cofa
from cofatui.tui.navigation import open_screen
from cofatui.tui.safe import clean, plain

#: What is read of a file: the API's upload limit; over 10 MB the repository refuses it
#: with ``too_large`` — over this one it is refused here, unread.
READ_LIMIT = 11 * 1024 * 1024


def local_refusal(name: str, code: str, /, **params: object) -> FacturxImportOutcome:
    """A file refused before sending, worded as the repository words its refusals."""
    reason = FacturxReason(code=code, params=encode_params(params), message="")
    return FacturxImportOutcome(file=name, status=FacturxImportStatus.REFUSED,
                                reasons=[reason.model_copy(update={"message": reason.text()})])


def read_file(path: Path) -> UploadedFile | FacturxImportOutcome:
    """The file to send, or its refusal."""
    try:
        return UploadedFile(name=path.name, content=read_picked(path, READ_LIMIT))
    except ValidationFailed:
        return local_refusal(path.name, "chorus_facturx.too_large", size=path.stat().st_size,
                             max=FACTURX_MAX_BYTES)
    except OSError as exc:
        return local_refusal(path.name, "company_info.file_unreadable", path=path.name,
                             reason=exc.strerror or "")


def outcome_line(outcome: FacturxImportOutcome) -> Text:
    """``file — Imported — F-1 · Supplier · 1 200,00 €`` or ``file — Refused — why``."""
    line = plain(outcome.file, style="bold")
    if outcome.status is FacturxImportStatus.IMPORTED and outcome.invoice is not None:
        inv = outcome.invoice
        line.append(" — ✓ " + t("chorus_facturx_ui.import.imported") + " — ")
        line.append_text(plain(f"{inv.number} · {inv.supplier_name} · "
                               f"{format_amount(inv.total_incl_tax, inv.currency)}"))
        return line
    line.append(" — ✗ " + t("chorus_facturx_ui.import.refused"), style="bold")
    for reason in outcome.reasons:
        line.append("\n    ⚠ ")
        line.append_text(Text(clean(reason.text())))
    return line


class FacturxImportScreen(Screen[None]):
    CSS_PATH = "chorus_facturx.tcss"
    TITLE = "chorus_facturx_ui.import_title"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+o", "add_file", "chorus_facturx_ui.key.add_file",
                id="chorus.facturx_import.add"),
        Binding("delete", "remove_file", "chorus_facturx_ui.key.remove_file",
                id="chorus.facturx_import.remove"),
        Binding("ctrl+s", "run_import", "chorus_facturx_ui.key.run_import",
                id="chorus.facturx_import.run"),
        Binding("r", "results", "chorus_facturx_ui.key.results",
                id="chorus.facturx_import.results"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.paths: list[Path] = []
        self.result_batch: FacturxImportBatch | None = None
        self.outcomes: list[FacturxImportOutcome] = []

    def compose(self) -> ComposeResult:
        yield AppHeader()
        with VerticalScroll(id="facturx-import"):
            yield Static(Text(t("chorus_facturx_ui.import.intro")), id="facturx-intro")
            with Horizontal(id="facturx-buttons"):
                yield Button(t("chorus_facturx_ui.key.add_file"), id="pick-files",
                             compact=True)
                yield Button(t("chorus_facturx_ui.key.run_import"), id="run-import",
                             variant="primary", compact=True)
            yield OptionList(id="facturx-files")
            yield Static("", id="facturx-status", markup=False)
            yield OptionList(id="facturx-outcomes")
        yield Footer()

    def on_mount(self) -> None:
        self._show_files()
        self._show_outcomes()
        self.query_one("#pick-files", Button).focus()

    async def on_language_changed(self, _event: object) -> None:
        await self.recompose()
        self._show_files()
        self._show_outcomes()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "results":
            return self.result_batch is not None
        if action == "remove_file":
            return bool(self.paths)
        return True

    # --- the files ----------------------------------------------------------------------
    @on(Button.Pressed, "#pick-files")
    def _pick_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_add_file()

    @on(Button.Pressed, "#run-import")
    def _run_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_run_import()

    def action_add_file(self) -> None:
        settings = cofa(self.app).settings
        self.app.push_screen(FilePicker(t("chorus_facturx_ui.import.pick"),
                                        settings.last_folder), self._picked)

    def _picked(self, path: Path | None) -> None:
        if path is None:
            return
        if path in self.paths:
            self.notify(t("chorus_facturx_ui.import.already", name=clean(path.name)),
                        markup=False)
            return
        self.paths.append(path)
        if str(path.parent) != cofa(self.app).settings.last_folder:
            cofa(self.app)._save_one(last_folder=str(path.parent))
        self._show_files()

    def action_remove_file(self) -> None:
        files = self.query_one("#facturx-files", OptionList)
        if self.paths and files.highlighted is not None:
            del self.paths[files.highlighted]
            self._show_files()

    def _show_files(self) -> None:
        files = self.query_one("#facturx-files", OptionList)
        files.clear_options()
        for path in self.paths:
            files.add_option(Option(plain(str(path))))
        files.display = bool(self.paths)
        if not self.paths and not self.outcomes:
            self._status(t("chorus_facturx_ui.import.none"))
        self.refresh_bindings()

    def _status(self, text: str) -> None:
        self.query_one("#facturx-status", Static).update(Text(text))

    # --- the import ---------------------------------------------------------------------
    def action_run_import(self) -> None:
        if not self.paths:
            self._status("⚠ " + t("chorus_facturx_ui.import.nothing"))
            return
        self.query_one("#run-import", Button).disabled = True
        self._status(t("chorus_facturx_ui.import.running", count=len(self.paths)))
        self._import(list(self.paths))

    @work(thread=True, exclusive=True, group="facturx-import")
    def _import(self, paths: list[Path]) -> None:
        read = [read_file(path) for path in paths]
        files = [f for f in read if isinstance(f, UploadedFile)]
        try:
            batch = cofa(self.app).repo.chorus_facturx.import_files(files) if files else None
        except CofaError as exc:
            self.app.call_from_thread(self._failed, exc)
            return
        answered = iter(batch.outcomes if batch is not None else [])
        # In the order picked: the repository answers the files sent in their order.
        outcomes = [next(answered) if isinstance(f, UploadedFile) else f for f in read]
        self.app.call_from_thread(self._imported, batch, outcomes)

    def _failed(self, exc: CofaError) -> None:
        self.query_one("#run-import", Button).disabled = False
        self._status("⚠ " + clean(exc))

    def _imported(self, batch: FacturxImportBatch | None,
                  outcomes: list[FacturxImportOutcome]) -> None:
        self.result_batch, self.outcomes, self.paths = batch, outcomes, []
        self.query_one("#run-import", Button).disabled = False
        self._show_files()
        self._show_outcomes()
        self.query_one("#facturx-outcomes", OptionList).focus()

    def _show_outcomes(self) -> None:
        box = self.query_one("#facturx-outcomes", OptionList)
        box.clear_options()
        for index, outcome in enumerate(self.outcomes):
            box.add_option(Option(outcome_line(outcome), id=f"outcome-{index}"))
        box.display = bool(self.outcomes)
        if self.outcomes:
            done = sum(o.status is FacturxImportStatus.IMPORTED for o in self.outcomes)
            self._status(t("chorus_facturx_ui.import.summary", imported=done,
                           refused=len(self.outcomes) - done))
        self.refresh_bindings()

    @on(OptionList.OptionSelected, "#facturx-outcomes")
    def _open(self, event: OptionList.OptionSelected) -> None:
        outcome = self.outcomes[event.option_index]
        if outcome.invoice is not None:
            open_screen(self.app, "chorus_invoice", outcome.invoice.id)

    def action_results(self) -> None:
        if self.result_batch is not None:
            open_import_result(self.app, self.result_batch.import_id, self._status)


__all__ = ["FacturxImportScreen", "outcome_line", "read_file"]
