"""Scheduled exports (issue 15 item 5): due scenarios become runs, exactly once.

Every round of every worker (``Worker.run_once``, before it claims a job) calls
:func:`fire_due_scenarios`. An idle round costs one indexed read
(``export_scenario.next_run_at <= now``); only when something is due does it open a
write transaction, which:

1. claims the due scenarios (``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL: two
   servers never hold the same scenario, and neither waits for the other; SQLite has
   one writer at a time);
2. for each, inserts the run whose ``scheduled_for`` is the LATEST due tick
   (``rules/export_schedule.latest_due``): a scenario missed for days while no server
   ran is caught up by one run, not one per missed period. ``UNIQUE (scenario_id,
   scheduled_for)`` makes the run exactly once even if a claim were ever doubled (the
   second INSERT fails in its savepoint and is skipped);
3. queues the run's job in the same transaction, and moves ``next_run_at`` to the
   first tick after that one (None after the end date: the scenario shows "ended").

Why the worker round rather than a ``* * * * *`` schedule queuing a job: a round comes
every poll (a quarter second when idle), so a run starts within a second of its time,
where a cron tick would add up to a minute plus the job's own queueing, and 1 440
bookkeeping jobs a day. The time is the worker's injected clock.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.enums import ExportFrequency
from cofatui.errors import Conflict
from cofatui.jobs.queue import write_transaction
from cofatui.models import User
from cofatui.repository.sql.engine import translated_errors
from cofatui.rules.export_schedule import latest_due, next_run

log = logging.getLogger(__name__)

#: Scenarios claimed per transaction (the rest are taken by the next round).
BATCH = 50

#: Inserts the run of a scenario and its job in the session's transaction (the same
#: function as "Run now", ``repository/sql/exports_runs.queue_run``); returns the run's
#: id. Arguments: session, scenario row, now, scheduled time, the owner's language.
QueueRun = Callable[[Session, Any, datetime, datetime | None, str], int]


@dataclass
class Fired:
    """What one call fired: ``(scenario id, export id, scheduled time)``."""

    runs: list[tuple[int, int, datetime]] = field(default_factory=list)
    skipped: int = 0  # already run for that time (another server), or refused


def anything_due(engine: Engine, now: datetime) -> bool:
    from cofatui.models import ExportScenario

    with translated_errors(), engine.connect() as conn:
        found = conn.execute(select(col(ExportScenario.id)).where(
            col(ExportScenario.next_run_at) <= now).limit(1)).first()
        conn.rollback()
    return found is not None


def fire_due_scenarios(engine: Engine, now: datetime, *,
                       queue_run: QueueRun | None = None) -> Fired:
    """Turn every due scenario into one run (see the module's docstring)."""
    fired = Fired()
    if not anything_due(engine, now):
        return fired
    from cofatui.models import ExportScenario

    queue_run = queue_run or _default_queue_run()
    while True:
        with write_transaction(engine) as conn, Session(bind=conn) as s:
            query = (select(ExportScenario)
                     .where(col(ExportScenario.next_run_at) <= now)
                     .order_by(col(ExportScenario.next_run_at), col(ExportScenario.id))
                     .limit(BATCH))
            if engine.dialect.name == "postgresql":
                query = query.with_for_update(skip_locked=True)
            scenarios = list(s.execute(query).scalars())
            for scenario in scenarios:
                _fire_one(s, scenario, now, queue_run, fired)
            s.flush()
        if len(scenarios) < BATCH:
            return fired


def _fire_one(s: Session, scenario: Any, now: datetime, queue_run: QueueRun,
              fired: Fired) -> None:
    from cofatui.models import ExportScenario

    frequency = ExportFrequency(scenario.frequency)
    starts_at = scenario.starts_at or scenario.next_run_at
    tick = _latest_tick(frequency, starts_at, scenario.time_zone, scenario.ends_on, now) \
        or scenario.next_run_at
    export_id: int | None = None
    language = s.execute(select(col(User.language))
                         .where(col(User.id) == scenario.owner_id)).scalar() or "en"
    try:
        with s.begin_nested():
            export_id = queue_run(s, scenario, now, tick, language)
    except (IntegrityError, Conflict):
        fired.skipped += 1  # this time was already run (the exactly-once key)
    except Exception:
        # A scenario that cannot be run must not hold back the others, nor be tried
        # again every round: it moves on to its next time, and the log says why.
        log.exception("export scenario %s: the run at %s could not be queued",
                      scenario.id, tick)
        fired.skipped += 1
    following = _next_tick(frequency, starts_at, scenario.time_zone, scenario.ends_on, tick)
    s.execute(update(ExportScenario).where(col(ExportScenario.id) == scenario.id)
              .values(next_run_at=following, last_run_at=tick)
              .execution_options(synchronize_session=False))
    if export_id is not None:
        fired.runs.append((int(scenario.id), export_id, tick))


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _latest_tick(frequency: ExportFrequency, starts_at: datetime, time_zone: str,
                 ends_on: Any, now: datetime) -> datetime | None:
    try:
        return latest_due(frequency, _utc(starts_at), time_zone, ends_on, now)
    except ValueError:  # a time zone this machine no longer knows
        return None


def _next_tick(frequency: ExportFrequency, starts_at: datetime, time_zone: str, ends_on: Any,
               after: datetime) -> datetime | None:
    try:
        return next_run(frequency, _utc(starts_at), time_zone, ends_on, _utc(after))
    except ValueError:
        return None


def _default_queue_run() -> QueueRun:
    from cofatui.repository.sql.exports_runs import queue_run

    def queue(s: Session, scenario: Any, now: datetime, scheduled_for: datetime | None,
              language: str) -> int:
        run = queue_run(s, scenario, now=now, scheduled_for=scheduled_for, language=language)
        s.flush()
        assert run.id is not None
        return run.id

    return queue
