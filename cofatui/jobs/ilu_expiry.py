"""ILUs past their deadline are stored as expired by a job (``ilus.expire``) every
hour; reads treat them as expired anyway (``rules.ilu.status_on``), so the job only
keeps the stored status true for lists and exports. One UPDATE of the open ILUs past
their deadline: with several workers, the second finds nothing left to change."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cofatui.jobs.queue import write_transaction
from cofatui.repository.sql.ilus import expire_overdue

if TYPE_CHECKING:
    from cofatui.jobs.worker import JobContext

ILUS_EXPIRE = "ilus.expire"
#: Every hour, at 5 past: an ILU expires the day after its deadline.
ILUS_EXPIRE_CRON = "5 * * * *"


def expire_ilus(ctx: JobContext) -> None:
    """The ``ilus.expire`` job."""
    now = ctx.clock.now()
    with write_transaction(ctx.engine) as conn:
        expired = expire_overdue(conn, now.date(), now)
    ctx.progress(expired, expired)
