"""Custom exports benchmark (issue 15).

1. **One run**, 20 columns, aggregation ``company`` on both demo contracts of a demo of
   100 000 companies, by the ``export.run`` job (count, read in one snapshot, write,
   store the file in the database): CSV (goal ≤ 3 s), XLSX (goal ≤ 10 s) and both
   (written from one read of the rows, no goal: compare with CSV + XLSX). Each run
   is done in a child process of its own, so its **peak RSS** (goal ≤ 200 MB) is the
   run's, not the demo generator's. The **first progress** (goal ≤ 1 s) is the time from
   the job's start until the run's line shows its total, sampled every 20 ms.
   Anchors, in the same child: the same rows read into a list (``iter_export_rows``
   alone: the reading floor) and that list written by a bare ``csv.writer`` (the
   writing floor, no typing, no guard).
   Beside the wall time, the run's **CPU time** (``time.process_time``: the machine is
   shared, the wall time depends on its load), and the **download** of its files from
   the database, as ``cofatui export download --db`` saves them.
2. **Through the API** (``--api`` or ``--pg``/SQLite alike): the same scenarios run by a
   real ``cofatui serve`` (its worker), followed over HTTP as ``cofatui export run
   --api`` does, the files downloaded: goal ≤ 1.2 × the run + download on the database.
   The server's CPU time is read from ``/proc`` (its process), the client's here.
3. **The files list at 1 000 exports** (goal ≤ 200 ms to open): 1 000 runs of the demo
   user (two files each) inserted, then what the Exports screen does when it opens a
   tab (the count, then the first page of ``PAGE_SIZE`` rows), on the database and
   through the API. Anchor: ``whoami``, measured the same way.
4. **Scheduled start**: a scenario due 3 s ahead, with a worker polling as a server's
   does (``POLL_SECONDS``): the delay from its time to the job's start (goal ≤ 60 s).

Usage::

    python -m tests.bench.bench_exports                      # SQLite file, 100 000 companies
    python -m tests.bench.bench_exports --companies 5000     # smaller
    python -m tests.bench.bench_exports --pg URL             # PostgreSQL (a schema of its own)
    python -m tests.bench.bench_exports --api                # also through cofatui serve
    python -m tests.bench.bench_exports --db /tmp/xb/demo.sqlite   # demo built once, kept

With ``--db`` the demo is built in that SQLite file the first time and reused after
(its template, scenarios and the 1 000 listed exports too): building it takes minutes.

Prints a table and writes ``tests/bench/results/exports_<backend>.json``. No timing is
asserted.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Engine
from sqlmodel import col

from cofatui.clock import SystemClock
from cofatui.enums import ExportAggregation, ExportCategory, ExportFormatChoice, ExportRunStatus
from cofatui.models import ExportRun, ExportScenario, Job
from cofatui.repository.base import Repository
from cofatui.repository.sql import SqlRepository, make_engine, refresh_statistics
from cofatui.schemas_exports import ExportScenarioIn, ExportTemplateIn
from tests.bench.harness import measure, print_table, write_json

ROOT = Path(__file__).resolve().parents[2]
LOGIN = "demo"
COLUMNS = ["contract", "company_name", "address", "postal_code", "city", "country",
           "easy_number", "coface_reference", "legal_identifier", "dra", "dra_date",
           "client_reference", "outstanding_amount", "products", "product_code", "status",
           "decided_amount", "currency", "decided_at", "updated_at"]


def _scenario(engine: Engine, fmt: ExportFormatChoice, template_id: int, name: str) -> int:
    repo = SqlRepository(engine, LOGIN)
    for found in repo.exports.scenarios(ExportCategory.PORTFOLIO):
        if found.name == name:  # a kept database (--db): made by an earlier run
            return found.id
    contracts = [c.contract_id for c in repo.whoami().contracts]
    return repo.exports.create_scenario(ExportScenarioIn(
        category=ExportCategory.PORTFOLIO, name=name, template_id=template_id,
        contract_ids=contracts, aggregation=ExportAggregation.COMPANY, format=fmt)).id


# ----------------------------------------------------------------- one run (child process)


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM). Not ``ru_maxrss``: across the
    parent's vfork + exec it keeps the parent's peak (the demo generator's)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(url: str, scenario_id: int) -> dict[str, Any]:
    """Run the scenario once in this process; measure; print JSON."""
    from cofatui.jobs.worker import Worker
    from cofatui.repository.sql import export_rows

    engine = make_engine(url)
    repo = SqlRepository(engine, LOGIN)
    queued = repo.exports.run(scenario_id)
    baseline_mb = peak_rss_mb()
    first: list[float] = []
    stop = threading.Event()

    def watch(t0: float) -> None:
        while not stop.wait(0.02):
            with engine.connect() as conn:
                total = conn.execute(select(col(ExportRun.rows_total))
                                     .where(col(ExportRun.id) == queued.id)).scalar()
                conn.rollback()
            if total is not None:
                first.append(time.perf_counter() - t0)
                return

    t0, c0 = time.perf_counter(), time.process_time()
    watcher = threading.Thread(target=watch, args=(t0,), daemon=True)
    watcher.start()
    Worker(engine, schedules=[], scenarios=False).drain()
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    stop.set()
    watcher.join()
    peak_mb = peak_rss_mb()
    done = repo.exports.get_run(queued.id)
    with tempfile.TemporaryDirectory() as folder:
        t3, c3 = time.perf_counter(), time.process_time()
        for f in done.files:
            repo.exports.download(done.id, f.format).save(Path(folder) / f.name)
        download_s, download_cpu = time.perf_counter() - t3, time.process_time() - c3
    # Anchors: the same rows read into a list, then written by a bare csv.writer.
    with engine.connect() as conn:
        spec_json = conn.execute(select(col(ExportRun.spec))
                                 .where(col(ExportRun.id) == queued.id)).scalar_one()
        conn.rollback()
    spec = export_rows.ExportSpec.from_json(spec_json)
    t1, c1 = time.perf_counter(), time.process_time()
    with export_rows.export_snapshot(engine) as conn:
        rows = [[row[k] for k in spec.columns] for row in export_rows.iter_export_rows(conn, spec)]
    read_s, read_cpu = time.perf_counter() - t1, time.process_time() - c1
    with tempfile.TemporaryDirectory() as folder:
        t2, c2 = time.perf_counter(), time.process_time()
        with open(Path(folder) / "bare.csv", "w", encoding="utf-8-sig", newline="") as fh:
            csv.writer(fh, delimiter=";").writerows(rows)
        write_s, write_cpu = time.perf_counter() - t2, time.process_time() - c2
    engine.dispose()
    return {"status": done.status.value, "error": done.error, "rows": done.rows_done,
            "size": sum(f.size for f in done.files), "seconds": round(seconds, 2),
            "cpu_s": round(cpu, 2), "download_s": round(download_s, 2),
            "download_cpu_s": round(download_cpu, 2),
            "first_progress_s": round(first[0], 3) if first else None,
            "peak_rss_mb": round(peak_mb, 1), "rss_before_run_mb": round(baseline_mb, 1),
            "anchor_read_s": round(read_s, 2), "anchor_read_cpu_s": round(read_cpu, 2),
            "anchor_bare_csv_write_s": round(write_s, 2),
            "anchor_bare_csv_write_cpu_s": round(write_cpu, 2)}


def run_in_child(url: str, scenario_id: int) -> dict[str, Any]:
    out = subprocess.run([sys.executable, "-m", "tests.bench.bench_exports", "--child", url,
                          str(scenario_id)], cwd=ROOT, capture_output=True, text=True,
                         check=False, env={**os.environ, "PYTHONPATH": str(ROOT)})
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-3000:])
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


# ----------------------------------------------------------------- through the API


def _server_cpu(pid: int) -> float:
    """CPU seconds (user + system) of process ``pid`` so far, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def api_measures(engine: Engine, url: str, scenarios: dict[str, int]) -> dict[str, Any]:
    """The scenarios run through a real ``cofatui serve`` as ``cofatui export run
    --api`` runs them (progress polled, then the files downloaded), then the files
    list opened over HTTP."""
    from cofatui.repository.http.repository import open_http_repository
    from cofatui.repository.sql import identity
    from tests.server import ServerProcess

    token, _ = identity.create_token(engine, LOGIN, name="bench", expires_in_days=1,
                                     clock=SystemClock())
    home = Path(tempfile.mkdtemp(prefix="bench-exports-api-"))
    # A loaded machine may take more than the default 30 s to start the server.
    server = ServerProcess(url, home, log_level="warning").start(timeout=180)
    out: dict[str, Any] = {}
    try:
        assert server.proc is not None
        pid = server.proc.pid
        _wait_idle(engine)  # the jobs a server runs when it starts (purges, digest)
        repo = open_http_repository(server.url, token, timeout=120.0)
        try:
            for fmt, scenario_id in scenarios.items():
                t0, c0, s0 = time.perf_counter(), time.process_time(), _server_cpu(pid)
                run = repo.exports.run(scenario_id)
                while run.status == ExportRunStatus.RUNNING:
                    time.sleep(0.1)
                    run = repo.exports.get_run(run.id)
                ran = time.perf_counter() - t0
                with tempfile.TemporaryDirectory() as folder:
                    for f in run.files:
                        repo.exports.download(run.id, f.format).save(Path(folder) / f.name)
                out[fmt] = {"status": run.status.value, "rows": run.rows_done,
                            "run_s": round(ran, 2),
                            "seconds": round(time.perf_counter() - t0, 2),
                            "client_cpu_s": round(time.process_time() - c0, 2),
                            "server_cpu_s": round(_server_cpu(pid) - s0, 2)}
            out["files_list"] = files_list(repo, pid)
        finally:
            repo.close()
    finally:
        server.stop()
    return out


def _wait_idle(engine: Engine, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with engine.connect() as conn:
            busy = conn.execute(select(func.count()).select_from(Job).where(
                col(Job.status).in_(["queued", "running"]),
                col(Job.run_after) <= SystemClock().now())).scalar_one()
            conn.rollback()
        if not busy:
            return
        time.sleep(0.25)


# ----------------------------------------------------------------- the files list


def add_exports(engine: Engine, count: int = 1000) -> None:
    """``count`` available runs of the demo user, two files each (no content: the list
    reads the files' names and sizes only); none when a kept database has them."""
    from cofatui.models import ExportFile, User

    now = SystemClock().now()
    with engine.begin() as conn:
        owner = conn.execute(select(col(User.id)).where(col(User.login) == LOGIN)).scalar_one()
        listed = conn.execute(select(func.count()).select_from(ExportRun).where(
            col(ExportRun.owner_id) == owner, col(ExportRun.template_name) == "Bench 20",
            col(ExportRun.scenario_id).is_(None))).scalar_one()
        if listed >= count:
            return
        contract = SqlRepository(engine, LOGIN).whoami().contracts[0].contract_id
        first = conn.execute(select(func.coalesce(func.max(col(ExportRun.id)), 0))).scalar_one()
        conn.execute(insert(ExportRun), [
            {"owner_id": owner, "category": "portfolio", "name": f"Weekly {n}",
             "template_name": "Bench 20", "contract_ids": f"[{contract}]",
             "status": "available", "rows_done": 1000 + n, "rows_total": 1000 + n,
             "created_at": now, "finished_at": now, "expires_at": now + timedelta(days=30)}
            for n in range(count)])
        ids = conn.execute(select(col(ExportRun.id)).where(col(ExportRun.id) > first)).scalars()
        conn.execute(insert(ExportFile), [
            {"export_id": i, "format": fmt, "name": f"weekly-{i}.{fmt}", "size": 123_456}
            for i in ids for fmt in ("xlsx", "csv")])


def files_list(repo: Repository, server_pid: int | None = None) -> dict[str, Any]:
    """What the Exports screen reads when it opens a tab: the count, then its first
    page; anchor: ``whoami``. Also the CPU time of one opening, here and in the server
    (on a loaded machine the wall time is mostly waiting for a core)."""
    from cofatui.tui.kit.virtual_list import PAGE_SIZE

    def open_tab() -> None:
        total = repo.exports.runs(ExportCategory.PORTFOLIO, 0, 1).total
        page = repo.exports.runs(ExportCategory.PORTFOLIO, 0, PAGE_SIZE).items
        assert total >= 1000 and len(page) == min(PAGE_SIZE, total)

    opened = measure(open_tab, repeat=20, warmup=2)
    c0 = time.process_time()
    s0 = _server_cpu(server_pid) if server_pid else 0.0
    for _ in range(20):
        open_tab()
    cpu_ms = {"client_cpu_ms": round((time.process_time() - c0) / 20 * 1000, 1),
              "server_cpu_ms": round((_server_cpu(server_pid) - s0) / 20 * 1000, 1)
              if server_pid else None}
    return {"open_tab": opened, **cpu_ms,
            "anchor_whoami": measure(repo.whoami, repeat=20, warmup=2),
            "page_size": PAGE_SIZE}


# ----------------------------------------------------------------- scheduled start


def scheduled_start(engine: Engine, scenario_id: int) -> dict[str, Any]:
    """A scenario due in 3 s, a worker thread polling as a server's: delay from the
    scenario's time to its job's start. The job is cancelled once started."""
    from cofatui.jobs.worker import POLL_SECONDS, Worker, WorkerThread

    clock = SystemClock()
    due = clock.now() + timedelta(seconds=3)
    with engine.begin() as conn:
        conn.execute(update(ExportScenario).where(col(ExportScenario.id) == scenario_id)
                     .values(frequency="daily", starts_at=due, next_run_at=due))
    thread = WorkerThread(Worker(engine, clock=clock, schedules=[])).start()
    started = None
    try:
        deadline = time.monotonic() + 120
        while started is None and time.monotonic() < deadline:
            time.sleep(0.05)
            with engine.connect() as conn:
                started = conn.execute(
                    select(col(Job.started_at))
                    .join(ExportRun, col(ExportRun.job_id) == col(Job.id))
                    .where(col(ExportRun.scenario_id) == scenario_id,
                           col(ExportRun.scheduled_for) == due)).scalar()
                conn.rollback()
        if started is not None:
            with engine.begin() as conn:
                conn.execute(update(Job).where(col(Job.kind) == "export.run")
                             .values(cancel_requested=True))
    finally:
        thread.stop(timeout=120)
    return {"poll_s": POLL_SECONDS,
            "delay_s": None if started is None else round((started - due).total_seconds(), 2)}


# ----------------------------------------------------------------- main


def _kept_database(path: str) -> tuple[Engine, str, Any]:
    """A SQLite file kept between runs (``--db``), brought up to the newest schema."""
    from cofatui import migrations

    url = f"sqlite:///{Path(path).resolve()}"
    engine = make_engine(url)
    migrations.upgrade(engine)
    return engine, url, lambda: None


def _kept_demo(engine: Engine) -> tuple[bool, Any]:
    """(is the demo there, the bench's template) in a kept database (``--db``): a new
    file has neither (the demo is built first); a demo built by ``cofatui demo`` or
    ``bench_demo --keep`` has no template yet."""
    from cofatui.errors import Unauthenticated

    try:
        repo = SqlRepository(engine, LOGIN)
    except Unauthenticated:
        return False, None
    return True, next((t for t in repo.exports.templates(ExportCategory.PORTFOLIO)
                       if t.name == "Bench 20"), None)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pg", metavar="URL", help="PostgreSQL base URL")
    parser.add_argument("--companies", type=int, default=100_000)
    parser.add_argument("--db", metavar="FILE",
                        help="a SQLite file kept between runs (the demo built once)")
    parser.add_argument("--api", action="store_true",
                        help="also run the scenarios through cofatui serve")
    parser.add_argument("--child", nargs=2, metavar=("URL", "SCENARIO"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        result = child(args.child[0], int(args.child[1]))
        print(json.dumps(result))
        return result
    from cofatui.demo.generator import generate_demo
    from tests.bench.bench_jobs import _database

    backend = "postgresql" if args.pg else "sqlite"
    engine, url, cleanup = _kept_database(args.db) if args.db else _database(args.pg)
    try:
        t0 = time.perf_counter()
        demo_there, template = _kept_demo(engine) if args.db else (False, None)
        if not demo_there:
            generate_demo(engine, companies=args.companies, worker=False)
            refresh_statistics(engine)
        demo_s = round(time.perf_counter() - t0, 1)
        repo = SqlRepository(engine, LOGIN)
        if template is None:
            template = repo.exports.create_template(ExportTemplateIn(
                category=ExportCategory.PORTFOLIO, name="Bench 20", columns=COLUMNS))
        results, scenarios = {}, {}
        for fmt in (ExportFormatChoice.CSV, ExportFormatChoice.XLSX, ExportFormatChoice.BOTH):
            sid = _scenario(engine, fmt, template.id, f"bench {fmt.value}")
            scenarios[fmt.value] = sid
            results[fmt.value] = run_in_child(url, sid)
        add_exports(engine)
        listed = files_list(SqlRepository(engine, LOGIN))
        api = api_measures(engine, url, {k: v for k, v in scenarios.items() if k != "both"}) \
            if args.api else {}
        sched = scheduled_start(engine, _scenario(engine, ExportFormatChoice.CSV, template.id,
                                                  "bench scheduled"))
    finally:
        engine.dispose()
        cleanup()
    goals = {"csv": "≤ 3 s", "xlsx": "≤ 10 s", "both": "(one read)"}
    rows = [{"measure": f"export.run {fmt}", "seconds": r["seconds"], "cpu s": r["cpu_s"],
             "goal": goals[fmt], "rows": r["rows"], "MB": round(r["size"] / 1e6, 1),
             "first progress s": r["first_progress_s"],
             "peak RSS MB": f"{r['peak_rss_mb']} (before: {r['rss_before_run_mb']})",
             "status": r["status"]} for fmt, r in results.items()]
    rows += [{"measure": f"  + download {fmt} from the database", "seconds": r["download_s"],
              "cpu s": r["download_cpu_s"], "goal": ""} for fmt, r in results.items()]
    csv_run = results["csv"]
    rows.append({"measure": "anchor: rows read into a list", "seconds": csv_run["anchor_read_s"],
                 "cpu s": csv_run["anchor_read_cpu_s"], "goal": "", "rows": csv_run["rows"]})
    rows.append({"measure": "anchor: bare csv.writer of that list",
                 "seconds": csv_run["anchor_bare_csv_write_s"],
                 "cpu s": csv_run["anchor_bare_csv_write_cpu_s"], "goal": "",
                 "rows": csv_run["rows"]})
    for name, r in ((k, v) for k, v in api.items() if k != "files_list"):
        direct = results[name]["seconds"] + results[name]["download_s"]
        rows.append({"measure": f"--api run + download {name}", "seconds": r["seconds"],
                     "cpu s": f"server {r['server_cpu_s']} + client {r['client_cpu_s']}",
                     "goal": f"≤ 1.2 × {direct:.2f} (× {r['seconds'] / direct:.2f})",
                     "rows": r["rows"], "status": r["status"]})
    for where, found in (("database", listed), ("--api", api.get("files_list"))):
        if found:
            rows.append({"measure": f"files list, 1 000 exports, {where}: count + first "
                                    f"{found['page_size']}",
                         "seconds": round(found["open_tab"]["median_ms"] / 1000, 3),
                         "cpu s": round(((found["client_cpu_ms"] or 0)
                                         + (found["server_cpu_ms"] or 0)) / 1000, 3),
                         "goal": "≤ 0.2 s",
                         "note": f"anchor whoami {found['anchor_whoami']['median_ms']} ms"})
    rows.append({"measure": "scheduled run: start after its time", "seconds": sched["delay_s"],
                 "goal": "≤ 60 s", "rows": "", "note": f"poll {sched['poll_s']} s"})
    print_table(f"Custom exports, 20 columns, {args.companies} companies ({backend}; demo "
                f"built in {demo_s} s; load {os.getloadavg()[0]:.1f})", rows)
    payload = {"backend": backend, "companies": args.companies, "demo_seconds": demo_s,
               "runs": results, "files_list": listed, "api": api, "scheduled": sched,
               "load_average": os.getloadavg()}
    write_json(f"exports_{backend}", payload)
    return payload


if __name__ == "__main__":
    main()
