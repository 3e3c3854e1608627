"""The FEC of a financial year, as a job (issue 20 item 9): the user picks where to
save it (the kit's file picker in save mode, proposing ``<SIREN>FEC<AAAAMMJJ>.txt``),
the job is queued, and once done its file is written there and the user told how many
proposed entries it left out. Leaving the dialog lets the job go on: the kit's job
follower saves the file to the exports folder (as the Factur-X export does)."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.timer import Timer
from textual.widgets import Button, Label, RadioButton, RadioSet, Static

from cofatui.errors import CofaError
from cofatui.i18n import t
from cofatui.schemas_accounting import FecRequest
from cofatui.schemas_jobs import JobPublic, JobStatus
from cofatui.tui.kit.delays import DELAYS
from cofatui.tui.kit.dialog import Dialog
from cofatui.tui.kit.file_picker import FilePicker
from cofatui.tui.kit.job_follow import follow_job
from cofatui.tui.kit.local_files import deliver
from cofatui.tui.kit.products import cofa
from cofatui.tui.kit.styles import DIALOGS_TCSS
from cofatui.tui.kit.wording import plural
from cofatui.tui.safe import clean


def fec_name(siren: str, year_end_iso: str) -> str:
    return f"{siren}FEC{year_end_iso.replace('-', '')}.txt"


class FecDialog(Dialog[None]):
    CSS_PATH = [DIALOGS_TCSS, "accounting.tcss"]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "accounting_ui.key.close", id="accounting.fec.close"),
        Binding("ctrl+s", "submit", "accounting_ui.fec.choose", id="accounting.fec.confirm"),
    ]

    def __init__(self, books_id: int, year_id: int) -> None:
        super().__init__()
        self.books_id = books_id
        self.year_id = year_id
        self.file_name = ""
        self.target: Path | None = None
        self.job: JobPublic | None = None
        self.timer: Timer | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="acc-fec"):
            yield Label(t("accounting_ui.fec.title"), classes="dialog-title")
            yield Static(t("accounting_ui.fec.intro"), markup=False)
            with RadioSet(id="fec-separator"):
                yield RadioButton(t("accounting_ui.fec.tab"), value=True, id="sep-tab")
                yield RadioButton(t("accounting_ui.fec.pipe"), id="sep-pipe")
            yield Static("", id="fec-status", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("accounting_ui.fec.choose"), variant="primary", id="confirm")
                yield Button(t("accounting_ui.key.close"), id="close")

    def on_mount(self) -> None:
        self.query_one("#fec-separator", RadioSet).focus()
        self._read_name()

    @work(thread=True, exclusive=True, group="accounting-fec-name")
    def _read_name(self) -> None:
        try:
            books = cofa(self.app).repo.books.get(self.books_id)
        except CofaError as exc:
            self.app.call_from_thread(self._status, "⚠ " + clean(exc))
            return
        year = next((y for y in books.years if y.id == self.year_id), None)
        if year is not None:
            self.file_name = fec_name(books.siren, year.end.isoformat())

    def _status(self, text: str) -> None:
        self.query_one("#fec-status", Static).update(Text(text))

    @property
    def separator(self) -> str:
        return "pipe" if self.query_one("#sep-pipe", RadioButton).value else "tab"

    def submit(self) -> None:
        if self.job is not None:
            return
        settings = cofa(self.app).settings

        def chosen(path: Path | None) -> None:
            if path is None:
                return
            if str(path.parent) != settings.last_folder:
                cofa(self.app)._save_one(last_folder=str(path.parent))
            self.target = path
            self.query_one("#confirm", Button).disabled = True
            self._queue(self.separator)

        self.app.push_screen(FilePicker(t("accounting_ui.fec.pick"), settings.last_folder,
                                        save_name=self.file_name or "FEC.txt"), chosen)

    @work(thread=True, exclusive=True, group="accounting-fec-queue")
    def _queue(self, separator: str) -> None:
        try:
            job = cofa(self.app).repo.ledger.fec(FecRequest(
                books_id=self.books_id, year_id=self.year_id, separator=separator))
        except CofaError as exc:
            self.app.call_from_thread(self._refused, exc)
            return
        self.app.call_from_thread(self._queued, job)

    def _refused(self, exc: CofaError) -> None:
        self.query_one("#confirm", Button).disabled = False
        self._status("⚠ " + clean(exc))

    def _queued(self, job: JobPublic) -> None:
        self.job = job
        self._status(t("accounting_ui.fec.running"))
        self.timer = self.set_interval(DELAYS.job_poll, self._poll)

    def _poll(self) -> None:
        if self.job is not None:
            self._look(self.job.id)

    @work(thread=True, exclusive=True, group="accounting-fec-poll")
    def _look(self, job_id: int) -> None:
        repo = cofa(self.app).repo
        try:
            job = repo.jobs.get(job_id)
            if not job.finished:
                return
            content = (repo.jobs.result_file(job_id).content
                       if job.status is JobStatus.DONE and job.result_name else None)
        except CofaError:
            return  # the server may be back at the next tick
        self.app.call_from_thread(self._finished, job, content)

    def _stop(self) -> None:
        if self.timer is not None:
            self.timer.stop()
            self.timer = None

    def _finished(self, job: JobPublic, content: bytes | None) -> None:
        self._stop()
        self.job = job
        if content is None or self.target is None:
            self._status("⚠ " + t("accounting_ui.fec.failed",
                                  reason=clean(job.error or job.error_code)))
            return
        tmp = self.target.with_name(f".{self.target.name}.part")
        try:
            tmp.write_bytes(content)
            tmp.replace(self.target)
        except OSError as exc:
            self._status("⚠ " + t("accounting_ui.export.unwritable", path=str(self.target),
                                  reason=exc.strerror or str(exc)))
            return
        deliver(self.app, self.target)
        left_out = job.params.get("left_out", 0)
        self._status(t("accounting_ui.fec.saved", path=str(self.target)) + " "
                     + plural("accounting_ui.fec.left_out",
                              count=left_out if isinstance(left_out, int) else 0))

    def action_cancel(self) -> None:
        """Closed while the job runs: it goes on, its file lands in the exports folder."""
        running = self.timer is not None and self.job is not None
        self._stop()
        if running and self.job is not None:
            follow_job(cofa(self.app), self.job.id)
        self.dismiss(None)


__all__ = ["FecDialog", "fec_name"]
