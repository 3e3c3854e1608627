"""The company rows of a portfolio export (``company`` aggregation) pick the product
they show in SQL (``export_rows._prevailing_rank``) and list the live codes from SQL:
on many companies with random products (ties of code and status, covers granted,
reduced, pending, refused, information products, an unknown status) inserted in a
random order, each row is the one :func:`cofatui.rules.export_aggregation.
prevailing_product` picks from the company's products oldest first among those the
filters keep, its ``products`` text :func:`products_text` of them all; a company
none of whose products is kept has no row under a product filter."""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.enums import ExportAggregation, ExportCategory, ProductStatus
from cofatui.models import Company, PortfolioEntry, Product
from cofatui.repository.sql.export_rows import (
    ExportSpec,
    count_export_rows,
    export_snapshot,
    iter_export_csv_lines,
    iter_export_rows,
)
from cofatui.rules.export_aggregation import prevailing_product, products_text
from cofatui.rules.products import LIVE_STATUSES
from tests.contract.conftest import Backend

CODES = ["CRL", "ECL", "TOPLINER", "RLI", "CCO", "RSM"]
STATUSES = [s.value for s in ProductStatus] + ["not_a_status"]
COLUMNS = ("easy_number", "products", "product_code", "status", "decided_amount", "currency")


@pytest.fixture
def sql_backend(backend: Backend) -> Backend:
    if backend.name not in ("sqlite", "postgres"):
        pytest.skip("the rows are read on the server's database")
    return backend


def _add_companies(b: Backend, count: int, seed: int) -> None:
    """``count`` companies on contract A, 0 to 6 products each (their amounts the
    order they were drawn in, so a row names its product), inserted shuffled: the
    ids do not follow the codes and statuses."""
    rng = random.Random(seed)
    drawn: list[tuple[int, str, str]] = []
    with Session(b.engine) as s:
        for n in range(count):
            company = Company(name=f"Random {n}", name_key=f"random {n}", country="FR",
                              easy_number=f"RND{seed:03d}{n:06d}")
            s.add(company)
            s.flush()
            assert company.id is not None
            s.add(PortfolioEntry(contract_id=b.ids["A"], company_id=company.id))
            for _ in range(rng.choice([0, 1, 1, 2, 3, 4, 6])):
                # few codes and statuses: many ties of both
                drawn.append((company.id, rng.choice(CODES[:rng.choice([2, 6])]),
                              rng.choice(STATUSES)))
        rng.shuffle(drawn)
        for i, (company_id, code, status) in enumerate(drawn):
            s.add(Product(contract_id=b.ids["A"], company_id=company_id, code=code,
                          status=status, decided_amount=Decimal(i + 1) / 1000,
                          currency=rng.choice(["EUR", "USD", "JPY"])))
        s.commit()


def _expected(b: Backend, s: ExportSpec) -> dict[str, tuple[Any, ...]]:
    """Each company's row by the rules, from its products oldest first."""
    codes, statuses = set(s.product_codes), set(s.statuses)
    filtered = bool(codes or statuses)
    with Session(b.engine) as session:
        companies = session.execute(
            select(col(Company.id), col(Company.easy_number))
            .join(PortfolioEntry, col(PortfolioEntry.company_id) == col(Company.id))
            .where(col(PortfolioEntry.contract_id) == b.ids["A"])).all()
        products: dict[int, list[Product]] = {}
        for p in session.execute(select(Product).where(col(Product.contract_id) == b.ids["A"])
                                 .order_by(col(Product.id))).scalars():
            products.setdefault(p.company_id, []).append(p)
        out = {}
        for company_id, easy in companies:
            mine = products.get(company_id or 0, [])
            kept = [p for p in mine if (not codes or p.code in codes)
                    and (not statuses or p.status in statuses)]
            if filtered and not kept:
                continue
            live = products_text([p for p in mine if p.status in {v.value for v in LIVE_STATUSES}])
            shown = prevailing_product(kept)
            out[easy] = (easy, live) + (
                (None, None, None) if shown is None else
                (shown.code, shown.status, shown.decided_amount))
    return out


@pytest.mark.parametrize("filters", [
    {}, {"statuses": tuple(sorted(v.value for v in LIVE_STATUSES))},
    {"statuses": ("granted", "reduced", "refused")}, {"product_codes": ("CRL", "ECL", "CCO")},
    {"product_codes": ("TOPLINER", "RLI"), "statuses": ("pending", "granted")}])
def test_each_company_row_shows_the_product_the_rules_pick(
        sql_backend: Backend, filters: dict[str, Any]) -> None:
    b = sql_backend
    _add_companies(b, 120, seed=7)
    s = ExportSpec(category=ExportCategory.PORTFOLIO, owner_id=1, contract_ids=(b.ids["A"],),
                   columns=COLUMNS, aggregation=ExportAggregation.COMPANY, language="en",
                   **filters)
    with export_snapshot(b.engine) as conn:
        total = count_export_rows(conn, s)
        rows = list(iter_export_rows(conn, s, page=7))
        lines = list(iter_export_csv_lines(conn, s, "Europe/Paris", "en", page=7))
    expected = _expected(b, s)
    assert total == len(rows) == len(lines) == len(expected)
    got = {r["easy_number"]: (r["easy_number"], r["products"], r["product_code"] or None,
                              r["status"] or None, r["decided_amount"]) for r in rows}
    # the status is worded in the row; compare it through its code's wording
    for easy, want in expected.items():
        code, status = want[2], want[3]
        assert got[easy][:3] == want[:3]
        assert got[easy][4] == want[4]
        assert (got[easy][3] is None) == (status is None)
        assert code is None or got[easy][3]
    assert [line[0] for line in lines] == [r["easy_number"] for r in rows]
