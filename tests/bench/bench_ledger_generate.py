"""Posting engine benchmark (issue 20): ``generate`` over 100 000 events on SQLite,
goal ≤ 60 s; then a rerun, which must find nothing to post (it reads everything back).

The events are bulk-inserted history of one set of books: premium payments of one
notice each (four in five) and prospection cover events (one in five), none booked
yet, as in a database that existed before its books. Figures are printed with a ratio
to an anchor measured in the same run (``x_work``: a fixed CPU work), so a loaded
machine reads as such. No timing is asserted.

Usage::

    python -m tests.bench.bench_ledger_generate             # 100 000 events
    python -m tests.bench.bench_ledger_generate --events 5000
"""

from __future__ import annotations

import argparse
import hashlib
import os
import tempfile
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.clock import FixedClock
from cofatui.migrations import upgrade
from cofatui.models import (
    Books,
    BooksContract,
    Contract,
    CoverEvent,
    FinancialYear,
    OtherCover,
    PremiumNotice,
    PremiumNoticeLine,
    PremiumPayment,
    User,
)
from cofatui.repository.sql import SqlRepository, ledger_post
from cofatui.repository.sql.engine import make_engine
from tests.bench.harness import measure, print_table, write_json

GOAL_S = 60.0
YEAR = date(2026, 1, 1)
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
LOGIN = "bench-uw"
_BLOCK = b"\x00" * 4_000_000


def _chunks(rows: Iterator[dict[str, Any]], size: int = 5000) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def seed(engine: Engine, events: int) -> int:
    """A contract with books and the 2026 year, its history of ``events`` events;
    returns the books' id."""
    payments = events * 4 // 5
    with Session(engine) as s:  # the few rows with their model defaults
        user = User(login=LOGIN, email="uw@example.test", language="en", role="underwriter",
                    first_name="U", last_name="W", created_at=NOW)
        contract_row = Contract(policy_number="P-BENCH", policyholder="Bench SA",
                                currency="EUR")
        books_row = Books(siren="732829320", name="Bench SA")
        s.add_all([user, contract_row, books_row])
        s.flush()
        contract, books = contract_row.id or 0, books_row.id or 0
        cover_row = OtherCover(contract_id=contract, kind="prospection", reference="PROS-1",
                               currency="EUR", start=date(2024, 1, 1), end=date(2029, 12, 31),
                               guarantee_end=date(2026, 12, 31),
                               amortisation_end=date(2029, 12, 31))
        s.add_all([BooksContract(books_id=books, contract_id=contract), cover_row,
                   FinancialYear(books_id=books, start=YEAR, end=date(2026, 12, 31),
                                 chart="2025")])
        s.flush()
        cover = cover_row.id or 0
        s.commit()
    with engine.begin() as conn:
        conn.info["write"] = True
        for rows in _chunks(dict(contract_id=contract, paid_on=YEAR + timedelta(i % 330),
                                 bank_account="512", currency="EUR",
                                 amount=Decimal(1000 + i % 500),
                                 eur_amount=Decimal(1000 + i % 500))
                            for i in range(payments)):
            conn.execute(insert(PremiumPayment), rows)
        first = int(conn.execute(select(col(PremiumPayment.id)).order_by(
            col(PremiumPayment.id))).scalars().first() or 0)
        for rows in _chunks(dict(number=f"PRM-2026-{i:07d}", contract_id=contract,
                                 kind="provisional", origin="insurer", status="paid",
                                 period_start=YEAR, period_end=date(2026, 3, 31),
                                 issued_on=YEAR, due_date=YEAR, currency="EUR",
                                 amount_excl_tax=Decimal(1000 + i % 500), tax=Decimal(0),
                                 total=Decimal(1000 + i % 500), payment_id=first + i, version=1)
                            for i in range(payments)):
            conn.execute(insert(PremiumNotice), rows)
        notice = int(conn.execute(select(col(PremiumNotice.id)).order_by(
            col(PremiumNotice.id))).scalars().first() or 0)
        for rows in _chunks(dict(notice_id=notice + i, line_no=1, role="credit_insurance",
                                 label="Prime provisionnelle",
                                 amount_excl_tax=Decimal(1000 + i % 500), tax=Decimal(0))
                            for i in range(payments)):
            conn.execute(insert(PremiumNoticeLine), rows)
        for rows in _chunks(dict(cover_id=cover, kind="prospection_indemnity",
                                 event_date=YEAR + timedelta(i % 330),
                                 eur_amount=Decimal(500 + i % 100), recorded_by="bench")
                            for i in range(events - payments)):
            conn.execute(insert(CoverEvent), rows)
    return books


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'ledger.sqlite'}")
        upgrade(engine)
        books_id = seed(engine, args.events)
        anchor = measure(lambda: hashlib.sha256(_BLOCK).digest(), repeat=20)
        repo = SqlRepository(engine, LOGIN, FixedClock(NOW))
        started, cpu = time.perf_counter(), time.process_time()
        first = ledger_post.generate(repo, [books_id])
        first_s, first_cpu = time.perf_counter() - started, time.process_time() - cpu
        started = time.perf_counter()
        again = ledger_post.generate(repo, [books_id])
        again_s = time.perf_counter() - started
        engine.dispose()
    work = anchor["median_ms"]
    rows = [
        {"step": "anchor: sha256 of 4 MB", "seconds": round(work / 1000, 4), "x_work": 1.0,
         "goal_s": None},
        {"step": f"generate {args.events} events", "seconds": round(first_s, 2),
         "x_work": round(first_s * 1000 / work), "goal_s": GOAL_S,
         "cpu_s": round(first_cpu, 2), "posted": first.posted, "waiting": first.waiting},
        {"step": "generate again (nothing to post)", "seconds": round(again_s, 2),
         "x_work": round(again_s * 1000 / work), "goal_s": None, "posted": again.posted},
    ]
    load = os.getloadavg()[0]
    print_table(f"Posting engine: generate on SQLite (load average {load:.2f})", rows)
    write_json("ledger_generate", {"events": args.events, "anchor": anchor, "rows": rows,
                                   "load_average": load})


if __name__ == "__main__":
    main()
