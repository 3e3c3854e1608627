"""Tools › Bulk orders, the seed's first part: pick a file, Check or Import it into the
current contract (after a confirmation naming its line count and the contract), follow
the job (progress, cancel), and the imported files of the user's contracts."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, ProgressBar, Static

from cofatui.enums import Section
from cofatui.errors import CofaError, Conflict
from cofatui.formats.bulk_orders import read_orders
from cofatui.formats.csv_lines import ImportRefused
from cofatui.i18n import format_datetime, format_number, t
from cofatui.schemas_bulk import BulkImportPublic, BulkStarted
from cofatui.tui.features.bulk.help import help_panel
from cofatui.tui.features.bulk.results import BulkResultsScreen
from cofatui.tui.features.bulk.wording import finished, import_status
from cofatui.tui.kit.delays import DELAYS
from cofatui.tui.kit.dialog import ConfirmScreen
from cofatui.tui.kit.file_picker import FilePicker, read_picked
from cofatui.tui.kit.header import AppHeader
from cofatui.tui.kit.paged_source import PagedSource
from cofatui.tui.kit.rights import write_refused
from cofatui.tui.kit.virtual_list import Column, VirtualList
from cofatui.tui.safe import clean, plain

if TYPE_CHECKING:
    from cofatui.tui.app import CofaApp

#: The API's limit (5 MiB): a larger file is refused before it is read.
MAX_BYTES = 5 * 1024 * 1024
ALREADY_IMPORTED = "bulk_imports.already_imported"


class BulkOrdersScreen(Screen[None]):
    CSS_PATH = "bulk.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f", "pick", "bulk_ui.bind.pick", id="bulk.pick"),
        Binding("c", "start(True)", "bulk_ui.bind.check", id="bulk.check"),
        Binding("i", "start(False)", "bulk_ui.bind.import", id="bulk.import"),
        Binding("h", "toggle_help", "bulk_ui.bind.help", id="bulk.help"),
        Binding("x", "cancel_import", "bulk_ui.bind.cancel", id="bulk.cancel"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.path: Path | None = None
        #: The import being followed (its job runs it) and the timer polling it.
        self.following: BulkImportPublic | None = None
        self._timer: Timer | None = None
        self._reading = False

    @property
    def cofa(self) -> CofaApp:
        return cast("CofaApp", self.app)

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static(self._contract_text(), id="bulk-contract", markup=False)
        yield Static(self._file_text(), id="bulk-file", markup=False)
        yield Static(t("bulk_ui.note"), id="bulk-note", markup=False)
        with Horizontal(id="bulk-progress-row", classes="-idle"):
            yield Static("", id="bulk-progress-text", markup=False)
            yield ProgressBar(id="bulk-progress", show_eta=False)
        with VerticalScroll(id="bulk-help", classes="-hidden"):
            yield Static(help_panel(), id="bulk-help-text")
        yield Static(t("bulk_ui.imported_files"), id="bulk-files-title", markup=False)
        yield VirtualList([
            Column("created_at", t("bulk_ui.col.date"), 17,
                   render=lambda r: format_datetime(r.created_at)),
            Column("file_name", t("bulk_ui.col.file"), 0, render=lambda r: plain(r.file_name)),
            Column("login", t("bulk_ui.col.user"), 12, render=lambda r: plain(r.login),
                   min_list_width=90),
            Column("policy_number", t("bulk_ui.col.contract"), 12,
                   render=lambda r: plain(r.policy_number)),
            Column("status", t("bulk_ui.col.status"), 21,
                   render=lambda r: import_status(r.status)),
            Column("total_lines", t("bulk_ui.col.total"), 7, align="right",
                   render=lambda r: format_number(r.total_lines)),
            Column("error_lines", t("bulk_ui.col.errors"), 9, align="right",
                   render=lambda r: format_number(r.error_lines)),
        ], id="bulk-files")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "bulk_ui.title"
        lst = self.query_one("#bulk-files", VirtualList)
        repo = self.cofa.repo
        lst.set_source(PagedSource(lambda o, n: repo.bulk.imports(None, o, n), self._error,
                                   fetch_seek=lambda seek, n: repo.bulk.imports(
                                       None, 0, n, seek)))
        lst.focus()
        if self.following is not None:
            self._show_progress(self.following)

    def _contract_text(self) -> str:
        label = self.cofa.current_contract_label()
        return t("bulk_ui.contract", policy=label) if label else t("bulk_ui.no_contract")

    def _file_text(self) -> str:
        return t("bulk_ui.file", file=clean(self.path)) if self.path else t("bulk_ui.no_file")

    def _error(self, exc: Exception) -> None:
        self.app.call_from_thread(self.notify, clean(exc), severity="error", markup=False)

    def action_reload(self) -> None:
        """Read the list again (the app calls it when the data is reachable again)."""
        self.query_one("#bulk-contract", Static).update(self._contract_text())
        self.query_one("#bulk-files", VirtualList).refresh_data()

    def action_toggle_help(self) -> None:
        self.query_one("#bulk-help").toggle_class("-hidden")

    # --- picking and starting ----------------------------------------------------------
    def action_pick(self) -> None:
        def picked(path: Path | None) -> None:
            if path is not None:
                self.path = path
                self.query_one("#bulk-file", Static).update(self._file_text())
                if str(path.parent) != self.cofa.settings.last_folder:
                    self.cofa._save_one(last_folder=str(path.parent))

        self.app.push_screen(FilePicker(t("bulk_ui.pick"), self.cofa.settings.last_folder),
                             picked)

    def action_start(self, check: bool) -> None:
        contract_id = self.cofa.current_contract_id
        # What the rights forbid is said at the key, not after the file is sent.
        refused = write_refused(self.cofa.principal, contract_id, Section.BULK_ORDERS)
        if contract_id is None:
            self.notify(t("bulk_ui.no_contract"), severity="warning", markup=False)
        elif refused is not None:
            self.notify(clean(refused.text()), severity="warning", markup=False)
        elif self.path is None:
            self.action_pick()
        else:
            self._prepare(self.cofa.current_contract_id, self.path, check)

    @work(thread=True, exclusive=True, group="bulk-prepare")
    def _prepare(self, contract_id: int, path: Path, check: bool) -> None:
        """Read the file and count its order lines for the confirmation (a file refused
        whole is still sent: the server records it failed with its reason)."""
        try:
            content = read_picked(path, MAX_BYTES)
        except (CofaError, OSError) as exc:
            self._error(exc)
            return
        try:
            # The count does not depend on the currency (only the lines' checks do).
            count = read_orders(content, "EUR").total
        except ImportRefused:
            count = 0
        self.app.call_from_thread(self._confirm, contract_id, path.name, content, check, count)

    def _confirm(self, contract_id: int, name: str, content: bytes, check: bool,
                 count: int) -> None:
        key = "check" if check else "import"
        question = t(f"bulk_ui.confirm_{key}", count=format_number(count), file=name,
                     policy=self.cofa.current_contract_label())

        def answered(yes: bool | None) -> None:
            if yes:
                self._start(contract_id, name, content, check, False)

        self.app.push_screen(ConfirmScreen(question, yes=t(f"bulk_ui.confirm_yes_{key}")),
                             answered)

    @work(thread=True, exclusive=True, group="bulk-start")
    def _start(self, contract_id: int, name: str, content: bytes, check: bool,
               again: bool) -> None:
        try:
            started = self.cofa.repo.bulk.start(contract_id, name, content, check=check,
                                                again=again)
        except Conflict as exc:
            if exc.code == ALREADY_IMPORTED and not again:
                self.app.call_from_thread(self._ask_again, exc, contract_id, name, content,
                                          check)
            else:
                self._error(exc)
            return
        except CofaError as exc:
            self._error(exc)
            return
        self.app.call_from_thread(self._started, started)

    def _ask_again(self, exc: Conflict, contract_id: int, name: str, content: bytes,
                   check: bool) -> None:
        at = exc.params.get("at")
        question = t("bulk_ui.again", file=clean(exc.params.get("file", name)),
                     id=clean(exc.params.get("import_id", "")),
                     at=format_datetime(at) if isinstance(at, datetime) else clean(at))

        def answered(yes: bool | None) -> None:
            if yes:
                self._start(contract_id, name, content, check, True)

        self.app.push_screen(ConfirmScreen(question, yes=t("bulk_ui.again_yes")), answered)

    def _started(self, started: BulkStarted) -> None:
        bulk = started.bulk_import
        if started.job is None:  # refused whole: stored failed, nothing to run
            self.query_one("#bulk-files", VirtualList).refresh_data()
            self._done(bulk)
            return
        self.following = bulk
        self._show_progress(bulk)
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_interval(DELAYS.job_poll, self._poll)

    # --- following the job -------------------------------------------------------------
    def _show_progress(self, bulk: BulkImportPublic) -> None:
        self.query_one("#bulk-progress-row").set_class(bulk.finished, "-idle")
        self.query_one("#bulk-progress-text", Static).update(t(
            "bulk_ui.running", file=bulk.file_name, done=format_number(bulk.done_lines),
            total=format_number(bulk.total_lines)))
        self.query_one("#bulk-progress", ProgressBar).update(
            total=max(bulk.total_lines, 1), progress=bulk.done_lines)

    def _poll(self) -> None:
        # One read at a time: a slow server skips ticks rather than piling reads up.
        if self.following is not None and not self._reading:
            self._reading = True
            self._read_progress(self.following.id)

    @work(thread=True, group="bulk-progress")
    def _read_progress(self, import_id: int) -> None:
        try:
            bulk = self.cofa.repo.bulk.get(import_id)
        except CofaError:
            return  # the server may answer at the next tick
        finally:
            self._reading = False
        self.app.call_from_thread(self._progressed, bulk)

    def _progressed(self, bulk: BulkImportPublic) -> None:
        if self.following is None or bulk.id != self.following.id:
            return
        self.following = bulk
        self._show_progress(bulk)
        if bulk.finished:
            if self._timer is not None:
                self._timer.stop()
            self._timer = self.following = None
            self.query_one("#bulk-files", VirtualList).refresh_data()
            self._done(bulk)

    def _done(self, bulk: BulkImportPublic) -> None:
        if bulk.refused is not None:
            self.notify(t("bulk_ui.refused_whole", file=bulk.file_name,
                          message=bulk.refused.message(), detail=bulk.refused.detail()),
                        severity="error", markup=False, timeout=15)
        else:
            self.notify(finished(bulk), markup=False, timeout=10)
        self.app.push_screen(BulkResultsScreen(bulk))

    def action_cancel_import(self) -> None:
        bulk = self.following
        if bulk is None or bulk.job_id is None:
            self.notify(t("bulk_ui.nothing_running"), markup=False)
            return
        self._cancel(bulk.job_id)

    @work(thread=True, exclusive=True, group="bulk-cancel")
    def _cancel(self, job_id: int) -> None:
        try:
            self.cofa.repo.jobs.cancel(job_id)
        except CofaError as exc:
            self._error(exc)
            return
        self.app.call_from_thread(self.notify, t("bulk_ui.cancel_sent"), markup=False)

    @on(VirtualList.RowActivated, "#bulk-files")
    def _open(self, event: VirtualList.RowActivated) -> None:
        self.app.push_screen(BulkResultsScreen(event.row))

    async def on_language_changed(self, _event: object) -> None:
        await self.recompose()
        self.on_mount()

    def on_unmount(self) -> None:
        if self._timer is not None:
            self._timer.stop()


__all__ = ["BulkOrdersScreen"]
