"""Keyset paging of the claims handler's queue (issue 21) on every backend: pages by
key equal pages by offset, forwards and backwards, for drawn claims (ties on the
submission time are common) and the queue's filters, and claims registered between
two reads are neither repeated nor lost."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import insert
from sqlalchemy.orm import Session

from cofatui.enums import ClaimStatus
from cofatui.errors import ValidationFailed
from cofatui.models import Claim
from cofatui.schemas import ClaimQueueFilter, ClaimQueueItem, Page, Seek
from tests.contract.conftest import Backend
from tests.contract.dataset import NOW
from tests.contract.keyset_claims import claim_template
from tests.contract.keyset_lists import check_list

#: (status, submitted hours before NOW, intervention asked).
Drawn = tuple[ClaimStatus, int, bool]
_claim = st.tuples(st.sampled_from([ClaimStatus.PENDING, ClaimStatus.ACCEPTED,
                                    ClaimStatus.CLOSED]),
                   st.integers(0, 3), st.booleans())
_filter = st.sampled_from([
    ClaimQueueFilter(), ClaimQueueFilter(status=ClaimStatus.PENDING),
    ClaimQueueFilter(intervention_requested=True), ClaimQueueFilter(currency="EUR"),
    ClaimQueueFilter(status=ClaimStatus.CLOSED)])
_SETTINGS = settings(max_examples=8, deadline=None, suppress_health_check=[
    HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
_serial = itertools.count()


def _add(backend: Backend, claims: list[Drawn]) -> None:
    """Copies of a registered claim, as Core rows (the queue reads the claim table)."""
    template = claim_template(backend)
    with Session(backend.engine) as s:
        for status, hours, intervention in claims:
            s.execute(insert(Claim).values(
                {**template, "reference": f"KQ{next(_serial):08d}", "status": status.value,
                 "submitted_at": NOW - timedelta(hours=hours),
                 "intervention_requested": intervention}))
        s.commit()


@given(claims=st.lists(_claim, max_size=10), limit=st.integers(1, 4), flt=_filter,
       more=st.lists(_claim, min_size=1, max_size=4), pages=st.integers(1, 2),
       backwards=st.booleans())
@_SETTINGS
def test_queue_pages_by_key_are_its_pages_by_offset(
        backend: Backend, claims: list[Drawn], limit: int, flt: ClaimQueueFilter,
        more: list[Drawn], pages: int, backwards: bool) -> None:
    _add(backend, claims)
    uw = backend.open("uw")

    def read(offset: int, size: int, seek: Seek | None) -> Page[ClaimQueueItem]:
        return uw.claims.queue(flt, offset, size, seek)

    check_list(read, lambda r: r.claim_id, limit, lambda: _add(backend, more), backwards,
               pages_before=pages)


def test_a_foreign_cursor_is_refused_at_cursor(backend: Backend) -> None:
    with pytest.raises(ValidationFailed) as refused:
        backend.open("uw").claims.queue(seek=Seek(after="WzFd"))
    assert [e.field for e in refused.value.errors] == ["cursor"]
