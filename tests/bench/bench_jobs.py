"""Jobs and outbox benchmark (issue 12).

1. **Claim latency**: a job queued (its INSERT committed) until its handler starts, with
   one polling worker (``POLL_SECONDS``); goal: within 1 s.
2. **Drain**: 100 jobs queued at once, drained by two workers (two engines, as two
   servers): jobs per second.
3. **Outbox**: 1 000 messages delivered to a local SMTP server (aiosmtpd): messages per
   second, each claimed, sent and marked sent in its own transaction.

Anchors measured in the same run, so the figures can be read against this machine's
load: a bare write transaction on the same database (the floor of one claim), and the
same 1 000 messages sent with smtplib alone, without the database.

Usage::

    python -m tests.bench.bench_jobs                 # SQLite file
    python -m tests.bench.bench_jobs --pg URL        # PostgreSQL (a schema of its own)
    python -m tests.bench.bench_jobs --quick         # fewer runs, to keep it working in CI

Prints a table and writes ``tests/bench/results/jobs.json``.
"""

from __future__ import annotations

import argparse
import os
import smtplib
import socket
import statistics
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime
from email.message import EmailMessage
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.engine import Engine
from sqlmodel import col

from cofatui import migrations
from cofatui.config import MailSettings
from cofatui.jobs.outbox import deliver_due
from cofatui.jobs.worker import POLL_SECONDS, JobContext, Worker, WorkerThread
from cofatui.models import Job, OutboxMessage
from cofatui.repository.sql import make_engine
from tests.bench.harness import print_table, write_json


def _now() -> datetime:
    return datetime.now(UTC)


def _queue(engine: Engine, count: int) -> None:
    now = _now()
    with engine.begin() as conn:
        conn.execute(insert(Job), [dict(
            kind="bench.noop", params="{}", status="queued", progress_done=0, error_code="",
            error="", result_name="", attempts=0, max_attempts=1, worker="",
            cancel_requested=False, created_at=now, run_after=now) for _ in range(count)])


def _stats(samples: list[float]) -> dict[str, float]:
    samples = sorted(samples)
    return {"median_ms": round(statistics.median(samples), 1),
            "p95_ms": round(samples[min(len(samples) - 1, int(len(samples) * 0.95))], 1),
            "max_ms": round(samples[-1], 1), "runs": len(samples)}


def claim_latency(engine: Engine, runs: int) -> dict[str, float]:
    started = threading.Event()

    def noop(_ctx: JobContext) -> None:
        started.set()

    thread = WorkerThread(Worker(engine, handlers={"bench.noop": noop}, schedules=[])).start()
    samples = []
    try:
        for _ in range(runs):
            started.clear()
            t0 = time.perf_counter()
            _queue(engine, 1)
            if not started.wait(10):
                raise RuntimeError("no worker claimed the job in 10 s")
            samples.append((time.perf_counter() - t0) * 1000)
            time.sleep(0.05)
    finally:
        thread.stop()
    return _stats(samples)


def drain(engine: Engine, url: str, jobs: int) -> dict[str, Any]:
    done = 0
    lock = threading.Lock()

    def noop(_ctx: JobContext) -> None:
        nonlocal done
        with lock:
            done += 1

    second = make_engine(url)
    _queue(engine, jobs)
    threads = [WorkerThread(Worker(e, handlers={"bench.noop": noop}, schedules=[]), poll=0.05)
               for e in (engine, second)]
    t0 = time.perf_counter()
    for thread in threads:
        thread.start()
    while True:
        with engine.connect() as conn:
            left = conn.execute(select(func.count()).select_from(Job).where(
                col(Job.kind) == "bench.noop", col(Job.status) != "done")).scalar_one()
        if not left:
            break
        time.sleep(0.01)
    elapsed = time.perf_counter() - t0
    for thread in threads:
        thread.stop()
    second.dispose()
    return {"jobs": jobs, "seconds": round(elapsed, 2), "jobs_per_s": round(jobs / elapsed, 1)}


def write_anchor(engine: Engine, runs: int) -> dict[str, float]:
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        with engine.connect() as conn:
            conn.info["write"] = True
            with conn.begin():
                conn.execute(text("UPDATE job SET progress_done = progress_done WHERE id = 0"))
            conn.info["write"] = False
        samples.append((time.perf_counter() - t0) * 1000)
    return _stats(samples)


class _Inbox:
    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        self.count += 1
        return "250 OK"


def outbox(engine: Engine, messages: int) -> dict[str, Any]:
    from aiosmtpd.controller import Controller

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        now = _now()
        with engine.begin() as conn:
            conn.execute(insert(OutboxMessage), [dict(
                message_id=f"<{uuid.uuid4().hex}@bench>", dedupe_key=f"bench:{uuid.uuid4().hex}",
                kind="bench", recipient="someone@example.test", subject=f"Message {i}",
                body="Hello,\n\nA benchmark message.\n", language="en", status="pending",
                attempts=0, last_error="", created_at=now, next_attempt_at=now)
                for i in range(messages)])
        mail = MailSettings(host="127.0.0.1", port=port, security="none",
                            sender="cofatui@example.test")
        t0 = time.perf_counter()
        report = deliver_due(engine, mail, _now(), limit=messages)
        elapsed = time.perf_counter() - t0
        received = inbox.count
        # Anchor: the same number of messages through smtplib alone, one connection.
        t1 = time.perf_counter()
        with smtplib.SMTP("127.0.0.1", port) as smtp:
            for i in range(messages):
                msg = EmailMessage()
                msg["From"], msg["To"], msg["Subject"] = mail.sender, "x@example.test", str(i)
                msg.set_content("Hello,\n\nA benchmark message.\n")
                smtp.send_message(msg)
        bare = time.perf_counter() - t1
    finally:
        controller.stop()
    return {"messages": messages, "sent": report.sent, "received": received,
            "seconds": round(elapsed, 2), "messages_per_s": round(messages / elapsed, 1),
            "anchor_smtplib_only_per_s": round(messages / bare, 1)}


def _database(pg: str | None) -> tuple[Engine, str, Any]:
    if pg:
        admin = make_engine(pg)
        schema = f"bench_{uuid.uuid4().hex[:10]}"
        with admin.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        sep = "&" if "?" in pg else "?"
        url = f"{pg}{sep}options=-csearch_path%3D{schema}"

        def cleanup() -> None:
            with admin.begin() as conn:
                conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
            admin.dispose()
    else:
        folder = tempfile.mkdtemp(prefix="cofatui-bench-jobs-")
        url = f"sqlite:///{os.path.join(folder, 'jobs.sqlite')}"

        def cleanup() -> None:
            pass
    engine = make_engine(url)
    migrations.upgrade(engine)
    return engine, url, cleanup


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", help="a PostgreSQL URL (default: a SQLite file)")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    engine, url, cleanup = _database(args.pg)
    try:
        runs = 5 if args.quick else 30
        anchor = write_anchor(engine, runs * 4)
        latency = claim_latency(engine, runs)
        drained = drain(engine, url, 20 if args.quick else 100)
        sent = outbox(engine, 100 if args.quick else 1000)
    finally:
        engine.dispose()
        cleanup()
    backend = "postgresql" if args.pg else "sqlite"
    print_table(f"Jobs ({backend}; worker polls every {POLL_SECONDS} s)", [
        {"measure": "queued -> handler started", **latency},
        {"measure": "anchor: one bare write transaction", **anchor},
    ])
    print_table("Throughput", [
        {"measure": f"{drained['jobs']} jobs, two workers", "seconds": drained["seconds"],
         "rate": f"{drained['jobs_per_s']} jobs/s"},
        {"measure": f"outbox, {sent['messages']} messages", "seconds": sent["seconds"],
         "rate": f"{sent['messages_per_s']} msg/s"},
        {"measure": "anchor: smtplib alone, same messages", "seconds": "",
         "rate": f"{sent['anchor_smtplib_only_per_s']} msg/s"},
    ])
    payload = {"backend": backend, "quick": args.quick, "claim_latency": latency,
               "write_anchor": anchor, "drain": drained, "outbox": sent,
               "load_average": os.getloadavg()}
    write_json("jobs", payload)
    return payload


if __name__ == "__main__":
    main()
