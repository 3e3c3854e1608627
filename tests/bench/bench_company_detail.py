"""Company detail open (issue 5, goal ≤ 50 ms): Enter on a portfolio row → the detail
screen painted with its header and products, on a 100 000-company demo database.

Measured as a user feels it: the key goes in as the terminal driver delivers it (no
Pilot idle wait), the clock stops at the first frame composed after the header and the
first product row are there. Three series:

- ``open``: the real repository (``company_detail`` + ``new_action_menu`` in a worker);
- ``open, UI only``: the same companies with the repository answering from memory at
  once, so what is left is the screen's own cost (building, styling, painting);
- ``repository``: the two calls alone, as the worker makes them.

With ``--amended`` the companies opened each have a credit limit with a pending
increase beside it (issue 10: standing decision and amendment, goal ≤ 50 ms).

Plus a calibration (a key that repaints one line of a trivial screen: this machine's
floor under its current load) and, with ``--profile``, a cProfile of the UI-only opens.

Usage::

    python -m tests.bench.bench_company_detail                       # 100 000 companies
    python -m tests.bench.bench_company_detail --db /tmp/demo100000.sqlite
    python -m tests.bench.bench_company_detail --quick                # 300 companies (CI)
    python -m tests.bench.bench_company_detail --profile 30           # top 30 functions
    python -m tests.bench.bench_company_detail --amended              # standing + pending

Figures are printed and written to ``tests/bench/results/company_detail.json``; nothing
is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import os
import pstats
import random
import shutil
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from cofatui import locations
from cofatui.config import Settings
from cofatui.enums import ProductStatus
from cofatui.repository.sql import SqlRepository, make_engine
from cofatui.schemas import CompanyDetail, NewActionItem, PortfolioCriteria
from cofatui.tui.app import CofaApp
from cofatui.tui.features.companies.detail import CompanyDetailScreen
from cofatui.tui.features.portfolio.portfolio import PortfolioScreen
from cofatui.tui.kit.virtual_list import VirtualList
from tests.bench.bench_tui import (
    FRAME,
    SIZE,
    FrameWatch,
    calibration,
    demo_database,
    ensure_analyzed,
    send_key,
    summary,
    workers_done,
)
from tests.bench.harness import measure, print_table, write_json
from tests.repo_doubles import Override

LOGIN = "demo"
AMENDMENT = Decimal(50_000_000)  # added to a credit limit: no rule grants that at once
TIMEOUT = 30.0


class InstantRepository:
    """The real repository, except that the company detail and its NEW ACTION menu
    come from memory at once: what is left of an open is the UI's."""

    def __init__(self, inner: SqlRepository, contract_id: int, company_ids: list[int]) -> None:
        self._inner = inner
        self.details: dict[int, tuple[CompanyDetail, list[NewActionItem]]] = {
            cid: (inner.products.company_detail(contract_id, cid),
                  inner.products.new_action_menu(contract_id, cid))
            for cid in company_ids}
        self.products = Override(inner.products, company_detail=self.company_detail,
                                 new_action_menu=self.new_action_menu)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def company_detail(self, contract_id: int, company_id: int) -> CompanyDetail:
        return self.details[company_id][0]

    def new_action_menu(self, contract_id: int, company_id: int) -> list[NewActionItem]:
        return self.details[company_id][1]


def painted(app: Any) -> bool:
    """The detail screen is on top with its data, and its first product row is there."""
    screen = app.screen
    if not isinstance(screen, CompanyDetailScreen) or screen.detail is None:
        return False
    lists = screen.query("#products").results(VirtualList)
    products = next(lists, None)
    if products is None or not screen.is_mounted:
        return False  # composed with its data, not mounted yet
    return not screen.detail.products or products.row_at(0) is not None


async def opens(app: CofaApp, pilot: Any, rows: int, profile: cProfile.Profile | None = None,
                cpu: list[float] | None = None) -> list[float]:
    """Enter on ``rows`` successive portfolio rows, Escape back after each. ``cpu``
    receives the UI thread's own CPU time of each open (what the load of the machine
    does not inflate: the wall time also counts waiting for a core)."""
    portfolio = app.screen
    assert isinstance(portfolio, PortfolioScreen)
    lst = portfolio.query_one(VirtualList)
    lst.focus()
    frames = FrameWatch(app)
    samples = []
    for n in range(rows):
        lst.cursor = n
        await workers_done(app)
        await pilot.pause()
        await asyncio.sleep(0.1 + random.uniform(0, FRAME))  # keys land anywhere in a frame
        if profile is not None:
            profile.enable()
        start, cpu_start = time.perf_counter(), time.thread_time()
        send_key(app, "enter")
        limit = start + TIMEOUT
        while not painted(app):
            if time.perf_counter() > limit:
                raise TimeoutError("the company detail did not open in time")
            await asyncio.sleep(0.0005)
        await frames.next_frame()
        samples.append((time.perf_counter() - start) * 1000)
        if cpu is not None:
            cpu.append((time.thread_time() - cpu_start) * 1000)
        if profile is not None:
            profile.disable()
        await workers_done(app)
        await pilot.pause()
        send_key(app, "escape")
        while app.screen is not portfolio:
            await asyncio.sleep(0.001)
    return samples


async def open_portfolio(app: CofaApp, pilot: Any) -> PortfolioScreen:
    await workers_done(app)
    screen = PortfolioScreen()
    app.push_screen(screen)
    while not screen.loaded:
        await asyncio.sleep(0.005)
    await workers_done(app)
    await pilot.pause()
    return screen


def amend(repo: SqlRepository, contract: int, rows: int) -> int:
    """A pending increase on the credit limit of ``rows`` companies (far above any rule,
    so it waits for an underwriter): each then has a standing decision AND a pending
    amendment, and comes first in the portfolio (its entry just changed)."""
    candidates = repo.portfolio.rows(contract, PortfolioCriteria(
        product_codes=["CRL"], statuses=[ProductStatus.GRANTED]), 0, rows * 3).items
    done = 0
    for row in candidates:
        crl = next((p for p in repo.products.of_company(contract, row.company_id)
                    if p.code == "CRL" and p.status == ProductStatus.GRANTED
                    and p.pending_request is None), None)
        if crl is None:
            continue
        repo.products.modify(crl.id, (crl.decided_amount or Decimal(0)) + AMENDMENT,
                            crl.version)
        done += 1
        if done == rows:
            break
    return done


async def bench(path: Path, rows: int, profile_top: int,
                amended: bool = False) -> dict[str, Any]:
    ensure_analyzed(path)
    engine = make_engine(f"sqlite:///{path}")
    repo = SqlRepository(engine, LOGIN)
    contract = repo.whoami().default_contract_id or repo.contracts()[0].id
    if amended:
        rows = amend(repo, contract, rows)
    companies = [r.company_id for r in repo.portfolio.rows(contract, PortfolioCriteria(), 0, rows)
                 .items]
    product_counts = [len(repo.products.company_detail(contract, c).products) for c in companies]
    if amended:  # every company opened shows a request beside its standing decision
        assert all(any(p.pending_request is not None and p.status != ProductStatus.PENDING
                       for p in repo.products.company_detail(contract, c).products)
                   for c in companies)
    result: dict[str, Any] = {"database": str(path), "companies_opened": len(companies),
                              "products_per_company": summary([float(n)
                                                               for n in product_counts]),
                              "load_before": round(os.getloadavg()[0], 1)}

    app = CofaApp(repo, Settings(language="en"))
    async with app.run_test(size=SIZE) as pilot:
        await open_portfolio(app, pilot)
        cpu: list[float] = []
        result["open"] = summary(await opens(app, pilot, len(companies), cpu=cpu))
        result["open_ui_cpu"] = summary(cpu)

    instant = InstantRepository(repo, contract, companies)
    ui_app = CofaApp(instant, Settings(language="en"),
                     principal=app.principal)
    profile = cProfile.Profile() if profile_top else None
    async with ui_app.run_test(size=SIZE) as pilot:
        await open_portfolio(ui_app, pilot)
        cpu = []
        result["open_ui_only"] = summary(await opens(ui_app, pilot, len(companies), profile,
                                                     cpu))
        result["open_ui_only_cpu"] = summary(cpu)

    result["repository"] = measure(lambda: (repo.products.company_detail(contract, companies[0]),
                                            repo.products.new_action_menu(contract, companies[0])),
                                   repeat=max(5, rows))
    result["load_after"] = round(os.getloadavg()[0], 1)
    engine.dispose()
    if profile is not None:
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(profile_top)
        result["profile"] = out.getvalue()
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, help="an existing demo database")
    parser.add_argument("--companies", type=int, default=100_000)
    parser.add_argument("--rows", type=int, default=20, help="companies opened")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) /
                        "cofatui-bench")
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="print the N most expensive functions of the UI-only opens")
    parser.add_argument("--output", default="company_detail", help="results/<name>.json")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--amended", action="store_true",
                        help="open companies whose credit limit has a pending increase "
                             "(on a copy of the demo database)")
    args = parser.parse_args(argv)
    os.environ.setdefault(locations.DATA_DIR_ENV, str(args.cache / "data"))
    os.environ.setdefault(locations.CONFIG_DIR_ENV, str(args.cache / "config"))
    if args.quick:
        args.companies, args.rows = 300, 4
    path = args.db or demo_database(args.companies, args.cache)

    if args.amended:  # the requests go into a copy: the cached demo stays as generated
        copy = path.with_name(path.stem + "-amended.sqlite")
        shutil.copyfile(path, copy)
        path = copy
    calibrated = asyncio.run(calibration(10 if args.quick else 40))
    result = asyncio.run(bench(path, args.rows, args.profile, args.amended))
    result["amended"] = args.amended
    from textual.constants import MAX_FPS

    rows = [{"series": name, **{k: result[key][k] for k in ("median_ms", "p90_ms", "max_ms")}}
            for name, key in (("open (Enter → detail painted)", "open"),
                              ("  UI thread CPU time of those opens", "open_ui_cpu"),
                              ("open, UI only (data from memory)", "open_ui_only"),
                              ("  UI thread CPU time of those opens", "open_ui_only_cpu"))]
    rows.append({"series": "repository: company_detail + new_action_menu",
                 "median_ms": result["repository"]["median_ms"],
                 "p90_ms": result["repository"]["p95_ms"],
                 "max_ms": result["repository"]["max_ms"]})
    rows.append({"series": "calibration: key → frame, trivial screen",
                 "median_ms": calibrated["median_ms"], "p90_ms": calibrated["p90_ms"],
                 "max_ms": calibrated["max_ms"]})
    print_table(f"Company detail open ({path.name}, {result['companies_opened']} companies, "
                f"{SIZE[0]}x{SIZE[1]}, Textual at {MAX_FPS} fps)", rows)
    print(f"load average: {result['load_before']} before, {result['load_after']} after, "
          f"on {os.cpu_count()} CPUs")
    if "profile" in result:
        print(result.pop("profile"))
    payload = {"size": SIZE, "textual_fps": MAX_FPS, "calibration": calibrated, **result}
    print("written to", write_json(args.output, payload))


if __name__ == "__main__":
    main()
