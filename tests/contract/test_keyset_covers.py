"""Keyset paging of the other covers list (issue 21) on every backend: pages by key
equal pages by offset, forwards and backwards, all contracts or one, and covers made
between two reads neither repeated nor lost."""

from __future__ import annotations

import itertools
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cofatui.enums import CoverKind
from cofatui.errors import ValidationFailed
from cofatui.schemas import Page, Seek
from cofatui.schemas_accounting import CoverCreate, CoverPublic
from tests.contract.conftest import Backend
from tests.contract.keyset_support import check_insert_between_reads, check_keyset_paging

_SETTINGS = settings(max_examples=6, deadline=None, suppress_health_check=[
    HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
_serial = itertools.count()
_prefix = st.sampled_from(["PRO", "ECH", "A"])


def _add(backend: Backend, prefixes: list[str]) -> None:
    alice = backend.open("alice")
    for prefix in prefixes:
        alice.covers.create(CoverCreate(
            contract_id=backend.ids["A"], kind=CoverKind.PROSPECTION,
            reference=f"{prefix}-{next(_serial) % 7}{next(_serial)}", currency="EUR",
            start=date(2023, 1, 1), end=date(2028, 12, 31), guarantee_end=date(2024, 12, 31),
            amortisation_end=date(2026, 6, 30)))


@given(covers=st.lists(_prefix, max_size=8), limit=st.integers(1, 3), one=st.booleans(),
       more=st.lists(_prefix, min_size=1, max_size=3), backwards=st.booleans())
@_SETTINGS
def test_covers_pages_by_key_are_its_pages_by_offset(
        backend: Backend, covers: list[str], limit: int, one: bool, more: list[str],
        backwards: bool) -> None:
    _add(backend, covers)
    alice = backend.open("alice")
    contract = backend.ids["A"] if one else None

    def read(offset: int, size: int, seek: Seek | None) -> Page[CoverPublic]:
        return alice.covers.list(contract, offset, size, seek)

    rows = check_keyset_paging(read, key=lambda r: r.id, limit=limit)
    assert len(rows) == read(0, 1, None).total
    check_insert_between_reads(read, key=lambda r: r.id, limit=limit,
                               insert=lambda: _add(backend, more), backwards=backwards)


def test_a_foreign_cursor_is_refused_at_cursor(backend: Backend) -> None:
    with pytest.raises(ValidationFailed) as refused:
        backend.open("alice").covers.list(seek=Seek(after="WzFd"))
    assert [e.field for e in refused.value.errors] == ["cursor"]
