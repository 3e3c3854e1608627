"""Scheduled exports run exactly once with several servers (issue 15 item 5): two real
``cofatui serve`` processes on one PostgreSQL schema, 20 scenarios due in the same
minute, give exactly 20 runs; after the servers were stopped for days, each scenario is
caught up by ONE run at its latest due time, not one per missed day.

Both servers run with an injected clock (``--clock``), the same for both, half a
minute past the scenarios' time."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui import migrations
from cofatui.clock import FixedClock
from cofatui.enums import ExportAggregation, ExportCategory, ExportFormatChoice
from cofatui.models import ExportRun, ExportScenario, Job
from cofatui.repository.sql import SqlRepository
from cofatui.schemas_exports import ExportScenarioIn
from tests.contract import dataset
from tests.server import ServerProcess

pytestmark = pytest.mark.postgres

TIME = dataset.NOW + timedelta(hours=2)  # the scenarios' daily time


@pytest.fixture
def pg() -> Iterator[Engine]:
    from tests.contract.conftest import _pg_engine

    engines = _pg_engine()
    engine = next(engines)
    try:
        migrations.upgrade(engine)
        dataset.build(engine)
        yield engine
    finally:
        next(engines, None)


def _scenarios(engine: Engine) -> list[int]:
    """Ten scenarios each for alice and bob (ten is the most per user and category),
    daily at ``TIME``, due for the first time at ``TIME``."""
    clock = FixedClock(dataset.NOW)
    ids = []
    for login in ("alice", "bob"):
        repo = SqlRepository(engine, login, clock)
        default = next(t for t in repo.exports.templates(ExportCategory.PORTFOLIO) if t.default)
        contract = next(c.contract_id for c in repo.whoami().contracts)
        for n in range(10):
            ids.append(repo.exports.create_scenario(ExportScenarioIn(
                category=ExportCategory.PORTFOLIO, name=f"{login} {n}", template_id=default.id,
                contract_ids=[contract], aggregation=ExportAggregation.PRODUCT,
                format=ExportFormatChoice.CSV)).id)
    with Session(engine) as s:
        s.execute(update(ExportScenario).values(frequency="daily", starts_at=TIME,
                                                next_run_at=TIME))
        s.commit()
    return ids


def _url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def _runs(engine: Engine) -> list[tuple[int, datetime | None, str]]:
    with Session(engine) as s:
        return [(r.scenario_id or 0, r.scheduled_for, r.status) for r in s.execute(
            select(col(ExportRun.scenario_id), col(ExportRun.scheduled_for),
                   col(ExportRun.status)))]


def _settled(engine: Engine, expected: int, timeout: float = 120.0) -> None:
    """Wait until ``expected`` runs exist and none is still running (then a little
    more, for a late duplicate to show)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        runs = _runs(engine)
        if len(runs) >= expected and all(status != "running" for _, _, status in runs):
            time.sleep(2.0)
            return
        time.sleep(0.2)
    raise AssertionError(f"{len(_runs(engine))} runs, {expected} expected")


def _serve_two_until(engine: Engine, tmp_path: Path, clock: datetime, runs: int) -> None:
    """Two servers at ``clock`` until ``runs`` runs exist and have ended; then stopped."""
    servers = []
    for n in range(2):
        home = tmp_path / f"{clock:%d%H%M}-{n}"
        home.mkdir()
        servers.append(ServerProcess(_url(engine), home, clock=clock.isoformat()))
    try:
        for server in servers:
            server.start()
        _settled(engine, runs)
    finally:
        for server in servers:
            server.stop()


def test_twenty_due_scenarios_give_twenty_runs_then_one_catch_up_each(
        pg: Engine, tmp_path: Path) -> None:
    scenario_ids = _scenarios(pg)
    _serve_two_until(pg, tmp_path, TIME + timedelta(seconds=30), 20)
    runs = _runs(pg)
    assert len(runs) == 20
    assert sorted(s for s, _, _ in runs) == sorted(scenario_ids)
    assert {t for _, t, _ in runs} == {TIME}
    assert {status for _, _, status in runs} == {"available"}

    # Servers stopped for three days and a half: three daily times missed.
    _serve_two_until(pg, tmp_path, TIME + timedelta(days=3, hours=12), 40)
    runs = _runs(pg)
    assert len(runs) == 40
    caught_up = [(s, t) for s, t, _ in runs if t != TIME]
    assert sorted(s for s, _ in caught_up) == sorted(scenario_ids)  # once each
    assert {t for _, t in caught_up} == {TIME + timedelta(days=3)}  # the latest time
    with Session(pg) as s:
        assert set(s.execute(select(col(ExportScenario.next_run_at))).scalars()) == \
            {TIME + timedelta(days=4)}
        jobs = s.execute(select(func.count()).select_from(Job)
                         .where(col(Job.kind) == "export.run")).scalar_one()
    assert jobs == 40
