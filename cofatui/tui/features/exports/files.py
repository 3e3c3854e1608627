"""Generated files (seed "Gérer votre export personnalisé"): my exports of one category,
newest first — contracts, creation date, name (or "Export direct"), template, status
(with its progress while it runs, its reason when it failed), files (formats and
sizes) and what happened to the e-mail. Space marks rows, d deletes the marked ones
(or the current one) after a confirmation, s or Enter downloads a file through the
file picker's save mode. Running exports are read again every second."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.timer import Timer
from textual.widgets import ProgressBar, Static

from cofatui import locations
from cofatui.enums import ExportCategory, ExportRunStatus
from cofatui.errors import CofaError
from cofatui.i18n import format_datetime, format_number, t
from cofatui.schemas_exports import ExportFileInfo, ExportRunPublic
from cofatui.schemas_jobs import ExportFormat
from cofatui.tui.features.exports.choice import ChoiceDialog
from cofatui.tui.features.exports.wording import (
    contracts_text,
    files_text,
    mail_text,
    run_name,
    run_status,
    size_text,
)
from cofatui.tui.kit.delays import DELAYS
from cofatui.tui.kit.dialog import ConfirmScreen
from cofatui.tui.kit.file_picker import FilePicker
from cofatui.tui.kit.local_files import deliver
from cofatui.tui.kit.paged_source import PagedSource
from cofatui.tui.kit.virtual_list import Column, VirtualList
from cofatui.tui.kit.wording import plural
from cofatui.tui.safe import clean, plain
from cofatui.tui.screen_gone import unless_rebuilt

if TYPE_CHECKING:
    from cofatui.repository.base import Repository
    from cofatui.tui.app import CofaApp


def _template(run: ExportRunPublic) -> str | Text:
    """The template's name; nothing for a direct export (its name says it already)."""
    return "" if run.direct and run.template_name == run_name(run) else plain(run.template_name)


def run_columns() -> list[Column]:
    return [
        Column("id", "#", 5, align="right"),
        Column("contracts", t("exports_ui.col.contracts"), 12,
               render=lambda r: contracts_text(r.policy_numbers)),
        Column("created_at", t("exports_ui.col.created"), 17,
               render=lambda r: format_datetime(r.created_at)),
        Column("name", t("exports_ui.col.name"), 0, render=run_name),
        Column("template", t("exports_ui.col.template"), 14, render=_template),
        Column("status", t("exports_ui.col.status"), 26, render=run_status),
        Column("files", t("exports_ui.col.files"), 20, render=files_text),
        Column("mail", t("exports_ui.col.mail"), 12, render=lambda r: mail_text(r.mail_status),
               min_list_width=150),
    ]


class RunsSource(PagedSource[ExportRunPublic]):
    """My exports of a category, read afresh on every refresh (running ones change),
    page after page by key (issue 21: ``exports.runs(..., seek)``, never a deep
    OFFSET); remembers whether a page it read holds a running export, so the part
    polls only while something runs."""

    def __init__(self, repo: Repository, category: ExportCategory,
                 on_error: Callable[[CofaError], None]) -> None:
        super().__init__(
            lambda offset, limit: repo.exports.runs(category, offset, limit), on_error,
            fetch_seek=lambda seek, limit: repo.exports.runs(category, 0, limit, seek))
        self.repo = repo
        self.category = category
        self.running = False

    def fetch(self, offset: int, limit: int) -> Sequence[ExportRunPublic]:
        try:
            rows = super().fetch(offset, limit)
        except CofaError as exc:  # shown as a notice; the list keeps what it shows
            self._report(exc)
            return []
        running = any(r.status == ExportRunStatus.RUNNING for r in rows)
        self.running = running if offset == 0 else self.running or running
        return rows


def exports_folder() -> str | None:
    """Where a download is proposed first: the exports folder (made if missing)."""
    try:
        return str(locations.ensure_dir(locations.exports_dir()))
    except OSError:
        return None


def write_download(repo: Repository, export_id: int, fmt: ExportFormat, path: Path) -> int:
    """Write an export's file to ``path`` chunk by chunk (never whole in memory), through
    a temporary name renamed at the end; returns the bytes written."""
    return repo.exports.download(export_id, fmt).save(path)


class FilesPart(Vertical):
    """The generated files of one category."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "download", "exports_ui.bind.download", id="exports.download"),
        Binding("d,delete", "delete", "exports_ui.bind.delete", id="exports.delete_files"),
        Binding("x", "cancel_run", "exports_ui.bind.cancel_run", id="exports.cancel_run"),
        Binding("ctrl+r", "reload_files", "exports_ui.bind.reload", id="exports.reload_files"),
    ]

    def __init__(self, category: ExportCategory) -> None:
        super().__init__(id=f"{category.value}-files", classes="exports-part")
        self.category = category
        self.source: RunsSource | None = None
        #: The export followed after "Run now": its progress shows above the list.
        self.following: int | None = None
        self._follow_timer: Timer | None = None
        self._reading = False

    @property
    def cofa(self) -> CofaApp:
        return cast("CofaApp", self.app)

    def compose(self) -> ComposeResult:
        yield Static(t("exports_ui.files_note"), classes="exports-note", markup=False)
        with Horizontal(classes="exports-progress -idle"):
            yield Static("", classes="exports-progress-text", markup=False)
            yield ProgressBar(show_eta=False, classes="exports-progress-bar")
        yield VirtualList(run_columns(), classes="exports-list")

    @property
    def runs_list(self) -> VirtualList:
        return self.query_one(VirtualList)

    def on_mount(self) -> None:
        self.runs_list.keep_rows_on_refresh = True  # refreshed while running: no blink
        self.source = RunsSource(self.cofa.repo, self.category, self._error)
        self.runs_list.set_source(self.source)
        self.set_interval(DELAYS.jobs_refresh, self._tick)

    def _error(self, exc: CofaError) -> None:
        self.app.call_from_thread(self.notify, clean(exc), severity="error", markup=False)

    def reload(self) -> None:
        self.runs_list.refresh_data()

    def _reading_list(self) -> bool:
        """The list still reading (its count or a page): the poll waits for it rather
        than cancelling it with a new read."""
        lst = self.runs_list
        return any(w.node is lst and not w.is_finished for w in self.app.workers)

    def action_reload_files(self) -> None:
        self.reload()

    def _poll_followed(self) -> None:
        # One read at a time: a slow server skips ticks rather than piling reads up.
        if self.following is not None and not self._reading:
            self._reading = True
            self._read_followed(self.following)

    def _tick(self) -> None:
        """Running exports read again (their progress), while the list is shown."""
        source = self.source
        if source is not None and source.running and self.screen.is_current \
                and not self._reading_list():
            self.reload()

    # --- following a run ----------------------------------------------------------------
    def follow(self, run: ExportRunPublic) -> None:
        """Show a run's progress above the list (after "Run now") until it ends."""
        self.following = run.id
        self._show_progress(run)
        if self.source is not None:
            self.source.running = True  # the list reads it at the next tick
        if self._follow_timer is None:
            self._follow_timer = self.set_interval(DELAYS.job_poll, self._poll_followed)

    @work(thread=True, group="exports-follow")
    def _read_followed(self, export_id: int) -> None:
        try:
            run = self.cofa.repo.exports.get_run(export_id)
        except CofaError:
            return  # the server may answer at the next tick
        finally:
            self._reading = False
        self.app.call_from_thread(self._followed, run)

    @unless_rebuilt  # the answer may land while the part's widgets are being removed
    def _followed(self, run: ExportRunPublic) -> None:
        if run.id != self.following or not self.is_attached:  # gone meanwhile
            return
        self._show_progress(run)
        if run.status != ExportRunStatus.RUNNING:
            self.following = None
            if not self._reading_list():
                self.reload()
            elif self.source is not None:
                self.source.running = True  # read again at the next tick
            if run.status == ExportRunStatus.AVAILABLE:
                self.notify(t("exports_ui.run_done", name=run_name(run),
                              rows=format_number(run.rows_done)), markup=False, timeout=10)
            else:
                self.notify(run_status(run), severity="error", markup=False, timeout=15)

    def _show_progress(self, run: ExportRunPublic) -> None:
        row = self.query_one(".exports-progress")
        row.set_class(False, "-idle")
        self.query_one(".exports-progress-text", Static).update(
            t("exports_ui.following", name=run_name(run), status=run_status(run)))
        self.query_one(ProgressBar).update(total=max(run.rows_total or 0, 1),
                                           progress=run.rows_done)

    # --- actions ------------------------------------------------------------------------
    def _current(self) -> ExportRunPublic | None:
        return cast("ExportRunPublic | None", self.runs_list.cursor_row)

    @on(VirtualList.RowActivated)
    def _activated(self, event: VirtualList.RowActivated) -> None:
        event.stop()
        self.action_download()

    def action_download(self) -> None:
        run = self._current()
        if run is None:
            return
        if run.status != ExportRunStatus.AVAILABLE or not run.files:
            self.notify(t("exports_ui.no_file"), severity="warning", markup=False)
            return
        if len(run.files) == 1:
            self._pick_path(run, run.files[0])
            return
        options = [(f.format.value, f"{f.format.value.upper()} — {clean(f.name)} "
                                    f"({size_text(f.size)})") for f in run.files]

        def chosen(fmt: str | None) -> None:
            for f in run.files:
                if f.format.value == fmt:
                    self._pick_path(run, f)

        self.app.push_screen(ChoiceDialog(t("exports_ui.download_which"), options), chosen)

    def _pick_path(self, run: ExportRunPublic, file: ExportFileInfo) -> None:
        start = self.cofa.settings.last_folder or exports_folder()

        def picked(path: Path | None) -> None:
            if path is not None:
                self._download(run.id, file.format, path)

        self.app.push_screen(FilePicker(t("exports_ui.save_title", name=run_name(run)), start,
                                        save_name=Path(file.name).name), picked)

    @work(thread=True, group="exports-download")
    def _download(self, export_id: int, fmt: ExportFormat, path: Path) -> None:
        try:
            size = write_download(self.cofa.repo, export_id, fmt, path)
        except CofaError as exc:
            self._error(exc)
            return
        except OSError as exc:
            self.app.call_from_thread(self.notify, t("exports_ui.unwritable", path=str(path),
                                                     reason=exc.strerror or str(exc)),
                                      severity="error", markup=False)
            return
        self.app.call_from_thread(self._downloaded, path, size)

    def _downloaded(self, path: Path, size: int) -> None:
        deliver(self.app, path)
        self.notify(t("exports_ui.saved", path=str(path), size=size_text(size)),
                    markup=False, timeout=10)

    def action_delete(self) -> None:
        ids = self.runs_list.marked_keys()
        if not ids:
            run = self._current()
            if run is None:
                return
            ids = [run.id]
        question = plural("exports_ui.confirm_delete_files", count=len(ids))

        def answered(yes: bool | None) -> None:
            if yes:
                self._delete(ids)

        self.app.push_screen(ConfirmScreen(question, yes=t("exports_ui.delete"), danger=True),
                             answered)

    @work(thread=True, exclusive=True, group="exports-delete")
    def _delete(self, ids: list[int]) -> None:
        try:
            count = self.cofa.repo.exports.delete_runs(ids)
        except CofaError as exc:
            self._error(exc)
            return
        self.app.call_from_thread(self._deleted, count)

    def _deleted(self, count: int) -> None:
        self.runs_list.clear_marks()
        self.reload()
        self.notify(plural("exports_ui.deleted_files", count=count), markup=False)

    def action_cancel_run(self) -> None:
        run = self._current()
        if run is None or run.status != ExportRunStatus.RUNNING or run.job_id is None:
            self.notify(t("exports_ui.not_running"), markup=False)
            return
        self._cancel(run.job_id)

    @work(thread=True, exclusive=True, group="exports-cancel")
    def _cancel(self, job_id: int) -> None:
        try:
            self.cofa.repo.jobs.cancel(job_id)
        except CofaError as exc:
            self._error(exc)
            return
        self.app.call_from_thread(self.notify, t("exports_ui.cancel_sent"), markup=False)
        self.app.call_from_thread(self.reload)


__all__ = ["FilesPart", "RunsSource", "run_columns", "write_download"]
