"""Keyset paging (issue 21) of a turnover declaration's grid, on every backend: the
lines by name (or country code) then id, unfiltered and filtered by a name or a country.
Pages by key equal pages by offset, forwards and backwards (hypothesis draws names that
tie often), and lines added between two reads are neither repeated nor lost."""

from __future__ import annotations

import pytest
from hypothesis import strategies as st
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.errors import ValidationFailed
from cofatui.models import TurnoverDeclaration, TurnoverLine
from cofatui.repository.base import Repository
from cofatui.schemas import Page, Seek
from cofatui.schemas_turnover import TurnoverLinePublic
from tests.contract.conftest import Backend
from tests.contract.dataset import NOW
from tests.contract.keyset_lists import check_list, paging_examples

#: A drawn line: its sort key (a debtor's folded name) and its country.
Spec = tuple[str, str]
_spec = st.tuples(st.sampled_from(["alpha", "beta", "beta gmbh", "zeta", ""]),
                  st.sampled_from(["FR", "DE", "BE"]))
LABEL = "keyset grid"


def _declaration(b: Backend) -> int:
    """A sent declaration of contract A (sent: never pre-filled, its lines are only the
    drawn ones), on an outstanding basis (the grid joins the portfolio too)."""
    with Session(b.engine) as s:
        found = s.execute(select(col(TurnoverDeclaration.id)).where(
            col(TurnoverDeclaration.label) == LABEL)).scalar()
        if found is not None:
            return int(found)
        start = NOW.date().replace(day=1)
        decl = TurnoverDeclaration(
            contract_id=b.ids["A"], period_start=start, period_end=start.replace(day=28),
            label=LABEL, basis="outstanding", breakdown="debtor", due_date=start,
            status="sent")
        s.add(decl)
        s.commit()
        assert decl.id is not None
        return decl.id


def _write(b: Backend, specs: list[Spec]) -> None:
    declaration_id = _declaration(b)
    if specs:
        with Session(b.engine) as s:
            s.execute(insert(TurnoverLine), [
                dict(declaration_id=declaration_id, company_id=None, country=country,
                     sort_key=key, currency="EUR", updated_at=NOW)
                for key, country in specs])
            s.commit()


def _clear(b: Backend) -> None:
    with Session(b.engine) as s:
        s.execute(delete(TurnoverLine).where(
            col(TurnoverLine.declaration_id) == _declaration(b)))
        s.commit()


@pytest.mark.parametrize("text", [None, "beta", "de"])
@paging_examples(_spec)
def test_grid_pages_by_key_are_pages_by_offset(backend: Backend, text: str | None,
                                               rows: list[Spec], more: list[Spec],
                                               limit: int, backwards: bool) -> None:
    _clear(backend)
    _write(backend, rows)
    declaration_id = _declaration(backend)
    alice: Repository = backend.open("alice")

    def read(offset: int, size: int, seek: Seek | None) -> Page[TurnoverLinePublic]:
        return alice.turnover.lines(declaration_id, offset, size, text, seek)

    check_list(read, lambda line: line.id, limit, lambda: _write(backend, more), backwards)


def test_every_page_by_key_is_counted_and_ordered(backend: Backend) -> None:
    _clear(backend)
    _write(backend, [("beta", "DE"), ("alpha", "FR"), ("beta", "BE"), ("zeta", "FR")])
    alice = backend.open("alice")
    declaration_id = _declaration(backend)
    first = alice.turnover.lines(declaration_id, 0, 2, None, Seek())
    second = alice.turnover.lines(declaration_id, 0, 2, None, Seek(after=first.last_cursor))
    assert [x.country for x in first.items + second.items] == ["FR", "DE", "BE", "FR"]
    assert (first.total, second.total) == (4, 4)
    end = alice.turnover.lines(declaration_id, 0, 3, None, Seek(last=True))
    assert [x.country for x in end.items] == ["DE", "BE", "FR"]


def test_a_foreign_cursor_is_refused_at_cursor(backend: Backend) -> None:
    with pytest.raises(ValidationFailed) as refused:
        backend.open("alice").turnover.lines(_declaration(backend),
                                             seek=Seek(after="WzFd"))  # "[1]"
    assert [e.field for e in refused.value.errors] == ["cursor"]
