"""The ``chorus_pro.expiry`` job (issue 19 item 6), daily: the managers of a structure
whose connector is on are told, once per expiry date, when its technical account's
password expires within 15 days (our choice) — Chorus Pro then refuses every call
until a manager renews it and saves the new date."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import or_, select
from sqlmodel import col

from cofatui.enums import ChorusMailCategory, NotificationTarget
from cofatui.models.chorus import ChorusConnector, ChorusStructure
from cofatui.notification_wording import Notice
from cofatui.repository.sql import chorus_notices
from cofatui.repository.sql.chorus_connector_queue import EXPIRY_JOB
from cofatui.repository.sql.core import unit_of_work

if TYPE_CHECKING:
    from cofatui.jobs.worker import JobContext

__all__ = ["BEFORE", "EXPIRY_CRON", "EXPIRY_JOB", "run_expiry"]
#: Daily at 07:00 UTC, before the working day.
EXPIRY_CRON = "0 7 * * *"
BEFORE = timedelta(days=15)


def run_expiry(ctx: JobContext) -> None:
    now, today = ctx.clock.now(), ctx.clock.today()
    told = 0
    with unit_of_work(ctx.engine, write=True) as s:
        rows = s.execute(select(ChorusConnector, col(ChorusStructure.name))
                         .join(ChorusStructure, col(ChorusStructure.id)
                               == col(ChorusConnector.structure_id))
                         .where(col(ChorusConnector.enabled),
                                col(ChorusConnector.password_expires_on) <= today + BEFORE,
                                or_(col(ChorusConnector.expiry_notified_for).is_(None),
                                    col(ChorusConnector.expiry_notified_for)
                                    != col(ChorusConnector.password_expires_on)))
                         .order_by(col(ChorusConnector.structure_id))).all()
        for connector, name in rows:
            chorus_notices.notify(
                s, Notice("chorus.connector_expiry",
                          {"structure": name, "date": connector.password_expires_on}),
                chorus_notices.Audience(connector.structure_id, managers=True),
                mail=ChorusMailCategory.ATTACHMENT,
                target=NotificationTarget.CHORUS_STRUCTURE, target_id=connector.structure_id,
                now=now, today=today)
            connector.expiry_notified_for = connector.password_expires_on
            told += 1
    ctx.progress(told, told)
