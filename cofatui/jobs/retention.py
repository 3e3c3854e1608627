"""Retention of finished jobs: the every-minute outbox delivery alone adds ~1 440 rows
a day, so finished jobs are purged by a scheduled job (``jobs.purge``, daily).

- System jobs (no owner: the schedules' runs) are kept 7 days, enough to look back
  at a week of deliveries and digests.
- A user's jobs are kept 30 days (their exports can be saved again meanwhile).

A job's file (``job_file``) goes with it, in the same transaction. Queued and running
jobs are never touched, nor is a purged schedule tick fired again: a worker only ever
fires a schedule's latest tick, far younger than a week.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, or_, select
from sqlalchemy.engine import Engine
from sqlmodel import col

from cofatui.jobs.queue import write_transaction
from cofatui.models import Job, JobFile
from cofatui.schemas_jobs import FINISHED

SYSTEM_JOBS_KEPT = timedelta(days=7)
USER_JOBS_KEPT = timedelta(days=30)
BATCH = 2_000  # rows per transaction: short write locks on SQLite


def purge_finished_jobs(engine: Engine, now: datetime,
                        progress: Callable[[int], None] | None = None) -> int:
    """Delete the finished jobs past their retention, with their files; returns how
    many. ``progress`` is told the count after each batch (and may stop the purge)."""
    expired = and_(
        col(Job.status).in_([s.value for s in FINISHED]),
        or_(and_(col(Job.owner_id).is_(None), col(Job.finished_at) < now - SYSTEM_JOBS_KEPT),
            and_(col(Job.owner_id).is_not(None), col(Job.finished_at) < now - USER_JOBS_KEPT)))
    purged = 0
    while True:
        with write_transaction(engine) as conn:
            ids = list(conn.execute(select(col(Job.id)).where(expired).limit(BATCH)).scalars())
            if ids:
                conn.execute(delete(JobFile).where(col(JobFile.job_id).in_(ids)))
                conn.execute(delete(Job).where(col(Job.id).in_(ids)))
        purged += len(ids)
        if progress is not None:
            progress(purged)
        if len(ids) < BATCH:
            return purged
