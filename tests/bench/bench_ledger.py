"""Journal benchmark (issue 20 "Benchmarks"), on SQLite:

1. **Validate 100 000 entries** (``repo.ledger.validate`` up to the year's end: lock,
   number, entries and their 200 000 lines) — goal ≤ 10 s; one run (a validated year
   stays validated).
2. **Journal page at 1 000 000 lines** (500 000 entries): the first window, one from
   the middle (a cursor), and one filtered on account prefix 4687 (EXISTS on the
   lines), 200 lines each, median of 20 — goal ≤ 50 ms.
3. **A year's balance at 1 000 000 lines** (``repo.ledger.balance``, 411/416 per
   auxiliary), median of 5 — goal ≤ 1 s.
4. **Anchor**, same run, same database: ``repo.ledger.entry`` of one entry (median of
   50); each figure is also printed as a ratio to it, so a loaded machine shows.

The rows are inserted directly (Core executemany): the posting engine is not what is
measured here (``bench_ledger_generate.py`` is). Usage::

    python -m tests.bench.bench_ledger                  # 100 000 / 1 000 000
    python -m tests.bench.bench_ledger --validate 20000 --lines 200000

Prints a table (with the load average) and writes ``tests/bench/results/ledger.json``.
No timing is asserted."""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import insert
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from cofatui import migrations
from cofatui.clock import FixedClock
from cofatui.models.accounting import Books, BooksContract, FinancialYear, JournalEntry, JournalLine
from cofatui.repository.sql import SqlRepository, make_engine, refresh_statistics
from cofatui.schemas_accounting import BalanceFilter, JournalFilter
from tests.bench.harness import measure, print_table, write_json
from tests.contract import dataset

_CHUNK = 20_000
#: (debit, credit, auxiliary?) of the entries, in turn: premiums, claims, indemnities.
_KINDS = (("6166", "512", False), ("416", "411", True), ("4687", "7587", False),
          ("512", "4687", False))


def _insert_year(engine: Engine, books_id: int, year_id: int, year: int, entries: int,
                 first_id: int) -> None:
    """``entries`` proposed entries of two lines spread over the year."""
    start = date(year, 1, 1)
    with engine.begin() as conn:
        for base in range(0, entries, _CHUNK):
            rows: list[dict[str, Any]] = []
            lines: list[dict[str, Any]] = []
            for n in range(base, min(entries, base + _CHUNK)):
                eid = first_id + n
                day = start + timedelta(days=n * 365 // entries)
                debit, credit, per_aux = _KINDS[n % len(_KINDS)]
                amount = Decimal(100 + n % 9000) / 100
                rows.append(dict(
                    id=eid, books_id=books_id, year_id=year_id, journal="OD", entry_date=day,
                    status="proposed", event_kind="notice_paid", event_key=f"bench:{eid}",
                    revision=1, source_kind="payment", source_id=eid, piece_ref=f"P{eid}",
                    piece_date=day, label=f"Prime {eid}", total=amount, validated_by=""))
                aux = f"C{n % 3000:05d}" if per_aux else ""
                for no, (account, d, c) in enumerate(((debit, amount, 0), (credit, 0, amount)),
                                                      start=1):
                    lines.append(dict(
                        entry_id=eid, line_no=no, year_id=year_id, entry_date=day,
                        status="proposed", account=account, account_label=f"Compte {account}",
                        aux_num=aux, aux_label=f"Débiteur {aux}" if aux else "",
                        label=f"Prime {eid}", debit=d, credit=c, currency=""))
            conn.execute(insert(JournalEntry), rows)
            conn.execute(insert(JournalLine), lines)


def prepare(folder: Path, validate: int, lines: int) -> tuple[Engine, dict[str, int]]:
    engine = make_engine(f"sqlite:///{folder / 'ledger.sqlite'}")
    migrations.upgrade(engine)
    ids = dataset.build(engine)
    with Session(engine) as s:
        books = Books(siren="732829320", name="Bench")
        s.add(books)
        s.flush()
        assert books.id is not None
        books_id = books.id
        s.add(BooksContract(books_id=books_id, contract_id=ids["A"]))
        years = {}
        for y in (2025, 2026):
            fy = FinancialYear(books_id=books_id, start=date(y, 1, 1), end=date(y, 12, 31),
                               chart="2025")
            s.add(fy)
            s.flush()
            assert fy.id is not None
            years[y] = fy.id
        s.commit()
    _insert_year(engine, books_id, years[2025], 2025, validate, 1)
    _insert_year(engine, books_id, years[2026], 2026, lines // 2, validate + 1)
    refresh_statistics(engine)
    return engine, {"books": books_id, "2025": years[2025], "2026": years[2026],
                    "entry": validate + 1}


def run(validate: int, lines: int) -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        engine, ids = prepare(Path(tmp), validate, lines)
        print(f"set-up {time.perf_counter() - started:.1f} s")
        clock = FixedClock(dataset.NOW)
        repo = SqlRepository(engine, "alice", clock)
        anchor = measure(lambda: repo.ledger.entry(ids["entry"]), repeat=50)["median_ms"]
        rows: list[dict[str, Any]] = []

        def row(what: str, ms: float, goal_ms: float) -> None:
            rows.append({"operation": what, "ms": round(ms, 1), "goal_ms": goal_ms,
                         "x_anchor": round(ms / anchor, 1)})

        t0 = time.perf_counter()
        done = repo.ledger.validate(ids["books"], date(2025, 12, 31))
        row(f"validate {done.count} entries", (time.perf_counter() - t0) * 1000, 10_000)
        year = JournalFilter(books_id=ids["books"], year_id=ids["2026"])
        row(f"journal first page ({lines} lines)",
            measure(lambda: repo.ledger.journal(year, None, 200))["median_ms"], 50)
        middle = repo.ledger.journal(year.model_copy(update={"date_from": date(2026, 7, 1)}),
                                     None, 1).next_after
        row("journal page from the middle",
            measure(lambda: repo.ledger.journal(year, middle, 200))["median_ms"], 50)
        on_4687 = year.model_copy(update={"account_prefix": "4687"})
        row("journal page, account 4687",
            measure(lambda: repo.ledger.journal(on_4687, middle, 200))["median_ms"], 50)
        balance = BalanceFilter(books_id=ids["books"], year_id=ids["2026"])
        row(f"balance of the year ({lines} lines)",
            measure(lambda: repo.ledger.balance(balance), repeat=5, warmup=1)["median_ms"],
            1000)
        rows.append({"operation": "anchor: entry()", "ms": anchor, "goal_ms": "",
                     "x_anchor": 1.0})
        engine.dispose()
        return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--validate", type=int, default=100_000)
    parser.add_argument("--lines", type=int, default=1_000_000)
    args = parser.parse_args()
    rows = run(args.validate, args.lines)
    print_table(f"ledger on SQLite (load average {os.getloadavg()[0]:.1f})", rows)
    write_json("ledger", {"validate": args.validate, "lines": args.lines, "rows": rows})


if __name__ == "__main__":
    main()
