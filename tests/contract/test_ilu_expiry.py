"""The ILU expiry job (``ilus.expire``) on SQLite and PostgreSQL: its hourly tick is
queued once however many workers fire it, and two workers running it at once store
``expired`` on each overdue ILU exactly once (one version step); open ILUs still within
their deadline are left alone."""

from __future__ import annotations

import threading
from datetime import timedelta
from types import SimpleNamespace
from typing import Any, cast

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.config import MailSettings
from cofatui.enums import IluStatus
from cofatui.jobs.handlers import schedules
from cofatui.jobs.ilu_expiry import ILUS_EXPIRE, expire_ilus
from cofatui.jobs.schedule import fire_due
from cofatui.models import Ilu, Job
from cofatui.schemas_ilu import IluCreate
from tests.contract.conftest import Backend
from tests.contract.dataset import TODAY
from tests.contract.sql_only import sql_backend

__all__ = ["sql_backend"]


def stored(backend: Backend) -> dict[int | None, tuple[str, int]]:
    with Session(backend.engine) as s:
        return {i: (st, v) for i, st, v in s.execute(
            select(col(Ilu.id), col(Ilu.status), col(Ilu.version)))}


def test_two_workers_expire_each_overdue_ilu_once(backend: Backend) -> None:
    uw = backend.open("uw")
    made = [uw.ilus.create(IluCreate(contract_id=backend.ids[c], company_id=backend.ids[co]))
            for c, co in (("A", "alpha"), ("A", "beta"), ("B", "epsilon"))]
    overdue = {made[0].id, made[2].id}
    with Session(backend.engine) as s:
        s.execute(update(Ilu).where(Ilu.id.in_(overdue))  # type: ignore[union-attr]
                  .values(deadline=TODAY - timedelta(days=1)))
        s.commit()
    before = stored(backend)

    # Two workers fire the same hourly tick: one job.
    expiry = [sch for sch in schedules(MailSettings()) if sch.kind == ILUS_EXPIRE]
    assert len(expiry) == 1
    now = backend.clock.now()
    for _worker in range(2):
        fire_due(backend.engine, expiry, now)
    with Session(backend.engine) as s:
        assert s.execute(select(func.count()).select_from(Job).where(
            Job.kind == ILUS_EXPIRE)).scalar_one() == 1  # type: ignore[arg-type]

    # Both run it at once (a lease lost, a second server): each ILU changes once.
    counts: list[int] = []
    start = threading.Barrier(2)

    def run() -> None:
        ctx = SimpleNamespace(engine=backend.engine, clock=backend.clock,
                              progress=lambda done, total=None: counts.append(done))
        start.wait()
        expire_ilus(cast(Any, ctx))

    workers = [threading.Thread(target=run) for _ in range(2)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert sum(counts) == 2
    after = stored(backend)
    for ilu_id, (status, version) in after.items():
        if ilu_id in overdue:
            assert (status, version) == (IluStatus.EXPIRED.value, before[ilu_id][1] + 1)
        else:
            assert (status, version) == before[ilu_id]
    assert backend.open("alice").ilus.get(made[0].id).status == IluStatus.EXPIRED
    assert backend.open("alice").ilus.get(made[1].id).status == IluStatus.OPEN
