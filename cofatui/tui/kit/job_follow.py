"""Following a job queued from a screen: the user may leave the screen (or the job may
run on the server); once the job is done its file is saved to the exports folder and
the user told where, wherever they are in the app."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual.timer import Timer

from cofatui import locations
from cofatui.errors import CofaError
from cofatui.i18n import t
from cofatui.schemas_jobs import JobStatus
from cofatui.tui.kit.delays import DELAYS
from cofatui.tui.kit.local_files import deliver
from cofatui.tui.safe import clean

if TYPE_CHECKING:
    from cofatui.repository.base import Repository
    from cofatui.tui.app import CofaApp


def save_result(repo: Repository, job_id: int, folder: Path | None = None) -> Path:
    """Fetch a finished job's file and write it to the exports folder (never over an
    existing file)."""
    stored = repo.jobs.result_file(job_id)
    target_dir = locations.ensure_dir(folder or locations.exports_dir())
    name = Path(stored.name).name or f"job-{job_id}"
    path, n = target_dir / name, 1
    while path.exists():
        n += 1
        path = target_dir / f"{Path(name).stem}-{n}{Path(name).suffix}"
    tmp = path.with_name(f".{path.name}.part")
    tmp.write_bytes(stored.content)
    tmp.replace(path)
    return path


class JobFollower:
    def __init__(self, app: CofaApp, job_id: int) -> None:
        self.app = app
        self.job_id = job_id
        self.timer: Timer = app.set_interval(DELAYS.job_poll, self._tick)
        self._busy = False

    def _tick(self) -> None:
        if not self._busy:
            self._busy = True
            self.app.run_worker(self._check, thread=True, group=f"follow-job-{self.job_id}")

    def _check(self) -> None:
        try:
            job = self.app.repo.jobs.get(self.job_id)
            if not job.finished:
                return
            self.app.call_from_thread(self.timer.stop)
            if job.status == JobStatus.DONE and job.result_name:
                path = save_result(self.app.repo, self.job_id)
                self.app.call_from_thread(deliver, self.app, path)
                self.app.call_from_thread(self.app.notify, t("tools.job_done", path=str(path)),
                                          markup=False, timeout=15)
            elif job.status == JobStatus.FAILED:
                self.app.call_from_thread(self.app.notify,
                                          t("tools.job_failed", reason=clean(job.error)),
                                          severity="error", markup=False)
        except (CofaError, OSError):
            return  # the server may be back at the next tick
        finally:
            self._busy = False


def follow_job(app: CofaApp, job_id: int) -> JobFollower:
    return JobFollower(app, job_id)
