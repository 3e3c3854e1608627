"""Demo generation benchmark (goal: 100 000 companies in ≤ 45 s on SQLite, 2 cores).

Usage::

    python -m tests.bench.bench_demo --companies 100000        # fresh temporary SQLite file
    python -m tests.bench.bench_demo --quick                   # 2 000 companies, for CI
    python -m tests.bench.bench_demo --db postgresql://postgres@127.0.0.1/test \
        --schema bench_demo --companies 100000                 # fresh schema, dropped first

Prints the rows written per table and the time, and writes
``tests/bench/results/demo.json``. Timings are reported, never asserted.

Anchor (SQLite): the same rows of the portfolio's tables (``BULK_TABLES``), read back
from the demo just built, written by a bare ``executemany`` into tables with no index
and no trigger, in a fresh file with the loader's pragmas, in the same run: the ratio
says what the demo costs beyond writing its rows, whatever the machine's load. The file
size is reported with the bytes per notification.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sqlalchemy import text

from cofatui.clock import FixedClock
from cofatui.demo.generator import BULK_TABLES, generate_demo
from cofatui.demo.loader import SQLITE_PRAGMAS
from cofatui.migrations import upgrade
from cofatui.repository.sql.engine import make_engine, refresh_statistics
from tests.bench.harness import print_table, write_json

QUICK_COMPANIES = 2_000
GOAL_SECONDS = 45.0


def anchor(demo_file: Path, workdir: Path) -> dict[str, float]:
    """Wall and CPU seconds of a bare executemany of the demo's bulk rows (see above)."""
    source = sqlite3.connect(demo_file)
    target_file = workdir / "anchor.sqlite"
    target = sqlite3.connect(target_file, isolation_level=None)
    try:
        target.execute("PRAGMA journal_mode=WAL")
        for pragma, value in SQLITE_PRAGMAS.items():
            target.execute(f"PRAGMA {pragma}={value}")
        data = []
        for table in BULK_TABLES:
            ddl = source.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND "
                                 "name = ?", (table,)).fetchone()[0]
            target.execute(ddl)
            data.append((table, source.execute(f'SELECT * FROM "{table}"').fetchall()))
        wall, cpu = time.perf_counter(), time.process_time()
        target.execute("BEGIN")
        for table, rows in data:
            if rows:
                marks = ", ".join("?" * len(rows[0]))
                target.executemany(f'INSERT INTO "{table}" VALUES ({marks})', rows)
        target.execute("COMMIT")
        return {"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu,
                "rows": float(sum(len(rows) for _, rows in data))}
    finally:
        source.close()
        target.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target_file}{suffix}").unlink(missing_ok=True)


def _database(url: str | None, schema: str | None, workdir: Path) -> str:
    if not url:
        return f"sqlite:///{workdir / 'demo-bench.sqlite'}"
    if schema:
        admin = make_engine(url)
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        admin.dispose()
        sep = "&" if "?" in url else "?"
        return f"{url}{sep}options=-csearch_path%3D{schema}"
    return url


def _cpu(after: resource.struct_rusage, before: resource.struct_rusage) -> float:
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--companies", type=int, default=100_000)
    parser.add_argument("--quick", action="store_true",
                        help=f"{QUICK_COMPANIES} companies (CI keeps the script working)")
    parser.add_argument("--db", help="database URL (default: a new temporary SQLite file)")
    parser.add_argument("--schema", help="PostgreSQL schema to (re)create and fill")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--no-worker", action="store_true",
                        help="build the rows in this process even for large sizes")
    parser.add_argument("--keep", action="store_true", help="keep the SQLite file")
    args = parser.parse_args(argv)
    companies = QUICK_COMPANIES if args.quick else args.companies

    workdir = Path(tempfile.mkdtemp(prefix="cofatui-bench-demo-"))
    url = _database(args.db, args.schema, workdir)
    engine = make_engine(url)
    started = time.perf_counter()
    upgrade(engine)
    migrated = time.perf_counter() - started
    stages: dict[str, float] = {}
    stages_cpu: dict[str, float] = {}

    def progress(stage: str, done: int, total: int) -> None:
        stages[stage] = time.perf_counter() - started
        stages_cpu[stage] = time.process_time()  # this process only (cumulative)
        if stage == "companies" and total and done % 20_000 == 0:
            print(f"  {done:>7,} / {total:,} companies  {stages[stage]:6.1f} s", flush=True)

    print(f"Generating {companies:,} companies on {engine.dialect.name}…", flush=True)
    cpu_self = resource.getrusage(resource.RUSAGE_SELF)
    cpu_children = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_started = time.process_time()
    summary = generate_demo(engine, companies=companies, seed=args.seed,
                            clock=FixedClock(datetime(2026, 11, 20, 9, 0, tzinfo=UTC)),
                            progress=progress, worker=False if args.no_worker else None)
    # What ``cofatui demo`` does next, and the user waits for too (cli._create_demo).
    analyzed = time.perf_counter()
    refresh_statistics(engine)
    statistics = time.perf_counter() - analyzed
    waited = summary.elapsed_seconds + statistics
    total = time.perf_counter() - started
    parent_cpu = _cpu(resource.getrusage(resource.RUSAGE_SELF), cpu_self)
    worker_cpu = _cpu(resource.getrusage(resource.RUSAGE_CHILDREN), cpu_children)
    engine.dispose()
    size = None
    bare: dict[str, float] | None = None
    if engine.dialect.name == "sqlite":
        db_file = workdir / "demo-bench.sqlite"
        size = db_file.stat().st_size if db_file.exists() else None
        bare = anchor(db_file, workdir)
        if not args.keep:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{db_file}{suffix}").unlink(missing_ok=True)
            workdir.rmdir()
        else:
            print(f"kept {db_file}")
    else:  # PostgreSQL: the temporary folder held nothing
        workdir.rmdir()

    rows = [{"table": name, "rows": f"{count:,}"} for name, count in summary.counts.items()]
    rows.append({"table": "total", "rows": f"{summary.total_rows:,}"})
    print_table(f"Demo generation: {companies:,} companies, seed {args.seed}", rows)
    if engine.dialect.name != "sqlite" or companies < 100_000:
        verdict = "not judged"
    else:
        verdict = "ok" if waited <= GOAL_SECONDS else "OVER GOAL"
    timing = [
        {"step": "migrations", "seconds": f"{migrated:.1f}"},
        {"step": "generate_demo", "seconds": f"{summary.elapsed_seconds:.1f}"},
        {"step": "statistics (ANALYZE)", "seconds": f"{statistics:.1f}"},
        {"step": "what the user waits for (generate + statistics)",
         "seconds": f"{waited:.1f}"},
        {"step": "total", "seconds": f"{total:.1f}"},
        {"step": "CPU, this process", "seconds": f"{parent_cpu:.1f}"},
        {"step": "CPU, worker process", "seconds": f"{worker_cpu:.1f}"},
        {"step": "rows per second",
         "seconds": f"{summary.total_rows / max(summary.elapsed_seconds, 1e-9):,.0f}"},
    ]
    notifications = summary.counts.get("notification", 0)
    if bare is not None:
        timing += [
            {"step": f"anchor: bare executemany of {bare['rows']:,.0f} rows (wall)",
             "seconds": f"{bare['wall']:.1f}"},
            {"step": "anchor: CPU", "seconds": f"{bare['cpu']:.1f}"},
            {"step": "ratio waited / anchor (wall)",
             "seconds": f"{waited / max(bare['wall'], 1e-9):.1f}x"},
            {"step": "ratio CPU (both processes) / anchor CPU",
             "seconds": f"{(parent_cpu + worker_cpu) / max(bare['cpu'], 1e-9):.1f}x"}]
    if size is not None:
        timing += [{"step": "file size (MB)", "seconds": f"{size / 1e6:,.1f}"},
                   {"step": "bytes per notification",
                    "seconds": f"{size / max(notifications, 1):,.0f}"}]
    timing.append({"step": "load average (1 min) at the end",
                   "seconds": f"{os.getloadavg()[0]:.1f}"})
    print_table(f"Timing ({engine.dialect.name}; goal ≤ {GOAL_SECONDS:.0f} s on SQLite at "
                f"100 000 companies: {verdict})", timing)
    path = write_json("demo", {
        "dialect": engine.dialect.name,
        "companies": companies,
        "seed": args.seed,
        "worker": not args.no_worker,
        "migrations_seconds": round(migrated, 2),
        "generate_seconds": round(summary.elapsed_seconds, 2),
        "statistics_seconds": round(statistics, 2),
        "waited_seconds": round(waited, 2),
        "total_seconds": round(total, 2),
        "stages_seconds": {k: round(v, 2) for k, v in stages.items()},
        "stages_cpu_seconds": {k: round(v - cpu_started, 2) for k, v in stages_cpu.items()},
        "parent_cpu_seconds": round(parent_cpu, 2),
        "worker_cpu_seconds": round(worker_cpu, 2),
        "counts": summary.counts,
        "total_rows": summary.total_rows,
        "database_bytes": size,
        "bytes_per_notification": round(size / notifications) if size and notifications
        else None,
        "anchor_bare_executemany": bare,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "sqlite": sqlite3.sqlite_version, "platform": platform.platform(),
                    "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None},
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
    })
    print(f"\nwrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
