"""The worker: claims jobs, runs them, renews their lease, stops them when cancelled.

A :class:`Worker` loops in a thread (:class:`WorkerThread`) started by ``cofatui
serve`` and by the TUI on the embedded database, or in a process of its own
(``cofatui jobs run-worker``). Each round it (1) gives back jobs whose worker died
(:func:`queue.recover`), (2) queues the ticks of the schedules that came due and turns
the scheduled exports that came due into runs (:mod:`cofatui.jobs.export_schedule_fire`),
(3) claims the oldest due job and runs it.

While a job runs, a heartbeat thread renews its lease every third of the lease and
writes its progress; it also reads ``cancel_requested``, so the job's next call to
``ctx.progress`` raises :class:`JobCancelled` and the job ends cancelled at that step.
A worker killed mid-job stops renewing: once the lease runs out, the next worker's
round queues the job again (or fails it after ``max_attempts``) — never stuck running.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import col

from cofatui.clock import Clock, SystemClock
from cofatui.config import MailSettings
from cofatui.errors import CofaError, Unavailable
from cofatui.jobs import queue
from cofatui.jobs.export_runs import EXPORT_RUN, settle_stopped_exports
from cofatui.jobs.schedule import Schedule
from cofatui.models import Job
from cofatui.repository.sql.engine import translated_errors
from cofatui.repository.sql.import_apply import settle_stopped_imports
from cofatui.schemas_jobs import JobStatus

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=60)
#: A queued job (or a scheduled export come due) starts within a quarter second; idle
#: cost: two indexed reads. ``COFATUI_JOBS_POLL_SECONDS`` sets it (tests, or a calmer
#: server).
POLL_ENV = "COFATUI_JOBS_POLL_SECONDS"


def poll_seconds(default: float = 0.25) -> float:
    try:
        value = float(os.environ.get(POLL_ENV, "") or default)
    except ValueError:
        return default
    return min(max(value, 0.01), 60.0)


POLL_SECONDS = poll_seconds()
#: How often a worker looks for exports whose job ended without them.
SETTLE_SECONDS = 5.0


class JobCancelled(Exception):
    """Raised at the job's next step once a cancel was requested."""


class LeaseLost(Exception):
    """The job was taken over by another worker: this one must stop touching it."""


@dataclass
class JobContext:
    """What a running job gets: its parameters, its owner's repository, progress."""

    job: queue.Claimed
    engine: Engine
    clock: Clock
    mail: MailSettings
    done: int = 0
    total: int | None = None
    #: Set by a job that writes its progress on its job's row itself, in the
    #: transactions it makes anyway (a bulk import, line by line): the heartbeat then
    #: writes only to renew the lease, and otherwise just reads for a cancel (on
    #: SQLite a write every second waits for, then holds, the database's one lock).
    writes_progress: bool = False
    cancel: threading.Event = field(default_factory=threading.Event)
    lost: threading.Event = field(default_factory=threading.Event)

    @property
    def params(self) -> dict[str, Any]:
        return self.job.params

    def repo(self) -> Any:
        from cofatui.repository.sql import SqlRepository

        if self.job.owner_login is None:
            raise CofaError("jobs.no_owner")
        return SqlRepository(self.engine, self.job.owner_login, self.clock)

    def progress(self, done: int, total: int | None = None) -> None:
        """Record progress (written by the heartbeat); stop here if cancelled."""
        self.done = done
        if total is not None:
            self.total = total
        self.check()

    def check(self) -> None:
        if self.lost.is_set():
            raise LeaseLost
        if self.cancel.is_set():
            raise JobCancelled


Handler = Callable[[JobContext], "tuple[str, bytes] | None"]


def default_handlers() -> dict[str, Handler]:
    from cofatui.jobs.handlers import runnable_handlers

    return runnable_handlers()


def default_schedules(mail: MailSettings) -> list[Schedule]:
    from cofatui.jobs.handlers import schedules

    return schedules(mail)


def _failed(status: JobStatus, error: CofaError,
            retry_at: datetime | None = None) -> queue.Outcome:
    """The outcome of a job stopped by ``error``. The job table has only a code and a
    message column (no migration in issue 11): it keeps the code, which the TUI renders
    in its user's language when the catalog's text needs no parameter, and the English
    text with the parameters filled in; the parameters themselves are not stored."""
    return queue.Outcome(status, error.code, error.text("en"), retry_at=retry_at)


def worker_name() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Worker:
    def __init__(self, engine: Engine, *, clock: Clock | None = None,
                 mail: MailSettings | None = None,
                 handlers: dict[str, Handler] | None = None,
                 schedules: list[Schedule] | None = None, lease: timedelta = LEASE,
                 name: str | None = None, scenarios: bool = True) -> None:
        self.engine = engine
        self.clock: Clock = clock or SystemClock()
        self.mail = mail or MailSettings()
        self.handlers = handlers if handlers is not None else default_handlers()
        self.schedules = schedules if schedules is not None else default_schedules(self.mail)
        self.lease = lease
        self.name = name or worker_name()
        self.scenarios = scenarios  # scheduled exports fired by this worker's rounds
        self._fired: dict[str, datetime] = {}
        self._settled_at = 0.0

    # --- one round ------------------------------------------------------------------
    def run_once(self) -> bool:
        """Recover, schedule, then run one job; True if a job ran."""
        now = self.clock.now()
        if queue.recover(self.engine, now):
            settle_stopped_imports(self.engine, now)
            settle_stopped_exports(self.engine, now)
        self.fire_schedules(now)
        if self.scenarios:
            from cofatui.jobs.export_schedule_fire import fire_due_scenarios

            fire_due_scenarios(self.engine, now)
        if time.monotonic() - self._settled_at >= SETTLE_SECONDS:
            # An export whose job was cancelled while queued (it never runs) or failed
            # for its worker gets its reason.
            self._settled_at = time.monotonic()
            settle_stopped_exports(self.engine, now)
        kinds = frozenset(self.handlers)
        if not queue.anything_due(self.engine, now, kinds):
            return False
        claimed = queue.claim(self.engine, self.name, now, self.lease, kinds)
        if claimed is None:
            return False
        self.run(claimed)
        # An import whose job just failed or was cancelled gets its totals and reason,
        # an export its reason.
        settle_stopped_imports(self.engine, self.clock.now())
        if claimed.kind == EXPORT_RUN:
            settle_stopped_exports(self.engine, self.clock.now())
        return True

    def fire_schedules(self, now: datetime) -> None:
        due = [s for s in self.schedules if self._fired.get(s.name) != s.latest_tick(now)]
        if due:
            from cofatui.jobs.schedule import fire_due

            fire_due(self.engine, due, now)
            for s in due:
                self._fired[s.name] = s.latest_tick(now)

    def drain(self, limit: int = 10_000) -> int:
        """Run jobs until none is due (tests, ``run-worker --once``)."""
        count = 0
        while count < limit and self.run_once():
            count += 1
        return count

    # --- one job ----------------------------------------------------------------------
    def run(self, claimed: queue.Claimed) -> None:
        ctx = JobContext(claimed, self.engine, self.clock, self.mail)
        if queue.cancelled_before_start(self.engine, claimed.id, self.name, self.clock.now()):
            return
        stop_beat = threading.Event()
        beat = threading.Thread(target=self._heartbeat, args=(ctx, stop_beat),
                                name=f"job-{claimed.id}-heartbeat", daemon=True)
        beat.start()
        try:
            outcome = self._execute(ctx)
        finally:
            stop_beat.set()
            beat.join()
        if ctx.lost.is_set():
            log.warning("job %s: lease lost, result dropped", claimed.id)
            return
        outcome.done, outcome.total = ctx.done, ctx.total
        queue.finish(self.engine, claimed.id, self.name, self.clock.now(), outcome)

    def _execute(self, ctx: JobContext) -> queue.Outcome:
        job = ctx.job
        handler = self.handlers.get(job.kind)
        if handler is None:
            return _failed(JobStatus.FAILED, CofaError("jobs.no_handler", kind=job.kind))
        try:
            file = handler(ctx)
        except JobCancelled:
            return _failed(JobStatus.CANCELLED, CofaError("jobs.cancelled"))
        except LeaseLost:
            return queue.Outcome(JobStatus.FAILED, "jobs.lease_lost", "")
        except Unavailable as exc:  # the database or a server away: worth another try
            return self._retry_or_fail(job, exc)
        except CofaError as exc:  # refused for good: a retry would be refused too
            return _failed(JobStatus.FAILED, exc)
        except Exception as exc:
            log.exception("job %s (%s) failed", job.id, job.kind)
            return self._retry_or_fail(job, CofaError("jobs.internal_error",
                                                      detail=f"{type(exc).__name__}: {exc}"))
        return queue.Outcome(JobStatus.DONE, file=file)

    def _retry_or_fail(self, job: queue.Claimed, error: CofaError) -> queue.Outcome:
        if job.attempt < job.max_attempts:
            return _failed(JobStatus.QUEUED, error,
                           retry_at=self.clock.now() + queue.retry_delay(job.attempt))
        return _failed(JobStatus.FAILED, error)

    def _heartbeat(self, ctx: JobContext, stop: threading.Event) -> None:
        period = max(0.2, self.lease.total_seconds() / 3)
        interval = min(period, 1.0)  # progress shows within a second
        renewed = time.monotonic()
        while not stop.wait(interval):
            try:
                if ctx.writes_progress and time.monotonic() - renewed < period - interval:
                    mine, cancel = _watch(self.engine, ctx.job.id, self.name)
                else:
                    mine, cancel = queue.heartbeat(self.engine, ctx.job.id, self.name,
                                                   self.clock.now(), self.lease, ctx.done,
                                                   ctx.total)
                    renewed = time.monotonic()
            except CofaError:
                log.warning("job %s: heartbeat failed", ctx.job.id, exc_info=True)
                continue
            if not mine:
                ctx.lost.set()
                return
            if cancel:
                ctx.cancel.set()


def _watch(engine: Engine, job_id: int, worker: str) -> tuple[bool, bool]:
    """What a heartbeat learns, read only: (still ours, cancel requested)."""
    with translated_errors(), engine.connect() as conn:
        row = conn.execute(select(col(Job.worker), col(Job.status),
                                  col(Job.cancel_requested)).where(col(Job.id) == job_id)).first()
    if row is None:
        return False, False
    return row.worker == worker and row.status == JobStatus.RUNNING.value, \
        bool(row.cancel_requested)


class WorkerThread:
    """A :class:`Worker` looping in a daemon thread until :meth:`stop`."""

    def __init__(self, worker: Worker, poll: float = POLL_SECONDS) -> None:
        self.worker = worker
        self.poll = poll
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="cofatui-jobs", daemon=True)

    def start(self) -> WorkerThread:
        self._thread.start()
        return self

    def wake(self) -> None:
        """A job was just queued here: look now rather than at the next poll."""
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                ran = self.worker.run_once()
            except CofaError as exc:
                log.warning("jobs: %s", exc)
                ran = False
            except Exception:
                log.exception("jobs: worker round failed")
                ran = False
            if not ran:
                self._wake.wait(self.poll)
                self._wake.clear()


def embedded_worker(repo: object, mail: MailSettings | None = None) -> WorkerThread | None:
    """The TUI's own worker when it works on a database (SQLite or PostgreSQL); None
    through the API, where the server's workers run the jobs."""
    engine = getattr(repo, "engine", None)
    if not isinstance(engine, Engine):
        return None
    return WorkerThread(Worker(engine, clock=getattr(repo, "clock", None), mail=mail)).start()
