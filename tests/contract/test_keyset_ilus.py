"""Keyset paging (issue 21) of the ILU lists, on every backend: a contract's active
ILUs (soonest deadline first) and closed ones (newest first), and the back office's
issued ILUs (newest first, in each view). Pages by key equal pages by offset, forwards
and backwards, and ILUs issued between two reads are neither repeated nor lost
(hypothesis draws deadlines with ties, open or answered)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import strategies as st
from sqlalchemy import delete
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.enums import IluView
from cofatui.errors import ValidationFailed
from cofatui.models import Company, Ilu
from cofatui.repository.base import Repository
from cofatui.schemas import Page, Seek
from tests.contract.conftest import Backend
from tests.contract.dataset import NOW
from tests.contract.keyset_lists import Listed, check_listed, paging_examples

#: The companies a test adds (one open ILU per company and contract): cleared after.
PREFIX = "keyset-ilu-"
Spec = tuple[int, bool]  # a drawn ILU: its deadline in days from today, answered or open
Reader = Callable[[int, int, Seek | None], Page[Any]]


def _contract(view: IluView) -> Callable[[Repository, Backend], Reader]:
    return lambda r, b: lambda offset, limit, seek: r.ilus.ilus(b.ids["A"], view, None,
                                                                offset, limit, seek)


def _issued(view: IluView | None) -> Callable[[Repository, Backend], Reader]:
    return lambda r, b: lambda offset, limit, seek: r.ilus.issued(offset, limit, view, seek)


LISTS: dict[str, Listed] = {
    "active": ("alice", _contract(IluView.ACTIVE)),
    "closed": ("alice", _contract(IluView.CLOSED)),
    "issued": ("uw", _issued(None)),
    "issued-active": ("uw", _issued(IluView.ACTIVE)),
}


def _write(b: Backend, specs: list[Spec]) -> None:
    with Session(b.engine) as s:
        for days, answered in specs:
            name = PREFIX + uuid.uuid4().hex[:12]
            company = Company(name=name, name_key=name, country="FR", updated_at=NOW,
                              easy_number="K" + uuid.uuid4().hex[:18])
            s.add(company)
            s.flush()
            assert company.id is not None
            for contract in ("A", "B"):  # B's are never in A's lists
                s.add(Ilu(contract_id=b.ids[contract], company_id=company.id,
                          product_id=b.ids["p_alpha_crl"], product_code="CRL",
                          cover_amount=Decimal(1000), currency="EUR",
                          status="answered" if answered else "open",
                          deadline=NOW.date() + timedelta(days=days), issued_at=NOW))
        s.commit()


def _clear(b: Backend) -> None:
    with Session(b.engine) as s:
        s.execute(delete(Ilu))
        s.execute(delete(Company).where(col(Company.name).startswith(PREFIX)))
        s.commit()


_spec = st.tuples(st.integers(0, 3), st.booleans())


@pytest.mark.parametrize("name", sorted(LISTS))
@paging_examples(_spec)
def test_pages_by_key_are_pages_by_offset(backend: Backend, name: str, rows: list[Spec],
                                          more: list[Spec], limit: int,
                                          backwards: bool) -> None:
    check_listed(backend, LISTS[name], _write, _clear, lambda i: i.id, rows, more, limit,
                 backwards)


def test_the_orders_are_kept(backend: Backend) -> None:
    _clear(backend)
    _write(backend, [(3, False), (1, False), (3, False), (2, True), (0, True)])
    repo = backend.open("alice")
    active = repo.ilus.ilus(backend.ids["A"], IluView.ACTIVE, None, 0, 100, Seek()).items
    assert [(i.deadline, i.id) for i in active] == sorted((i.deadline, i.id) for i in active)
    assert len(active) == 3
    closed = repo.ilus.ilus(backend.ids["A"], IluView.CLOSED, None, 0, 100, Seek()).items
    assert [i.id for i in closed] == sorted((i.id for i in closed), reverse=True)
    issued = backend.open("uw").ilus.issued(0, 100, None, Seek()).items
    assert [i.id for i in issued] == sorted((i.id for i in issued), reverse=True)
    assert len(issued) == 10


def test_a_cursor_of_the_other_view_is_refused_at_cursor(backend: Backend) -> None:
    """Active ILUs are keyed by (deadline, id), closed ones by id: a cursor of one is
    not the other's."""
    _clear(backend)
    _write(backend, [(1, False), (2, True)])
    repo = backend.open("alice")
    cursor = repo.ilus.ilus(backend.ids["A"], IluView.ACTIVE, None, 0, 1, Seek()).last_cursor
    assert cursor is not None
    with pytest.raises(ValidationFailed) as err:
        repo.ilus.ilus(backend.ids["A"], IluView.CLOSED, None, 0, 10, Seek(after=cursor))
    assert err.value.errors[0].field == "cursor"
