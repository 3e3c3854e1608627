"""HTTP API load benchmark (issues 3 and 21): a real ``cofatui serve`` on 127.0.0.1 and
this script as a separate load process, hitting the portfolio and notification list
endpoints with 1, 20 and 50 concurrent clients. Reports p50/p99 latency and requests
per second; never asserts.

Issue 21's figure is a ratio measured in the same run: the notifications page at 20
clients against the same server's ``/health`` at 20 clients (goal: ≥ 25 % of its
requests per second, p99 ≤ 200 ms). ``--compare-workers`` runs the whole set again
with ``--workers 1``. The cost of ``synchronous=FULL`` (what ``serve`` uses) is
measured beside NORMAL on a copy of the database: portfolio entry updates per second
through the repository, one writer (:func:`sync_cost`).

Each run is bounded in time (``--seconds``) and in count (``--max-requests``). Every
client is a coroutine with its own keep-alive connection (httpx.AsyncClient), so the
load process spends little CPU per request.

Usage::

    python -m tests.bench.bench_api --quick                     # 500 companies, for CI
    python -m tests.bench.bench_api --db /tmp/bench100k.sqlite --companies 100000
    python -m tests.bench.bench_api --db /tmp/bench100k.sqlite --workers 4   # 4 processes
    python -m tests.bench.bench_api --db /tmp/h6/demo.sqlite --companies 20000 \
        --levels 20 --compare-workers                        # issue 21's figures
    python -m tests.bench.bench_api --db postgresql://postgres@127.0.0.1/test \
        --schema bench --companies 100000

The database is generated on first use (demo data, seed 42) and reused afterwards;
SQLite gets ``ANALYZE`` first (planner statistics), as PostgreSQL does in ``prepare``.
Results go to ``tests/bench/results/api.json`` (one entry per database and size).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import os
import shutil
import statistics
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

from cofatui.clock import SystemClock
from cofatui.commands.serve import default_workers
from cofatui.repository.sql import SqlRepository, identity, make_engine
from cofatui.repository.sql.engine import SYNC_FULL, SYNC_NORMAL
from cofatui.schemas import PortfolioCriteria, PortfolioEntryUpdate
from tests.bench.bench_repository import prepare
from tests.bench.harness import RESULTS, print_table
from tests.contract.templates import copy_sqlite
from tests.server import ServerProcess

LOGIN = "demo"
LEVELS = (1, 20, 50)
HEALTH = "/health (anchor)"
ANCHORED = "notifications page, one contract"
#: Issue 21's goals for the notifications page at 20 clients.
GOAL_SHARE = 0.25
GOAL_P99_MS = 200.0


def endpoints(contract_id: int) -> dict[str, tuple[str, dict[str, Any], bool]]:
    """What a screen asks for: the first page of a list, with and without a filter.
    The last flag says whether the endpoint is loaded at every concurrency level; the
    others are timed with one client only (see the module notes)."""
    portfolio = f"/contracts/{contract_id}/portfolio"
    return {
        # The anchor: the same server's cheapest route (no token, one SELECT 1).
        HEALTH: ("/health", {}, True),
        "portfolio page (100, with total)": (portfolio, {"limit": 100}, True),
        "portfolio text 'mar'": (portfolio, {"limit": 100, "text": "mar",
                                             "with_total": "false"}, True),
        "notifications page, one contract": (
            "/notifications", {"limit": 100, "contract_id": contract_id,
                               "with_total": "false"}, True),
        "notifications text 'ber'": ("/notifications", {"limit": 100, "text": "ber",
                                                        "with_total": "false"}, True),
        # The user's two contracts at once: ordered across an IN list, so SQLite sorts
        # every notification of both contracts (one client only, it is slow).
        "notifications page, all contracts": ("/notifications", {"limit": 100,
                                                                 "with_total": "false"},
                                              False),
    }


def percentile(sorted_ms: list[float], q: float) -> float:
    if not sorted_ms:
        return float("nan")
    return sorted_ms[min(len(sorted_ms) - 1, max(0, round(q * len(sorted_ms)) - 1))]


async def load(base_url: str, token: str, path: str, params: dict[str, Any], clients: int,
               seconds: float, max_requests: int) -> dict[str, Any]:
    """``clients`` keep-alive clients asking for ``path`` for ``seconds``.

    What is timed is the server's answer to a client already connected, as the figure
    says ("at 20 clients"). Two costs of this load process are kept out of it, because
    they delayed the reading of answers the server had already sent: each client is made
    and connected (one request, not counted) before the clock starts, since making an
    ``httpx.AsyncClient`` builds a TLS context (~30 ms of CPU, blocking the event loop)
    and 20 of them made in turn held every first request for up to half a second,
    which alone was 1-2 % of a run's requests, its p99; and the heap of this process is
    frozen out of its cyclic collector during the run (its full collections paused the
    loop 110-190 ms, measured with ``gc.callbacks``).
    """
    latencies: list[float] = []
    errors = 0
    kinds: Counter[str] = Counter()
    issued = 0
    headers = {"Authorization": f"Bearer {token}"}
    ready = asyncio.Event()
    connected = 0
    deadline = 0.0

    async def client() -> None:
        nonlocal errors, issued, connected, deadline
        async with httpx.AsyncClient(base_url=base_url, headers=headers,
                                     timeout=30.0) as http:
            with contextlib.suppress(httpx.HTTPError):
                await http.get(path, params=params)  # connected, not counted
            connected += 1
            if connected == clients:  # the last one connected starts the clock
                deadline = time.perf_counter() + seconds
                ready.set()
            await ready.wait()
            while time.perf_counter() < deadline and issued < max_requests:
                issued += 1
                start = time.perf_counter()
                try:
                    response = await http.get(path, params=params)
                    ok = response.status_code == 200
                    kind = f"HTTP {response.status_code}"
                except httpx.HTTPError as exc:
                    ok, kind = False, type(exc).__name__
                if ok:
                    latencies.append((time.perf_counter() - start) * 1000)
                else:
                    errors += 1
                    kinds[kind] += 1

    gc.collect()
    gc.freeze()
    try:
        await asyncio.gather(*(client() for _ in range(clients)))
        elapsed = time.perf_counter() - (deadline - seconds)
    finally:
        gc.unfreeze()
    latencies.sort()
    return {
        "clients": clients,
        "requests": len(latencies),
        "errors": errors,
        "rps": round(len(latencies) / elapsed, 1) if elapsed else 0.0,
        "p50_ms": round(percentile(latencies, 0.50), 1),
        "p99_ms": round(percentile(latencies, 0.99), 1),
        "max_ms": round(latencies[-1], 1) if latencies else float("nan"),
        "mean_ms": round(statistics.fmean(latencies), 1) if latencies else float("nan"),
        "error_kinds": dict(kinds),
    }


def run(url: str, label: str, seconds: float, max_requests: int,
        levels: tuple[int, ...], workers: int | None) -> list[dict[str, Any]]:
    """Every endpoint at every level against one server; ``workers`` None: serve's
    default (one per core)."""
    engine = make_engine(url)
    token, _ = identity.create_token(engine, LOGIN, name="bench", expires_in_days=1,
                                     clock=SystemClock())
    engine.dispose()
    home = Path(tempfile.mkdtemp(prefix="bench-api-"))
    rows: list[dict[str, Any]] = []
    # Said explicitly: the test server is one process unless told otherwise.
    extra = ("--workers", str(default_workers() if workers is None else workers))
    # A long start allowed: several worker processes import the app on a shared machine.
    server = ServerProcess(url, home, log_level="warning", extra_args=extra).start(300)
    try:
        me = httpx.get(server.url + "/me", headers={"Authorization": f"Bearer {token}"})
        me.raise_for_status()
        contract_id = me.json()["contracts"][0]["contract_id"]
        for name, (path, params, loaded) in endpoints(contract_id).items():
            # Warm the server's connection pool, statement caches and the database
            # cache in every worker process: as many connections as the most loaded
            # level, so the kernel spreads them over all the workers (one client warmed
            # one worker only; the other's first pages, hundreds of ms each, were then
            # the measured run's p99).
            warm = max(levels) if loaded else 1
            asyncio.run(load(server.url, token, path, params, warm, 0.5, 4 * warm))
            for clients in levels if loaded else (1,):
                stats = asyncio.run(load(server.url, token, path, params, clients, seconds,
                                         max_requests if loaded else 3))
                rows.append({"backend": label, "endpoint": name, **stats})
                print(f"  {name:40} {clients:3} clients: p50 {stats['p50_ms']:7.1f} ms  "
                      f"p99 {stats['p99_ms']:7.1f} ms  {stats['rps']:7.1f} req/s"
                      f"  {stats['errors']} errors {stats['error_kinds'] or ''}", flush=True)
    finally:
        server.stop()
    return rows


def ratios(rows: list[dict[str, Any]], clients: int = 20) -> list[dict[str, Any]]:
    """Each endpoint's requests per second as a share of ``/health``'s, same server,
    same level (rows from :func:`run`)."""
    out: list[dict[str, Any]] = []
    anchors = {(r["backend"], r["clients"]): r for r in rows if r["endpoint"] == HEALTH}
    for row in rows:
        anchor = anchors.get((row["backend"], row["clients"]))
        if row["endpoint"] == HEALTH or anchor is None or row["clients"] != clients:
            continue
        out.append({"figure": f"{row['endpoint']} at {clients} clients ({row['backend']})",
                    "value": f"{row['rps']} req/s, p50 {row['p50_ms']} ms, "
                             f"p99 {row['p99_ms']} ms",
                    "anchor": f"/health at {clients} clients",
                    "anchor_value": f"{anchor['rps']} req/s",
                    "ratio": round(row["rps"] / anchor["rps"], 3) if anchor["rps"] else None,
                    "goal": f"≥ {GOAL_SHARE:.0%}, p99 ≤ {GOAL_P99_MS:.0f} ms"
                    if row["endpoint"] == ANCHORED else ""})
    return out


def sync_cost(sqlite_path: str, writes: int = 300) -> list[dict[str, Any]]:
    """Portfolio entry updates per second through the repository (one writer, each a
    committed transaction with its audit line) with ``synchronous`` NORMAL and FULL, on
    a copy of the database, alternated twice; FULL's rate over NORMAL's."""
    work = Path(tempfile.mkdtemp(prefix="bench-sync-"))
    copy = work / "copy.sqlite"
    try:
        copy_sqlite(sqlite_path, copy)
        best: dict[str, float] = {}
        for mode in (SYNC_NORMAL, SYNC_FULL, SYNC_NORMAL, SYNC_FULL):
            engine = make_engine(str(copy), synchronous=mode)
            repo = SqlRepository(engine, LOGIN)
            contract = repo.whoami().contracts[0].contract_id
            entry = repo.portfolio.rows(contract, PortfolioCriteria(), 0, 1).items[0]
            version = entry.version
            start = time.perf_counter()
            for n in range(writes):
                version = repo.portfolio.update_entry(
                    entry.entry_id, PortfolioEntryUpdate(client_reference=f"s{n}"),
                    version).version
            rate = writes / (time.perf_counter() - start)
            best[mode] = max(best.get(mode, 0.0), rate)
            engine.dispose()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return [{"figure": "writes/s, synchronous=FULL (serve)",
             "value": round(best[SYNC_FULL], 1),
             "anchor": "writes/s, synchronous=NORMAL", "anchor_value": round(best[SYNC_NORMAL], 1),
             "ratio": round(best[SYNC_FULL] / best[SYNC_NORMAL], 3),
             "goal": "measured, no goal"}]


def compare(db: str | None = None, companies: int = 20_000,
            seconds: float = 5.0) -> list[dict[str, Any]]:
    """Issue 21's API figures for ``tests/bench/compare.py``: the notifications page at
    20 clients beside ``/health`` (serve's default workers), and FULL's write cost."""
    db = db or str(Path(tempfile.gettempdir()) / f"bench-api-{companies}.sqlite")
    url = prepare(db, companies, None)
    rows = run(url, f"sqlite {companies}", seconds, 20_000, (20,), None)
    return ratios(rows) + sync_cost(db)


def save(label: str, rows: list[dict[str, Any]], meta: dict[str, Any]) -> Path:
    path = RESULTS / "api.json"
    RESULTS.mkdir(parents=True, exist_ok=True)
    try:
        results = json.loads(path.read_text())
    except (OSError, ValueError):
        results = {}
    results[label] = {**meta, "rows": rows}
    path.write_text(json.dumps(results, indent=2))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", help="database URL or SQLite path (generated if empty)")
    parser.add_argument("--schema", help="PostgreSQL schema to use (created if missing)")
    parser.add_argument("--companies", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=10.0, help="per run (default 10)")
    parser.add_argument("--max-requests", type=int, default=20_000, help="per run")
    parser.add_argument("--levels", default=",".join(map(str, LEVELS)),
                        help="concurrent clients per run, comma-separated")
    parser.add_argument("--workers", type=int, default=None,
                        help=f"cofatui serve --workers (default: serve's, one per core: "
                             f"{default_workers()})")
    parser.add_argument("--compare-workers", action="store_true",
                        help="run again with --workers 1, same database, same run")
    parser.add_argument("--no-sync-cost", action="store_true",
                        help="skip the synchronous NORMAL/FULL write measure (SQLite)")
    parser.add_argument("--quick", action="store_true",
                        help="500 companies in a temporary file, 1.5 s per run")
    args = parser.parse_args()
    if args.quick:
        args.companies = 500
        args.seconds = min(args.seconds, 1.5)
        args.db = args.db or str(Path(tempfile.mkdtemp()) / "quick.sqlite")
    if not args.db:
        parser.error("--db is required (or --quick)")
    url = prepare(args.db, args.companies, args.schema)
    engine = make_engine(url)
    dialect = engine.dialect.name
    if dialect == "sqlite":
        # Planner statistics: without them SQLite picks slow plans at 100 000 rows.
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
    engine.dispose()
    workers = args.workers or default_workers()
    label = f"{dialect} {args.companies} {workers}w"
    levels = tuple(int(x) for x in args.levels.split(","))
    load_avg = os.getloadavg()
    print(f"cofatui serve on {label}: {len(levels)} levels, ≤ {args.seconds} s and ≤ "
          f"{args.max_requests} requests per run ({os.cpu_count()} CPUs, load "
          f"{load_avg[0]:.2f})")
    rows = run(url, label, args.seconds, args.max_requests, levels, workers)
    if args.compare_workers and workers != 1:
        label_one = f"{dialect} {args.companies} 1w"
        print(f"cofatui serve on {label_one}")
        rows += run(url, label_one, args.seconds, args.max_requests, levels, 1)
    print_table(f"HTTP API, {args.companies} companies",
                [{k: v for k, v in row.items() if k != "error_kinds"} for row in rows])
    figures = [r for level in levels for r in ratios(rows, level)]
    if dialect == "sqlite" and not args.no_sync_cost:
        figures += sync_cost(make_engine(url).url.database or args.db)
    print_table("Against the anchor, same run", figures)
    meta = {"companies": args.companies, "workers": workers,
            "seconds_per_run": args.seconds, "load_before": load_avg[:2],
            "load_after": os.getloadavg()[:2], "figures": figures,
            "cpus": os.cpu_count(), "when": time.strftime("%Y-%m-%d %H:%M:%S")}
    print(f"\nJSON: {save(label, rows, meta)}")


if __name__ == "__main__":
    main()
