"""Notification text filter at scale (issue 21 item 4), SQLite.

``python3 -m tests.bench.bench_notification_search [--rows N]`` builds the contract
dataset (tests/contract/dataset.py) plus N notifications spread over 1 000 companies'
entries, then times the first page of the filter (median of 5) for a common and a
rare 3+ character needle and for 1-2 characters, beside an anchor measured in the same
run: a primary-key lookup through the same repository's unit of work. Also prints the
file's bytes per notification. ``compare()`` gives rows for tests/bench/compare.py.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, text

from cofatui import migrations
from cofatui.clock import FixedClock
from cofatui.models import Company, PortfolioEntry
from cofatui.repository.sql import SqlRepository, make_engine
from cofatui.repository.sql.core import unit_of_work
from cofatui.repository.sql.upsert import table_of
from cofatui.schemas import NotificationFilter
from tests.contract import dataset

NEEDLES = {"3+ common": "ber", "3+ rare": "zq7", "1 char": "b", "2 chars": "be"}
GOAL_MS = 30.0


def build(path: Path, rows: int) -> tuple[Any, SqlRepository]:
    engine = make_engine(f"sqlite:///{path}")
    migrations.upgrade(engine)
    ids = dataset.build(engine)
    words = ["berlin", "bergamo", "lyon", "bordeaux", "lille", "nantes", "brest", "nice"]
    company_t, entry_t = table_of(Company), table_of(PortfolioEntry)
    with engine.begin() as conn:
        # 1 000 more companies and entries on contract A, made from alpha's rows.
        company = dict(conn.execute(select(company_t).where(
            company_t.c.id == ids["alpha"])).mappings().one())
        entry = dict(conn.execute(select(entry_t).where(
            entry_t.c.id == ids["entry:A:alpha"])).mappings().one())
        for k in range(1000):
            name = f"{words[k % len(words)]} trading {k}"
            cid = conn.execute(insert(company_t).values(
                {**company, "id": None, "name": name, "name_key": name,
                 "easy_number": f"E{k:08d}"}).returning(company_t.c.id)).scalar_one()
            conn.execute(insert(entry_t).values(
                {**entry, "id": None, "company_id": cid, "client_reference": f"R{k}",
                 "search_text": f"{name} fra e{k:08d}" + (" zq7" if k == 7 else "")}))
        first = conn.execute(text("SELECT min(id) FROM company WHERE easy_number LIKE 'E%'")
                             ).scalar_one()
        conn.execute(text(
            "INSERT INTO notification (contract_id, company_id, product_code, category,"
            " type, importance, kind, params, title, body, created_at)"
            " SELECT :a, :first + (g.i % 1000), '', 'information', 'bulk', 'normal',"
            " 'text', '{}', 't', '', datetime('2026-01-01', '+' || (g.i / 10) || ' seconds')"
            " FROM (WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g"
            " WHERE i < :n) SELECT i FROM g) AS g"), {"a": ids["A"], "first": first, "n": rows})
        conn.execute(text("ANALYZE"))
    return engine, SqlRepository(engine, "alice", FixedClock(dataset.NOW))


def median_ms(call: Callable[[], object], times: int = 5) -> float:
    took = []
    for _ in range(times):
        start = time.perf_counter()
        call()
        took.append((time.perf_counter() - start) * 1000)
    return statistics.median(took)


def compare(rows: int = 1_000_000) -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.sqlite"
        engine, repo = build(path, rows)

        def anchor() -> None:
            with unit_of_work(engine) as s:
                s.execute(text("SELECT id FROM notification WHERE id = 1")).all()

        anchor_ms = median_ms(anchor)
        out = []
        for label, needle in NEEDLES.items():
            def first_page(needle: str = needle) -> None:
                repo.notifications.rows(NotificationFilter(text=needle), limit=50,
                                        with_total=False)

            value = median_ms(first_page)
            out.append({"figure": f"notification filter {label} ({rows} rows)",
                        "value": round(value, 2), "anchor": "pk lookup (uow)",
                        "anchor_value": round(anchor_ms, 2),
                        "ratio": round(value / anchor_ms, 1), "goal": f"<= {GOAL_MS} ms"})
        engine.dispose()
        size = path.stat().st_size
        out.append({"figure": "bytes per notification (whole file)",
                    "value": round(size / rows, 1), "anchor": "file bytes",
                    "anchor_value": size, "ratio": None, "goal": "sane"})
        return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    print(f"load {os.getloadavg()}")
    for row in compare(args.rows):
        print(row)


if __name__ == "__main__":
    main()
