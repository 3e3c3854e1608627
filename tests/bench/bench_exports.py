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
2. **Scheduled start**: a scenario due 3 s ahead, with a worker polling as a server's
   does (``POLL_SECONDS``): the delay from its time to the job's start (goal ≤ 60 s).

Usage::

    python -m tests.bench.bench_exports                      # SQLite file, 100 000 companies
    python -m tests.bench.bench_exports --companies 5000     # smaller
    python -m tests.bench.bench_exports --pg URL             # PostgreSQL (a schema of its own)

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

from sqlalchemy import select, update
from sqlalchemy.engine import Engine
from sqlmodel import col

from cofatui.clock import SystemClock
from cofatui.enums import ExportAggregation, ExportCategory, ExportFormatChoice
from cofatui.models import ExportRun, ExportScenario, Job
from cofatui.repository.sql import SqlRepository, make_engine, refresh_statistics
from cofatui.schemas_exports import ExportScenarioIn, ExportTemplateIn
from tests.bench.harness import print_table, write_json

ROOT = Path(__file__).resolve().parents[2]
LOGIN = "demo"
COLUMNS = ["contract", "company_name", "address", "postal_code", "city", "country",
           "easy_number", "coface_reference", "legal_identifier", "dra", "dra_date",
           "client_reference", "outstanding_amount", "products", "product_code", "status",
           "decided_amount", "currency", "decided_at", "updated_at"]


def _scenario(engine: Engine, fmt: ExportFormatChoice, template_id: int, name: str) -> int:
    repo = SqlRepository(engine, LOGIN)
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

    t0 = time.perf_counter()
    watcher = threading.Thread(target=watch, args=(t0,), daemon=True)
    watcher.start()
    Worker(engine, schedules=[], scenarios=False).drain()
    seconds = time.perf_counter() - t0
    stop.set()
    watcher.join()
    peak_mb = peak_rss_mb()
    done = repo.exports.get_run(queued.id)
    # Anchors: the same rows read into a list, then written by a bare csv.writer.
    with engine.connect() as conn:
        spec_json = conn.execute(select(col(ExportRun.spec))
                                 .where(col(ExportRun.id) == queued.id)).scalar_one()
        conn.rollback()
    spec = export_rows.ExportSpec.from_json(spec_json)
    t1 = time.perf_counter()
    with export_rows.export_snapshot(engine) as conn:
        rows = [[row[k] for k in spec.columns] for row in export_rows.iter_export_rows(conn, spec)]
    read_s = time.perf_counter() - t1
    with tempfile.TemporaryDirectory() as folder:
        t2 = time.perf_counter()
        with open(Path(folder) / "bare.csv", "w", encoding="utf-8-sig", newline="") as fh:
            csv.writer(fh, delimiter=";").writerows(rows)
        write_s = time.perf_counter() - t2
    engine.dispose()
    return {"status": done.status.value, "error": done.error, "rows": done.rows_done,
            "size": sum(f.size for f in done.files), "seconds": round(seconds, 2),
            "first_progress_s": round(first[0], 3) if first else None,
            "peak_rss_mb": round(peak_mb, 1), "rss_before_run_mb": round(baseline_mb, 1),
            "anchor_read_s": round(read_s, 2),
            "anchor_bare_csv_write_s": round(write_s, 2)}


def run_in_child(url: str, scenario_id: int) -> dict[str, Any]:
    out = subprocess.run([sys.executable, "-m", "tests.bench.bench_exports", "--child", url,
                          str(scenario_id)], cwd=ROOT, capture_output=True, text=True,
                         check=False, env={**os.environ, "PYTHONPATH": str(ROOT)})
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-3000:])
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


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


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pg", metavar="URL", help="PostgreSQL base URL")
    parser.add_argument("--companies", type=int, default=100_000)
    parser.add_argument("--child", nargs=2, metavar=("URL", "SCENARIO"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        result = child(args.child[0], int(args.child[1]))
        print(json.dumps(result))
        return result
    from cofatui.demo.generator import generate_demo
    from tests.bench.bench_jobs import _database

    backend = "postgresql" if args.pg else "sqlite"
    engine, url, cleanup = _database(args.pg)
    try:
        t0 = time.perf_counter()
        generate_demo(engine, companies=args.companies, worker=False)
        refresh_statistics(engine)
        demo_s = round(time.perf_counter() - t0, 1)
        repo = SqlRepository(engine, LOGIN)
        template = repo.exports.create_template(ExportTemplateIn(
            category=ExportCategory.PORTFOLIO, name="Bench 20", columns=COLUMNS))
        results = {}
        for fmt in (ExportFormatChoice.CSV, ExportFormatChoice.XLSX, ExportFormatChoice.BOTH):
            sid = _scenario(engine, fmt, template.id, f"bench {fmt.value}")
            results[fmt.value] = run_in_child(url, sid)
        sched = scheduled_start(engine, _scenario(engine, ExportFormatChoice.CSV, template.id,
                                                  "bench scheduled"))
    finally:
        engine.dispose()
        cleanup()
    goals = {"csv": "≤ 3 s", "xlsx": "≤ 10 s", "both": "(one read)"}
    rows = [{"measure": f"export.run {fmt}", "seconds": r["seconds"], "goal": goals[fmt],
             "rows": r["rows"], "MB": round(r["size"] / 1e6, 1),
             "first progress s": r["first_progress_s"],
             "peak RSS MB": f"{r['peak_rss_mb']} (before: {r['rss_before_run_mb']})",
             "status": r["status"]} for fmt, r in results.items()]
    rows.append({"measure": "anchor: rows read into a list", "seconds":
                 results["csv"]["anchor_read_s"], "goal": "", "rows": results["csv"]["rows"]})
    rows.append({"measure": "anchor: bare csv.writer of that list", "seconds":
                 results["csv"]["anchor_bare_csv_write_s"], "goal": "",
                 "rows": results["csv"]["rows"]})
    rows.append({"measure": "scheduled run: start after its time", "seconds": sched["delay_s"],
                 "goal": "≤ 60 s", "rows": "", "note": f"poll {sched['poll_s']} s"})
    print_table(f"Custom exports, 20 columns, {args.companies} companies ({backend}; demo "
                f"built in {demo_s} s; load {os.getloadavg()[0]:.1f})", rows)
    payload = {"backend": backend, "companies": args.companies, "demo_seconds": demo_s,
               "runs": results, "scheduled": sched, "load_average": os.getloadavg()}
    write_json(f"exports_{backend}", payload)
    return payload


if __name__ == "__main__":
    main()
