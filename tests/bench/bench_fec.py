"""FEC benchmark (issue 20 "Benchmarks"): the FEC of a year of 1 000 000 validated
lines (500 000 entries of two lines) on SQLite — goal ≤ 30 s, flat memory.

1. **Stream**: ``ledger_fec.fec_rows`` (server-side cursor, ``yield_per``) into
   ``formats/fec.write_fec`` (temporary file, then rename): time, and how much the
   process's resident memory grew (flat memory: a few MB whatever the size).
2. **Check**: the file read back by the strict reader-checker (``read_fec``), which
   the tests use (it keeps the lines: not flat, not a goal).
3. **Anchor**, same run, same database: ``repo.ledger.entry`` of one entry (median of
   50); each figure is also printed as a ratio to it, so a loaded machine shows.

The rows are inserted directly, already validated (Core executemany): validation is
``bench_ledger.py``'s. Usage::

    python -m tests.bench.bench_fec                 # 1 000 000 lines
    python -m tests.bench.bench_fec --lines 100000

Prints a table and writes ``tests/bench/results/fec.json``. No timing is asserted."""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import insert
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from cofatui.clock import FixedClock
from cofatui.formats import fec
from cofatui.models.accounting import JournalEntry, JournalLine
from cofatui.repository.sql import SqlRepository, refresh_statistics
from cofatui.repository.sql.ledger_fec import fec_rows
from tests.bench import bench_ledger
from tests.bench.harness import measure, print_table, write_json
from tests.contract import dataset

_CHUNK = 20_000
_PAIRS = (("6166", "512"), ("416", "411"), ("4687", "7587"), ("512", "4687"))


def _insert(engine: Engine, books_id: int, year_id: int, entries: int) -> None:
    """``entries`` validated entries of two lines, numbered 1.. in date order."""
    start = date(2026, 1, 1)
    with engine.begin() as conn:
        for base in range(0, entries, _CHUNK):
            rows: list[dict[str, Any]] = []
            lines: list[dict[str, Any]] = []
            for n in range(base, min(entries, base + _CHUNK)):
                eid, day = n + 1, start + timedelta(days=n * 365 // entries)
                debit, credit = _PAIRS[n % len(_PAIRS)]
                amount = Decimal(100 + n % 9000) / 100
                rows.append(dict(
                    id=eid, books_id=books_id, year_id=year_id, journal="OD", entry_date=day,
                    status="validated", number=eid, valid_date=date(2027, 1, 15),
                    event_kind="notice_paid", event_key=f"bench:{eid}", revision=1,
                    source_kind="payment", source_id=eid, piece_ref=f"P{eid}",
                    piece_date=day, label=f"Prime {eid}", total=amount, validated_by=""))
                aux = f"C{n % 3000:05d}" if debit == "416" else ""
                usd = n % 10 == 0
                for no, (account, d, c) in enumerate(((debit, amount, 0), (credit, 0, amount)),
                                                      start=1):
                    lines.append(dict(
                        entry_id=eid, line_no=no, year_id=year_id, entry_date=day,
                        status="validated", account=account,
                        account_label=f"Compte {account}", aux_num=aux,
                        aux_label=f"Débiteur {aux}" if aux else "",
                        label=f"Indemnité Coface {eid}", debit=d, credit=c,
                        currency_amount=amount if usd else None,
                        currency="USD" if usd else ""))
            conn.execute(insert(JournalEntry), rows)
            conn.execute(insert(JournalLine), lines)


def prepare(folder: Path, lines: int) -> tuple[Engine, dict[str, int]]:
    """The journal benchmark's database (the contract dataset, books on contract A,
    years 2025 and 2026, no entry), then the validated entries in 2026."""
    engine, ids = bench_ledger.prepare(folder, 0, 0)
    _insert(engine, ids["books"], ids["2026"], lines // 2)
    refresh_statistics(engine)
    return engine, {"books": ids["books"], "year": ids["2026"]}


def _rss_mb() -> float:
    """The process's resident memory now (the peak, ``ru_maxrss``, is the set-up's)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * resource.getpagesize() / 2**20


def run(lines: int) -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        engine, ids = prepare(Path(tmp), lines)
        print(f"set-up {time.perf_counter() - started:.1f} s")
        repo = SqlRepository(engine, "alice", FixedClock(dataset.NOW))
        anchor = measure(lambda: repo.ledger.entry(1), repeat=50)["median_ms"]
        rows: list[dict[str, Any]] = []

        def row(what: str, ms: float, goal_ms: float | str, rss: str = "") -> None:
            rows.append({"operation": what, "ms": round(ms, 1), "goal_ms": goal_ms,
                         "x_anchor": round(ms / anchor, 1), "rss_growth_mb": rss})

        target = Path(tmp) / fec.file_name("732829320", date(2026, 12, 31))
        before = _rss_mb()
        t0 = time.perf_counter()
        with Session(engine) as s:
            summary = fec.write_fec(target, fec_rows(s, ids["year"]))
        row(f"FEC of {summary.lines} lines (stream to file)",
            (time.perf_counter() - t0) * 1000, 30_000, f"{_rss_mb() - before:.1f}")
        t0 = time.perf_counter()
        checked = fec.read_fec(target)
        row(f"read-check {len(checked)} lines ({target.stat().st_size // 2**20} MB)",
            (time.perf_counter() - t0) * 1000, "")
        rows.append({"operation": "anchor: entry()", "ms": anchor, "goal_ms": "",
                     "x_anchor": 1.0, "rss_growth_mb": ""})
        engine.dispose()
        return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    args = parser.parse_args()
    rows = run(args.lines)
    print_table("FEC export", rows)
    write_json("fec", {"lines": args.lines, "rows": rows})


if __name__ == "__main__":
    main()
