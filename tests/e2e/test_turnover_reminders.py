"""A turnover declaration's reminders with several servers (issue 17 item 2): each of
the three is notified exactly once, whichever worker of whichever server runs it, and a
reminder run again (its worker died after its commit, the job queued again after its
lease) is not notified twice."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui import notification_wording as wording
from cofatui.clock import FixedClock
from cofatui.jobs.turnover_reminders import send_reminder
from cofatui.jobs.worker import Worker, WorkerThread
from cofatui.models import Job, Notification
from cofatui.repository.sql import SqlRepository, make_engine
from cofatui.schemas_turnover import TurnoverRequestIn
from tests.contract import dataset
from tests.e2e.jobs_env import db, wait_for

__all__ = ["db"]
#: After the last reminder (due 30 Nov 2026 + 15 days): all three are due.
LATER = FixedClock(datetime(2027, 1, 10, 9, 0, tzinfo=UTC))


def _issue(engine: Engine, start: date, end: date) -> int:
    repo = SqlRepository(engine, "uw", FixedClock(dataset.NOW))
    return repo.turnover.request(TurnoverRequestIn(
        contract_id=SqlRepository(engine, "alice").contract_ids[0], period_start=start,
        period_end=end, label=f"{start:%B}")).id


def _reminders(engine: Engine, declaration_id: int) -> list[str]:
    with Session(engine) as s:
        rows = s.execute(select(col(Notification.params)).where(
            col(Notification.target_type) == "turnover_declaration",
            col(Notification.target_id) == declaration_id,
            col(Notification.kind) == "turnover.reminder")).scalars()
        return sorted(str(wording.load_params(raw)["number"]) for raw in rows)


def _reminder_jobs(engine: Engine) -> list[str]:
    with Session(engine) as s:
        return sorted(s.execute(select(col(Job.status)).where(
            col(Job.kind) == "turnover.reminder")).scalars())


def test_each_reminder_once_with_two_workers_on_two_servers(db: Engine) -> None:
    october = _issue(db, date(2026, 10, 1), date(2026, 10, 31))
    november = _issue(db, date(2026, 11, 1), date(2026, 11, 30))
    second_engine = make_engine(db.url.render_as_string(hide_password=False))
    threads = [WorkerThread(Worker(engine, clock=LATER, schedules=[]), poll=0.02)
               for engine in (db, second_engine) for _ in range(2)]  # 4 workers, 2 engines
    for thread in threads:
        thread.start()
    try:
        wait_for(lambda: _reminder_jobs(db).count("done") == 5, 60)
    finally:
        for thread in threads:
            thread.stop()
        second_engine.dispose()
    assert _reminders(db, october) == ["1", "2", "3"]
    assert _reminders(db, november) == ["1", "2"]  # the third falls on 14 January
    assert _reminder_jobs(db) == ["done"] * 5 + ["queued"]


def test_a_reminder_run_again_is_not_notified_twice(db: Engine) -> None:
    declaration = _issue(db, date(2026, 10, 1), date(2026, 10, 31))
    assert send_reminder(db, declaration, 2, LATER.now())
    assert not send_reminder(db, declaration, 2, LATER.now())
    assert _reminders(db, declaration) == ["2"]
