"""The notifications of a turnover declaration (its request and its reminders) and the
reminder jobs, written in the caller's transaction: the request, its notification and
its jobs commit together, and a reminder's notification with the check that it is still
due. Shared by ``repo.turnover.request`` and the reminder job."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from cofatui import notification_wording as wording
from cofatui.enums import Importance, NotificationCategory, NotificationTarget, NotificationType
from cofatui.models import Job, Notification

#: The job kind of a reminder (jobs/turnover_reminders.py runs it).
REMINDER_JOB = "turnover.reminder"
#: A reminder's not-before time on its day: 05:00 UTC, before the 06:00 daily digest.
REMINDER_AT = time(5, 0)
TARGET = NotificationTarget.TURNOVER_DECLARATION.value
REQUESTED = "turnover.requested"
REMINDED = "turnover.reminder"


def reminder_key(declaration_id: int, number: int) -> str:
    """Unique in ``job.dedupe_key``: a reminder is queued once, whoever queues it."""
    return f"turnover:{declaration_id}:reminder:{number}"


def reminder_time(day: date) -> datetime:
    return datetime.combine(day, REMINDER_AT, tzinfo=UTC)


def notify(conn: Connection, contract_id: int, declaration_id: int,
           notice: wording.Notice, importance: Importance, now: datetime) -> int:
    """Insert the declaration's notification; returns its id."""
    result = conn.execute(insert(Notification).values(
        contract_id=contract_id, product_code="", category=NotificationCategory.MANAGEMENT.value,
        type=NotificationType.TURNOVER_REQUEST.value, importance=importance.value,
        **notice.columns(), body="", created_at=now, target_type=TARGET,
        target_id=declaration_id).returning(Notification.id))
    return int(result.scalar_one())


def queue_reminders(conn: Connection, declaration_id: int, days: Sequence[date],
                    now: datetime) -> None:
    """One job per reminder, numbered from 1, not before its day."""
    if not days:
        return
    rows: list[dict[str, Any]] = [dict(
        kind=REMINDER_JOB, params=f'{{"declaration_id": {declaration_id}, "number": {n}}}',
        owner_id=None, status="queued", progress_done=0, error_code="", error="",
        result_name="", attempts=0, max_attempts=3, worker="", cancel_requested=False,
        dedupe_key=reminder_key(declaration_id, n), created_at=now,
        run_after=reminder_time(day)) for n, day in enumerate(sorted(days), start=1)]
    conn.execute(insert(Job), rows)


def reminders_sent(conn: Connection, declaration_id: int) -> set[int]:
    """The numbers of the reminders already notified for the declaration."""
    rows = conn.execute(select(Notification.params).where(
        Notification.target_type == TARGET, Notification.target_id == declaration_id,
        Notification.kind == REMINDED)).scalars()
    return {int(str(wording.load_params(raw).get("number", "0")) or 0) for raw in rows}


def request_notification_id(conn: Connection, declaration_id: int) -> int | None:
    return conn.execute(select(Notification.id).where(
        Notification.target_type == TARGET, Notification.target_id == declaration_id,
        Notification.kind == REQUESTED).order_by(Notification.id).limit(1)).scalar()
