"""Keyset paging of the claims handler's queue (issue 21) on every backend: pages by
key equal pages by offset, forwards and backwards, for drawn claims (ties on the
submission time are common) and the queue's filters, and claims registered between
two reads are neither repeated nor lost."""

from __future__ import annotations

import itertools
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import insert, select
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.enums import ClaimStatus
from cofatui.errors import ValidationFailed
from cofatui.models import Claim
from cofatui.schemas import ClaimCreate, ClaimQueueFilter, ClaimQueueItem, InvoiceLine, Page, Seek
from tests.contract.conftest import Backend
from tests.contract.dataset import NOW, TODAY
from tests.contract.keyset_support import check_insert_between_reads, check_keyset_paging

#: (status, submitted hours before NOW, intervention asked).
Drawn = tuple[ClaimStatus, int, bool]
_claim = st.tuples(st.sampled_from([ClaimStatus.PENDING, ClaimStatus.ACCEPTED,
                                    ClaimStatus.CLOSED]),
                   st.integers(0, 3), st.booleans())
_filter = st.sampled_from([
    ClaimQueueFilter(), ClaimQueueFilter(status=ClaimStatus.PENDING),
    ClaimQueueFilter(intervention_requested=True), ClaimQueueFilter(currency="EUR"),
    ClaimQueueFilter(status=ClaimStatus.CLOSED)])
_SETTINGS = settings(max_examples=8, deadline=None, suppress_health_check=[
    HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
_serial = itertools.count()


def _template(backend: Backend) -> dict[str, Any]:
    """The columns of one claim registered through the repository, to copy."""
    with Session(backend.engine) as s:
        found = s.execute(select(Claim.__table__).where(  # type: ignore[attr-defined]
            col(Claim.reference).is_not(None)).limit(1)).mappings().first()
    if found is None:
        backend.open("alice").claims.submit(ClaimCreate(
            contact_name="Alice", contact_email="alice@example.test",
            contract_id=backend.ids["A"], company_id=backend.ids["alpha"],
            reason="insolvency", intervention_requested=False,
            invoices=[InvoiceLine(type="IN", number="1", invoice_date=TODAY - timedelta(40),
                                  due_date=TODAY - timedelta(10), currency="EUR",
                                  amount_excl_tax=Decimal(100), tax=Decimal(20))]))
        return _template(backend)
    return {k: v for k, v in found.items() if k != "id"}


def _add(backend: Backend, claims: list[Drawn]) -> None:
    """Copies of a registered claim, as Core rows (the queue reads the claim table)."""
    template = _template(backend)
    with Session(backend.engine) as s:
        for status, hours, intervention in claims:
            s.execute(insert(Claim).values(
                {**template, "reference": f"KQ{next(_serial):08d}", "status": status.value,
                 "submitted_at": NOW - timedelta(hours=hours),
                 "intervention_requested": intervention}))
        s.commit()


@given(claims=st.lists(_claim, max_size=10), limit=st.integers(1, 4), flt=_filter,
       more=st.lists(_claim, min_size=1, max_size=4), pages=st.integers(1, 2),
       backwards=st.booleans())
@_SETTINGS
def test_queue_pages_by_key_are_its_pages_by_offset(
        backend: Backend, claims: list[Drawn], limit: int, flt: ClaimQueueFilter,
        more: list[Drawn], pages: int, backwards: bool) -> None:
    _add(backend, claims)
    uw = backend.open("uw")

    def read(offset: int, size: int, seek: Seek | None) -> Page[ClaimQueueItem]:
        return uw.claims.queue(flt, offset, size, seek)

    rows = check_keyset_paging(read, key=lambda r: r.claim_id, limit=limit)
    assert len(rows) == read(0, 1, None).total
    check_insert_between_reads(read, key=lambda r: r.claim_id, limit=limit,
                               insert=lambda: _add(backend, more), pages_before=pages,
                               backwards=backwards)


def test_a_foreign_cursor_is_refused_at_cursor(backend: Backend) -> None:
    with pytest.raises(ValidationFailed) as refused:
        backend.open("uw").claims.queue(seek=Seek(after="WzFd"))
    assert [e.field for e in refused.value.errors] == ["cursor"]
