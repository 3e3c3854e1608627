"""Chorus Pro demo benchmark: ``cofatui demo --chorus-invoices N`` (issue 18, benchmarks).

Usage::

    python -m tests.bench.bench_chorus_demo                  # 100 000 invoices, SQLite
    python -m tests.bench.bench_chorus_demo --quick          # 2 000 invoices, for CI
    python -m tests.bench.bench_chorus_demo --db postgresql://postgres@127.0.0.1/test \
        --schema bench_chorus_demo                           # fresh schema, dropped first

The same small portfolio is generated twice in this run: once without Chorus Pro
invoices (the anchor) and once with N of them. The Chorus stage's time is reported
with its rows per second and as a ratio to the anchor, so that figures from machines
of different speed compare. Prints a table and writes
``tests/bench/results/chorus_demo.json``; timings are reported, never asserted.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from cofatui.clock import FixedClock
from cofatui.demo.generator import generate_demo
from cofatui.migrations import upgrade
from cofatui.repository.sql.engine import make_engine
from tests.bench.bench_demo import _database
from tests.bench.harness import print_table, write_json

COMPANIES = 200
QUICK_INVOICES = 2_000
CHORUS_TABLES = ("chorus_invoice", "chorus_invoice_line", "chorus_invoice_event")


def _run(url: str, invoices: int, seed: int) -> dict[str, Any]:
    """One demo; the Chorus stage's time is what follows the stage before it."""
    engine = make_engine(url)
    upgrade(engine)
    marks: dict[str, float] = {}

    def progress(stage: str, _done: int, _total: int) -> None:
        marks[stage] = time.perf_counter()

    started = time.perf_counter()
    summary = generate_demo(engine, companies=COMPANIES, seed=seed, progress=progress,
                            clock=FixedClock(datetime(2026, 11, 20, 9, 0, tzinfo=UTC)),
                            chorus_invoices=invoices, worker=False)
    total = time.perf_counter() - started
    engine.dispose()
    chorus = marks["chorus"] - marks["finishing"]
    return {"seconds": total, "chorus_seconds": chorus, "counts": summary.counts,
            "chorus_rows": sum(summary.counts.get(t, 0) for t in CHORUS_TABLES)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=100_000)
    parser.add_argument("--quick", action="store_true",
                        help=f"{QUICK_INVOICES} invoices (CI keeps the script working)")
    parser.add_argument("--db", help="database URL (default: new temporary SQLite files)")
    parser.add_argument("--schema", help="PostgreSQL schema to (re)create for each run")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)
    invoices = QUICK_INVOICES if args.quick else args.invoices

    workdir = Path(tempfile.mkdtemp(prefix="cofatui-bench-chorus-demo-"))
    runs = {}
    for name, count in (("anchor", 0), ("chorus", invoices)):
        url = _database(args.db, args.schema, workdir)
        if url.startswith("sqlite:///"):
            url = f"sqlite:///{workdir / f'{name}.sqlite'}"
        print(f"Demo of {COMPANIES} companies with {count:,} Chorus Pro invoices…",
              flush=True)
        runs[name] = _run(url, count, args.seed)
    for path in workdir.glob("*"):
        path.unlink()
    workdir.rmdir()

    anchor, chorus = runs["anchor"], runs["chorus"]
    stage = chorus["chorus_seconds"] - anchor["chorus_seconds"]
    rows = [
        {"measure": "anchor: demo without invoices (s)", "value": f"{anchor['seconds']:.1f}"},
        {"measure": "demo with the invoices (s)", "value": f"{chorus['seconds']:.1f}"},
        {"measure": "Chorus stage (s)", "value": f"{chorus['chorus_seconds']:.1f}"},
        {"measure": "Chorus rows written", "value": f"{chorus['chorus_rows']:,}"},
        {"measure": "Chorus rows per second",
         "value": f"{chorus['chorus_rows'] / max(stage, 1e-9):,.0f}"},
        {"measure": "Chorus stage / anchor", "value": f"{stage / anchor['seconds']:.2f}"},
    ]
    print_table(f"cofatui demo --chorus-invoices {invoices:,} ({platform.python_version()}, "
                f"{os.cpu_count()} CPUs)", rows)
    path = write_json("chorus_demo", {
        "invoices": invoices, "companies": COMPANIES, "seed": args.seed,
        "anchor_seconds": round(anchor["seconds"], 2),
        "total_seconds": round(chorus["seconds"], 2),
        "chorus_stage_seconds": round(stage, 2),
        "ratio_to_anchor": round(stage / anchor["seconds"], 2),
        "counts": {t: chorus["counts"].get(t, 0) for t in CHORUS_TABLES},
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()}})
    print(f"\nwritten {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
