"""Chorus Pro connector benchmark (issue 19 "Benchmarks"): a deposit round trip
against the PISTE double (goal ≤ 200 ms), on SQLite.

The database is ``bench_chorus``'s (supplier SA, public recipient PA, the users
``bench-sa`` and ``bench-pa``) with a few invoices, each given one line matching its
totals; SA's connector points at a double started in this process (127.0.0.1, a random
port). Each run takes another invoice, sets it deposited and queued, then:

1. **Deposit job**: ``chorus_pro_deposit.deposit`` — the Chorus Pro constraints, the
   Factur-X (PDF/A-3 and XML with its XSD check), *uncertain* committed, the token
   (cached after the first run), ``deposer/flux`` (the double checks the Factur-X
   against the EN 16931 XSD too), *deposited* committed.
2. **Follow-up**: ``chorus_pro_poll.follow`` — the report (integrated at once), the
   invoice's identifier, its history, one history row.
3. **Round trip**: both, what a supplier waits for at best.
4. **Anchors** (``bench_chorus.anchors``): one write, one read, a fixed CPU work; each
   figure also as a ratio to the last (``x_work``).

Usage::

    python -m tests.bench.bench_chorus_connector            # 30 runs
    python -m tests.bench.bench_chorus_connector --quick    # 3 runs

Prints a table and writes ``tests/bench/results/chorus_connector.json``. No timing is
asserted.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Engine
from sqlmodel import col

from cofatui.chorus_pro import runtime
from cofatui.clock import SystemClock
from cofatui.enums import ChorusProDeposit, ChorusState
from cofatui.jobs.chorus_pro_deposit import deposit
from cofatui.jobs.chorus_pro_poll import follow
from cofatui.migrations import upgrade
from cofatui.models import ChorusInvoice, ChorusStructure
from cofatui.models.chorus import ChorusConnector
from cofatui.repository.sql import SqlRepository
from cofatui.repository.sql.chorus_connector_sync import ConnectorSync
from cofatui.repository.sql.engine import make_engine
from tests.bench.bench_chorus import SA_SIRET, SUPPLIER, anchors, seed
from tests.bench.bench_facturx_repo import add_lines
from tests.bench.harness import measure, print_table, write_json
from tests.doubles.piste import PASSWORD_ENV, SECRET_ENV, RunningDouble, start

GOALS = {"round trip (deposit, report, identifier, history)": 200}


def connect(engine: Engine, double: RunningDouble, now: datetime) -> None:
    """SA's connector on, pointing at the double; this process's [chorus_pro] too."""
    os.environ[SECRET_ENV] = double.state.client_secret
    os.environ[PASSWORD_ENV] = double.state.password
    runtime.configure(double.settings())
    with engine.begin() as conn:
        conn.info["write"] = True
        sa = conn.execute(select(col(ChorusStructure.id)).where(
            col(ChorusStructure.siret) == SA_SIRET)).scalar_one()
        conn.execute(insert(ChorusConnector).values(
            structure_id=sa, enabled=True, login=double.state.login,
            password_ref=f"env:{PASSWORD_ENV}", updated_at=now, updated_by="bench",
            version=1))


def queue(engine: Engine, invoice_id: int) -> None:
    """The invoice as the deposit hook leaves it: deposited, its deposit queued."""
    with engine.begin() as conn:
        conn.info["write"] = True
        conn.execute(update(ChorusInvoice).where(col(ChorusInvoice.id) == invoice_id).values(
            state=ChorusState.DEPOSITED.value, cpp_deposit=ChorusProDeposit.QUEUED.value))


def run(engine: Engine, ids: list[int], runs: int) -> dict[str, dict[str, float]]:
    sync = ConnectorSync(SqlRepository(engine, SUPPLIER, SystemClock()))
    deposits: Iterator[int] = iter(ids)
    follows: list[int] = []
    rounds: Iterator[int] = iter(ids[2 * (runs + 2):])

    def deposit_one() -> None:
        invoice_id = next(deposits)
        queue(engine, invoice_id)
        deposit(sync, invoice_id, datetime.now(UTC), "fr")
        follows.append(invoice_id)

    def follow_one() -> None:
        follow(sync, follows.pop(0), datetime.now(UTC))

    def round_trip() -> None:
        invoice_id = next(rounds)
        queue(engine, invoice_id)
        deposit(sync, invoice_id, datetime.now(UTC), "fr")
        follow(sync, invoice_id, datetime.now(UTC))
        detail = sync.root.chorus_invoices.get(invoice_id)
        assert detail.chorus_pro is not None, invoice_id
        assert detail.chorus_pro.deposit is ChorusProDeposit.INTEGRATED, detail.chorus_pro

    return {
        "deposit job (constraints, Factur-X, deposer/flux)": measure(deposit_one, runs),
        "follow-up (report, identifier, history)": measure(follow_one, runs),
        "round trip (deposit, report, identifier, history)": measure(round_trip, runs),
    }


def table_rows(figures: dict[str, dict[str, float]],
               anchor: dict[str, dict[str, float]]) -> list[dict[str, Any]]:
    work = anchor["cpu"]["median_ms"]
    rows: list[dict[str, Any]] = [
        {"step": f"anchor: {name}", "median_ms": anchor[name]["median_ms"],
         "p95_ms": anchor[name]["p95_ms"],
         "x_work": round(anchor[name]["median_ms"] / work, 2), "goal_ms": None}
        for name in ("write", "read", "cpu")]
    rows += [{"step": step, "median_ms": stats["median_ms"], "p95_ms": stats["p95_ms"],
              "x_work": round(stats["median_ms"] / work, 2), "goal_ms": GOALS.get(step)}
             for step, stats in figures.items()]
    return rows


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--quick", action="store_true", help="3 runs (keeps it working)")
    args = parser.parse_args(argv)
    if args.quick:
        args.runs = 3
    now = datetime.now(UTC)
    folder = Path(tempfile.mkdtemp(prefix="cofatui-bench-connector-"))
    engine = make_engine(f"sqlite:///{folder / 'connector.sqlite'}")
    upgrade(engine)
    # measure() warms up twice: each step takes runs + 2 invoices, three steps.
    seed(engine, 3 * (args.runs + 2), now)
    ids = add_lines(engine)
    double = start()
    try:
        connect(engine, double, now)
        anchor = anchors(engine, args.runs)
        figures = run(engine, ids, args.runs)
        counters = dict(double.state.counters)
    finally:
        double.stop()
        runtime.reset()
        engine.dispose()
    rows = table_rows(figures, anchor)
    load = os.getloadavg()[0]
    print_table(f"Chorus Pro connector against the PISTE double (load average {load:.2f})",
                rows)
    write_json("chorus_connector", {"runs": args.runs, "anchors": anchor, "figures": figures,
                                    "rows": rows, "double": counters, "load_average": load})


if __name__ == "__main__":
    main()
