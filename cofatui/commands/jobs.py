"""``cofatui jobs …``: my background jobs, and a worker process.

    cofatui jobs list                       my jobs, newest first
    cofatui jobs cancel 12                  cancel job 12 (a running job stops at its next step)
    cofatui jobs run-worker --db URL        run jobs until interrupted (or --once)

``list`` and ``cancel`` work on a database or through ``--api``; ``run-worker`` needs
the database itself (it is what ``cofatui serve`` runs in a thread).
"""

from __future__ import annotations

import argparse
import signal
import threading
from collections.abc import Callable
from typing import Any

from cofatui.commands import actions_of
from cofatui.errors import CofaError

Sub = Callable[[str, str], argparse.ArgumentParser]


def register(sub: Sub) -> None:
    jobs = sub("jobs", "background jobs: list, cancel, run a worker")
    action = actions_of(jobs, "jobs_command")

    listing = action("list", "my jobs, newest first", cmd_list)
    listing.add_argument("--limit", type=int, default=50, help="at most this many (default 50)")
    cancel = action("cancel", "cancel one of my jobs", cmd_cancel)
    cancel.add_argument("job_id", type=int, help="the job's number (see `jobs list`)")
    worker = action("run-worker", "run queued and scheduled jobs until interrupted",
                    cmd_run_worker)
    worker.add_argument("--once", action="store_true",
                        help="run the jobs due now, then stop")


def _repo(args: argparse.Namespace) -> Any:
    from cofatui.cli import load_settings_for, open_repository

    return open_repository(args, load_settings_for(args))


def cmd_list(args: argparse.Namespace) -> int:
    repo = _repo(args)
    page = repo.jobs.list(0, max(1, min(args.limit, 500)))
    if not page.items:
        print("No jobs.")
    for job in page.items:
        progress = f"{job.progress_done}/{job.progress_total}" \
            if job.progress_total is not None else str(job.progress_done)
        when = job.created_at.strftime("%Y-%m-%d %H:%M") if job.created_at else ""
        detail = job.result_name or job.error
        print(f"{job.id:>6}  {when}  {job.kind:<22} {job.status:<10} {progress:>13}  {detail}")
    return 0


def cmd_cancel(args: argparse.Namespace) -> int:
    job = _repo(args).jobs.cancel(args.job_id)
    print(f"Job {job.id}: {job.status}" + (" (stops at its next step)"
                                           if job.status == "running" else ""))
    return 0


def cmd_run_worker(args: argparse.Namespace) -> int:
    from cofatui import migrations
    from cofatui.chorus_pro import runtime
    from cofatui.cli import database_url, load_settings_for
    from cofatui.jobs.worker import Worker, WorkerThread
    from cofatui.repository.sql import make_engine

    if getattr(args, "api", None):
        raise CofaError("cli.worker_needs_db")
    settings = load_settings_for(args)
    runtime.configure(settings.chorus_pro)  # its jobs may call Chorus Pro (issue 19)
    url, _embedded = database_url(args, settings)
    engine = make_engine(url)
    migrations.upgrade(engine)
    worker = Worker(engine, mail=settings.mail)
    try:
        if args.once:
            print(f"{worker.drain()} job(s) run")
            return 0
        thread = WorkerThread(worker).start()
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        print(f"cofatui worker {worker.name} running (Ctrl+C to stop)", flush=True)
        stop.wait()
        thread.stop()
    finally:
        engine.dispose()
    return 0
