"""Export a list of invoices (issue 19 item 4), as a job: the invoices the list shows
(every page of its search), the format, where to save (the kit's picker, in save mode:
the ZIP's name in the chosen folder); then the job's progress, and once done the ZIP is
saved there and unpacked beside it (one file per invoice), and the result list (Tools ›
Import results: one line per invoice, a refused one with its reason) opens on request.

The job runs on the server with ``--api``: the user may leave the dialog (Esc), the job
goes on and its ZIP is saved to the exports folder when done (Tools › Jobs lists it)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.timer import Timer
from textual.widgets import Button, Label, ProgressBar, RadioSet, Static

from cofatui.enums import FacturxFormat
from cofatui.errors import CofaError
from cofatui.i18n import t
from cofatui.schemas_chorus import ChorusInvoiceSearch
from cofatui.schemas_facturx import EXPORT_MAX_INVOICES, FacturxExportRequest
from cofatui.schemas_jobs import JobPublic, JobStatus
from cofatui.tui.features.chorus_facturx.export import refusal_text
from cofatui.tui.features.chorus_facturx.format_choice import chosen_format, format_choices
from cofatui.tui.features.chorus_facturx.results import open_import_result
from cofatui.tui.features.chorus_facturx.unpack import unpack
from cofatui.tui.kit.delays import DELAYS
from cofatui.tui.kit.dialog import Dialog
from cofatui.tui.kit.file_picker import FilePicker
from cofatui.tui.kit.job_follow import follow_job
from cofatui.tui.kit.products import app_clock, cofa
from cofatui.tui.kit.styles import DIALOGS_TCSS
from cofatui.tui.kit.wording import plural
from cofatui.tui.safe import clean

PAGE = 500


def listed_ids(app: App[Any], criteria: ChorusInvoiceSearch) -> list[int]:
    """Every invoice the search finds, page by page (a worker's thread)."""
    area = cofa(app).repo.chorus_invoices
    ids: list[int] = []
    while len(ids) < EXPORT_MAX_INVOICES:
        page = area.search(criteria, len(ids), PAGE)
        ids += [row.id for row in page.items]
        if not page.items or len(ids) >= page.total:
            break
    return ids[:EXPORT_MAX_INVOICES]


class SelectionExportDialog(Dialog[None]):
    CSS_PATH = [DIALOGS_TCSS, "chorus_facturx.tcss"]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "chorus_facturx_ui.key.close",
                id="facturx.selection.close"),
        Binding("ctrl+s", "submit", "chorus_facturx_ui.export.choose",
                id="facturx.selection.confirm"),
    ]

    def __init__(self, criteria: ChorusInvoiceSearch) -> None:
        super().__init__()
        self.criteria = criteria
        self.ids: list[int] | None = None
        self.job: JobPublic | None = None
        self.folder: Path | None = None
        self.zip_path: Path | None = None
        self.timer: Timer | None = None
        self.written: list[Path] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="facturx-selection"):
            yield Label(Text(t("chorus_facturx_ui.key.export_selection")),
                        classes="dialog-title", id="selection-title")
            yield Label(t("chorus_facturx_ui.export.format"))
            yield format_choices()
            yield ProgressBar(id="selection-progress", show_eta=False)
            yield Static("", id="selection-status", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("chorus_facturx_ui.export.choose"), variant="primary",
                             id="confirm", disabled=True)
                yield Button(t("chorus_facturx_ui.key.results"), id="results")
                yield Button(t("chorus_facturx_ui.key.close"), id="close")

    def on_mount(self) -> None:
        self.query_one("#selection-progress").display = False
        self.query_one("#results").display = False
        self.query_one("#export-format", RadioSet).focus()
        self._count()

    def _status(self, text: Text | str) -> None:
        self.query_one("#selection-status", Static).update(
            text if isinstance(text, Text) else Text(text))

    @work(thread=True, exclusive=True, group="facturx-selection-ids")
    def _count(self) -> None:
        try:
            ids = listed_ids(self.app, self.criteria)
        except CofaError as exc:
            self.app.call_from_thread(self._status, "⚠ " + clean(exc))
            return
        self.app.call_from_thread(self._counted, ids)

    def _counted(self, ids: list[int]) -> None:
        self.ids = ids
        self.query_one("#selection-title", Label).update(Text(
            plural("chorus_facturx_ui.export.selection_title", count=len(ids))))
        self.query_one("#confirm", Button).disabled = not ids

    @property
    def fmt(self) -> FacturxFormat:
        return chosen_format(self)

    # --- where, then the job ------------------------------------------------------------
    def submit(self) -> None:
        if not self.ids or self.job is not None:
            return
        settings = cofa(self.app).settings
        name = f"factur-x-{app_clock(self.app).now().date().isoformat()}.zip"

        def chosen(path: Path | None) -> None:
            if path is None or self.ids is None:
                return
            if str(path.parent) != settings.last_folder:
                cofa(self.app)._save_one(last_folder=str(path.parent))
            self.zip_path, self.folder = path, path.parent
            self.query_one("#confirm", Button).disabled = True
            self._queue(self.ids, self.fmt)

        self.app.push_screen(FilePicker(t("chorus_facturx_ui.export.selection_pick"),
                                        settings.last_folder, save_name=name), chosen)

    @work(thread=True, exclusive=True, group="facturx-selection-queue")
    def _queue(self, ids: list[int], fmt: FacturxFormat) -> None:
        area = cofa(self.app).repo.chorus_facturx
        try:
            job = area.export_selection(FacturxExportRequest(invoice_ids=ids, format=fmt),
                                        cofa(self.app).settings.language)
        except CofaError as exc:
            self.app.call_from_thread(self._refused, exc)
            return
        self.app.call_from_thread(self._queued, job)

    def _refused(self, exc: CofaError) -> None:
        self.query_one("#confirm", Button).disabled = False
        self._status(refusal_text(exc))

    def _queued(self, job: JobPublic) -> None:
        self.job = job
        self.query_one("#export-format").disabled = True
        self.query_one("#selection-progress").display = True
        self._progress(job)
        self.timer = self.set_interval(DELAYS.job_poll, self._poll)

    def _poll(self) -> None:
        if self.job is not None:
            self._look(self.job.id)

    @work(thread=True, exclusive=True, group="facturx-selection-poll")
    def _look(self, job_id: int) -> None:
        repo = cofa(self.app).repo
        try:
            job = repo.jobs.get(job_id)
            if job.status is not JobStatus.DONE or not job.result_name:
                self.app.call_from_thread(self._progress, job)
                return
            stored = repo.jobs.result_file(job_id)
        except CofaError:
            return  # the server may be back at the next tick
        self.app.call_from_thread(self._finished, job, stored.content)

    def _progress(self, job: JobPublic) -> None:
        self.job = job
        bar = self.query_one("#selection-progress", ProgressBar)
        bar.update(total=job.progress_total, progress=job.progress_done)
        if job.status is JobStatus.FAILED:
            self._stop()
            self._status("⚠ " + t("chorus_facturx_ui.export.failed",
                                  reason=clean(job.error or job.error_code)))
        elif job.status is JobStatus.CANCELLED:
            self._stop()
            self._status(t("chorus_facturx_ui.export.cancelled"))
        elif job.status is JobStatus.DONE:  # done with no file: nothing was exported
            self._stop()
            self._unpacked([], self.folder or Path())
        elif job.progress_total:
            self._status(t("chorus_facturx_ui.export.progress", done=job.progress_done,
                           total=job.progress_total))
        else:
            self._status(t("chorus_facturx_ui.export.progress_start"))

    def _stop(self) -> None:
        if self.timer is not None:
            self.timer.stop()
            self.timer = None

    def _finished(self, job: JobPublic, content: bytes) -> None:
        self._stop()
        self.job = job
        bar = self.query_one("#selection-progress", ProgressBar)
        bar.update(total=job.progress_total or 1, progress=job.progress_total or 1)
        self._write(content)

    @work(thread=True, exclusive=True, group="facturx-selection-write")
    def _write(self, content: bytes) -> None:
        """The ZIP kept where chosen, and its files unpacked beside it."""
        folder, zip_path = self.folder, self.zip_path
        if folder is None or zip_path is None:
            return
        try:
            zip_path.write_bytes(content)
            written = unpack(content, folder)
        except OSError as exc:
            said = t("chorus_facturx_ui.export.unwritable", path=str(folder),
                     reason=exc.strerror or str(exc))
            self.app.call_from_thread(self._status, "⚠ " + said)
            return
        except Exception as exc:  # zipfile.BadZipFile and what a broken archive raises
            self.app.call_from_thread(self._status, "⚠ " + t(
                "chorus_facturx_ui.export.bad_zip", reason=clean(exc)))
            return
        self.app.call_from_thread(self._unpacked, written, folder)

    def _unpacked(self, written: list[Path], folder: Path) -> None:
        self.written = written
        self._status(plural("chorus_facturx_ui.export.unpacked", count=len(written),
                            folder=str(folder)))
        results = self.query_one("#results", Button)
        results.display = self.import_id is not None
        if results.display:
            results.focus()

    # --- the result list ----------------------------------------------------------------
    @property
    def import_id(self) -> int | None:
        value = self.job.params.get("import_id") if self.job is not None else None
        return value if isinstance(value, int) else None

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "results":
            event.stop()
            if self.import_id is not None:
                open_import_result(self.app, self.import_id, self._status)

    def action_cancel(self) -> None:
        """Closed: a running job goes on, and its ZIP lands in the exports folder when
        done, the user told wherever they are (the kit's job follower)."""
        running = self.timer is not None and self.job is not None
        self._stop()
        if running and self.job is not None:
            follow_job(cofa(self.app), self.job.id)
        self.dismiss(None)


def export_selection(app: App[Any], criteria: ChorusInvoiceSearch, *,
                     callback: Any = None) -> None:
    """The opener ``chorus_facturx_export_selection``: the invoices a list shows."""
    app.push_screen(SelectionExportDialog(criteria), callback)


__all__ = ["SelectionExportDialog", "export_selection", "listed_ids"]
