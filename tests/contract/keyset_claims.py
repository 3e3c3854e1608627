"""The claim the keyset tests of the claims lists copy (the queue, a contract's claims,
the claims portfolio): their drawn claims are Core rows, copies of one registered
through the repository, with the columns each test draws put in."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.models import Claim
from cofatui.schemas import ClaimCreate, InvoiceLine
from tests.contract.conftest import Backend
from tests.contract.dataset import TODAY


def claim_template(backend: Backend) -> dict[str, Any]:
    """The columns (but the id) of a registered claim of contract A, made if none."""
    with Session(backend.engine) as s:
        found = s.execute(select(Claim.__table__).where(  # type: ignore[attr-defined]
            col(Claim.contract_id) == backend.ids["A"],
            col(Claim.reference).is_not(None)).limit(1)).mappings().first()
    if found is None:
        backend.open("alice").claims.submit(ClaimCreate(
            contact_name="Alice", contact_email="alice@example.test",
            contract_id=backend.ids["A"], company_id=backend.ids["alpha"],
            reason="insolvency", intervention_requested=False,
            invoices=[InvoiceLine(type="IN", number="1", invoice_date=TODAY - timedelta(40),
                                  due_date=TODAY - timedelta(10), currency="EUR",
                                  amount_excl_tax=Decimal(100), tax=Decimal(20))]))
        return claim_template(backend)
    return {k: v for k, v in found.items() if k != "id"}
