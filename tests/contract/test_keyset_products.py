"""Keyset paging (issue 21) of the home screen's two product lists, on every backend:
the pending requests (oldest first) and the covers ending soon (soonest first). Pages
by key equal pages by offset, forwards and backwards, and rows added between two reads
are neither repeated nor lost (hypothesis draws the rows: tied or missing request
times, tied end dates)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import strategies as st
from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.errors import ValidationFailed
from cofatui.models import DecisionRequest, Product
from cofatui.repository.base import Repository
from cofatui.schemas import Page, Seek
from tests.contract.conftest import Backend
from tests.contract.dataset import NOW
from tests.contract.keyset_lists import check_list, paging_examples

#: Marks the rows a test adds, so that clearing them leaves the dataset's own.
MARK = "keyset-test"
Spec = int | None  # a drawn row: minutes before / days after NOW (None: as 0)
Writer = Callable[[Session, Backend, Spec], None]
Reader = Callable[[int, int, Seek | None], Page[Any]]


def _product(s: Session, b: Backend, status: str, end_days: int | None) -> int:
    product = Product(contract_id=b.ids["A"], company_id=b.ids["alpha"], code="CRL",
                      status=status, requested_amount=Decimal(1000), currency="EUR",
                      decided_by=MARK, updated_at=NOW,
                      end_date=None if end_days is None else NOW.date() + timedelta(
                          days=end_days))
    s.add(product)
    s.flush()
    assert product.id is not None
    return product.id


def _pending(s: Session, b: Backend, spec: Spec) -> None:
    product_id = _product(s, b, "pending", None)
    s.add(DecisionRequest(product_id=product_id, contract_id=b.ids["A"],
                          company_id=b.ids["alpha"], kind="initial", code="CRL",
                          requested_amount=Decimal(1000), requested_by=MARK,
                          requested_at=NOW - timedelta(minutes=spec or 0)))
    # Contract B's requests are never in A's list.
    other = Product(contract_id=b.ids["B"], company_id=b.ids["epsilon"], code="CRL",
                    status="pending", currency="EUR", decided_by=MARK, updated_at=NOW)
    s.add(other)
    s.flush()
    assert other.id is not None
    s.add(DecisionRequest(product_id=other.id, contract_id=b.ids["B"],
                          company_id=b.ids["epsilon"], kind="initial", code="CRL",
                          requested_by=MARK, requested_at=NOW))


def _ending(s: Session, b: Backend, spec: Spec) -> None:
    _product(s, b, "granted", spec or 0)
    _product(s, b, "refused", spec or 0)  # not a standing cover: never listed
    _product(s, b, "granted", 400)  # beyond the span: never listed


@dataclass(frozen=True)
class Listed:
    write: Writer
    read: Callable[[Repository, Backend], Reader]
    key: Callable[[Any], Any]


LISTS: dict[str, Listed] = {
    "pending-requests": Listed(
        _pending, lambda r, b: lambda offset, limit, seek: r.products.pending_requests(
            b.ids["A"], offset, limit, seek), lambda p: p.request_id),
    "ending-guarantees": Listed(
        _ending, lambda r, b: lambda offset, limit, seek: r.products.ending_guarantees(
            b.ids["A"], 30, offset, limit, seek), lambda e: e.product_id),
}


def _write(b: Backend, listed: Listed, specs: list[Spec]) -> None:
    with Session(b.engine) as s:
        for spec in specs:
            listed.write(s, b, spec)
        s.commit()


def _clear(b: Backend) -> None:
    with Session(b.engine) as s:
        s.execute(delete(DecisionRequest).where(col(DecisionRequest.requested_by) == MARK))
        s.execute(delete(Product).where(col(Product.decided_by) == MARK))
        s.commit()


_spec = st.one_of(st.none(), st.integers(0, 3))


@pytest.mark.parametrize("name", sorted(LISTS))
@paging_examples(_spec)
def test_pages_by_key_are_pages_by_offset(backend: Backend, name: str, rows: list[Spec],
                                          more: list[Spec], limit: int,
                                          backwards: bool) -> None:
    listed = LISTS[name]
    _clear(backend)
    _write(backend, listed, rows)
    read = listed.read(backend.open("alice"), backend)
    check_list(read, listed.key, limit, lambda: _write(backend, listed, more), backwards)


def test_the_orders_are_kept(backend: Backend) -> None:
    """Oldest request first, soonest end first; the id breaks ties."""
    _clear(backend)
    _write(backend, LISTS["pending-requests"], [None, 2, 5, 2])
    _write(backend, LISTS["ending-guarantees"], [3, 1, 3])
    repo = backend.open("alice")
    pending = repo.products.pending_requests(backend.ids["A"], 0, 100, Seek()).items
    assert [(p.requested_at, p.request_id) for p in pending] == sorted(
        (p.requested_at, p.request_id) for p in pending)
    assert len([p for p in pending if p.requested_at == NOW - timedelta(minutes=2)]) == 2
    ending = repo.products.ending_guarantees(backend.ids["A"], 30, 0, 100, Seek()).items
    assert [(e.end_date, e.product_id) for e in ending] == sorted(
        (e.end_date, e.product_id) for e in ending)
    assert len([e for e in ending if e.end_date == NOW.date() + timedelta(days=3)]) == 2


def test_the_last_page_reads_from_the_end(backend: Backend) -> None:
    _clear(backend)
    _write(backend, LISTS["ending-guarantees"], [0, 1, 2, 3])
    repo = backend.open("alice")
    whole = repo.products.ending_guarantees(backend.ids["A"], 30, 0, 100).items
    last = repo.products.ending_guarantees(backend.ids["A"], 30, 0, 2, Seek(last=True))
    assert [e.product_id for e in last.items] == [e.product_id for e in whole[-2:]]


def test_a_cursor_of_the_other_list_is_refused_at_cursor(backend: Backend) -> None:
    _clear(backend)
    _write(backend, LISTS["pending-requests"], [1, 2])
    repo = backend.open("alice")
    cursor = repo.products.pending_requests(backend.ids["A"], 0, 1, Seek()).last_cursor
    assert cursor is not None
    with pytest.raises(ValidationFailed) as err:
        repo.products.ending_guarantees(backend.ids["A"], 30, 0, 10, Seek(after=cursor))
    assert err.value.errors[0].field == "cursor"


def test_other_contracts_requests_are_not_listed(backend: Backend) -> None:
    _clear(backend)
    _write(backend, LISTS["pending-requests"], [1])
    repo = backend.open("alice")
    with Session(backend.engine) as s:
        theirs = set(s.execute(select(col(DecisionRequest.id)).where(
            col(DecisionRequest.contract_id) == backend.ids["B"])).scalars())
    listed = {p.request_id for p in repo.products.pending_requests(
        backend.ids["A"], 0, 100, Seek()).items}
    assert theirs and not theirs & listed


def test_a_request_without_a_time_is_neither_listed_nor_counted(backend: Backend) -> None:
    """A key is never NULL: such a request (no writer makes one) is left out of the rows
    and of the total alike, instead of being lost between two pages."""
    _clear(backend)
    _write(backend, LISTS["pending-requests"], [1, 2])
    with Session(backend.engine) as s:
        product_id = _product(s, backend, "pending", None)
        s.add(DecisionRequest(product_id=product_id, contract_id=backend.ids["A"],
                              company_id=backend.ids["alpha"], kind="initial", code="CRL",
                              requested_by=MARK, requested_at=None))
        s.commit()
    page = backend.open("alice").products.pending_requests(backend.ids["A"], 0, 100, Seek())
    assert page.total == len(page.items)
    assert product_id not in {p.product_id for p in page.items}
