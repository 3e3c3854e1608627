"""``cofatui serve`` with several worker processes (issue 21 item 5): one per core by
default, the jobs run by the supervising process only (never once per worker), and a
supervisor killed outright takes its workers with it (no orphan keeps the port)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui import migrations
from cofatui.commands.serve import MAX_WORKERS, default_workers
from cofatui.models import Job
from cofatui.repository.http import HttpRepository
from cofatui.repository.sql import identity, make_engine
from tests.contract import dataset
from tests.server import ServerProcess

#: Seconds a server with two workers may take to answer: three interpreters import the
#: app, on a machine the test suite keeps busy.
START_SECONDS = 180.0


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(str(tmp_path / "workers.sqlite"))
    migrations.upgrade(engine)
    dataset.build(engine)
    yield engine
    engine.dispose()


def _workers_of(supervisor: int) -> list[int]:
    """The uvicorn worker processes (multiprocessing "spawn" children) of a supervisor."""
    children = Path(f"/proc/{supervisor}/task/{supervisor}/children").read_text().split()
    found = []
    for pid in map(int, children):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if b"spawn_main" in cmdline:
            found.append(pid)
    return found


def _wait_workers(supervisor: int, count: int) -> list[int]:
    deadline = time.monotonic() + 30
    while len(workers := _workers_of(supervisor)) < count and time.monotonic() < deadline:
        time.sleep(0.1)
    return workers


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has exited


def test_default_is_one_worker_per_core() -> None:
    cores = len(os.sched_getaffinity(0))
    assert default_workers() == max(1, min(cores, MAX_WORKERS))
    shown = subprocess.run([sys.executable, "-m", "cofatui", "serve", "--help"],
                           capture_output=True, text=True, timeout=60)
    assert f"one per CPU core, here {default_workers()}" in " ".join(shown.stdout.split())


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_jobs_run_in_the_supervisor_only_and_workers_die_with_it(db: Engine,
                                                                 tmp_path: Path) -> None:
    token, _ = identity.create_token(db, "alice")
    server = ServerProcess(str(db.url.database), tmp_path, clock=dataset.NOW.isoformat(),
                           extra_args=("--workers", "2"))
    server.start(START_SECONDS)  # (``with server`` would start another)
    try:
        assert server.proc is not None
        supervisor = server.proc.pid
        workers = _wait_workers(supervisor, 2)
        assert len(workers) == 2
        repo = HttpRepository(server.url, token)
        assert {repo.whoami().login for _ in range(6)} == {"alice"}
        repo.close()
        # The schedules fire at the job worker's first round (the clock is fixed): the
        # jobs they queued ran, all in the supervisor, none in a worker process.
        deadline = time.monotonic() + 30
        ran: set[int] = set()
        while time.monotonic() < deadline:
            with Session(db) as s:
                jobs = s.execute(select(col(Job.worker), col(Job.status))).all()
            ran = {int(worker.split(":")[1]) for worker, _status in jobs if worker}
            if ran and all(status != "running" for _worker, status in jobs):
                break
            time.sleep(0.2)
        assert ran == {supervisor}
        server.kill()  # SIGKILL: no shutdown for uvicorn to pass on
        deadline = time.monotonic() + 15
        while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(_alive(pid) for pid in workers), "a worker outlived its supervisor"
        with pytest.raises(httpx.TransportError):
            httpx.get(server.url + "/health", timeout=2.0)

    finally:
        server.stop()

def test_terminate_stops_supervisor_and_workers(db: Engine, tmp_path: Path) -> None:
    server = ServerProcess(str(db.url.database), tmp_path, extra_args=("--workers", "2"))
    server.start(START_SECONDS)
    assert server.proc is not None
    proc = server.proc
    workers = _wait_workers(proc.pid, 2)
    assert len(workers) == 2
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(20) == 0
    assert not any(_alive(pid) for pid in workers)
