"""The bulk-order job (issue 14): runs an import's lines, one transaction each.

Progress is reported at once, then before every line, which is also where a cancel
stops the import: the lines not reached become ``not_processed``. What a user sees
moves with every line's commit (the import counts its lines with a result), and the
job's own row is written by the lines' transactions every half second
(``bulk_run.JobProgress``), besides the worker's heartbeat. A job taken over after
its worker died runs only the lines without a result (``SqlBulk.run_job``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cofatui.jobs.worker import JobContext


def run_bulk_import(ctx: JobContext) -> None:
    repo = ctx.repo()
    import_id = int(ctx.params["import_id"])
    ctx.writes_progress = True  # by the lines' transactions (bulk_run.JobProgress)
    try:
        repo.bulk.run_job(import_id, ctx.progress)
    except BaseException:
        # Stopped by a cancel (``ctx.progress`` raised JobCancelled): the rest of the
        # file is not processed. Any other stop leaves the import to be resumed.
        if ctx.cancel.is_set():
            repo.bulk.stop(import_id, cancelled=True)
        raise
