"""Claims benchmarks (issue 6):

- submit a claim with 100 invoices and 10 payments: the SQL repository on SQLite (goal
  ≤ 100 ms median) and through HTTP, a real ``cofatui serve`` on the same SQLite file
  (goal ≤ 200 ms median, from the request to the answer read);
- the claims portfolio's first page (100 debtors, newest first, with the total the
  screen shows) at 100 000 claims, on SQLite and PostgreSQL (goal ≤ 50 ms median), also
  filtered as the user types.

The database is the contract suite's dataset (users, contracts, the debtors of contract
A) plus bulk-inserted debtors and claims: 100 000 claims on 70 000 debtors of contract A
(most have one, some up to four, the latest of each open, the others closed), 20 000 on
contract B. Each submission is timed alone; between two, the claim just made is closed
(not timed) so the next one on the same debtor is allowed.

Usage::

    python -m tests.bench.bench_claims                    # SQLite (+ HTTP) + PostgreSQL
    python -m tests.bench.bench_claims --pg postgresql://postgres@127.0.0.1:5432/test
    python -m tests.bench.bench_claims --quick            # small, SQLite only, for CI

PostgreSQL is used when ``--pg`` or ``COFATUI_TEST_PG_URL`` gives a server (a schema of
its own, dropped at the end). Prints a table with the machine's load and writes
``tests/bench/results/claims.json``.
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import insert, text, update
from sqlalchemy.engine import Engine
from sqlmodel import col

from cofatui import migrations
from cofatui.clock import FixedClock
from cofatui.enums import ClaimStatus
from cofatui.models import Claim, Company
from cofatui.repository.sql import SqlRepository, identity, make_engine, refresh_statistics
from cofatui.repository.sql.latest_claims import rebuild_claim_debtors
from cofatui.schemas import ClaimCreate, InvoiceLine, PaymentLine
from tests.bench.harness import print_table, write_json
from tests.contract import dataset
from tests.server import ServerProcess

GOALS_MS = {"submit sqlite": 100.0, "submit http": 200.0, "portfolio": 50.0}
INVOICES = 100
PAYMENTS = 10
LOGIN = "alice"


def load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"


# --- the data ----------------------------------------------------------------------------


def claim_payload(ids: dataset.Ids, company: str = "beta") -> ClaimCreate:
    today = dataset.TODAY
    invoices = [InvoiceLine(type="IN", number=str(700000 + n),
                            invoice_date=today - timedelta(days=30 + n % 60),
                            due_date=today - timedelta(days=n % 30), currency="EUR",
                            amount_excl_tax=Decimal(f"{1000 + n}.{n % 100:02}"),
                            tax=Decimal(f"{200 + n}.00")) for n in range(INVOICES)]
    payments = [PaymentLine(type="SE" if n % 2 else "CN",
                            invoice_references=[str(700000 + n), str(700000 + n + 1)],
                            payment_date=today - timedelta(days=n + 1), currency="EUR",
                            amount=Decimal(f"{100 + n}.50")) for n in range(PAYMENTS)]
    return ClaimCreate(contract_id=ids["A"], company_id=ids[company], reason="insolvency",
                       contact_name="Alice", contact_email="alice@example.test",
                       comments="Bench", invoices=invoices, payments=payments)


def bulk_claims(engine: Engine, ids: dataset.Ids, claims: int) -> dict[str, float]:
    """``claims`` claims on contract A spread over new debtors (1 to 4 each, the latest
    open) and a fifth as many on contract B, in a few multi-row inserts."""
    now = dataset.NOW.replace(tzinfo=None)
    statuses = [ClaimStatus.PENDING.value, ClaimStatus.ACCEPTED.value,
                ClaimStatus.REJECTED.value]
    per_debtor = (1, 1, 2, 1, 3, 1, 4, 1, 1, 2)  # 17 claims per 10 debtors ≈ 1.7
    plan: list[tuple[int, int]] = []  # (contract, number of claims) per new debtor
    for contract, total in ((ids["A"], claims), (ids["B"], claims // 5)):
        made = 0
        while made < total:
            n = min(per_debtor[len(plan) % len(per_debtor)], total - made)
            plan.append((contract, n))
            made += n
    started = time.perf_counter()
    with engine.begin() as conn:
        first = conn.execute(text("SELECT coalesce(max(id), 0) FROM company")).scalar_one() + 1
        companies = [{"id": first + i, "name": f"Bench debtor {i:06d}",
                      "name_key": f"bench debtor {i:06d}", "country": "FRA",
                      "easy_number": f"{90_000_000_000_000 + i:014d}", "address": "",
                      "postal_code": "", "city": "", "region": "", "establishment":
                      "head_office", "phone": "", "source": "insurer", "version": 1}
                     for i in range(len(plan))]
        for chunk in _chunks(companies, 5000):
            conn.execute(insert(Company.__table__), chunk)  # type: ignore[attr-defined]
        rows = []
        claim_id = conn.execute(text("SELECT coalesce(max(id), 0) FROM claim")).scalar_one()
        for i, (contract, n) in enumerate(plan):
            for k in range(n):
                claim_id += 1
                when = now - timedelta(minutes=(len(plan) - i) * 7 + (n - k) * 3)
                latest = k == n - 1
                rows.append({
                    "id": claim_id, "contract_id": contract, "company_id": first + i,
                    "reference": f"DMS-B-{claim_id:08d}", "own_reference": "",
                    "status": statuses[i % 3] if latest else ClaimStatus.CLOSED.value,
                    "insured": i % 11 != 0, "reason": "insolvency",
                    "intervention_requested": i % 4 == 0, "collector": "none",
                    "billing_address": "", "billing_postal_code": "", "billing_city": "",
                    "billing_country": "", "invoicing_partner": "", "currency": "EUR",
                    "claim_amount": Decimal(1000 + i % 9000), "conditions_used": "",
                    "created_at": when, "submitted_at": when, "updated_at": when,
                    "created_by": LOGIN, "version": 1})
        for chunk in _chunks(rows, 5000):
            conn.execute(insert(Claim.__table__), chunk)  # type: ignore[attr-defined]
        # Written without the repository, as the demo does: the portfolio's rows too.
        rebuild_claim_debtors(conn)
        if engine.dialect.name == "postgresql":
            # Explicit ids leave the sequences behind: move them past the rows inserted.
            for table in ("company", "claim"):
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                  f"(SELECT max(id) FROM {table}))"))
    return {"debtors": len(plan), "claims": len(rows),
            "insert_s": round(time.perf_counter() - started, 1)}


def _chunks(rows: list[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    for i in range(0, len(rows), size):
        yield rows[i:i + size]


def close_claims(engine: Engine, ids: dataset.Ids, company: str = "beta") -> None:
    """Not timed: what the handler would do, so the next claim on the debtor is allowed."""
    with engine.begin() as conn:
        conn.execute(update(Claim).where(col(Claim.company_id) == ids[company])
                     .values(status=ClaimStatus.CLOSED.value))


# --- measures -----------------------------------------------------------------------------


def timed(fn: Callable[[], Any], runs: int, between: Callable[[], None]) -> dict[str, Any]:
    samples = []
    for n in range(runs + 2):  # two warm-up runs
        between()
        start = time.perf_counter()
        fn()
        elapsed = (time.perf_counter() - start) * 1000
        if n >= 2:
            samples.append(elapsed)
    samples.sort()
    return {"median_ms": round(samples[len(samples) // 2], 1),
            "p95_ms": round(samples[min(len(samples) - 1, int(len(samples) * 0.95))], 1),
            "min_ms": round(samples[0], 1), "max_ms": round(samples[-1], 1), "runs": runs}


def submit_sql(engine: Engine, ids: dataset.Ids, runs: int) -> dict[str, Any]:
    repo = SqlRepository(engine, LOGIN, FixedClock(dataset.NOW))
    data = claim_payload(ids)
    return timed(lambda: repo.claims.submit(data), runs, lambda: close_claims(engine, ids))


def submit_http(url: str, engine: Engine, ids: dataset.Ids, runs: int) -> dict[str, Any]:
    token, _ = identity.create_token(engine, LOGIN, name="bench", expires_in_days=1,
                                     clock=FixedClock(dataset.NOW))
    body = claim_payload(ids).model_dump(mode="json")
    home = Path(tempfile.mkdtemp(prefix="bench-claims-"))
    with ServerProcess(url, home, clock=dataset.NOW.isoformat()) as server, \
            httpx.Client(base_url=server.url, timeout=30.0,
                         headers={"Authorization": f"Bearer {token}"}) as http:

        def once() -> None:
            response = http.post("/claims", json=body)
            if response.status_code != 201:
                raise RuntimeError(f"HTTP {response.status_code}: {response.text[:300]}")
            response.json()

        return timed(once, runs, lambda: close_claims(engine, ids))


def portfolio_cases(engine: Engine, ids: dataset.Ids, runs: int) -> list[tuple[str, Any]]:
    repo = SqlRepository(engine, LOGIN, FixedClock(dataset.NOW))
    contract = ids["A"]
    cases: dict[str, Callable[[], Any]] = {
        "claims portfolio first page (100 + total)":
            lambda: repo.claims.portfolio(contract, None, 0, 100),
        "claims portfolio page at offset 5 000":
            lambda: repo.claims.portfolio(contract, None, 5000, 100),
        "claims portfolio text 'debtor 0123'":
            lambda: repo.claims.portfolio(contract, "debtor 0123", 0, 100),
        "claims portfolio text 'dms-b-0009'":
            lambda: repo.claims.portfolio(contract, "dms-b-0009", 0, 100),
    }
    first = repo.claims.portfolio(contract, None, 0, 100)
    assert len(first.items) == 100, first.total
    out = []
    for name, fn in cases.items():
        out.append((name, timed(fn, runs, lambda: None)))
    return out


# --- databases ----------------------------------------------------------------------------


@contextmanager
def sqlite_db() -> Iterator[tuple[str, Engine]]:
    path = Path(tempfile.mkdtemp(prefix="bench-claims-")) / "claims.sqlite"
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    try:
        yield url, engine
    finally:
        engine.dispose()
        path.unlink(missing_ok=True)


@contextmanager
def pg_db(base: str) -> Iterator[tuple[str, Engine]]:
    schema = f"bench_claims_{uuid.uuid4().hex[:8]}"
    admin = make_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in base else "?"
    url = f"{base}{sep}options=-csearch_path%3D{schema}"
    engine = make_engine(url)
    try:
        yield url, engine
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def run_backend(label: str, url: str, engine: Engine, claims: int, runs: int,
                http: bool) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    migrations.upgrade(engine)
    ids = dataset.build(engine)
    made = bulk_claims(engine, ids, claims)
    refresh_statistics(engine)
    print(f"{label}: {made['claims']} claims on {made['debtors']} debtors "
          f"(inserted in {made['insert_s']} s); load {load()}", flush=True)
    rows: list[dict[str, Any]] = []

    def add(case: str, goal: float, stats: dict[str, Any]) -> None:
        rows.append({"backend": label, "case": case, **stats, "goal_ms": goal,
                     "load": load()})
        print(f"  {case:45} median {stats['median_ms']:7.1f} ms  p95 {stats['p95_ms']:7.1f} ms"
              f"  (goal {goal:.0f})", flush=True)

    for name, stats in portfolio_cases(engine, ids, runs):
        add(name, GOALS_MS["portfolio"], stats)
    add(f"submit {INVOICES} invoices + {PAYMENTS} payments", GOALS_MS["submit sqlite"],
        submit_sql(engine, ids, runs))
    if http:
        add(f"submit {INVOICES} invoices over HTTP (cofatui serve)", GOALS_MS["submit http"],
            submit_http(url, engine, ids, runs))
    return rows, made


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--pg", default=os.environ.get("COFATUI_TEST_PG_URL"),
                        help="PostgreSQL server URL (default: COFATUI_TEST_PG_URL)")
    parser.add_argument("--no-http", action="store_true", help="skip the HTTP submission")
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    parser.add_argument("--quick", action="store_true",
                        help="2 000 claims, 5 runs, SQLite only (keeps the script working)")
    args = parser.parse_args(argv)
    if args.quick:
        args.claims, args.runs, args.pg = 2000, 3, None
    results: list[dict[str, Any]] = []
    sizes: dict[str, Any] = {}
    if not args.no_sqlite:
        with sqlite_db() as (url, engine):
            rows, sizes["sqlite"] = run_backend("sqlite", url, engine, args.claims, args.runs,
                                                http=not args.no_http)
            results += rows
    if args.pg:
        with pg_db(args.pg) as (url, engine):
            rows, sizes["postgres"] = run_backend("postgres", url, engine, args.claims,
                                                  args.runs, http=False)
            results += rows
    print_table(f"Claims ({args.claims} claims; load {load()})",
                [{k: v for k, v in r.items() if k != "runs"} for r in results])
    path = write_json("claims", {
        "quick": args.quick, "claims": args.claims, "sizes": sizes, "results": results,
        "python": platform.python_version(), "cpus": os.cpu_count(),
        "when": datetime.now().isoformat(timespec="seconds")})
    print(f"\nJSON: {path}")


if __name__ == "__main__":
    main()
