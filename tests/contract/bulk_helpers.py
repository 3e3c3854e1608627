"""Helpers of the bulk-order contract tests: the seed's companies added to the
contract dataset (as the demo holds them in 1234567), and running an import's job."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from cofatui.demo.bulk_seed import DRA, SEED_COMPANIES
from cofatui.jobs.worker import Worker
from cofatui.models import Company, LegalIdentifier, PortfolioEntry, Product, ProductEvent
from cofatui.repository.sql.companies import name_key
from cofatui.repository.sql.search import search_key
from tests.contract.dataset import NOW

SAMPLE = Path(__file__).resolve().parents[2] / "fixtures" / "bulk_orders_sample.csv"


def add_seed_companies(engine: Engine, contract_id: int) -> dict[str, int]:
    """The seed's companies (``demo.bulk_seed``), their products in ``contract_id``;
    returns company ids by EasyNumber."""
    ids: dict[str, int] = {}
    granted_at = NOW - timedelta(days=120)
    with Session(engine) as s:
        for seed in SEED_COMPANIES:
            company = Company(name=seed.name, name_key=name_key(seed.name),
                              country=seed.country, easy_number=seed.easy_number,
                              coface_reference=seed.coface_reference, city=seed.city,
                              dra=DRA, updated_at=granted_at)
            s.add(company)
            s.flush()
            assert company.id is not None
            ids[seed.easy_number] = company.id
            for type_code, value in seed.identifiers:
                s.add(LegalIdentifier(company_id=company.id, type_code=type_code, value=value))
            if seed.product is None:
                continue
            code, amount = seed.product
            s.add(PortfolioEntry(contract_id=contract_id, company_id=company.id,
                                 search_text=search_key(seed.name, seed.country,
                                                        seed.easy_number, ""),
                                 updated_at=granted_at))
            product = Product(contract_id=contract_id, company_id=company.id, code=code,
                              status="granted", requested_amount=amount,
                              decided_amount=amount, currency="EUR",
                              requested_at=granted_at, decided_at=granted_at,
                              updated_at=granted_at, effective_date=granted_at.date(),
                              decided_by="rule:auto", monitored=code in ("ROM", "RSM"))
            s.add(product)
            s.flush()
            assert product.id is not None
            s.add(ProductEvent(product_id=product.id, at=granted_at, action="decision",
                               status="granted", amount=amount, actor="rule:auto"))
        s.commit()
    return ids


def run_jobs(engine: Engine, clock: object) -> int:
    """Run every queued job (the import's) to its end, as a worker would."""
    return Worker(engine, clock=clock, schedules=[]).drain()  # type: ignore[arg-type]

