"""Benchmarks of the portfolio and company screens (issue 5), measured through Pilot.

- portfolio criteria search → the first page painted, at 100 000 companies /
  ~1 000 000 products (goal ≤ 50 ms), for several criteria; the same query is timed
  on the repository alone, so a missed goal says where the time goes;
- company detail open → header and products painted (goal ≤ 50 ms), and the two
  repository calls it makes (``company_detail`` + ``new_action_menu``);
- company search over 1 000 000 companies, the repository query (goal ≤ 30 ms): by
  name prefix within a country, by SIREN, by EasyNumber, by Coface reference.

Usage::

    python -m tests.bench.bench_portfolio_tui                 # 100 000 + 1 000 000
    python -m tests.bench.bench_portfolio_tui --portfolio-db /tmp/p5/demo100k.sqlite \
        --search-db /tmp/p5/search1m.sqlite
    python -m tests.bench.bench_portfolio_tui --quick         # small, for CI

The portfolio database is a ``cofatui demo`` one (made on first use); the search
database holds companies and legal identifiers only, bulk-inserted here (the demo
generator would take the best part of an hour for a million companies with their
products and notifications, which the search does not read). Figures are printed and
written to ``tests/bench/results/portfolio_tui.json``; nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text
from sqlmodel import col
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Static

from cofatui import migrations
from cofatui.config import Settings
from cofatui.enums import ProductStatus
from cofatui.models import Company, LegalIdentifier
from cofatui.repository.sql import SqlRepository, make_engine
from cofatui.schemas import CompanySearch, PortfolioCriteria
from cofatui.tui.app import CofaApp
from cofatui.tui.features.companies.detail import CompanyDetailScreen
from cofatui.tui.features.portfolio.portfolio import PortfolioScreen, fetch_portfolio
from cofatui.tui.kit.virtual_list import VirtualList
from tests.bench.harness import measure, print_table, write_json

SIZE = (120, 40)
LOGIN = "demo"


# --------------------------------------------------------------- databases


def demo_database(path: Path, companies: int) -> Path:
    if not path.exists():
        print(f"Generating {companies} companies into {path}…", flush=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(["cofatui", "demo", "--companies", str(companies), "--db", str(path)],
                       check=True, stdout=subprocess.DEVNULL)
    analyze(path)
    return path


def analyze(path: Path) -> None:
    """Give SQLite its statistics once. Without them it picks the (contract, status)
    product index for the portfolio's product lookup and a 100-row page takes seconds
    at 100 000 companies; ``cofatui demo`` does not run ANALYZE (yet)."""
    engine = make_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        has_stats = conn.execute(text(
            "SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")).scalar_one()
        if not has_stats:
            print(f"ANALYZE {path}…", flush=True)
            conn.execute(text("ANALYZE"))
            conn.commit()
    engine.dispose()


SYLLABLES = ("sa", "ber", "lin", "mar", "to", "vel", "dor", "ka", "ni", "po", "ru", "tes",
             "gal", "fen", "qui", "zo", "lam", "ri", "del", "mon")
SUFFIXES = ("SA", "SARL", "GmbH", "Ltd", "SpA", "BV", "Industries", "Transports", "Services")
COUNTRIES = ("FRA", "DEU", "ITA", "ESP", "GBR", "BEL", "NLD", "USA", "POL", "PRT")


def siren(n: int) -> str:
    """A valid SIREN (Luhn) from a running number."""
    body = f"{n % 100_000_000:08d}"
    for check in range(10):
        digits = [int(c) for c in body + str(check)]
        total = sum(d if i % 2 == 0 else (d * 2 - 9 if d * 2 > 9 else d * 2)
                    for i, d in enumerate(digits))
        if total % 10 == 0:
            return body + str(check)
    raise AssertionError("unreachable")


def search_database(path: Path, companies: int) -> Path:
    """Companies and legal identifiers only, bulk-inserted (1 000 000 in a few minutes)."""
    if path.exists():
        return path
    print(f"Bulk-inserting {companies} companies into {path}…", flush=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(f"sqlite:///{path}")
    migrations.upgrade(engine)
    rng = random.Random(5)
    batch = 20_000
    start = time.perf_counter()
    with engine.connect() as conn:
        conn.info["write"] = True
        for first in range(1, companies + 1, batch):
            rows, idents = [], []
            for n in range(first, min(first + batch, companies + 1)):
                name = " ".join([("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3)))
                                  ).capitalize(), rng.choice(SUFFIXES)])
                country = COUNTRIES[n % len(COUNTRIES)]
                rows.append({
                    "id": n, "name": name, "name_key": name.casefold(), "address": f"{n} rue X",
                    "postal_code": f"{n % 100000:05d}", "city": "Ville", "region": "",
                    "country": country, "easy_number": f"{n:014d}",
                    "coface_reference": f"{100 + n % 900:03d}{n % 1_000_000:06d}",
                    "establishment": "head_office", "phone": "", "dra": n % 11,
                    "source": "insurer", "version": 1})
                if country == "FRA":
                    idents.append({"company_id": n, "type_code": "SIREN", "value": siren(n)})
                elif country == "DEU":
                    idents.append({"company_id": n, "type_code": "HRN_DEU",
                                   "value": f"HRB {n}"})
            with conn.begin():
                conn.execute(Company.__table__.insert(), rows)  # type: ignore[attr-defined]
                if idents:
                    conn.execute(LegalIdentifier.__table__.insert(), idents)  # type: ignore[attr-defined]
        with conn.begin():
            conn.execute(text("ANALYZE"))
    engine.dispose()
    print(f"  done in {time.perf_counter() - start:.0f} s", flush=True)
    return path


# --------------------------------------------------------------- portfolio through Pilot


def summary(samples: list[float]) -> dict[str, float]:
    samples = sorted(samples)
    return {"median_ms": round(statistics.median(samples), 2),
            "p95_ms": round(samples[min(len(samples) - 1, int(len(samples) * 0.95))], 2),
            "min_ms": round(samples[0], 2), "max_ms": round(samples[-1], 2),
            "runs": len(samples)}


async def _until(pilot: Any, done: Callable[[], bool], timeout: float = 10.0) -> None:
    limit = time.perf_counter() + timeout
    while not done():
        if time.perf_counter() > limit:
            raise TimeoutError("the screen did not finish in time")
        await asyncio.sleep(0.0005)
    await pilot.pause()  # the paint that follows


def criteria_cases() -> dict[str, PortfolioCriteria]:
    return {
        "default (100 most recent)": PortfolioCriteria(),
        "CRL granted ≥ 50 000": PortfolioCriteria(product_codes=["CRL"],
                                                  statuses=[ProductStatus.GRANTED],
                                                  amount_min=Decimal(50000)),
        "country DEU + insurance": PortfolioCriteria(country="DEU", family="insurance"),
        "name contains 'mar'": PortfolioCriteria(name="mar"),
        "statuses refused|reduced": PortfolioCriteria(statuses=[ProductStatus.REFUSED,
                                                                ProductStatus.REDUCED]),
        "with a guarantor": PortfolioCriteria(has_guarantor=True),
    }


async def bench_screens(db: Path, repeat: int) -> list[dict[str, Any]]:
    engine = make_engine(f"sqlite:///{db}")
    repo = SqlRepository(engine, LOGIN)
    app = CofaApp(repo, Settings(language="en"))
    contract = app.current_contract_id
    assert contract is not None
    rows: list[dict[str, Any]] = []
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        screen = PortfolioScreen()
        app.push_screen(screen)
        await _until(pilot, lambda: screen.loaded)
        lst = screen.query_one(VirtualList)
        for name, criteria in criteria_cases().items():
            samples = []
            for _ in range(repeat):
                screen.loaded = False
                previous = lst._generation
                start = time.perf_counter()
                screen.criteria = criteria
                screen.load()

                def reloaded(p: int = previous) -> bool:
                    return screen.loaded and lst._generation != p and (
                        not screen.shown or lst.row_at(0) is not None)

                await _until(pilot, reloaded)
                samples.append((time.perf_counter() - start) * 1000)
            direct = measure(lambda c=criteria: fetch_portfolio(repo, contract, c),  # type: ignore[misc]
                             repeat=repeat)
            rows.append({"case": f"portfolio: {name}", "rows": len(screen.shown),
                         **summary(samples), "repository_median_ms": direct["median_ms"]})

        ids = [r.company_id for r in fetch_portfolio(repo, contract, PortfolioCriteria())][:repeat]
        samples = []
        for company_id in ids:
            start = time.perf_counter()
            detail = CompanyDetailScreen(company_id)
            app.push_screen(detail)
            products = None

            def shown(d: CompanyDetailScreen = detail) -> bool:
                nonlocal products
                if d.detail is None:
                    return False
                products = d.query_one("#products", VirtualList)
                return not d.detail.products or products.row_at(0) is not None

            await _until(pilot, shown)
            samples.append((time.perf_counter() - start) * 1000)
            app.pop_screen()
            await pilot.pause()
        direct = measure(lambda: (repo.products.company_detail(contract, ids[0]),
                                  repo.products.new_action_menu(contract, ids[0])), repeat=repeat)
        rows.append({"case": "company detail open", "rows": len(ids), **summary(samples),
                     "repository_median_ms": direct["median_ms"]})

        # Calibration: an empty screen pushed and painted on the same app and machine,
        # so the figures above can be read against what the terminal UI costs anyway.
        samples = []
        for _ in range(repeat):
            start = time.perf_counter()
            bare = _Bare()
            app.push_screen(bare)
            await _until(pilot, lambda b=bare: b.is_mounted)  # type: ignore[misc]
            samples.append((time.perf_counter() - start) * 1000)
            app.pop_screen()
            await pilot.pause()
        rows.append({"case": "calibration: empty screen push", "rows": 0,
                     **summary(samples), "repository_median_ms": 0})
    engine.dispose()
    return rows


class _Bare(Screen[None]):
    def compose(self) -> ComposeResult:
        yield Static("calibration")
        yield Footer()


# --------------------------------------------------------------- company search


def bench_search(db: Path, repeat: int) -> list[dict[str, Any]]:
    engine = make_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        companies = conn.execute(select(func.count()).select_from(Company)).scalar_one()
        ident = conn.execute(select(col(LegalIdentifier.value)).where(
            col(LegalIdentifier.type_code) == "SIREN").order_by(col(LegalIdentifier.id).desc())
            .limit(1)).scalar_one()
        easy, crs = conn.execute(select(col(Company.easy_number), col(Company.coface_reference))
                                 .order_by(col(Company.id).desc()).limit(1)).one()
    # Any user can search the insurer's company database; the demo user may not exist here.
    repo = SqlRepository.__new__(SqlRepository)
    try:
        repo = SqlRepository(engine, LOGIN)
    except Exception:  # a search-only database has no users: act as a fresh one
        from sqlalchemy.orm import Session

        from cofatui.models import User

        with Session(engine) as s:
            s.add(User(login=LOGIN, first_name="Bench", last_name="User",
                       role="policyholder", email="bench@example.test", password_hash="-"))
            s.commit()
        repo = SqlRepository(engine, LOGIN)
    cases = {
        "search FRA name prefix 'sa'": CompanySearch(country="FRA", name="sa"),
        "search DEU name prefix 'marlin'": CompanySearch(country="DEU", name="marlin"),
        "search FRA 'sa' head office only": CompanySearch(country="FRA", name="sa",
                                                          head_office_only=True),
        "search by SIREN": CompanySearch(country="FRA", legal_identifier_type="SIREN",
                                         legal_identifier_value=ident),
        "search by EasyNumber": CompanySearch(easy_number=easy),
        "search by Coface reference": CompanySearch(coface_reference=crs),
    }
    rows = []
    for name, search in cases.items():
        stats = measure(lambda s=search: repo.companies.search(s, 0, 200), repeat=repeat)  # type: ignore[misc]
        total = repo.companies.search(search, 0, 1).total
        rows.append({"case": f"{name} ({companies} companies)", "rows": total, **stats})
    engine.dispose()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--portfolio-db", type=Path, help="a cofatui demo database")
    parser.add_argument("--companies", type=int, default=100_000)
    parser.add_argument("--search-db", type=Path, help="companies-only database")
    parser.add_argument("--search-companies", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--quick", action="store_true", help="small databases, for CI")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-p5-"))
    if args.quick:
        args.companies, args.search_companies, args.repeat = 300, 20_000, 3
        args.portfolio_db = args.portfolio_db or tmp / "portfolio.sqlite"
        args.search_db = args.search_db or tmp / "search.sqlite"
    portfolio_db = demo_database(args.portfolio_db or Path(f"/tmp/p5/demo{args.companies}.sqlite"),
                                 args.companies)
    search_db = search_database(
        args.search_db or Path(f"/tmp/p5/search{args.search_companies}.sqlite"),
        args.search_companies)
    rows = asyncio.run(bench_screens(portfolio_db, args.repeat))
    rows += bench_search(search_db, args.repeat)
    print_table("Portfolio and company screens", rows)
    load = os.getloadavg()
    print(f"Load average during the run: {load[0]:.1f} (machine: {os.cpu_count()} cores)")
    payload = {"portfolio_companies": args.companies, "load_average": round(load[0], 1),
               "cores": os.cpu_count(),
               "search_companies": args.search_companies, "results": rows}
    name = "portfolio_tui_quick" if args.quick else "portfolio_tui"
    print(f"\nJSON: {write_json(name, payload)}")


if __name__ == "__main__":
    main()
