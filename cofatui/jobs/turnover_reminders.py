"""The reminders of a turnover declaration (issue 17 item 2): jobs queued with the
request, each not before its day (``job.run_after``) and unique by ``dedupe_key``, so
a worker of any server runs each once. At its time a reminder is skipped when the
declaration is sent or cancelled; otherwise it notifies the contract with high
importance. The check and the notification are one transaction that first locks the
declaration's row, and a reminder already notified is not notified again (a worker
that died after its commit, the job then run again after its lease)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import col

from cofatui import notification_wording as wording
from cofatui.enums import Importance, TurnoverStatus
from cofatui.jobs.queue import write_transaction
from cofatui.models import Contract, TurnoverDeclaration
from cofatui.repository.sql import turnover_notices as notices

if TYPE_CHECKING:
    from cofatui.jobs.worker import JobContext

TURNOVER_REMINDER = notices.REMINDER_JOB
#: Only the declaration's row is locked (not the contract's, which requests lock).
TURNOVER_TABLE = TurnoverDeclaration.__table__  # type: ignore[attr-defined]


def send_reminder(engine: Engine, declaration_id: int, number: int, now: datetime) -> bool:
    """Notify reminder ``number`` of the declaration if it is still new and not yet
    reminded so; returns whether a notification was written."""
    with write_transaction(engine) as conn:
        row = conn.execute(
            select(col(TurnoverDeclaration.status), col(TurnoverDeclaration.contract_id),
                   col(TurnoverDeclaration.period_start), col(Contract.policy_number))
            .join(Contract, col(Contract.id) == col(TurnoverDeclaration.contract_id))
            .where(col(TurnoverDeclaration.id) == declaration_id)
            .with_for_update(of=TURNOVER_TABLE)).first()
        if row is None or row.status != TurnoverStatus.NEW:
            return False
        if number in notices.reminders_sent(conn, declaration_id):
            return False
        notices.notify(conn, row.contract_id, declaration_id,
                       wording.turnover_reminder(number, row.period_start, row.policy_number),
                       Importance.HIGH, now)
    return True


def run_reminder(ctx: JobContext) -> None:
    """The ``turnover.reminder`` job."""
    sent = send_reminder(ctx.engine, int(ctx.params["declaration_id"]),
                         int(ctx.params["number"]), ctx.clock.now())
    ctx.progress(int(sent), 1)
