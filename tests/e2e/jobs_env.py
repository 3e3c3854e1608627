"""A migrated database with the contract dataset, and test job kinds, for the worker
tests (SQLite file, or a PostgreSQL schema of its own)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import insert, select
from sqlalchemy.engine import Engine
from sqlmodel import col

from cofatui import migrations
from cofatui.jobs.worker import JobContext
from cofatui.models import Job
from cofatui.repository.sql import make_engine
from tests.contract import dataset


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "postgres":
        from tests.contract.conftest import _pg_engine

        engines = _pg_engine()
        engine = next(engines)
    else:
        engines = None
        engine = make_engine(f"sqlite:///{tmp_path / 'jobs.sqlite'}")
    try:
        migrations.upgrade(engine)
        dataset.build(engine)
        yield engine
    finally:
        if engines is not None:
            next(engines, None)
        else:
            engine.dispose()


def queue_raw(engine: Engine, kind: str, params: str = "{}", max_attempts: int = 3,
              count: int = 1) -> list[int]:
    from datetime import UTC, datetime

    now = datetime.now(UTC) - __import__("datetime").timedelta(seconds=1)
    with engine.begin() as conn:
        conn.execute(insert(Job), [dict(kind=kind, params=params, status="queued",
                                        progress_done=0, error_code="", error="",
                                        result_name="", attempts=0, max_attempts=max_attempts,
                                        worker="", cancel_requested=False, created_at=now,
                                        run_after=now) for _ in range(count)])
        newest = conn.execute(select(col(Job.id)).order_by(col(Job.id).desc()).limit(count))
        return [job_id for job_id in newest.scalars() if job_id is not None][::-1]


def job_row(engine: Engine, job_id: int) -> Job:
    from sqlalchemy.orm import Session

    with Session(engine) as s:
        job = s.get(Job, job_id)
        assert job is not None
        s.expunge(job)
        return job


def wait_for(predicate: object, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


def slow(ctx: JobContext) -> None:
    """1 000 steps of 10 ms, reporting each."""
    for step in range(1, 1001):
        time.sleep(0.01)
        ctx.progress(step, 1000)


class Recorder:
    """A job kind that notes which worker ran which job."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.runs: list[tuple[int, str]] = []

    def __call__(self, ctx: JobContext) -> None:
        time.sleep(0.005)
        with self.lock:
            self.runs.append((ctx.job.id, threading.current_thread().name))
