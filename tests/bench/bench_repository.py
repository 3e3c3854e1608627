"""Repository query benchmarks (issue 2).

- portfolio criteria query, newest first, first page of 100 (goal ≤ 20 ms median on
  SQLite, ≤ 30 ms on PostgreSQL) at 100 000 companies / ~1 000 000 products;
- notification page with a type-as-you-go substring filter over company name,
  country, client reference and EasyNumber (goal ≤ 30 ms) at ~1 000 000 notifications.

Usage::

    python -m tests.bench.bench_repository --db /tmp/bench100k.sqlite --companies 100000
    python -m tests.bench.bench_repository --db postgresql://postgres@127.0.0.1/test \
        --schema bench --companies 100000
    python -m tests.bench.bench_repository --quick        # 2 000 companies, for CI

The database is generated on first use (``cofatui demo``) and reused afterwards.
"""

from __future__ import annotations

import argparse
import tempfile
from decimal import Decimal
from pathlib import Path

from sqlalchemy import text

from cofatui import migrations
from cofatui.demo.generator import generate_demo
from cofatui.enums import ProductStatus
from cofatui.repository.sql import SqlRepository, make_engine, refresh_statistics
from cofatui.schemas import CompanySearch, NotificationFilter, PortfolioCriteria
from tests.bench.harness import measure, print_table, write_json


def prepare(url: str, companies: int, schema: str | None) -> str:
    if schema:
        admin = make_engine(url)
        with admin.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA IF NOT EXISTS {schema}"))
        admin.dispose()
        sep = "&" if "?" in url else "?"
        url = f"{url}{sep}options=-csearch_path%3D{schema}"
    engine = make_engine(url)
    migrations.upgrade(engine)
    with engine.connect() as conn:
        existing = conn.execute(text("SELECT count(*) FROM company")).scalar_one()
    if existing == 0:
        print(f"Generating {companies} companies…")
        summary = generate_demo(engine, companies=companies, seed=42)
        print(f"  done in {summary.elapsed_seconds:.1f} s")
    refresh_statistics(engine)
    engine.dispose()
    return url


def run(url: str, label: str) -> list[dict[str, object]]:
    engine = make_engine(url)
    repo = SqlRepository(engine, "demo")
    contract = repo.whoami().contracts[0].contract_id
    with engine.connect() as conn:
        counts = {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()
                  for t in ("company", "product", "notification")}
    print(f"{label}: {counts}")
    cases = {
        "portfolio default (100 newest)":
            lambda: repo.portfolio.rows(contract, None, 0, 100, with_total=False),
        "portfolio default + total":
            lambda: repo.portfolio.rows(contract, None, 0, 100),
        "portfolio criteria: CRL granted ≥ 50k":
            lambda: repo.portfolio.rows(contract, PortfolioCriteria(
                product_codes=["CRL"], statuses=[ProductStatus.GRANTED],
                amount_min=Decimal(50000)), 0, 100, with_total=False),
        "portfolio criteria: country DEU + insurance":
            lambda: repo.portfolio.rows(contract, PortfolioCriteria(
                country="DEU", family="insurance"), 0, 100, with_total=False),
        "portfolio text 'mar' (trigram)":
            lambda: repo.portfolio.rows(contract, PortfolioCriteria(text="mar"), 0, 100,
                                   with_total=False),
        "notifications first page":
            lambda: repo.notifications.rows(NotificationFilter(), 0, 100, with_total=False),
        "notifications text 'ber'":
            lambda: repo.notifications.rows(NotificationFilter(text="ber"), 0, 100,
                                       with_total=False),
        "notifications text 'industr'":
            lambda: repo.notifications.rows(NotificationFilter(text="industr"), 0, 100,
                                       with_total=False),
        "notifications text 'zz9' (rare)":
            lambda: repo.notifications.rows(NotificationFilter(text="zz9"), 0, 100,
                                       with_total=False),
        "notifications text 'de' (2 chars)":
            lambda: repo.notifications.rows(NotificationFilter(text="de"), 0, 100,
                                       with_total=False),
        "notifications count, text 'ber'":
            lambda: repo.notifications.rows(NotificationFilter(text="ber"), 0, 1),
        "company search FRA name prefix 'sa'":
            lambda: repo.companies.search(CompanySearch(country="FRA", name="sa"), 0, 100),
    }
    rows = []
    for name, fn in cases.items():
        stats = measure(fn, repeat=15)
        rows.append({"backend": label, "case": name, **stats})
    engine.dispose()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", help="database URL or SQLite path (generated if empty)")
    parser.add_argument("--schema", help="PostgreSQL schema to use (created if missing)")
    parser.add_argument("--companies", type=int, default=100_000)
    parser.add_argument("--quick", action="store_true", help="2 000 companies in a temp file")
    args = parser.parse_args()
    if args.quick:
        args.companies = 2000
        args.db = args.db or str(Path(tempfile.mkdtemp()) / "quick.sqlite")
    if not args.db:
        parser.error("--db is required (or --quick)")
    url = prepare(args.db, args.companies, args.schema)
    label = f"{make_engine(url).dialect.name} {args.companies}"
    rows = run(url, label)
    print_table("Repository queries", rows)
    print(f"\nJSON: {write_json('repository', rows)}")


if __name__ == "__main__":
    main()
