"""Bulk orders benchmark (issue 14).

1. **Parse and check** 10 000 order lines (:func:`cofatui.formats.bulk_orders.read_orders`:
   decoding, field checks, duplicates); goal ≤ 200 ms. Anchor in the same run: the
   same bytes decoded and split into fields only (the floor of any reader).
2. **Run** 10 000 lines (60 % C on CCO/RSC, 20 % S, 20 % D) on a demo of 20 000
   companies, by the ``bulk.run`` job in a worker on this process; goal ≤ 60 s on
   SQLite, ≤ 90 s on PostgreSQL. Each line runs in its own transaction through the
   product commands, so the anchor is one bare write transaction on the same database
   (times 10 000: the floor of the run), measured in the same run; the job's progress
   is sampled to give the longest gap between two progress updates, and the wait
   for the first one.
3. With ``--api``, the same run through the HTTP API (``cofatui bulk import --api``):
   a real ``cofatui serve`` on a free port against the same database runs the job in
   its worker; the file is sent and the progress read over HTTP (goal ≤ 90 s). A
   second anchor: one authenticated ``GET /me`` round trip.

Next to the wall time, the CPU seconds of the run: this process (where the job runs,
or the client with ``--api``), the server (``--api``) and PostgreSQL's backends
(``--pg``): on a machine shared with other work, they tell what the run itself cost.

Usage::

    python -m tests.bench.bench_bulk_orders                  # SQLite file
    python -m tests.bench.bench_bulk_orders --pg URL         # PostgreSQL (a schema of its own)
    python -m tests.bench.bench_bulk_orders --api            # through cofatui serve
    python -m tests.bench.bench_bulk_orders --companies 2000 --lines 1000   # smaller

Prints tables and writes ``tests/bench/results/bulk_orders_<backend>.json``. No
timing is asserted.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import event, select
from sqlalchemy.engine import Engine
from sqlmodel import col

from cofatui.clock import SystemClock
from cofatui.demo.generator import generate_demo
from cofatui.formats import bulk_orders
from cofatui.jobs.worker import Worker
from cofatui.models import Company, Contract, Product
from cofatui.repository.base import Repository
from cofatui.repository.http.repository import open_http_repository
from cofatui.repository.sql import SqlRepository, identity, refresh_statistics
from cofatui.schemas_bulk import BulkImportPublic
from tests.bench.bench_jobs import _database, write_anchor
from tests.bench.harness import measure, print_table, write_json
from tests.server import ServerProcess

CONTRACT = "1234567"
SAMPLE_SECONDS = 0.25  # how often the progress is read (see Watch)
LOGIN = "demo"


def parse_file(lines: int) -> bytes:
    """A file of ``lines`` well-formed orders on distinct companies (no duplicates)."""
    rows = []
    for n in range(lines):
        easy = f"{10_000_000 + n:014d}"
        kind = n % 5
        if kind < 3:
            rows.append(f"FRA;{easy};;;REF{n};{'CCO' if kind else 'RSC'};C;"
                        f"{'25000' if kind else ''};;")
        elif kind == 3:
            rows.append(f"FRA;{easy};;;;ROM;S;;;")
        else:
            rows.append(f"DEU;{easy};;;;CRL;D;;;")
    return ("\n".join(rows) + "\n").encode()


def bare_split(content: bytes) -> None:
    for line in content.decode("utf-8").splitlines():
        [field.strip() for field in line.split(";")]


def parse_and_check(lines: int, runs: int) -> dict[str, Any]:
    content = parse_file(lines)
    read = bulk_orders.read_orders(content, "EUR")
    return {"lines": read.total, "rejected": len(read.rejected),
            "read_orders": measure(lambda: bulk_orders.read_orders(content, "EUR"), runs, 1),
            "anchor_split_only": measure(lambda: bare_split(content), runs, 1)}


def run_file(engine: Engine, lines: int) -> tuple[bytes, dict[str, int]]:
    """``lines`` orders on the demo contract: 60 % C (CCO or RSC) on companies without
    that product, 20 % S on monitored ROM/RSM, 20 % D on live products — one line per
    (company, product) pair, so none is a duplicate."""
    with engine.connect() as conn:
        contract_id = conn.execute(select(col(Contract.id)).where(
            col(Contract.policy_number) == CONTRACT)).scalar_one()
        live = conn.execute(select(col(Product.company_id), col(Product.code)).where(
            col(Product.contract_id) == contract_id,
            col(Product.status).in_(("granted", "pending")))).all()
        companies: dict[int, tuple[str, str]] = {
            cid or 0: (country, easy or "") for cid, country, easy in conn.execute(
            select(col(Company.id), col(Company.country), col(Company.easy_number)))}
    held: dict[int, set[str]] = {}
    for cid, code in live:
        held.setdefault(cid, set()).add(code)
    want = {"C": lines * 6 // 10, "S": lines * 2 // 10}
    want["D"] = lines - want["C"] - want["S"]
    rows: list[str] = []
    made = {"C": 0, "S": 0, "D": 0}
    used: set[tuple[int, str]] = set()

    def add(cid: int, product: str, action: str, amount: str = "") -> None:
        country, easy = companies[cid]
        rows.append(f"{country};{easy};;;;{product};{action};{amount};;")
        used.add((cid, product))
        made[action] += 1

    for cid, codes in held.items():
        for code in sorted(codes):
            if code in ("ROM", "RSM") and made["S"] < want["S"]:
                add(cid, code, "S")
            elif code in ("CRL", "CCO", "RLI", "RCO", "RSC") and made["D"] < want["D"]:
                add(cid, code, "D")
    for cid in list(companies):
        if made["C"] >= want["C"]:
            break
        product = "CCO" if cid % 2 else "RSC"
        if product in held.get(cid, set()) or (cid, product) in used:
            continue
        add(cid, product, "C", "20000" if product == "CCO" else "")
    return ("\n".join(rows) + "\n").encode(), made


class Watch:
    """The progress a user would see (the import's lines with a result), read every
    250 ms in a thread of its own: the wait for the first one and the longest gap
    between two updates. The screens read it every second; four times as often still
    shows a gap over a second (a gap is overstated by 250 ms at most), without taking
    from the job, which runs in this process, the time of ten reads a second."""

    def __init__(self, read: Callable[[], BulkImportPublic]) -> None:
        self.read = read
        self.first: float | None = None
        self.gaps: list[float] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.t0 = time.perf_counter()

    def start(self, t0: float | None = None) -> Watch:
        """Watch from now (or from ``t0``, when the run was asked for)."""
        self.t0 = time.perf_counter() if t0 is None else t0
        self.thread.start()
        return self

    def _loop(self) -> None:
        last, since = 0, self.t0
        while not self.stop.wait(SAMPLE_SECONDS):
            done = self.read().done_lines
            if done != last:
                now = time.perf_counter()
                if self.first is None:
                    self.first = now - self.t0
                else:
                    self.gaps.append(now - since)
                last, since = done, now

    def finish(self) -> dict[str, float]:
        self.stop.set()
        self.thread.join()
        return {"first_progress_s": round(self.first or 0.0, 2),
                "longest_progress_gap_s": round(max(self.gaps, default=0.0), 2)}


def _contract_id(repo: Repository) -> int:
    return next(c.contract_id for c in repo.whoami().contracts
                if c.policy_number == CONTRACT)


def _ran(done: BulkImportPublic, elapsed: float, watched: dict[str, float],
         cpu: dict[str, float]) -> dict[str, Any]:
    return {"lines": done.total_lines, "ok": done.ok_lines, "errors": done.error_lines,
            "status": done.status.value, "seconds": round(elapsed, 2),
            "lines_per_s": round(done.total_lines / elapsed, 1), **watched,
            **{key: round(value, 2) for key, value in cpu.items()}}


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system) a process of this machine used so far; 0 when it
    cannot be read (not Linux, or gone)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class BackendCpu:
    """The CPU used by the PostgreSQL server processes serving an engine's
    connections (the server runs on this machine in the benchmarks)."""

    def __init__(self, engine: Engine) -> None:
        self.pids: set[int] = set()
        self.start: dict[int, float] = {}
        if engine.dialect.name == "postgresql":
            event.listen(engine, "connect", self._connected)
            engine.dispose()  # connections opened from now on are seen

    def _connected(self, dbapi: Any, _record: Any) -> None:
        cursor = dbapi.cursor()
        cursor.execute("SELECT pg_backend_pid()")
        pid = int(cursor.fetchone()[0])
        cursor.close()
        self.pids.add(pid)
        self.start[pid] = process_cpu(pid)

    def used(self) -> float:
        return sum(process_cpu(pid) - self.start[pid] for pid in self.pids)


def run_import(engine: Engine, content: bytes) -> dict[str, Any]:
    """The ``bulk.run`` job run by a worker on this process."""
    backend = BackendCpu(engine)
    repo = SqlRepository(engine, LOGIN)
    started = repo.bulk.start(_contract_id(repo), "bench.csv", content, again=True)
    import_id = started.bulk_import.id
    cpu0 = time.process_time()
    watch = Watch(lambda: repo.bulk.get(import_id)).start()
    Worker(engine, schedules=[]).drain()
    elapsed = time.perf_counter() - watch.t0
    cpu = {"cpu_s": time.process_time() - cpu0}
    if backend.pids:
        cpu["database_cpu_s"] = backend.used()
    watched = watch.finish()
    return _ran(repo.bulk.get(import_id), elapsed, watched, cpu)


def run_import_api(engine: Engine, url: str, content: bytes) -> dict[str, Any]:
    """The same run through a real ``cofatui serve`` (its worker runs the job): the
    file posted and the progress read over HTTP, as ``cofatui bulk import --api``."""
    token, _ = identity.create_token(engine, LOGIN, name="bench", expires_in_days=1,
                                     clock=SystemClock())
    home = Path(tempfile.mkdtemp(prefix="bench-bulk-api-"))
    # A loaded machine may take more than the default 30 s to start the server.
    server = ServerProcess(url, home, log_level="warning").start(timeout=180)
    try:
        headers = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=server.url, headers=headers) as client:
            anchor = measure(lambda: client.get("/me").raise_for_status(), 50, 5)
        repo = open_http_repository(server.url, token, timeout=60.0)
        assert server.proc is not None
        try:
            server0, cpu0 = process_cpu(server.proc.pid), time.process_time()
            t0 = time.perf_counter()
            started = repo.bulk.start(_contract_id(repo), "bench.csv", content,
                                      again=True)
            import_id = started.bulk_import.id
            watch = Watch(lambda: repo.bulk.get(import_id)).start(t0)
            while not repo.bulk.get(import_id).finished:
                time.sleep(0.25)
            elapsed = time.perf_counter() - t0
            cpu = {"cpu_s": time.process_time() - cpu0,
                   "server_cpu_s": process_cpu(server.proc.pid) - server0}
            watched = watch.finish()
            return {**_ran(repo.bulk.get(import_id), elapsed, watched, cpu),
                    "anchor_get_me": anchor}
        finally:
            repo.close()
    finally:
        server.stop()


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pg", metavar="URL", help="PostgreSQL base URL")
    parser.add_argument("--api", action="store_true",
                        help="run the import through a real cofatui serve (HTTP API)")
    parser.add_argument("--companies", type=int, default=20_000)
    parser.add_argument("--lines", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=10, help="runs of the parse measure")
    parser.add_argument("--skip-run", action="store_true", help="parse and check only")
    args = parser.parse_args(argv)
    backend = "postgresql" if args.pg else "sqlite"
    label = f"{backend}, through the API" if args.api else backend
    parsed = parse_and_check(args.lines, args.runs)
    print_table(f"Parse and check {parsed['lines']} lines (goal ≤ 200 ms)", [
        {"measure": "read_orders", **parsed["read_orders"]},
        {"measure": "anchor: decode + split only", **parsed["anchor_split_only"]}])
    payload: dict[str, Any] = {"backend": backend, "api": args.api, "parse": parsed}
    if not args.skip_run:
        engine, url, cleanup = _database(args.pg)
        try:
            t0 = time.perf_counter()
            generate_demo(engine, companies=args.companies, worker=False)
            refresh_statistics(engine)
            demo_seconds = round(time.perf_counter() - t0, 1)
            content, mix = run_file(engine, args.lines)
            anchor = write_anchor(engine, 200)
            ran = run_import_api(engine, url, content) if args.api \
                else run_import(engine, content)
        finally:
            engine.dispose()
            cleanup()
        goal = 60 if backend == "sqlite" and not args.api else 90
        floor = anchor["median_ms"] * ran["lines"] / 1000
        cpu = ", ".join(f"{name} {ran[key]} s" for key, name in (
            ("cpu_s", "this process"), ("server_cpu_s", "the server"),
            ("database_cpu_s", "PostgreSQL")) if key in ran)
        rows = [
            {"measure": "bulk.run job", "seconds": ran["seconds"],
             "rate": f"{ran['lines_per_s']} lines/s",
             "note": f"{ran['ok']} OK, {ran['errors']} in error; C/S/D {mix['C']}/"
                     f"{mix['S']}/{mix['D']}; first progress after "
                     f"{ran['first_progress_s']} s, longest gap "
                     f"{ran['longest_progress_gap_s']} s; CPU: {cpu}"},
            {"measure": "anchor: one bare write transaction", "seconds": round(floor, 2),
             "rate": f"{anchor['median_ms']} ms median",
             "note": f"x lines = the floor; run / floor = {ran['seconds'] / floor:.0f}"
                     if floor else "x lines = the floor"}]
        if "anchor_get_me" in ran:
            me = ran["anchor_get_me"]["median_ms"]
            rows.append({"measure": "anchor: GET /me round trip",
                         "seconds": round(me * ran["lines"] / 1000, 2),
                         "rate": f"{me} ms median", "note": "x lines"})
        print_table(f"Run {ran['lines']} lines on {args.companies} companies ({label}; "
                    f"goal ≤ {goal} s; demo built in {demo_seconds} s)", rows)
        payload.update(run=ran, mix=mix, write_anchor=anchor, demo_seconds=demo_seconds,
                       companies=args.companies)
    payload["load_average"] = os.getloadavg()
    print(f"load average (1, 5, 15 min): {payload['load_average']}")
    write_json(f"bulk_orders_{backend}{'_api' if args.api else ''}", payload)
    return payload


if __name__ == "__main__":
    main()
