"""Keyset paging (issue 21) of the turnover declarations, on every backend: a
contract's declarations (latest period first) and the back office's requests (latest
due date first; all, one contract's, new ones, late ones). Pages by key equal pages by
offset, forwards and backwards, and requests made between two reads are neither
repeated nor lost (hypothesis draws tied periods and due dates)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import strategies as st
from sqlalchemy import delete
from sqlalchemy.orm import Session

from cofatui.enums import TurnoverStatus
from cofatui.errors import ValidationFailed
from cofatui.models import TurnoverDeclaration
from cofatui.repository.base import Repository
from cofatui.schemas import Page, Seek
from cofatui.schemas_turnover import TurnoverFilter
from tests.contract.conftest import Backend
from tests.contract.dataset import NOW
from tests.contract.keyset_lists import Listed, check_listed, paging_examples

Spec = tuple[int, int, bool]  # a drawn request: period (months back), due (days from NOW), sent
Reader = Callable[[int, int, Seek | None], Page[Any]]


def _requests(flt: Callable[[Backend], TurnoverFilter]) -> Callable[[Repository, Backend],
                                                                      Reader]:
    return lambda r, b: lambda offset, limit, seek: r.turnover.requests(flt(b), offset, limit,
                                                                       seek)


LISTS: dict[str, Listed] = {
    "declarations": ("alice", lambda r, b: lambda offset, limit, seek: r.turnover
                     .declarations(b.ids["A"], offset, limit, seek)),
    "requests": ("uw", _requests(lambda b: TurnoverFilter())),
    "requests-of-A": ("uw", _requests(lambda b: TurnoverFilter(contract_id=b.ids["A"]))),
    "requests-new": ("uw", _requests(lambda b: TurnoverFilter(status=TurnoverStatus.NEW))),
    "requests-late": ("uw", _requests(lambda b: TurnoverFilter(late_only=True))),
}


def _write(b: Backend, specs: list[Spec]) -> None:
    with Session(b.engine) as s:
        for months, due, sent in specs:
            start = (NOW.date().replace(day=1) - timedelta(days=31 * months)).replace(day=1)
            for contract in ("A", "B"):  # B's are never in A's lists
                s.add(TurnoverDeclaration(
                    contract_id=b.ids[contract], period_start=start,
                    period_end=start + timedelta(days=27), label="keyset", basis="sales",
                    breakdown="debtor", due_date=NOW.date() + timedelta(days=due),
                    status="sent" if sent else "new"))
        s.commit()


def _clear(b: Backend) -> None:
    with Session(b.engine) as s:
        s.execute(delete(TurnoverDeclaration))
        s.commit()


_spec = st.tuples(st.integers(0, 2), st.integers(-2, 2), st.booleans())


@pytest.mark.parametrize("name", sorted(LISTS))
@paging_examples(_spec)
def test_pages_by_key_are_pages_by_offset(backend: Backend, name: str, rows: list[Spec],
                                          more: list[Spec], limit: int,
                                          backwards: bool) -> None:
    check_listed(backend, LISTS[name], _write, _clear, lambda d: d.id, rows, more, limit,
                 backwards)


def test_the_orders_are_kept(backend: Backend) -> None:
    _clear(backend)
    _write(backend, [(1, 2, False), (0, -1, True), (1, 0, False), (2, 2, False)])
    mine = backend.open("alice").turnover.declarations(backend.ids["A"], 0, 100, Seek()).items
    assert [(d.period_start, d.id) for d in mine] == sorted(
        ((d.period_start, d.id) for d in mine), reverse=True)
    assert len(mine) == 4
    asked = backend.open("uw").turnover.requests(None, 0, 100, Seek()).items
    assert [(d.due_date, d.id) for d in asked] == sorted(
        ((d.due_date, d.id) for d in asked), reverse=True)
    assert len(asked) == 8


def test_a_foreign_cursor_is_refused_at_cursor(backend: Backend) -> None:
    with pytest.raises(ValidationFailed) as refused:
        backend.open("alice").turnover.declarations(backend.ids["A"],
                                                    seek=Seek(after="WzFd"))  # "[1]"
    assert [e.field for e in refused.value.errors] == ["cursor"]
