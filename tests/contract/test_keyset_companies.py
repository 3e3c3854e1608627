"""Keyset paging of the company search (issue 21) on every backend: pages by key equal
pages by offset, forwards and backwards, for drawn companies (same names, head offices
with their branches, partner companies) and the search's options (name prefix, city,
head offices only, extended), and companies added between two reads are neither
repeated nor lost."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import insert
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.enums import Establishment
from cofatui.errors import ValidationFailed
from cofatui.models import Company
from cofatui.repository.sql.companies import name_key
from cofatui.schemas import CompanyPublic, CompanySearch, Page, Seek
from tests.contract.conftest import Backend
from tests.contract.keyset_support import check_insert_between_reads, check_keyset_paging

#: (name, city, branch of the n-th company drawn before it (None: a head office),
#: source). Few names: ties on the name are the rule, not the exception.
Drawn = tuple[str, str, int | None, str]
_company = st.tuples(st.sampled_from(["Kqa", "Kqa Sud", "Kqb", "KQA"]),
                     st.sampled_from(["Lyon", "Nantes"]),
                     st.one_of(st.none(), st.integers(0, 5)),
                     st.sampled_from(["insurer", "insurer", "partner"]))
_search = st.sampled_from([
    CompanySearch(country="FR", name="kq"), CompanySearch(country="FR", name="kqa"),
    CompanySearch(country="FR", name="kq", city="lyon"),
    CompanySearch(country="FR", name="kq", head_office_only=True),
    CompanySearch(country="FR", name="kq", extended=True)])
_SETTINGS = settings(max_examples=8, deadline=None, suppress_health_check=[
    HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
_serial = itertools.count()


def _add(backend: Backend, companies: list[Drawn]) -> None:
    made: list[int | None] = []
    with Session(backend.engine) as s:
        for name, city, branch_of, source in companies:
            head = made[branch_of] if branch_of is not None and branch_of < len(made) else None
            made.append(s.execute(insert(Company).values(
                name=name, name_key=name_key(name), country="FR", city=city,
                easy_number=f"KC{next(_serial):09d}", source=source, head_office_id=head,
                establishment=(Establishment.BRANCH if head else
                               Establishment.HEAD_OFFICE).value,
                version=1).returning(col(Company.id))).scalar_one())
        s.commit()


@given(companies=st.lists(_company, max_size=10), limit=st.integers(1, 4), search=_search,
       more=st.lists(_company, min_size=1, max_size=4), pages=st.integers(1, 2),
       backwards=st.booleans())
@_SETTINGS
def test_search_pages_by_key_are_its_pages_by_offset(
        backend: Backend, companies: list[Drawn], limit: int, search: CompanySearch,
        more: list[Drawn], pages: int, backwards: bool) -> None:
    _add(backend, companies)
    repo = backend.open("alice")

    def read(offset: int, size: int, seek: Seek | None) -> Page[CompanyPublic]:
        return repo.companies.search(search, offset, size, seek)

    rows = check_keyset_paging(read, key=lambda r: r.id, limit=limit)
    assert len(rows) == read(0, 1, None).total
    check_insert_between_reads(read, key=lambda r: r.id, limit=limit,
                               insert=lambda: _add(backend, more), pages_before=pages,
                               backwards=backwards)


def test_a_page_read_by_key_is_not_counted(backend: Backend) -> None:
    _add(backend, [("Kqa", "Lyon", None, "insurer")] * 3)
    repo = backend.open("alice")
    search = CompanySearch(country="FR", name="kq")
    first = repo.companies.search(search, limit=2)
    assert first.total == 3 and first.last_cursor is not None
    rest = repo.companies.search(search, limit=2, seek=Seek(after=first.last_cursor))
    assert rest.total == -1 and len(rest.items) == 1


@pytest.mark.parametrize("cursor", ["WzFd", "bm90IGpzb24"])
def test_a_foreign_cursor_is_refused_at_cursor(backend: Backend, cursor: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        backend.open("alice").companies.search(CompanySearch(country="FR", name="kq"),
                                               seek=Seek(before=cursor))
    assert [e.field for e in refused.value.errors] == ["cursor"]
