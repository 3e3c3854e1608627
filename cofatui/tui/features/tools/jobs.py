"""The Jobs screen: my background jobs with live progress; cancel one, save the file a
finished one produced. Refreshed every second while it is shown (the work goes on in a
worker, here or on the server, whether or not the screen is open)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, ClassVar, cast

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Static

from cofatui.errors import CofaError
from cofatui.i18n import format_datetime, format_number, t
from cofatui.schemas_jobs import JobPublic, JobStatus
from cofatui.tui.kit.delays import DELAYS
from cofatui.tui.kit.header import AppHeader
from cofatui.tui.kit.job_follow import save_result
from cofatui.tui.kit.paged_source import PagedSource
from cofatui.tui.kit.virtual_list import Column, VirtualList
from cofatui.tui.safe import clean, plain

if TYPE_CHECKING:
    from cofatui.repository.base import Repository
    from cofatui.tui.app import CofaApp


def kind_label(kind: str) -> str:
    key = f"tools.kind.{kind}"
    text = t(key)
    return kind if text == key else text


def progress_text(job: JobPublic) -> str:
    if job.progress_total:
        percent = min(100, job.progress_done * 100 // max(1, job.progress_total))
        return (f"{format_number(job.progress_done)} / {format_number(job.progress_total)}"
                f" ({percent} %)")
    return format_number(job.progress_done) if job.progress_done else ""


def job_columns() -> list[Column]:
    return [
        Column("id", "#", 6, align="right"),
        Column("created_at", t("tools.col.created"), 17,
               render=lambda j: format_datetime(j.created_at)),
        Column("kind", t("tools.col.kind"), 26, render=lambda j: kind_label(j.kind)),
        Column("status", t("tools.col.status"), 12,
               render=lambda j: t(f"tools.status.{j.status}")),
        Column("progress", t("tools.col.progress"), 26, render=progress_text),
        Column("result", t("tools.col.result"), 0,
               render=lambda j: plain(j.result_name or j.error)),
    ]


class _JobsSource(PagedSource[JobPublic]):
    """My jobs, read afresh on every refresh (running ones change), page after page by
    key (issue 21: ``jobs.list(..., seek)``, never a deep OFFSET). A refused read is
    passed to ``on_error``; the list keeps what it shows."""

    def __init__(self, repo: Repository, on_error: Callable[[CofaError], None]) -> None:
        super().__init__(lambda offset, limit: repo.jobs.list(offset, limit), on_error,
                         fetch_seek=lambda seek, limit: repo.jobs.list(0, limit, seek))

    def fetch(self, offset: int, limit: int) -> Sequence[JobPublic]:
        try:
            return super().fetch(offset, limit)
        except CofaError as exc:
            self._report(exc)
            return []


class JobsScreen(Screen[None]):
    CSS_PATH = "tools.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("x", "cancel_job", "tools.bind.cancel", id="jobs.cancel"),
        Binding("s", "save_file", "tools.bind.save", id="jobs.save"),
    ]

    @property
    def cofa(self) -> CofaApp:
        return cast("CofaApp", self.app)

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static(t("tools.jobs_note"), id="jobs-note", markup=False)
        yield VirtualList(job_columns(), id="jobs")
        yield Footer()

    @property
    def jobs_list(self) -> VirtualList:
        return self.query_one("#jobs", VirtualList)

    def on_mount(self) -> None:
        self.title = "tools.jobs"
        self.jobs_list.keep_rows_on_refresh = True  # refreshed every second: no blink
        self.jobs_list.set_source(self._source())
        self.jobs_list.focus()
        self.set_interval(DELAYS.jobs_refresh, self.jobs_list.refresh_data)

    def _source(self) -> _JobsSource:
        return _JobsSource(self.cofa.repo, self._failed)

    def _failed(self, exc: CofaError) -> None:
        self.app.call_from_thread(self.notify, clean(exc), severity="error", markup=False)

    def _current(self) -> JobPublic | None:
        return cast("JobPublic | None", self.jobs_list.cursor_row)

    def action_cancel_job(self) -> None:
        job = self._current()
        if job is not None and not job.finished:
            self._cancel(job.id)

    @work(thread=True, group="jobs-cancel")
    def _cancel(self, job_id: int) -> None:
        try:
            self.cofa.repo.jobs.cancel(job_id)
        except CofaError as exc:
            self.app.call_from_thread(self.notify, clean(exc), severity="error", markup=False)
            return
        self.app.call_from_thread(self.jobs_list.refresh_data)

    def action_save_file(self) -> None:
        job = self._current()
        if job is None or job.status != JobStatus.DONE or not job.result_name:
            self.notify(t("tools.no_file"), severity="warning", markup=False)
            return
        self._save(job.id)

    @work(thread=True, group="jobs-save")
    def _save(self, job_id: int) -> None:
        try:
            path = save_result(self.cofa.repo, job_id)
        except (CofaError, OSError) as exc:
            self.app.call_from_thread(self.notify, clean(exc), severity="error", markup=False)
            return
        self.app.call_from_thread(self.notify, t("tools.saved", path=str(path)),
                                  markup=False, timeout=10)

    async def on_language_changed(self, _event: object) -> None:
        await self.recompose()
        self.on_mount()
