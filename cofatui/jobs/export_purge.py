"""Generated files are kept ``KEEP_DAYS`` days (issue 15, our choice), then purged by a
nightly job (``exports.purge``): the run, its files and their chunks go in one
transaction per batch; an e-mail still pointing at the run forgets it (it is long
delivered, or it never will be). A run still running is never touched (its
``expires_at`` is set again when it ends)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import delete, select, update
from sqlalchemy.engine import Engine
from sqlmodel import col

from cofatui.enums import ExportRunStatus
from cofatui.jobs.queue import write_transaction

if TYPE_CHECKING:
    from cofatui.jobs.worker import JobContext

EXPORTS_PURGE = "exports.purge"
#: Every night at 03:10 UTC, after the jobs' own purge.
EXPORTS_PURGE_CRON = "10 3 * * *"
BATCH = 200  # runs per transaction: short write locks on SQLite
RUNNING = ExportRunStatus.RUNNING.value


def purge_expired_exports(engine: Engine, now: datetime,
                          progress: Callable[[int], None] | None = None) -> int:
    """Delete the runs past ``expires_at`` with their files; returns how many."""
    from cofatui.models import ExportFile, ExportFileChunk, ExportRun, OutboxMessage

    purged = 0
    while True:
        with write_transaction(engine) as conn:
            ids = list(conn.execute(select(col(ExportRun.id)).where(
                col(ExportRun.expires_at) < now, col(ExportRun.status) != RUNNING)
                .limit(BATCH)).scalars())
            if ids:
                files = select(col(ExportFile.id)).where(col(ExportFile.export_id).in_(ids))
                conn.execute(delete(ExportFileChunk).where(col(ExportFileChunk.file_id)
                                                           .in_(files)))
                conn.execute(delete(ExportFile).where(col(ExportFile.export_id).in_(ids)))
                conn.execute(update(OutboxMessage).where(col(OutboxMessage.export_id).in_(ids))
                             .values(export_id=None))
                conn.execute(delete(ExportRun).where(col(ExportRun.id).in_(ids)))
        purged += len(ids)
        if progress is not None:
            progress(purged)
        if len(ids) < BATCH:
            return purged


def purge_exports(ctx: JobContext) -> None:
    """The ``exports.purge`` job."""
    purged = purge_expired_exports(ctx.engine, ctx.clock.now(), ctx.progress)
    ctx.progress(purged, purged)
