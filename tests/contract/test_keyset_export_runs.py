"""Keyset paging of my exports (issue 21) on every backend: pages by key equal pages by
offset, forwards and backwards, for drawn runs of both categories and of two owners
(another user's never shows), and exports made between two reads are neither repeated
nor lost."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import insert
from sqlalchemy.orm import Session

from cofatui.enums import ExportCategory, ExportRunStatus
from cofatui.errors import ValidationFailed
from cofatui.models.exports import ExportRun
from cofatui.schemas import Page, Seek
from cofatui.schemas_exports import ExportRunPublic
from tests.contract.conftest import Backend
from tests.contract.dataset import NOW
from tests.contract.keyset_support import check_insert_between_reads, check_keyset_paging

#: (owner login, category) of a finished export.
Drawn = tuple[str, ExportCategory]
_run = st.tuples(st.sampled_from(["alice", "both"]), st.sampled_from(list(ExportCategory)))
_category = st.sampled_from([None, *ExportCategory])
_SETTINGS = settings(max_examples=8, deadline=None, suppress_health_check=[
    HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


def _add(backend: Backend, runs: list[Drawn]) -> None:
    """Finished exports of contract A, as Core rows (the list reads the run table)."""
    with Session(backend.engine) as s:
        for owner, category in runs:
            s.execute(insert(ExportRun).values(
                owner_id=backend.ids[owner], category=category.value, name="kept",
                contract_ids=json.dumps([backend.ids["A"]]), status=ExportRunStatus.AVAILABLE.value,
                created_at=NOW, finished_at=NOW))
        s.commit()


@given(runs=st.lists(_run, max_size=10), limit=st.integers(1, 4), category=_category,
       more=st.lists(_run, min_size=1, max_size=4), pages=st.integers(1, 2),
       backwards=st.booleans())
@_SETTINGS
def test_runs_pages_by_key_are_its_pages_by_offset(
        backend: Backend, runs: list[Drawn], limit: int, category: ExportCategory | None,
        more: list[Drawn], pages: int, backwards: bool) -> None:
    _add(backend, runs)
    alice = backend.open("alice")

    def read(offset: int, size: int, seek: Seek | None) -> Page[ExportRunPublic]:
        return alice.exports.runs(category, offset, size, seek)

    rows = check_keyset_paging(read, key=lambda r: r.id, limit=limit)
    assert len(rows) == read(0, 1, None).total
    mine = sum(1 for owner, c in runs if owner == "alice" and category in (None, c))
    assert len(rows) >= mine  # every run of mine drawn here shows (earlier ones too)
    assert all(category in (None, r.category) for r in rows)
    check_insert_between_reads(read, key=lambda r: r.id, limit=limit,
                               insert=lambda: _add(backend, more), pages_before=pages,
                               backwards=backwards)


def test_a_foreign_cursor_is_refused_at_cursor(backend: Backend) -> None:
    # "[1,2]": two sort values, where this list's cursor holds one (the id).
    with pytest.raises(ValidationFailed) as refused:
        backend.open("alice").exports.runs(seek=Seek(after="WzEsMl0"))
    assert [e.field for e in refused.value.errors] == ["cursor"]
