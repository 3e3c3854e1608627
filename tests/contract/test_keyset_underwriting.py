"""Keyset paging of the underwriter's queue (issue 21) on every backend: pages by key
equal pages by offset, forwards and backwards, for drawn pending requests (ties on the
request time, requests without one: the oldest), the queue's filters, and requests
made between two reads neither repeated nor lost."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import insert, select
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.errors import ValidationFailed
from cofatui.models import DecisionRequest, Product
from cofatui.schemas import Page, QueueFilter, QueueItem, Seek
from tests.contract.conftest import Backend
from tests.contract.dataset import NOW
from tests.contract.keyset_support import check_insert_between_reads, check_keyset_paging

#: (code, requested hours before NOW (None: no time), contract key).
Drawn = tuple[str, int | None, str]
_request = st.tuples(st.sampled_from(["CRL", "RLI"]), st.one_of(st.none(), st.integers(0, 3)),
                     st.sampled_from(["A", "B"]))
_filter = st.sampled_from([QueueFilter(), QueueFilter(code="RLI"), QueueFilter(country="FR"),
                           QueueFilter(code="LCR")])
_SETTINGS = settings(max_examples=8, deadline=None, suppress_health_check=[
    HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


def _add(backend: Backend, requests: list[Drawn]) -> None:
    """Each request on a product of its own (one pending request a product): a copy of
    one of the contract's products, as Core rows."""
    with Session(backend.engine) as s:
        for code, hours, contract in requests:
            template = s.execute(select(Product.__table__).where(  # type: ignore[attr-defined]
                col(Product.contract_id) == backend.ids[contract]).limit(1)).mappings().one()
            product_id = s.execute(insert(Product).values(
                {**{k: v for k, v in template.items() if k != "id"}, "code": code,
                 "status": "pending"}).returning(col(Product.id))).scalar_one()
            s.execute(insert(DecisionRequest).values(
                product_id=product_id, contract_id=template["contract_id"],
                company_id=template["company_id"], kind="initial", code=code,
                currency="EUR", status="pending",
                requested_at=None if hours is None else NOW - timedelta(hours=hours)))
        s.commit()


@given(requests=st.lists(_request, max_size=10), limit=st.integers(1, 4), flt=_filter,
       more=st.lists(_request, min_size=1, max_size=4), pages=st.integers(1, 2),
       backwards=st.booleans())
@_SETTINGS
def test_queue_pages_by_key_are_its_pages_by_offset(
        backend: Backend, requests: list[Drawn], limit: int, flt: QueueFilter,
        more: list[Drawn], pages: int, backwards: bool) -> None:
    _add(backend, requests)
    uw = backend.open("uw")

    def read(offset: int, size: int, seek: Seek | None) -> Page[QueueItem]:
        return uw.underwriting.queue(flt, offset, size, seek)

    rows: list[Any] = check_keyset_paging(read, key=lambda r: r.request_id, limit=limit)
    assert len(rows) == read(0, 1, None).total
    check_insert_between_reads(read, key=lambda r: r.request_id, limit=limit,
                               insert=lambda: _add(backend, more), pages_before=pages,
                               backwards=backwards)


def test_a_foreign_cursor_is_refused_at_cursor(backend: Backend) -> None:
    with pytest.raises(ValidationFailed) as refused:
        backend.open("uw").underwriting.queue(seek=Seek(last=False, before="WzFd"))
    assert [e.field for e in refused.value.errors] == ["cursor"]
