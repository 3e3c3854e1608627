"""HTTP API load benchmark (issue 3): a real ``cofatui serve`` on 127.0.0.1 and this
script as a separate load process, hitting the portfolio and notification list
endpoints with 1, 20 and 50 concurrent clients. Reports p50/p99 latency and requests
per second; never asserts. Goal: p99 ≤ 50 ms at 20 clients.

Each run is bounded in time (``--seconds``) and in count (``--max-requests``). Every
client is a coroutine with its own keep-alive connection (httpx.AsyncClient), so the
load process spends little CPU per request.

Usage::

    python -m tests.bench.bench_api --quick                     # 500 companies, for CI
    python -m tests.bench.bench_api --db /tmp/bench100k.sqlite --companies 100000
    python -m tests.bench.bench_api --db /tmp/bench100k.sqlite --workers 4   # 4 processes
    python -m tests.bench.bench_api --db postgresql://postgres@127.0.0.1/test \
        --schema bench --companies 100000

The database is generated on first use (demo data, seed 42) and reused afterwards;
SQLite gets ``ANALYZE`` first (planner statistics), as PostgreSQL does in ``prepare``.
Results go to ``tests/bench/results/api.json`` (one entry per database and size).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

from cofatui.clock import SystemClock
from cofatui.repository.sql import identity, make_engine
from tests.bench.bench_repository import prepare
from tests.bench.harness import RESULTS, print_table
from tests.server import ServerProcess

LOGIN = "demo"
LEVELS = (1, 20, 50)


def endpoints(contract_id: int) -> dict[str, tuple[str, dict[str, Any], bool]]:
    """What a screen asks for: the first page of a list, with and without a filter.
    The last flag says whether the endpoint is loaded at every concurrency level; the
    others are timed with one client only (see the module notes)."""
    portfolio = f"/contracts/{contract_id}/portfolio"
    return {
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
    latencies: list[float] = []
    errors = 0
    kinds: Counter[str] = Counter()
    issued = 0
    headers = {"Authorization": f"Bearer {token}"}
    deadline = time.perf_counter() + seconds

    async def client() -> None:
        nonlocal errors, issued
        async with httpx.AsyncClient(base_url=base_url, headers=headers,
                                     timeout=30.0) as http:
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

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    elapsed = time.perf_counter() - started
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
        levels: tuple[int, ...], workers: int) -> list[dict[str, Any]]:
    engine = make_engine(url)
    token, _ = identity.create_token(engine, LOGIN, name="bench", expires_in_days=1,
                                     clock=SystemClock())
    engine.dispose()
    home = Path(tempfile.mkdtemp(prefix="bench-api-"))
    rows: list[dict[str, Any]] = []
    with ServerProcess(url, home, log_level="warning", workers=workers) as server:
        me = httpx.get(server.url + "/me", headers={"Authorization": f"Bearer {token}"})
        me.raise_for_status()
        contract_id = me.json()["contracts"][0]["contract_id"]
        for name, (path, params, loaded) in endpoints(contract_id).items():
            # Warm the server's connection pool and the database cache.
            asyncio.run(load(server.url, token, path, params, 1, 0.1, 2))
            for clients in levels if loaded else (1,):
                stats = asyncio.run(load(server.url, token, path, params, clients, seconds,
                                         max_requests if loaded else 3))
                rows.append({"backend": label, "endpoint": name, **stats})
                print(f"  {name:40} {clients:3} clients: p50 {stats['p50_ms']:7.1f} ms  "
                      f"p99 {stats['p99_ms']:7.1f} ms  {stats['rps']:7.1f} req/s"
                      f"  {stats['errors']} errors {stats['error_kinds'] or ''}", flush=True)
    return rows


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
    parser.add_argument("--workers", type=int, default=1, help="cofatui serve --workers")
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
    label = f"{dialect} {args.companies}" + (f" {args.workers}w" if args.workers > 1 else "")
    levels = tuple(int(x) for x in args.levels.split(","))
    print(f"cofatui serve on {label}: {len(levels)} levels, ≤ {args.seconds} s and ≤ "
          f"{args.max_requests} requests per run ({os.cpu_count()} CPUs)")
    rows = run(url, label, args.seconds, args.max_requests, levels, args.workers)
    print_table(f"HTTP API, {label} companies",
                [{k: v for k, v in row.items() if k != "error_kinds"} for row in rows])
    meta = {"companies": args.companies, "workers": args.workers,
            "seconds_per_run": args.seconds,
            "cpus": os.cpu_count(), "when": time.strftime("%Y-%m-%d %H:%M:%S")}
    print(f"\nJSON: {save(label, rows, meta)}")


if __name__ == "__main__":
    main()
