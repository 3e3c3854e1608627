"""The worker's promises: a killed worker's job ends done or failed, never stuck; two
workers never run the same job; a schedule fires once per tick with two servers;
cancel stops a running job at its next step."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlmodel import col

from cofatui.clock import FixedClock
from cofatui.jobs.schedule import Schedule
from cofatui.jobs.worker import Worker, WorkerThread
from cofatui.models import Job
from cofatui.repository.sql import SqlRepository, make_engine
from tests.e2e.jobs_env import Recorder, db, job_row, queue_raw, slow, wait_for

__all__ = ["db"]
ROOT = Path(__file__).resolve().parents[2]
LEASE = timedelta(seconds=2)

WORKER_SCRIPT = textwrap.dedent("""
    import sys
    from datetime import timedelta
    from cofatui.repository.sql import make_engine
    from cofatui.jobs.worker import Worker
    from tests.e2e.jobs_env import slow
    worker = Worker(make_engine(sys.argv[1]), handlers={"test.slow": slow}, schedules=[],
                    lease=timedelta(seconds=2))
    while True:
        worker.run_once()
""")


def _url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def _kill_mid_job(engine: Engine, max_attempts: int) -> int:
    job_id = queue_raw(engine, "test.slow", max_attempts=max_attempts)[0]
    proc = subprocess.Popen([sys.executable, "-c", WORKER_SCRIPT, _url(engine)], cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        wait_for(lambda: job_row(engine, job_id).progress_done > 0)  # running, mid-job
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert job_row(engine, job_id).status == "running"
    return job_id


def test_job_of_a_killed_worker_is_run_again_to_the_end(db: Engine) -> None:
    job_id = _kill_mid_job(db, max_attempts=3)
    survivor = Worker(db, handlers={"test.slow": slow}, schedules=[], lease=LEASE)
    wait_for(lambda: survivor.run_once() or job_row(db, job_id).status == "done", 60)
    job = job_row(db, job_id)
    assert (job.status, job.attempts, job.progress_done) == ("done", 2, 1000)


def test_job_of_a_killed_worker_fails_when_no_attempt_is_left(db: Engine) -> None:
    job_id = _kill_mid_job(db, max_attempts=1)
    survivor = Worker(db, handlers={"test.slow": slow}, schedules=[], lease=LEASE)
    wait_for(lambda: survivor.run_once() or job_row(db, job_id).status != "running", 30)
    job = job_row(db, job_id)
    assert (job.status, job.error_code) == ("failed", "jobs.worker_lost")


def test_two_workers_never_run_the_same_job(db: Engine) -> None:
    ids = queue_raw(db, "test.record", count=100)
    record = Recorder()
    # Two "servers": each its own engine (connection pool) and worker.
    second_engine = make_engine(_url(db))
    threads = [WorkerThread(Worker(engine, handlers={"test.record": record}, schedules=[]),
                            poll=0.05) for engine in (db, second_engine)]
    for thread in threads:
        thread._thread.name = f"worker-{threads.index(thread)}"
        thread.start()
    try:
        wait_for(lambda: len(record.runs) >= 100, 60)
        wait_for(lambda: all(job_row(db, i).status == "done" for i in ids[-3:]))
    finally:
        for thread in threads:
            thread.stop()
        second_engine.dispose()
    ran = [job for job, _ in record.runs]
    assert sorted(ran) == sorted(ids)  # each exactly once
    with db.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Job)
                            .where(col(Job.status) != "done")).scalar_one() == 0


def test_schedule_fires_once_per_tick_with_two_servers(db: Engine) -> None:
    every_minute = [Schedule("probe", "* * * * *", "test.record")]
    second_engine = make_engine(_url(db))
    clock = FixedClock(datetime(2026, 12, 5, 6, 0, 30, tzinfo=UTC))
    servers = [Worker(engine, clock=clock, handlers={}, schedules=every_minute)
               for engine in (db, second_engine) for _ in range(2)]  # 4 workers, 2 engines

    def fire_all() -> None:
        barrier = threading.Barrier(len(servers))

        def fire(worker: Worker) -> None:
            barrier.wait()
            worker.fire_schedules(clock.now())

        threads = [threading.Thread(target=fire, args=(w,)) for w in servers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    def keys() -> list[str | None]:
        with db.connect() as conn:
            return list(conn.execute(select(col(Job.dedupe_key))
                                     .where(col(Job.kind) == "test.record")
                                     .order_by(col(Job.id))).scalars())

    try:
        fire_all()
        assert keys() == ["schedule:probe:20261205T0600"]
        clock.advance(seconds=20)  # same minute: nothing new
        fire_all()
        assert len(keys()) == 1
        clock.advance(seconds=30)  # 06:01:20, the next tick
        for worker in servers:
            worker._fired.clear()  # as fresh processes would
        fire_all()
        assert keys() == ["schedule:probe:20261205T0600", "schedule:probe:20261205T0601"]
    finally:
        second_engine.dispose()


def test_cancel_stops_a_running_job_at_its_next_step(db: Engine) -> None:
    alice = SqlRepository(db, "alice")
    job_id = queue_raw(db, "test.slow")[0]
    with db.begin() as conn:  # alice's job, so that she may cancel it
        from sqlalchemy import update

        from cofatui.models import User

        uid = conn.execute(select(col(User.id)).where(col(User.login) == "alice")).scalar_one()
        conn.execute(update(Job).where(col(Job.id) == job_id).values(owner_id=uid))
    thread = WorkerThread(Worker(db, handlers={"test.slow": slow}, schedules=[]),
                          poll=0.05).start()
    try:
        wait_for(lambda: alice.jobs.get(job_id).progress_done > 0)
        assert alice.jobs.cancel(job_id).status == "running"  # asked; it stops itself
        wait_for(lambda: alice.jobs.get(job_id).finished, 10)
    finally:
        thread.stop()
    job = alice.jobs.get(job_id)
    assert job.status == "cancelled" and job.progress_done < 1000
