"""Keyset paging of a contract's claims (issue 21) on every backend: pages by key equal
pages by offset, forwards and backwards, for drawn claims (ties on the update time are
common, a claim without one sorts last), and claims made between two reads are neither
repeated nor lost."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import insert
from sqlalchemy.orm import Session

from cofatui.errors import ValidationFailed
from cofatui.models import Claim
from cofatui.schemas import ClaimPublic, Page, Seek
from tests.contract.conftest import Backend
from tests.contract.dataset import NOW
from tests.contract.keyset_claims import claim_template
from tests.contract.keyset_lists import check_list

#: Hours before NOW of a claim's last update (None: no time written).
_updated = st.one_of(st.none(), st.integers(0, 3))
_SETTINGS = settings(max_examples=8, deadline=None, suppress_health_check=[
    HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
_serial = itertools.count()


def _add(backend: Backend, updated: list[int | None]) -> None:
    """Copies of a registered claim of contract A, as Core rows."""
    template = claim_template(backend)
    with Session(backend.engine) as s:
        for hours in updated:
            s.execute(insert(Claim).values(
                {**template, "reference": f"KR{next(_serial):08d}",
                 "updated_at": None if hours is None else NOW - timedelta(hours=hours)}))
        s.commit()


@given(updated=st.lists(_updated, max_size=10), limit=st.integers(1, 4),
       more=st.lists(_updated, min_size=1, max_size=4), pages=st.integers(1, 2),
       backwards=st.booleans())
@_SETTINGS
def test_claims_pages_by_key_are_its_pages_by_offset(
        backend: Backend, updated: list[int | None], limit: int, more: list[int | None],
        pages: int, backwards: bool) -> None:
    _add(backend, updated)
    alice, contract = backend.open("alice"), backend.ids["A"]

    def read(offset: int, size: int, seek: Seek | None) -> Page[ClaimPublic]:
        return alice.claims.rows(contract, offset, size, seek)

    check_list(read, lambda r: r.id, limit, lambda: _add(backend, more), backwards,
               pages_before=pages)


def test_a_foreign_cursor_is_refused_at_cursor(backend: Backend) -> None:
    with pytest.raises(ValidationFailed) as refused:
        backend.open("alice").claims.rows(backend.ids["A"], seek=Seek(after="WzFd"))
    assert [e.field for e in refused.value.errors] == ["cursor"]
