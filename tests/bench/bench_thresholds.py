"""Notifications page with notification thresholds against without (issue 16: "≤ 1.2×
the time without", at 1 000 000 rows).

Builds a SQLite database of one contract, 500 portfolio companies and N notifications
(default 1 000 000; one in ten records a change of a standing decision, of random
product type, direction and size). Two users hold the contract: ``plain`` without
thresholds (the anchor) and ``thresh`` with a decrease and an increase threshold on CRL
and one on RSM. Each measure runs for both users in turn, run after run, in the same
process:

1. **First page**: ``repo.notifications.rows()`` (100 rows, with the total);
2. **Unread count**: ``repo.notifications.unread_count()`` (home, the header);
3. **Deep page**: the page at offset 50 000 without the total (scrolling).

Usage::

    python -m tests.bench.bench_thresholds                 # 1 000 000 notifications
    python -m tests.bench.bench_thresholds --rows 100000   # smaller

Prints a table and writes ``tests/bench/results/thresholds.json``; nothing is asserted.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from cofatui import migrations
from cofatui.clock import FixedClock
from cofatui.models import Company, Contract, PortfolioEntry, User, UserContract
from cofatui.models.types import MONEY_SCALE
from cofatui.repository.sql import SqlRepository, make_engine
from cofatui.schemas_preferences import PreferencesUpdate, ThresholdPublic
from tests.bench.harness import print_table, write_json

ROWS = 1_000_000
COMPANIES = 500
NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)
CODES = ("CRL", "ECL", "RLI", "TOPLINER", "RSM")


def build(engine: Engine, rows: int, seed: int = 16) -> int:
    """The database; returns the contract id."""
    migrations.upgrade(engine)
    r = random.Random(seed)
    with Session(engine) as s:
        contract = Contract(policy_number="1234567", policyholder="Bench", currency="EUR")
        s.add(contract)
        s.flush()
        contract_id = contract.id
        assert contract_id is not None
        for login in ("plain", "thresh"):
            user = User(login=login, created_at=NOW)
            s.add(user)
            s.flush()
            assert user.id is not None
            s.add(UserContract(user_id=user.id, contract_id=contract_id, rights="full",
                               section_rights="{}"))
        companies = [Company(name=f"Company {i}", name_key=f"company {i}", country="FRA",
                             easy_number=f"{i:014d}", updated_at=NOW)
                     for i in range(COMPANIES)]
        s.add_all(companies)
        s.flush()
        s.add_all([PortfolioEntry(contract_id=contract_id, company_id=c.id or 0,
                                  client_reference=f"R{i}",
                                  search_text=f"company {i} fra {i:014d} r{i}",
                                  updated_at=NOW) for i, c in enumerate(companies)])
        first_company = companies[0].id or 0
        s.commit()
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        batch: list[tuple[Any, ...]] = []
        start = NOW - timedelta(days=720)
        for n in range(rows):
            code = CODES[n % len(CODES)]
            change = r.random() < 0.1
            direction = r.choice(("increase", "decrease")) if change else None
            size = (r.randint(1, 5) if code == "RSM" else r.randint(100, 200_000)) \
                if change else None
            batch.append((contract_id, first_company + n % COMPANIES, code, "insurance",
                          "decision", "normal", "text", "{}", f"Notice {n}", "",
                          (start + timedelta(seconds=n * 60)).strftime(
                              "%Y-%m-%d %H:%M:%S.000000"),
                          direction, None if size is None else int(size * MONEY_SCALE)))
            if len(batch) == 50_000:
                _flush(cur, batch)
        _flush(cur, batch)
        raw.commit()
        cur.execute("ANALYZE")
        raw.commit()
    finally:
        raw.close()
    return int(contract_id)


def _flush(cur: Any, batch: list[tuple[Any, ...]]) -> None:
    cur.executemany(
        "INSERT INTO notification (contract_id, company_id, product_code, category, type,"
        " importance, kind, params, title, body, created_at, change_direction, change_size)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", batch)
    batch.clear()


def set_thresholds(engine: Engine, contract_id: int) -> None:
    repo = SqlRepository(engine, "thresh", FixedClock(NOW))
    repo.notifications.save_preferences(PreferencesUpdate(version=0, thresholds=[
        ThresholdPublic(contract_id=contract_id, product_code="CRL", direction="decrease",
                        amount=Decimal(50_000)),
        ThresholdPublic(contract_id=contract_id, product_code="CRL", direction="increase",
                        amount=Decimal(20_000)),
        ThresholdPublic(contract_id=contract_id, product_code="RSM", direction="decrease",
                        amount=Decimal(3))]))


def timed(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def run(engine: Engine, repeat: int) -> list[dict[str, Any]]:
    clock = FixedClock(NOW)
    repos = {login: SqlRepository(engine, login, clock) for login in ("plain", "thresh")}
    measures: dict[str, Callable[[SqlRepository], Any]] = {
        "first page (100, with total)": lambda r: r.notifications.rows(limit=100),
        "unread count": lambda r: r.notifications.unread_count(),
        "deep page (offset 50 000)": lambda r: r.notifications.rows(
            offset=50_000, limit=100, with_total=False),
    }
    out = []
    for name, fn in measures.items():
        samples: dict[str, list[float]] = {"plain": [], "thresh": []}
        for login in samples:  # warm-up
            fn(repos[login])
        for _ in range(repeat):
            for login in samples:  # in turn: a drifting load weighs on both
                samples[login].append(timed(partial(fn, repos[login])))
        plain = statistics.median(samples["plain"])
        thresh = statistics.median(samples["thresh"])
        out.append({"measure": name, "without_ms": round(plain, 1),
                    "with_thresholds_ms": round(thresh, 1),
                    "ratio": round(thresh / plain, 3) if plain else None})
    return out


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--db", type=Path, default=None, help="keep the database here")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="bench-thresholds-"))
    path = args.db or folder / "bench.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    started = time.perf_counter()
    contract_id = build(engine, args.rows)
    set_thresholds(engine, contract_id)
    built = time.perf_counter() - started
    repos_plain = SqlRepository(engine, "plain", FixedClock(NOW))
    repos_thresh = SqlRepository(engine, "thresh", FixedClock(NOW))
    hidden = repos_plain.notifications.unread_count() \
        - repos_thresh.notifications.unread_count()
    results = run(engine, args.repeat)
    engine.dispose()
    payload = {"notifications": args.rows, "hidden_by_thresholds": hidden,
               "build_s": round(built, 1), "results": results}
    print_table(f"Notifications page, {args.rows:,} rows: with thresholds vs without",
                results)
    print(f"hidden by the thresholds: {hidden:,}; built in {built:.1f} s")
    write_json("thresholds", payload)
    return payload


if __name__ == "__main__":
    main()
