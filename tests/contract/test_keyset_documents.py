"""Keyset paging of the documents sent (issue 21) on every backend: pages by key equal
pages by offset, forwards and backwards, for every sort both ways (ties on the time, the
name, the size and the company are common) and the text filter, and documents sent
between two reads are neither repeated nor lost."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cofatui.enums import DocumentSource
from cofatui.errors import ValidationFailed
from cofatui.schemas import Page, Seek
from cofatui.schemas_documents import DOCUMENT_SORTS, DocumentFilter, DocumentRow
from tests.contract.conftest import Backend
from tests.contract.keyset_support import check_insert_between_reads, check_keyset_paging
from tests.contract.test_documents import info_document

INFO = DocumentSource.COMPANY_INFORMATION
#: (company, file name, minutes before NOW): few of each, ties everywhere.
Drawn = tuple[str, str, int]
_document = st.tuples(st.sampled_from(["alpha", "beta", "gamma"]),
                      st.sampled_from(["a.csv", "B.csv", "balance.csv"]), st.integers(0, 2))
_SETTINGS = settings(max_examples=8, deadline=None, suppress_health_check=[
    HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


def _add(backend: Backend, documents: list[Drawn]) -> None:
    for company, name, minutes in documents:
        info_document(backend, company=company, name=name, minutes=minutes)


@given(documents=st.lists(_document, max_size=8), limit=st.integers(1, 3),
       sort=st.sampled_from(DOCUMENT_SORTS), descending=st.booleans(),
       text=st.sampled_from([None, "csv", "bet"]),
       more=st.lists(_document, min_size=1, max_size=3), backwards=st.booleans())
@_SETTINGS
def test_documents_pages_by_key_are_their_pages_by_offset(
        backend: Backend, documents: list[Drawn], limit: int, sort: str, descending: bool,
        text: str | None, more: list[Drawn], backwards: bool) -> None:
    _add(backend, documents)
    alice = backend.open("alice")
    flt = DocumentFilter(source=INFO, sort=sort, descending=descending, text=text)

    def read(offset: int, size: int, seek: Seek | None) -> Page[DocumentRow]:
        return alice.documents.rows(backend.ids["A"], flt, offset, size, seek)

    rows = check_keyset_paging(read, key=lambda r: r.id, limit=limit)
    assert len(rows) == read(0, 1, None).total
    check_insert_between_reads(read, key=lambda r: r.id, limit=limit,
                               insert=lambda: _add(backend, more), backwards=backwards)


def test_a_cursor_of_another_sort_is_refused_at_cursor(backend: Backend) -> None:
    info_document(backend)
    alice = backend.open("alice")
    by_size = alice.documents.rows(backend.ids["A"], DocumentFilter(source=INFO, sort="size"))
    assert by_size.last_cursor is not None
    with pytest.raises(ValidationFailed) as refused:  # a size (int) read as a time
        alice.documents.rows(backend.ids["A"], DocumentFilter(source=INFO),
                             seek=Seek(after=by_size.last_cursor))
    assert [e.field for e in refused.value.errors] == ["cursor"]
