"""Keyset paging of the premium notices and payments (issue 21) on every backend: pages
by key equal pages by offset, forwards and backwards, for drawn notices (ties on the
due date) and filters, and for payments (ties on the day paid); rows added between two
reads are neither repeated nor lost."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cofatui.enums import NoticeLineRole, NoticeStatus
from cofatui.errors import ValidationFailed
from cofatui.schemas import Page, Seek
from cofatui.schemas_accounting import (
    NoticeCreate,
    NoticeFilter,
    NoticeLineIn,
    NoticePublic,
    PaymentCreate,
    PaymentPublic,
)
from tests.contract.conftest import Backend
from tests.contract.keyset_support import check_insert_between_reads, check_keyset_paging

_SETTINGS = settings(max_examples=6, deadline=None, suppress_health_check=[
    HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
_serial = itertools.count()
_day = st.integers(0, 2)  # few distinct days: ties on the sort's date
_filter = st.sampled_from([NoticeFilter(), NoticeFilter(status=NoticeStatus.PAID),
                           NoticeFilter(text="ks-")])


def _notices(backend: Backend, days: list[int], paid: bool = False) -> None:
    """Notices due on the drawn days of November; with ``paid``, each paid on its own
    that day (one payment each)."""
    alice = backend.open("alice")
    for day in days:
        notice = alice.premiums.create_notice(NoticeCreate(
            contract_id=backend.ids["A"], number=f"KS-{next(_serial)}",
            period_start=date(2026, 10, 1), period_end=date(2026, 10, 31),
            due_date=date(2026, 11, 1) + timedelta(days=day), currency="EUR",
            lines=[NoticeLineIn(role=NoticeLineRole.CREDIT_INSURANCE,
                                amount_excl_tax=Decimal("10.00"))]))
        if paid:
            alice.premiums.pay(PaymentCreate(
                contract_id=backend.ids["A"], paid_on=date(2026, 11, 1) + timedelta(days=day),
                notice_ids=[notice.id]))


@given(days=st.lists(_day, max_size=8), paid=st.booleans(), limit=st.integers(1, 3),
       flt=_filter, more=st.lists(_day, min_size=1, max_size=3), backwards=st.booleans())
@_SETTINGS
def test_notices_pages_by_key_are_their_pages_by_offset(
        backend: Backend, days: list[int], paid: bool, limit: int, flt: NoticeFilter,
        more: list[int], backwards: bool) -> None:
    _notices(backend, days, paid)
    alice = backend.open("alice")

    def read(offset: int, size: int, seek: Seek | None) -> Page[NoticePublic]:
        return alice.premiums.notices(flt, offset, size, seek)

    rows = check_keyset_paging(read, key=lambda r: r.id, limit=limit)
    assert len(rows) == read(0, 1, None).total
    check_insert_between_reads(read, key=lambda r: r.id, limit=limit,
                               insert=lambda: _notices(backend, more, paid),
                               backwards=backwards)


@given(days=st.lists(_day, max_size=6), limit=st.integers(1, 3),
       more=st.lists(_day, min_size=1, max_size=3), backwards=st.booleans())
@_SETTINGS
def test_payments_pages_by_key_are_their_pages_by_offset(
        backend: Backend, days: list[int], limit: int, more: list[int],
        backwards: bool) -> None:
    _notices(backend, days, paid=True)
    alice = backend.open("alice")

    def read(offset: int, size: int, seek: Seek | None) -> Page[PaymentPublic]:
        return alice.premiums.payments(backend.ids["A"], offset, size, seek)

    rows = check_keyset_paging(read, key=lambda r: r.id, limit=limit)
    assert len(rows) == read(0, 1, None).total
    check_insert_between_reads(read, key=lambda r: r.id, limit=limit,
                               insert=lambda: _notices(backend, more, paid=True),
                               backwards=backwards)


def test_a_foreign_cursor_is_refused_at_cursor(backend: Backend) -> None:
    alice = backend.open("alice")
    with pytest.raises(ValidationFailed) as refused:
        alice.premiums.notices(NoticeFilter(), seek=Seek(after="WzFd"))
    assert [e.field for e in refused.value.errors] == ["cursor"]
    with pytest.raises(ValidationFailed) as refused:
        alice.premiums.payments(backend.ids["A"], seek=Seek(before="WzFd"))
    assert [e.field for e in refused.value.errors] == ["cursor"]
