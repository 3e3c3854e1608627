"""Running the jobs a contract test queued, whichever backend it is on."""

from __future__ import annotations

import time

from cofatui.jobs.worker import Worker
from cofatui.repository.base import Repository
from cofatui.schemas_jobs import JobPublic
from tests.contract.conftest import Backend


def run_jobs(backend: Backend, repo: Repository, job_id: int) -> JobPublic:
    """Run due jobs with a worker on the backend's database until ``job_id`` ended (a
    real ``cofatui serve`` may run it itself: its own worker shares the database)."""
    worker = Worker(backend.engine, clock=backend.clock, schedules=[])
    deadline = time.monotonic() + 20
    while True:
        worker.drain()
        job = repo.jobs.get(job_id)
        if job.finished or time.monotonic() > deadline:
            return job
        time.sleep(0.1)
