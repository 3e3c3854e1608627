"""The job queue as a worker sees it: claim, heartbeat, finish, recover.

Claiming on PostgreSQL is ``SELECT … FOR UPDATE SKIP LOCKED`` then an UPDATE in the
same transaction: two workers (two servers) never claim the same row, and neither
waits for the other's lock. On SQLite the claim runs in a write transaction (``BEGIN
IMMEDIATE``: one writer at a time) and its UPDATE repeats ``status = 'queued'``.

Why not procrastinate: it is PostgreSQL-only (the embedded SQLite database must run
jobs too), async-first with its own worker process and schema, and our jobs need a
few columns the screens read anyway (progress, result file, owner). One table and
three statements give the same guarantee on both databases.

Every change a worker makes to a running job names the worker (``worker = :me AND
status = 'running'``): a worker that lost its lease (it stalled, another took the job
over) changes nothing any more.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, insert, select, update
from sqlalchemy.engine import Connection, Engine

from cofatui.errors import message_text
from cofatui.models import Job, JobFile, User
from cofatui.repository.sql.engine import translated_errors
from cofatui.schemas_jobs import JobStatus

RUNNING, QUEUED = JobStatus.RUNNING.value, JobStatus.QUEUED.value
#: The error code of a job whose worker died with no attempt left.
WORKER_LOST = "jobs.worker_lost"


@dataclass(frozen=True)
class Claimed:
    id: int
    kind: str
    params: dict[str, Any]
    owner_login: str | None
    attempt: int
    max_attempts: int


@dataclass
class Outcome:
    status: JobStatus
    error_code: str = ""
    error: str = ""
    file: tuple[str, bytes] | None = None
    done: int = 0
    total: int | None = None
    retry_at: datetime | None = None  # failed now, to be tried again then
    extra: dict[str, Any] = field(default_factory=dict)


@contextlib.contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """One write transaction (``BEGIN IMMEDIATE`` on SQLite), committed on success."""
    with translated_errors(), engine.connect() as conn:
        conn.info["write"] = True
        try:
            with conn.begin():
                yield conn
        finally:
            conn.info["write"] = False


def anything_due(engine: Engine, now: datetime,
                 kinds: Collection[str] | None = None) -> bool:
    """A cheap read first, so an idle worker does not take SQLite's write lock.
    ``kinds``: only jobs of these kinds (the ones this worker can run)."""
    with translated_errors(), engine.connect() as conn:
        query = select(Job.id).where(Job.status == QUEUED, Job.run_after <= now)
        if kinds is not None:
            query = query.where(Job.kind.in_(sorted(kinds)))
        found = conn.execute(query.limit(1)).first()
        conn.rollback()
    return found is not None


def claim(engine: Engine, worker: str, now: datetime, lease: timedelta,
          kinds: Collection[str] | None = None) -> Claimed | None:
    """The oldest due job, now running for ``worker``; None when there is none.

    ``kinds``: only jobs of these kinds. A worker claims only what it can run: one
    without the Chorus Pro connector's settings leaves the connector's jobs to a
    process that has them (``cofatui serve`` beside a TUI on the same database)."""
    with write_transaction(engine) as conn:
        query = select(Job.id).where(Job.status == QUEUED, Job.run_after <= now)
        if kinds is not None:
            query = query.where(Job.kind.in_(sorted(kinds)))
        query = query.order_by(Job.run_after, Job.id).limit(1)
        if engine.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        job_id = conn.execute(query).scalar()
        if job_id is None:
            return None
        taken = conn.execute(update(Job).where(Job.id == job_id, Job.status == QUEUED).values(
            status=RUNNING, worker=worker, attempts=Job.attempts + 1, started_at=now,
            lease_until=now + lease, error="", error_code="")).rowcount
        if taken != 1:
            return None
        row = conn.execute(select(Job.kind, Job.params, Job.attempts, Job.max_attempts,
                                  User.login).outerjoin(User, User.id == Job.owner_id)
                           .where(Job.id == job_id)).one()
    return Claimed(job_id, row.kind, json.loads(row.params or "{}"), row.login, row.attempts,
                   row.max_attempts)


def heartbeat(engine: Engine, job_id: int, worker: str, now: datetime, lease: timedelta,
              done: int, total: int | None) -> tuple[bool, bool]:
    """Renew the lease and record progress: (still ours, cancel requested)."""
    with write_transaction(engine) as conn:
        mine = conn.execute(update(Job).where(
            Job.id == job_id, Job.worker == worker, Job.status == RUNNING).values(
            lease_until=now + lease, progress_done=done, progress_total=total)).rowcount
        cancel = conn.execute(select(Job.cancel_requested).where(Job.id == job_id)).scalar()
    return mine == 1, bool(cancel)


def finish(engine: Engine, job_id: int, worker: str, now: datetime, outcome: Outcome) -> bool:
    """Record how the job ended (its file with it, in one transaction); False when the
    job is no longer this worker's (its lease ran out and it was taken over)."""
    with write_transaction(engine) as conn:
        values: dict[str, Any] = dict(
            status=outcome.status.value, error_code=outcome.error_code[:40],
            error=outcome.error[:1000], progress_done=outcome.done,
            progress_total=outcome.total, lease_until=None, worker=worker)
        if outcome.retry_at is not None:
            values.update(status=QUEUED, run_after=outcome.retry_at, worker="")
        else:
            values["finished_at"] = now
        if outcome.file is not None:
            name, content = outcome.file
            values.update(result_name=name[:200], result_size=len(content))
        mine = conn.execute(update(Job).where(
            Job.id == job_id, Job.worker == worker, Job.status == RUNNING)
            .values(**values)).rowcount
        if mine != 1:
            return False
        if outcome.file is not None:
            conn.execute(delete(JobFile).where(JobFile.job_id == job_id))
            conn.execute(insert(JobFile).values(job_id=job_id, name=outcome.file[0][:200],
                                                content=outcome.file[1]))
    return True


def retry_delay(attempt: int) -> timedelta:
    """10 s, 40 s, 2 min 40 s… at most an hour."""
    return timedelta(seconds=min(3600, 10 * 4 ** max(0, attempt - 1)))


def recover(engine: Engine, now: datetime) -> int:
    """Jobs whose worker died (lease expired): queued again while attempts remain,
    failed with ``worker_lost`` otherwise. Returns how many were recovered."""
    expired = and_(Job.status == RUNNING, Job.lease_until < now)
    with translated_errors(), engine.connect() as conn:
        any_expired = conn.execute(select(Job.id).where(expired).limit(1)).first()
        conn.rollback()
    if any_expired is None:
        return 0
    with write_transaction(engine) as conn:
        failed = conn.execute(update(Job).where(expired, Job.attempts >= Job.max_attempts)
                              .values(status=JobStatus.FAILED.value, error_code=WORKER_LOST,
                                      error=message_text(WORKER_LOST, language="en"),
                                      finished_at=now, lease_until=None))
        again = conn.execute(update(Job).where(expired, Job.attempts < Job.max_attempts)
                             .values(status=QUEUED, worker="", lease_until=None,
                                     run_after=now))
    return int(failed.rowcount) + int(again.rowcount)


def cancelled_before_start(engine: Engine, job_id: int, worker: str, now: datetime) -> bool:
    """A cancel that landed between the claim and the first step."""
    with write_transaction(engine) as conn:
        return conn.execute(update(Job).where(
            Job.id == job_id, Job.worker == worker, Job.status == RUNNING,
            Job.cancel_requested.is_(True)).values(
            status=JobStatus.CANCELLED.value, finished_at=now, lease_until=None)).rowcount == 1
