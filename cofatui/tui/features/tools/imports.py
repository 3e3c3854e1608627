"""Import results: my imports (file, when, status, totals) and, for one, every line
with its status and message, errors first (or in file order), exportable to XLSX or
CSV. New imports start here too: pick a file, per line or all-or-nothing."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Static

from cofatui.errors import CofaError, message_text
from cofatui.formats.export import ExportColumn
from cofatui.formats.import_kinds import CLIENT_REFERENCES
from cofatui.i18n import format_datetime, format_number, t
from cofatui.i18n.messages import decode_params
from cofatui.repository.every_row import every_row
from cofatui.schemas_jobs import (
    ImportKind,
    ImportLinePublic,
    ImportMode,
    ImportResultPublic,
    ImportStatus,
)
from cofatui.tui.kit.file_picker import FilePicker, read_picked
from cofatui.tui.kit.header import AppHeader
from cofatui.tui.kit.local_files import export_rows_to_file
from cofatui.tui.kit.paged_source import PagedSource
from cofatui.tui.kit.virtual_list import Column, VirtualList
from cofatui.tui.safe import clean, plain

if TYPE_CHECKING:
    from cofatui.tui.app import CofaApp



def status_label(status: str) -> str:
    return t(f"tools.import_status.{status}")


def line_status_label(status: str) -> str:
    return t(f"tools.line_status.{status}")


def line_message(line: ImportLinePublic) -> str:
    """The line's refusal or note in the UI language: its code's catalog entry (an
    ``area.name`` code), else, for a row stored before codes had an area, the
    ``tools.line`` wording of its bare code, else the stored message as it is."""
    if not line.code:
        return line.message
    params = decode_params(line.params)
    if "." in line.code:
        return message_text(line.code, params)
    key = f"tools.line.{line.code}"
    text = t(key, **params)
    return line.message if text == key else text


class _ToolScreen(Screen[None]):
    CSS_PATH = "tools.tcss"

    @property
    def cofa(self) -> CofaApp:
        return cast("CofaApp", self.app)

    def _error(self, exc: Exception) -> None:
        self.app.call_from_thread(self.notify, clean(exc), severity="error", markup=False)

    def action_reload(self) -> None:
        """Read the list again (the app calls it when the data is reachable again after
        an outage; the list keeps its place)."""
        self.query_one(VirtualList).refresh_data()


class ImportResultsScreen(_ToolScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("i", "start_import('per_line')", "tools.bind.import_per_line",
                id="imports.import_per_line"),
        Binding("I", "start_import('all_or_nothing')", "tools.bind.import_all",
                id="imports.import_all"),
    ]

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static(t("tools.imports_note"), id="jobs-note", markup=False)
        yield VirtualList([
            Column("created_at", t("tools.col.created"), 17,
                   render=lambda r: format_datetime(r.created_at)),
            Column("file_name", t("tools.col.file"), 0, render=lambda r: plain(r.file_name)),
            Column("status", t("tools.col.status"), 22,
                   render=lambda r: status_label(r.status)),
            Column("total_lines", t("tools.col.total"), 9, align="right"),
            Column("error_lines", t("tools.col.errors"), 9, align="right"),
        ], id="imports")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "tools.imports"
        lst = self.query_one("#imports", VirtualList)
        repo = self.cofa.repo
        lst.set_source(PagedSource(lambda o, n: repo.imports.results(o, n), self._error,
                                   fetch_seek=lambda seek, n: repo.imports.results(
                                       0, n, seek)))
        lst.focus()

    @on(VirtualList.RowActivated, "#imports")
    def _open(self, event: VirtualList.RowActivated) -> None:
        self.app.push_screen(ImportLinesScreen(event.row))

    def action_start_import(self, mode: str) -> None:
        contract_id = self.cofa.current_contract_id
        if contract_id is None:
            self.notify(t("shell.no_contract"), severity="warning", markup=False)
            return

        def picked(path: Path | None) -> None:
            if path is not None:
                self._remember(path.parent)
                self._run(contract_id, path, ImportMode(mode))

        self.app.push_screen(FilePicker(t("tools.pick_references"),
                                        self.cofa.settings.last_folder), picked)

    def _remember(self, folder: Path) -> None:
        if str(folder) != self.cofa.settings.last_folder:
            self.cofa._save_one(last_folder=str(folder))

    @work(thread=True, exclusive=True, group="imports-run")
    def _run(self, contract_id: int, path: Path, mode: ImportMode) -> None:
        try:
            content = read_picked(path, CLIENT_REFERENCES.max_bytes)
            result = self.cofa.repo.imports.run(ImportKind.CLIENT_REFERENCES, contract_id,
                                                path.name, content, mode)
        except (CofaError, OSError) as exc:
            self._error(exc)
            return
        self.app.call_from_thread(self._imported, result)

    def _imported(self, result: ImportResultPublic) -> None:
        if not self.is_attached:
            return
        self.query_one("#imports", VirtualList).refresh_data()
        if result.status == ImportStatus.RUNNING:  # a large file: its job imports it
            self.notify(t("tools.import_queued", file=result.file_name), markup=False,
                        timeout=10)
            return
        self.app.push_screen(ImportLinesScreen(result))

    async def on_language_changed(self, _event: object) -> None:
        await self.recompose()
        self.on_mount()


class ImportLinesScreen(_ToolScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("o", "toggle_order", "tools.bind.order", id="import_lines.order"),
        Binding("e", "export('xlsx')", "export.bind.xlsx", id="import_lines.export_xlsx"),
        Binding("E", "export('csv')", "export.bind.csv", id="import_lines.export_csv"),
    ]

    def __init__(self, result: ImportResultPublic) -> None:
        super().__init__()
        self.result = result
        self.errors_first = True

    def compose(self) -> ComposeResult:
        r = self.result
        yield AppHeader()
        yield Static(plain(t("tools.import_summary", file=r.file_name,
                             when=format_datetime(r.created_at), who=r.login,
                             status=status_label(r.status),
                             mode=t(f"tools.mode.{r.mode}"),
                             total=format_number(r.total_lines), ok=format_number(r.ok_lines),
                             errors=format_number(r.error_lines))), id="import-summary")
        if r.refusal:
            stopped = t(f"tools.refusal.{r.refusal_code}")  # a run that stopped midway
            text = (stopped if stopped != f"tools.refusal.{r.refusal_code}"
                    else t("tools.import_refused", reason=r.refusal))
            yield Static(plain(text), id="import-refusal")
        yield VirtualList([
            Column("line_no", t("tools.col.line"), 7, align="right"),
            Column("status", t("tools.col.status"), 14,
                   render=lambda x: line_status_label(x.status)),
            Column("code", t("tools.col.code"), 22),
            Column("message", t("tools.col.message"), 0,
                   render=lambda x: plain(line_message(x))),
        ], row_key=lambda x: x.line_no, id="lines")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "tools.import_lines"
        self._load()
        self.query_one("#lines", VirtualList).focus()

    def _load(self) -> None:
        repo, import_id, first = self.cofa.repo, self.result.id, self.errors_first
        self.query_one("#lines", VirtualList).set_source(PagedSource(
            lambda o, n: repo.imports.lines(import_id, o, n, first), self._error,
            fetch_seek=lambda seek, n: repo.imports.lines(import_id, 0, n, first, seek)))

    def action_toggle_order(self) -> None:
        self.errors_first = not self.errors_first
        self._load()
        self.notify(t("tools.order_errors" if self.errors_first else "tools.order_lines"),
                    markup=False)

    def action_export(self, kind: str) -> None:
        self._export(kind)

    @work(thread=True, exclusive=True, group="import-lines-export")
    def _export(self, kind: str) -> None:
        repo, import_id, first = self.cofa.repo, self.result.id, self.errors_first

        def rows() -> Any:
            return every_row(lambda seek, limit: repo.imports.lines(
                import_id, 0, limit, first, seek))

        columns = [ExportColumn(t("tools.col.line"), lambda x: x.line_no, 7),
                   ExportColumn(t("tools.col.status"), lambda x: line_status_label(x.status),
                                14),
                   ExportColumn(t("tools.col.code"), lambda x: x.code, 22),
                   ExportColumn(t("tools.col.message"), lambda x: clean(line_message(x)), 60)]
        export_rows_to_file(self.app, f"import-{import_id}", kind,
                            self.cofa.clock.now().astimezone(), columns, rows())

    async def on_language_changed(self, _event: object) -> None:
        await self.recompose()
        self.on_mount()
