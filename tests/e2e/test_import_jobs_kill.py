"""A large import's worker killed mid-file: the stored result says exactly what was
applied, and the next worker goes on from there to the end (each line once).
Finished jobs are purged after their retention, their files with them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.clock import FixedClock
from cofatui.config import MailSettings
from cofatui.jobs.handlers import HANDLERS, JOBS_PURGE, PURGE_CRON, schedules
from cofatui.jobs.retention import SYSTEM_JOBS_KEPT, USER_JOBS_KEPT, purge_finished_jobs
from cofatui.jobs.worker import Worker
from cofatui.models import ImportLine, Job, JobFile, User
from cofatui.repository.sql import SqlRepository
from cofatui.repository.sql.import_apply import IMPORT_JOB
from cofatui.schemas_jobs import ImportMode, ImportStatus, JobStatus
from tests.e2e.jobs_env import db, wait_for

__all__ = ["db"]
ROOT = Path(__file__).resolve().parents[2]
LINES = 2_500  # past the immediate bound: imported by a job

WORKER_SCRIPT = textwrap.dedent("""
    import sys
    from datetime import timedelta
    from cofatui.repository.sql import make_engine
    from cofatui.jobs.worker import Worker
    worker = Worker(make_engine(sys.argv[1]), schedules=[], lease=timedelta(seconds=2))
    while True:
        worker.run_once()
""")


def _file(companies: list[str]) -> bytes:
    """Line n (2, 3…) gives company n % 5 of the portfolio the reference R<n>: the
    reference a company ends with names the last line applied for it."""
    body = "".join(f"{companies[n % 5]};R{n}\n" for n in range(2, LINES + 2))
    return ("EasyNumber;Client reference\n" + body).encode()


def _references(engine: Engine, repo: SqlRepository) -> dict[str, str]:
    contract = repo.contracts()[0].id
    return {r.easy_number: r.client_reference
            for r in repo.portfolio.rows(contract, None, 0, 100).items}


def _ok_lines(engine: Engine, import_id: int) -> list[int]:
    with Session(engine) as s:
        return list(s.execute(select(col(ImportLine.line_no)).where(
            col(ImportLine.import_id) == import_id, col(ImportLine.status) == "ok")
            .order_by(col(ImportLine.line_no))).scalars())


def _expected(ok: list[int], before: dict[str, str]) -> dict[str, str]:
    refs, companies = dict(before), sorted(before)
    for n in ok:
        refs[companies[n % 5]] = f"R{n}"
    return refs


def test_killed_import_worker_leaves_what_it_applied_and_the_next_one_finishes(
        db: Engine) -> None:
    alice = SqlRepository(db, "alice")
    before = _references(db, alice)
    assert len(before) == 5
    contract = alice.contracts()[0].id
    result = alice.imports.run("client_references", contract, "big.csv", _file(sorted(before)),
                               ImportMode.PER_LINE)
    assert result.status == ImportStatus.RUNNING
    url = db.url.render_as_string(hide_password=False)
    proc = subprocess.Popen([sys.executable, "-c", WORKER_SCRIPT, url], cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        wait_for(lambda: len(_ok_lines(db, result.id)) > 20, timeout=60)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    ok = _ok_lines(db, result.id)
    assert 20 < len(ok) < LINES, "killed mid-file"
    # What is stored is what was applied: lines 2..k, each with its reference applied.
    assert ok == list(range(2, 2 + len(ok)))
    assert _references(db, alice) == _expected(ok, before)
    assert alice.imports.result(result.id).status == ImportStatus.RUNNING

    time.sleep(2.5)  # the dead worker's lease runs out
    assert Worker(db, schedules=[], lease=timedelta(seconds=30)).drain() >= 1
    final = alice.imports.result(result.id)
    assert (final.status, final.ok_lines, final.error_lines) == \
        (ImportStatus.SUCCEEDED, LINES, 0)
    assert _ok_lines(db, result.id) == list(range(2, LINES + 2))  # each line once
    assert _references(db, alice) == _expected(list(range(2, LINES + 2)), before)
    with Session(db) as s:
        job = s.execute(select(Job).where(col(Job.kind) == IMPORT_JOB)).scalar_one()
        assert (job.status, job.attempts) == (JobStatus.DONE, 2)
        assert s.get(JobFile, job.id) is None  # the upload went with the job


def test_finished_jobs_are_purged_after_their_retention_with_their_files(
        db: Engine) -> None:
    now = datetime(2026, 6, 1, 12, tzinfo=UTC)
    with Session(db) as s:
        owner_id = s.execute(select(col(User.id)).where(col(User.login) == "alice")).scalar_one()
    rows = {  # name: (owner, status, finished this long before now)
        "system_old": (None, "done", SYSTEM_JOBS_KEPT + timedelta(hours=1)),
        "system_recent": (None, "failed", SYSTEM_JOBS_KEPT - timedelta(hours=1)),
        "user_old": (owner_id, "done", USER_JOBS_KEPT + timedelta(hours=1)),
        "user_recent": (owner_id, "cancelled", SYSTEM_JOBS_KEPT + timedelta(days=1)),
        "user_queued": (owner_id, "queued", None),
        "system_running": (None, "running", None),
    }
    ids: dict[str, int] = {}
    with db.begin() as conn:
        for name, (who, status, age) in rows.items():
            ids[name] = conn.execute(insert(Job).values(
                kind=name, params="{}", owner_id=who, status=status, progress_done=0,
                error_code="", error="", result_name="", attempts=1, max_attempts=3,
                worker="", cancel_requested=False, created_at=now - timedelta(days=60),
                run_after=now + timedelta(days=365),  # the queued one is not due
                finished_at=None if age is None else now - age)).inserted_primary_key[0]  # type: ignore[index]
        conn.execute(insert(JobFile), [{"job_id": ids[n], "name": f"{n}.csv",
                                        "content": b"x"} for n in ("user_old", "user_recent")])
    seen: list[int] = []
    assert purge_finished_jobs(db, now, seen.append) == 2
    assert seen == [2]
    with Session(db) as s:
        left = set(s.execute(select(col(Job.kind))).scalars())
        files = set(s.execute(select(col(JobFile.name))).scalars())
    assert {"system_old", "user_old"}.isdisjoint(left)
    assert {"system_recent", "user_recent", "user_queued", "system_running"} <= left
    assert files == {"user_recent.csv"}

    # The nightly schedule runs it: a week later, the system job of a week ago goes.
    later = now + timedelta(days=1)
    purge = [x for x in schedules(MailSettings()) if x.kind == JOBS_PURGE]
    assert [x.cron for x in purge] == [PURGE_CRON]
    assert Worker(db, clock=FixedClock(later), schedules=purge, handlers=HANDLERS).run_once()
    with Session(db) as s:
        left = set(s.execute(select(col(Job.kind))).scalars())
        ran = s.execute(select(Job).where(col(Job.kind) == JOBS_PURGE)).scalar_one()
    assert "system_recent" not in left and "user_recent" in left
    assert (ran.status, ran.progress_done) == (JobStatus.DONE, 1)
