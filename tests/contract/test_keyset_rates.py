"""Keyset paging (issue 21) of the recorded exchange rates, on every backend: newest day
first, then newest recorded. Pages by key equal pages by offset, forwards and
backwards, for all currencies or one, and rates recorded between two reads are neither
repeated nor lost (hypothesis draws the days, with ties, and the pairs)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from hypothesis import strategies as st
from sqlalchemy import delete
from sqlalchemy.orm import Session

from cofatui.errors import ValidationFailed
from cofatui.models import ExchangeRate
from cofatui.schemas import ExchangeRatePublic, Page, Seek
from tests.contract.conftest import Backend
from tests.contract.dataset import NOW
from tests.contract.keyset_lists import check_list, paging_examples

Spec = tuple[int, str]  # a drawn rate: its day (days before NOW), its quote currency
_spec = st.tuples(st.integers(0, 3), st.sampled_from(["USD", "GBP"]))


def _write(b: Backend, specs: list[Spec]) -> None:
    with Session(b.engine) as s:
        for days, quote in specs:  # a source of its own: no two on one pair, day, source
            s.add(ExchangeRate(base="EUR", quote=quote, rate=Decimal("1.5"),
                               rate_date=NOW.date() - timedelta(days=days),
                               source=uuid.uuid4().hex, recorded_at=NOW))
        s.commit()


def _clear(b: Backend) -> None:
    with Session(b.engine) as s:
        s.execute(delete(ExchangeRate))
        s.commit()


@pytest.mark.parametrize("currency", [None, "usd"])
@paging_examples(_spec)
def test_pages_by_key_are_pages_by_offset(backend: Backend, currency: str | None,
                                          rows: list[Spec], more: list[Spec], limit: int,
                                          backwards: bool) -> None:
    _clear(backend)
    _write(backend, rows)
    alice = backend.open("alice")

    def read(offset: int, size: int, seek: Seek | None) -> Page[ExchangeRatePublic]:
        return alice.rates.rows(currency, offset, size, seek)

    check_list(read, lambda r: r.id, limit, lambda: _write(backend, more), backwards)


def test_the_order_is_newest_day_then_newest_recorded(backend: Backend) -> None:
    _clear(backend)
    _write(backend, [(2, "USD"), (0, "GBP"), (2, "GBP"), (1, "USD")])
    got = backend.open("alice").rates.rows(None, 0, 100, Seek()).items
    assert [(r.rate_date, r.id) for r in got] == sorted(
        ((r.rate_date, r.id) for r in got), reverse=True)
    assert len(got) == 4


def test_a_foreign_cursor_is_refused_at_cursor(backend: Backend) -> None:
    with pytest.raises(ValidationFailed) as refused:
        backend.open("alice").rates.rows(seek=Seek(after="WzFd"))  # "[1]": one value
    assert [e.field for e in refused.value.errors] == ["cursor"]
