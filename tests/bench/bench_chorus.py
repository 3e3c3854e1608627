"""Chorus Pro benchmark (issue 18 "Benchmarks"): deposit with the technical checks, one
recipient move, and the dashboard and a search page at 100 000 invoices, on SQLite,
PostgreSQL (``--pg URL``) and through HTTP (a real ``cofatui serve`` on the SQLite
file).

The database holds a supplier structure SA (private, billing mandate signed) and a
public recipient PA (service code required; services ``FACTURES_PUBLIQUES`` and
``ACHATS``), the supplier user ``bench-sa`` (issued space) and the recipient user
``bench-pa`` (received space). ``--invoices`` invoices from SA to PA are inserted
directly (the bulk insert is not what is measured), every state represented, deposits
spread over two years: both sides' worst case, one structure holding them all.

Measured (median of ``--runs``):

1. **Submit with checks**: ``chorus_invoices.create`` of a 3-line invoice, deposited at
   once (checks, history rows, notifications, mail) — goal ≤ 30 ms SQLite, ≤ 60 ms HTTP.
2. **One move**: the recipient marks a made-available invoice "service done" (a
   different invoice each run) — goal ≤ 20 ms.
3. **Dashboard** of each side, and a **search page** (100 rows, newest deposit first;
   and the same with two states asked) — goal ≤ 50 ms at 100 000 invoices.
4. **CPU time** of this process per call (SQLite, PostgreSQL's client side; through
   HTTP only the client's): what a call costs whatever the machine's load.
5. **Anchors**, same run, same database: one bare write transaction, one read of one
   row by primary key, and a fixed CPU work (SHA-256 of 4 MB); each figure is also
   reported as a ratio to the last (``x_work``): a loaded machine stretches both alike.

Usage::

    python -m tests.bench.bench_chorus                       # 100 000 invoices
    python -m tests.bench.bench_chorus --pg postgresql://postgres@127.0.0.1:5432/test
    python -m tests.bench.bench_chorus --quick               # 2 000, a few runs, SQLite

Prints a table (with the load average) and writes ``tests/bench/results/chorus.json``.
No timing is asserted.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import os
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, text
from sqlalchemy.engine import Engine
from sqlmodel import col

from cofatui.clock import SystemClock
from cofatui.enums import (
    ChorusPaymentMode,
    ChorusSpace,
    ChorusState,
    ChorusVatRate,
)
from cofatui.migrations import upgrade
from cofatui.models import ChorusAttachment, ChorusInvoice, ChorusService, ChorusStructure, User
from cofatui.repository.base import Repository
from cofatui.repository.sql import SqlRepository, identity
from cofatui.repository.sql.engine import make_engine
from cofatui.schemas_chorus import (
    ChorusInvoiceCreate,
    ChorusInvoiceSearch,
    ChorusLineIn,
    ChorusProcess,
)
from tests.bench.harness import measure, print_table, write_json

SUPPLIER, RECIPIENT = "bench-sa", "bench-pa"
SA_SIRET, PA_SIRET = "11111111800019", "13000000300017"
IBAN = "FR1420041010050500013M02606"
CHUNK = 10_000
#: States of the inserted invoices, weighted like a live portfolio (made available
#: first: the move takes its invoices among them).
WEIGHTS: list[tuple[ChorusState, int]] = [
    (ChorusState.MADE_AVAILABLE, 30), (ChorusState.PAYMENT_IN_PROGRESS, 15),
    (ChorusState.ACCOUNTED, 10), (ChorusState.MANDATED, 10), (ChorusState.SERVICE_DONE, 10),
    (ChorusState.MADE_AVAILABLE_ACCOUNTANT, 5), (ChorusState.SUSPENDED, 4),
    (ChorusState.COMPLETED, 3), (ChorusState.TO_RECYCLE, 3), (ChorusState.REJECTED, 3),
    (ChorusState.NON_COMPLIANT, 4), (ChorusState.DRAFT, 3),
]


def seed(engine: Engine, invoices: int, now: datetime) -> None:
    """The two structures, their users and ``invoices`` invoices from SA to PA."""
    with engine.begin() as conn:
        conn.info["write"] = True
        ids = {}
        for siret, name, public in ((SA_SIRET, "Fournisseur SA", False),
                                    (PA_SIRET, "Mairie de PA", True)):
            ids[siret] = int(conn.execute(insert(ChorusStructure).values(
                siret=siret, name=name, public=public, service_code_required=public,
                billing_mandate_at=now, billing_mandate_by="bench", created_at=now,
                version=1).returning(col(ChorusStructure.id))).scalar_one() or 0)
        for code in ("FACTURES_PUBLIQUES", "ACHATS"):
            conn.execute(insert(ChorusService).values(structure_id=ids[PA_SIRET], code=code,
                                                      label=code, version=1))
        for login, siret, issued in ((SUPPLIER, SA_SIRET, True), (RECIPIENT, PA_SIRET, False)):
            uid = int(conn.execute(insert(User).values(
                login=login, email=f"{login}@example.test", language="en", version=1,
                created_at=now).returning(col(User.id))).scalar_one() or 0)
            conn.execute(insert(ChorusAttachment).values(
                user_id=uid, structure_id=ids[siret], status="approved", role="main_manager",
                space_issued=issued, space_received=not issued,
                valid_from=now.date() - timedelta(days=800), version=1))
        for rows in _chunks(_invoices(ids[SA_SIRET], ids[PA_SIRET], invoices, now)):
            conn.execute(insert(ChorusInvoice), rows)


def _invoices(supplier: int, recipient: int, count: int,
              now: datetime) -> Iterator[dict[str, Any]]:
    cycle = itertools.cycle([state for state, weight in WEIGHTS for _ in range(weight)])
    for i in range(count):
        state = next(cycle)
        deposited = None if state == ChorusState.DRAFT else \
            now - timedelta(minutes=(count - i) * 7)
        amount = Decimal(100 + i % 5000)
        yield dict(number=f"B{i:08d}", type="380", frame="A1", deposit_kind="entry",
                   supplier_structure_id=supplier, recipient_siret=PA_SIRET,
                   recipient_structure_id=recipient, service_code="ACHATS",
                   invoice_date=(deposited or now).date(), currency="EUR",
                   payment_mode="VIREMENT", iban=IBAN, total_excl_tax=amount,
                   total_vat=amount / 5, total_incl_tax=amount * Decimal("1.2"),
                   amount_due=amount * Decimal("1.2"), state=state.value,
                   created_at=deposited or now, created_by=SUPPLIER, deposited_at=deposited,
                   state_changed_at=deposited or now, version=1)


def _chunks(rows: Iterator[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    while chunk := list(itertools.islice(rows, CHUNK)):
        yield chunk


def _invoice(number: str) -> ChorusInvoiceCreate:
    return ChorusInvoiceCreate(
        number=number, supplier_siret=SA_SIRET, recipient_siret=PA_SIRET,
        service_code="ACHATS", invoice_date=date.today() - timedelta(days=1),
        payment_mode=ChorusPaymentMode.VIREMENT, iban=IBAN,
        lines=[ChorusLineIn(label=f"Prestation {n}", quantity=Decimal(n),
                            unit_price=Decimal("125.50"), vat_rate=ChorusVatRate.STANDARD)
               for n in (1, 2, 3)])


def _made_available(engine: Engine, count: int) -> list[int]:
    with engine.connect() as conn:
        return [int(i or 0) for i in conn.execute(select(col(ChorusInvoice.id)).where(
            col(ChorusInvoice.state) == ChorusState.MADE_AVAILABLE.value)
            .order_by(col(ChorusInvoice.id)).limit(count)).scalars()]


def _sequence(fn: Callable[[Any], Any], items: Sequence[Any]) -> Callable[[], None]:
    """A callable that takes the next of ``items`` at each call (a new one each run)."""
    it = iter(items)
    return lambda: fn(next(it))


def anchors(engine: Engine, runs: int) -> dict[str, dict[str, float]]:
    def write() -> None:
        with engine.connect() as conn:
            conn.info["write"] = True
            with conn.begin():
                conn.execute(text("UPDATE chorus_structure SET version = version "
                                  "WHERE id = 0"))
            conn.info["write"] = False

    def read() -> None:
        with engine.connect() as conn:
            conn.execute(select(col(ChorusStructure.name))
                         .where(col(ChorusStructure.id) == 1)).first()
            conn.rollback()

    def work() -> None:  # a fixed amount of CPU work: what the machine's load does to it
        hashlib.sha256(_BLOCK).digest()

    return {"write": measure(write, repeat=runs), "read": measure(read, repeat=runs),
            "cpu": measure(work, repeat=runs)}


_BLOCK = b"\x00" * 4_000_000


def _cpu_measured(fn: Callable[[], Any], repeat: int, warmup: int = 2) -> dict[str, float]:
    """``measure`` and the mean CPU milliseconds of this process per call: on a loaded
    machine the wall time stretches, the CPU time says what the call costs."""
    c0 = time.process_time()
    stats = measure(fn, repeat=repeat, warmup=warmup)
    return {**stats, "cpu_ms": round((time.process_time() - c0) * 1000 / (repeat + warmup), 2)}


def run_repository(name: str, engine: Engine, supplier: Repository, recipient: Repository,
                   runs: int, lists_only: bool = False) -> dict[str, dict[str, float]]:
    """Every figure of one backend (``lists_only``: dashboard and search)."""
    out: dict[str, dict[str, float]] = {}
    if not lists_only:
        tag = uuid.uuid4().hex[:6]
        numbers = [f"S{tag}{i:04d}" for i in range(runs + 2)]
        out["submit with checks"] = _cpu_measured(
            _sequence(lambda n: supplier.chorus_invoices.create(_invoice(n)), numbers),
            repeat=runs, warmup=2)
        moves = _made_available(engine, runs + 2)
        out["one move (service done)"] = _cpu_measured(_sequence(
            lambda i: recipient.chorus_invoices.process(i, ChorusProcess(
                version=recipient.chorus_invoices.get(i).version,
                state=ChorusState.SERVICE_DONE)), moves), repeat=runs, warmup=2)
        out["read the detail (part of the move above)"] = _cpu_measured(
            lambda: recipient.chorus_invoices.get(moves[0]), repeat=runs)
    out["dashboard issued"] = _cpu_measured(
        lambda: supplier.chorus_invoices.dashboard(ChorusSpace.ISSUED), repeat=runs)
    out["dashboard received"] = _cpu_measured(
        lambda: recipient.chorus_invoices.dashboard(ChorusSpace.RECEIVED), repeat=runs)
    out["search page (100 rows)"] = _cpu_measured(
        lambda: supplier.chorus_invoices.search(ChorusInvoiceSearch(), 0, 100), repeat=runs)
    states = ChorusInvoiceSearch(side=ChorusSpace.RECEIVED,
                                 states=[ChorusState.SUSPENDED, ChorusState.REJECTED])
    out["search page, 2 states (received)"] = _cpu_measured(
        lambda: recipient.chorus_invoices.search(states, 0, 100), repeat=runs)
    out["search page 50 (offset 5 000)"] = _cpu_measured(
        lambda: supplier.chorus_invoices.search(ChorusInvoiceSearch(), 5000, 100),
        repeat=runs)
    return out


GOALS = {"submit with checks": (30, 60), "one move (service done)": (20, 20),
         "dashboard issued": (50, None), "dashboard received": (50, None),
         "search page (100 rows)": (50, None), "search page, 2 states (received)": (50, None)}


def table_rows(backend: str, figures: dict[str, dict[str, float]],
               anchor: dict[str, dict[str, float]]) -> list[dict[str, Any]]:
    write, read = anchor["write"]["median_ms"], anchor["read"]["median_ms"]
    work = anchor["cpu"]["median_ms"]
    rows: list[dict[str, Any]] = [
        {"step": "anchor: one write transaction", "backend": backend,
         "median_ms": write, "cpu_ms": None, "x_work": round(write / work, 2),
         "goal_ms": None},
        {"step": "anchor: one row by key", "backend": backend,
         "median_ms": read, "cpu_ms": None, "x_work": round(read / work, 2), "goal_ms": None},
        {"step": "anchor: SHA-256 of 4 MB (fixed CPU work)", "backend": backend,
         "median_ms": work, "cpu_ms": None, "x_work": 1.0, "goal_ms": None}]
    for step, stats in figures.items():
        goal = GOALS.get(step, (None, None))
        rows.append({"step": step, "backend": backend, "median_ms": stats["median_ms"],
                     "cpu_ms": stats.get("cpu_ms"),
                     "x_work": round(stats["median_ms"] / work, 2),
                     "goal_ms": goal[1] if backend == "http" else goal[0]})
    return rows


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--invoices", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--pg", default="", help="a PostgreSQL URL (a schema is made)")
    parser.add_argument("--no-http", action="store_true")
    parser.add_argument("--quick", action="store_true",
                        help="2 000 invoices, 5 runs, SQLite only (keeps it working)")
    args = parser.parse_args(argv)
    if args.quick:
        args.invoices, args.runs, args.no_http, args.pg = 2000, 5, True, ""
    now = datetime.now(UTC)
    folder = Path(tempfile.mkdtemp(prefix="cofatui-bench-chorus-"))
    url = f"sqlite:///{folder / 'chorus.sqlite'}"
    engine = make_engine(url)
    upgrade(engine)
    t0 = time.perf_counter()
    seed(engine, args.invoices, now)
    seeded_s = round(time.perf_counter() - t0, 1)
    anchor = anchors(engine, args.runs)
    figures = run_repository("sqlite", engine, SqlRepository(engine, SUPPLIER),
                             SqlRepository(engine, RECIPIENT), args.runs)
    rows = table_rows("sqlite", figures, anchor)
    payload: dict[str, Any] = {"invoices": args.invoices, "seeded_s": seeded_s,
                               "sqlite": {"anchors": anchor, "figures": figures}}
    engine.dispose()
    if args.pg:
        pg_anchor, pg_figures = _postgres(args.pg, args.invoices, args.runs, now)
        rows += table_rows("postgres", pg_figures, pg_anchor)
        payload["postgres"] = {"anchors": pg_anchor, "figures": pg_figures}
    if not args.no_http:
        http_figures = _http(url, folder, args.runs)
        rows += table_rows("http", http_figures, anchor)
        payload["http"] = {"figures": http_figures}
    load = os.getloadavg()[0]
    print_table(f"Chorus Pro at {args.invoices} invoices (load average {load:.2f})", rows)
    write_json("chorus", {**payload, "rows": rows, "load_average": load})


def _postgres(base: str, invoices: int, runs: int,
              now: datetime) -> tuple[dict[str, dict[str, float]], dict[str, dict[str, float]]]:
    from tests.contract.templates import schema_url

    schema = f"bench_chorus_{uuid.uuid4().hex[:8]}"
    admin = make_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    engine = make_engine(schema_url(base, schema))
    try:
        upgrade(engine)
        seed(engine, invoices, now)
        # A live database is vacuumed by autovacuum: its visibility map lets the counts
        # read the indexes alone, as they would there.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
        anchor = anchors(engine, runs)
        figures = run_repository("postgres", engine, SqlRepository(engine, SUPPLIER),
                                 SqlRepository(engine, RECIPIENT), runs)
        return anchor, figures
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def _http(url: str, folder: Path, runs: int) -> dict[str, dict[str, float]]:
    from cofatui.repository.http import open_http_repository
    from tests.server import ServerProcess

    engine = make_engine(url)
    tokens = {login: identity.create_token(engine, login, name="bench", expires_in_days=1,
                                           clock=SystemClock())[0]
              for login in (SUPPLIER, RECIPIENT)}
    try:
        with ServerProcess(url, folder, log_level="warning") as server:
            supplier = open_http_repository(server.url, tokens[SUPPLIER])
            recipient = open_http_repository(server.url, tokens[RECIPIENT])
            try:
                return run_repository("http", engine, supplier, recipient, runs)
            finally:
                supplier.close()
                recipient.close()
    finally:
        engine.dispose()


if __name__ == "__main__":
    main()
