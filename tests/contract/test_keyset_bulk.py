"""Keyset paging (issue 21) of the bulk imports and of an import's lines, on every
backend, for every sort, order, status filter and errors-first: pages by key equal pages
by offset, forwards and backwards, and lines added between two reads are neither
repeated nor lost. Lines without a code, company, product or action (NULL) are drawn:
they sort as an empty text on both databases."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.errors import ValidationFailed
from cofatui.models import BulkImport, BulkImportFile, BulkLine
from cofatui.schemas import Seek
from cofatui.schemas_bulk import BulkLineStatus, BulkSort, SortOrder
from tests.contract.conftest import Backend
from tests.contract.dataset import NOW
from tests.contract.keyset_support import check_insert_between_reads, check_keyset_paging

#: (status, code, company, product, action): few values, NULLs, so that ties abound.
Drawn = tuple[BulkLineStatus, str | None, str | None, str | None, str | None]
_text = st.one_of(st.none(), st.sampled_from(["", "a", "B", "b"]))
_line = st.tuples(st.sampled_from(list(BulkLineStatus)), _text, _text, _text,
                  st.one_of(st.none(), st.sampled_from(["C", "M", "S"])))
_SETTINGS = settings(max_examples=6, deadline=None, suppress_health_check=[
    HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


def _import(s: Session, b: Backend, contract: str = "A") -> int:
    row = BulkImport(contract_id=b.ids[contract], user_id=b.ids["alice"],
                     file_name=f"{uuid.uuid4().hex}.csv", sha256=uuid.uuid4().hex,
                     status="succeeded", created_at=NOW, finished_at=NOW)
    s.add(row)
    s.flush()
    assert row.id is not None
    return row.id


def _fresh(b: Backend) -> int:
    with Session(b.engine) as s:
        for table in (BulkLine, BulkImportFile, BulkImport):
            s.execute(delete(table))
        import_id = _import(s, b)
        s.commit()
    return import_id


def _add_lines(b: Backend, import_id: int, lines: list[Drawn]) -> None:
    with Session(b.engine) as s:
        first = int(s.execute(select(func.max(col(BulkLine.line_no)))
                              .where(col(BulkLine.import_id) == import_id)).scalar() or 0)
        for n, (status, code, company, product, action) in enumerate(lines, start=first + 1):
            s.add(BulkLine(import_id=import_id, line_no=n, text=f"line {n}",
                           status=status.value, code=code, company_name=company,
                           product=product, action=action))
        s.commit()


@pytest.mark.parametrize("sort", list(BulkSort))
@given(lines=st.lists(_line, max_size=10), more=st.lists(_line, min_size=1, max_size=3),
       order=st.sampled_from(list(SortOrder)), errors_first=st.booleans(),
       status=st.one_of(st.none(), st.sampled_from(list(BulkLineStatus))),
       limit=st.integers(1, 4), backwards=st.booleans())
@_SETTINGS
def test_line_pages_by_key_are_pages_by_offset(
        backend: Backend, sort: BulkSort, lines: list[Drawn], more: list[Drawn],
        order: SortOrder, errors_first: bool, status: BulkLineStatus | None, limit: int,
        backwards: bool) -> None:
    import_id = _fresh(backend)
    _add_lines(backend, import_id, lines)
    repo = backend.open("alice")

    def read(offset: int, size: int, seek: Seek | None):  # type: ignore[no-untyped-def]
        return repo.bulk.lines(import_id, status, sort, order, errors_first, offset, size,
                               seek)

    got = check_keyset_paging(read, key=lambda ln: ln.line_no, limit=limit)
    assert len(got) == read(0, 1, None).total
    if errors_first:
        errors = [ln.status == BulkLineStatus.ERROR for ln in got]
        assert errors == sorted(errors, reverse=True)
    check_insert_between_reads(read, key=lambda ln: ln.line_no, limit=limit,
                               insert=lambda: _add_lines(backend, import_id, more),
                               backwards=backwards)


@given(contracts=st.lists(st.sampled_from(["A", "B"]), max_size=8), limit=st.integers(1, 3),
       one=st.booleans(), backwards=st.booleans())
@_SETTINGS
def test_import_pages_by_key_are_pages_by_offset(
        backend: Backend, contracts: list[str], limit: int, one: bool,
        backwards: bool) -> None:
    """'both' reads contracts A and B: the imports of both, newest first, merged on
    the server (over HTTP too: GET /bulk-imports)."""
    _fresh(backend)

    def add(which: list[str]) -> None:
        with Session(backend.engine) as s:
            for contract in which:
                _import(s, backend, contract)
            s.commit()

    add(contracts)
    repo = backend.open("both")
    contract = backend.ids["A"] if one else None

    def read(offset: int, size: int, seek: Seek | None):  # type: ignore[no-untyped-def]
        return repo.bulk.imports(contract, offset, size, seek)

    got = check_keyset_paging(read, key=lambda i: i.id, limit=limit)
    # _fresh's own import is on A; every drawn one is listed (on A only when one).
    assert len(got) == 1 + sum(c == "A" or not one for c in contracts)
    check_insert_between_reads(read, key=lambda i: i.id, limit=limit,
                               insert=lambda: add(["A", "B"]), backwards=backwards)


def test_a_cursor_of_another_sort_is_refused_at_cursor(backend: Backend) -> None:
    import_id = _fresh(backend)
    _add_lines(backend, import_id, [(BulkLineStatus.OK, "x", "y", "z", "C")] * 3)
    repo = backend.open("alice")
    by_code = repo.bulk.lines(import_id, sort=BulkSort.CODE, limit=1, seek=Seek())
    assert by_code.last_cursor is not None
    with pytest.raises(ValidationFailed) as err:
        repo.bulk.lines(import_id, sort=BulkSort.CODE, errors_first=True, limit=1,
                        seek=Seek(after=by_code.last_cursor))
    assert err.value.errors[0].field == "cursor"
