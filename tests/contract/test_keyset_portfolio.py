"""Keyset paging of the portfolio (issue 21) on every backend: pages by key equal
pages by offset, forwards and backwards, for drawn entries (ties on updated_at are
common) and every kind of criterion the screen offers (none, country, name prefix,
text, product family), and entries added between two reads are neither repeated nor
lost."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import insert
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.errors import ValidationFailed
from cofatui.models import Company, PortfolioEntry
from cofatui.repository.sql.companies import name_key
from cofatui.repository.sql.search import search_key
from cofatui.schemas import Page, PortfolioCriteria, PortfolioRow, Seek
from tests.contract.conftest import Backend
from tests.contract.dataset import NOW
from tests.contract.keyset_support import check_insert_between_reads, check_keyset_paging

#: (name, country, updated minutes before NOW): few names and minutes, many ties.
Drawn = tuple[str, str, int]
_entry = st.tuples(st.sampled_from(["Zebra Kit", "Kappa Zeb", "Omega", "Zebulon SA"]),
                   st.sampled_from(["FR", "DE", "IT"]), st.integers(0, 3))
_criteria = st.sampled_from([
    PortfolioCriteria(), PortfolioCriteria(country="FR"), PortfolioCriteria(name="zeb"),
    PortfolioCriteria(text="zeb"), PortfolioCriteria(text="ka"),
    PortfolioCriteria(family="insurance"), PortfolioCriteria(country="de", name="k")])
_SETTINGS = settings(max_examples=8, deadline=None, suppress_health_check=[
    HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
_serial = itertools.count()


def _add(backend: Backend, entries: list[Drawn]) -> None:
    """New companies in contract A's portfolio (Core rows: the search index follows by
    its triggers, as for the demo's bulk seed)."""
    with Session(backend.engine) as s:
        for name, country, minutes in entries:
            easy = f"KS{next(_serial):09d}"
            company_id = s.execute(insert(Company).values(
                name=name, name_key=name_key(name), country=country, easy_number=easy,
                version=1).returning(col(Company.id))).scalar_one()
            s.execute(insert(PortfolioEntry).values(
                contract_id=backend.ids["A"], company_id=company_id, client_reference="",
                search_text=search_key(name, country, easy, ""),
                updated_at=NOW - timedelta(minutes=minutes), version=1))
        s.commit()


@given(entries=st.lists(_entry, max_size=10), limit=st.integers(1, 4), criteria=_criteria,
       more=st.lists(_entry, min_size=1, max_size=4), pages=st.integers(1, 2),
       backwards=st.booleans())
@_SETTINGS
def test_portfolio_pages_by_key_are_its_pages_by_offset(
        backend: Backend, entries: list[Drawn], limit: int, criteria: PortfolioCriteria,
        more: list[Drawn], pages: int, backwards: bool) -> None:
    _add(backend, entries)
    repo = backend.open("alice")

    def read(offset: int, size: int, seek: Seek | None) -> Page[PortfolioRow]:
        return repo.portfolio.rows(backend.ids["A"], criteria, offset, size,
                                   with_total=False, seek=seek)

    rows = check_keyset_paging(read, key=lambda r: r.entry_id, limit=limit)
    assert len(rows) == repo.portfolio.rows(backend.ids["A"], criteria, limit=1).total
    check_insert_between_reads(read, key=lambda r: r.entry_id, limit=limit,
                               insert=lambda: _add(backend, more), pages_before=pages,
                               backwards=backwards)


def test_an_offset_page_carries_the_cursors_to_read_on_by_key(backend: Backend) -> None:
    repo = backend.open("alice")
    first = repo.portfolio.rows(backend.ids["A"], limit=2)
    after = repo.portfolio.rows(backend.ids["A"], limit=2,
                                seek=Seek(after=first.last_cursor))
    by_offset = repo.portfolio.rows(backend.ids["A"], offset=2, limit=2)
    assert [r.entry_id for r in after.items] == [r.entry_id for r in by_offset.items]
    assert after.offset == 0 and after.total == by_offset.total == 5


@pytest.mark.parametrize("cursor", ["WzFd", "W1siYSJdXQ", "bm90IGpzb24"])
def test_a_cursor_not_made_by_the_portfolio_is_refused_at_cursor(
        backend: Backend, cursor: str) -> None:
    repo = backend.open("alice")
    with pytest.raises(ValidationFailed) as refused:
        repo.portfolio.rows(backend.ids["A"], seek=Seek(after=cursor))
    assert [e.field for e in refused.value.errors] == ["cursor"]
