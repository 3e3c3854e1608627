"""Keyset paging (issue 21) of the company information lists, on every backend: a
contract's submissions (newest first) and the back office's queue (oldest first), for
filters that join the company or not. Pages by key equal pages by offset, forwards and
backwards, and submissions sent between two reads are neither repeated nor lost
(hypothesis draws the times: tied, or none)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import strategies as st
from sqlalchemy import delete
from sqlalchemy.orm import Session

from cofatui.errors import ValidationFailed
from cofatui.models import CompanyInformation
from cofatui.schemas import Page, Seek
from cofatui.schemas_company_info import CompanyInfoFilter
from tests.contract.conftest import Backend
from tests.contract.dataset import NOW
from tests.contract.keyset_lists import Listed, check_listed, paging_examples

Spec = int | None  # a drawn submission: minutes before NOW, None: not stamped
Reader = Callable[[int, int, Seek | None], Page[Any]]

#: (login, the list read) — each with a filter that joins the company, and one that
#: does not.
LISTS: dict[str, Listed] = {
    "submissions": ("alice", lambda r, b: lambda offset, limit, seek: r.company_info
                    .submissions(CompanyInfoFilter(contract_id=b.ids["A"]), offset, limit,
                                 seek)),
    "submissions-of-FR": ("alice", lambda r, b: lambda offset, limit, seek: r.company_info
                          .submissions(CompanyInfoFilter(contract_id=b.ids["A"],
                                                         country="FR"), offset, limit, seek)),
    "queue": ("uw", lambda r, b: lambda offset, limit, seek: r.company_info.queue(
        None, offset, limit, seek)),
    "queue-dra-review": ("uw", lambda r, b: lambda offset, limit, seek: r.company_info.queue(
        CompanyInfoFilter(dra_review=True), offset, limit, seek)),
}


def _write(b: Backend, specs: list[Spec]) -> None:
    companies = ("alpha", "beta", "epsilon")
    with Session(b.engine) as s:
        for n, spec in enumerate(specs):
            for contract in ("A", "B"):  # B's are never in A's submissions
                s.add(CompanyInformation(
                    contract_id=b.ids[contract], company_id=b.ids[companies[n % 3]],
                    form="negative", description=f"d{n}", dra_review=n % 2 == 0,
                    status="in_progress" if n % 4 else "analysed",
                    created_at=None if spec is None else NOW - timedelta(minutes=spec)))
        s.commit()


def _clear(b: Backend) -> None:
    with Session(b.engine) as s:
        s.execute(delete(CompanyInformation))
        s.commit()


_spec = st.one_of(st.none(), st.integers(0, 3))


@pytest.mark.parametrize("name", sorted(LISTS))
@paging_examples(_spec)
def test_pages_by_key_are_pages_by_offset(backend: Backend, name: str, rows: list[Spec],
                                          more: list[Spec], limit: int,
                                          backwards: bool) -> None:
    check_listed(backend, LISTS[name], _write, _clear, lambda c: c.id, rows, more, limit,
                 backwards)


def test_the_orders_are_kept(backend: Backend) -> None:
    """Submissions newest first, the queue oldest first, one not stamped as the oldest;
    the id breaks ties."""
    _clear(backend)
    _write(backend, [2, None, 5, 2, 1])
    mine = backend.open("alice").company_info.submissions(
        CompanyInfoFilter(contract_id=backend.ids["A"]), 0, 100, Seek()).items
    epoch = NOW - timedelta(days=100_000)
    assert [(c.created_at or epoch, c.id) for c in mine] == sorted(
        ((c.created_at or epoch, c.id) for c in mine), reverse=True)
    assert mine[-1].created_at is None
    queue = backend.open("uw").company_info.queue(None, 0, 100, Seek()).items
    assert [(c.created_at or epoch, c.id) for c in queue] == sorted(
        (c.created_at or epoch, c.id) for c in queue)
    assert queue and queue[0].created_at is None


def test_a_cursor_not_made_by_the_list_is_refused_at_cursor(backend: Backend) -> None:
    _clear(backend)
    _write(backend, [1, 2])
    repo = backend.open("alice")
    with pytest.raises(ValidationFailed) as err:
        repo.company_info.submissions(CompanyInfoFilter(contract_id=backend.ids["A"]), 0, 10,
                                      Seek(after="bm90LWEtY3Vyc29y"))  # "not-a-cursor"
    assert err.value.errors[0].field == "cursor"
