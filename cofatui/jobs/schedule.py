"""Scheduled runs: a cron expression (croniter) and the job kind it queues.

Every worker, on every round, queues the latest tick of each schedule as a job whose
``dedupe_key`` is ``schedule:<name>:<tick>``. The key is unique in the table, so
however many workers and servers fire the same tick, one job is inserted: the others'
INSERTs do nothing (``ON CONFLICT DO NOTHING`` on both databases). A tick missed while
no worker ran is caught up once (only the latest one), not once per missed tick.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from croniter import croniter
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine

from cofatui.errors import ValidationFailed
from cofatui.jobs.queue import write_transaction
from cofatui.models import Job


@dataclass(frozen=True)
class Schedule:
    name: str
    cron: str
    kind: str
    params: dict[str, Any] = field(default_factory=dict)
    max_attempts: int = 3

    def __post_init__(self) -> None:
        if not croniter.is_valid(self.cron):
            raise ValidationFailed("jobs.not_cron", field="cron", cron=self.cron)

    def latest_tick(self, now: datetime) -> datetime:
        """The most recent tick at or before ``now`` (UTC)."""
        now = now.astimezone(UTC)
        if croniter.match(self.cron, now.replace(second=0, microsecond=0)):
            return now.replace(second=0, microsecond=0)
        tick: datetime = croniter(self.cron, now).get_prev(datetime)
        return tick.astimezone(UTC)

    def key(self, tick: datetime) -> str:
        return f"schedule:{self.name}:{tick:%Y%m%dT%H%M}"


def fire_due(engine: Engine, schedules: list[Schedule], now: datetime) -> int:
    """Queue the latest tick of every schedule unless some worker already did; returns
    how many jobs this call inserted."""
    if not schedules:
        return 0
    dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
    inserted = 0
    with write_transaction(engine) as conn:
        for schedule in schedules:
            tick = schedule.latest_tick(now)
            stmt = dialect.insert(Job).values(
                kind=schedule.kind, params=_json(schedule.params), owner_id=None,
                status="queued", progress_done=0, error_code="", error="", result_name="",
                attempts=0, max_attempts=schedule.max_attempts, worker="",
                cancel_requested=False, dedupe_key=schedule.key(tick), created_at=now,
                run_after=tick).on_conflict_do_nothing(index_elements=["dedupe_key"])
            inserted += max(0, conn.execute(stmt).rowcount or 0)
    return inserted


def _json(params: dict[str, Any]) -> str:
    import json

    return json.dumps(params, sort_keys=True)
