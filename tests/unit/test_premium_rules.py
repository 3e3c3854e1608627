"""Premium rules (issue 20 item 2): the instalment schedule sums exactly, the
adjustment (a refund when negative), insurance years, notice line checks."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cofatui.errors import message_text
from cofatui.rules.premiums import (
    adjustment,
    instalment_schedule,
    insurance_year_of,
    notice_line_errors,
    terms_errors,
)

D = Decimal


@given(start=st.dates(date(2020, 1, 1), date(2030, 12, 31)),
       annual=st.decimals(D("0.01"), D("9999999"), places=2),
       n=st.sampled_from([1, 2, 4, 12]))
def test_the_schedule_covers_the_year_and_sums_to_the_annual_premium(
        start: date, annual: Decimal, n: int) -> None:
    schedule = instalment_schedule(start, annual, "EUR", n)
    assert len(schedule) == n
    assert sum(amount for *_, amount in schedule) == annual
    assert all(amount >= 0 for *_, amount in schedule)
    assert schedule[0][0] == start
    for (_, end, _, _), (nxt, _, _, _) in itertools.pairwise(schedule):
        assert end + timedelta(days=1) == nxt
    assert schedule[-1][1] == insurance_year_of(start, start)[1]
    assert all(due == period_start for period_start, _, due, _ in schedule)


def test_a_quarterly_schedule_gives_the_cents_to_the_last_instalment() -> None:
    schedule = instalment_schedule(date(2026, 1, 1), D("1000.00"), "EUR", 3 + 1)
    assert [a for *_, a in schedule] == [D("250.00")] * 4
    thirds = instalment_schedule(date(2026, 1, 1), D("100.00"), "EUR", 12)
    assert [a for *_, a in thirds][-2:] == [D("8.33"), D("8.37")]
    with pytest.raises(ValueError):
        instalment_schedule(date(2026, 1, 1), D("100.00"), "EUR", 3)


def test_adjustment_is_the_larger_of_rate_and_minimum_less_the_provisional() -> None:
    # 1.5 ‰ of 2 000 000 = 3 000; minimum 2 500; 4 × 800 issued: a refund of 200.
    assert adjustment(D("1.5"), D("2000000"), D("2500"), D("3200")) == D("-200.00")
    assert adjustment(D("1.5"), D("1000000"), D("2500"), D("2000")) == D("500.00")
    assert adjustment(D("0.333"), D("1000.01"), D(0), D(0)) == D("0.33")


@given(start=st.dates(date(2000, 1, 1), date(2040, 12, 31)),
       offset=st.integers(0, 5000))
def test_the_insurance_year_contains_the_day_and_starts_on_an_anniversary(
        start: date, offset: int) -> None:
    on = start + timedelta(days=offset)
    first, last = insurance_year_of(start, on)
    assert first <= on <= last
    assert (first.month, first.day) == (start.month, start.day) or \
        (start.month, start.day, first.day) == (2, 29, 28)
    assert 365 <= (last - first).days + 1 <= 366


def test_notice_lines_are_checked_at_their_field() -> None:
    ok = [("credit_insurance", D("100.00"), D("9.00")), ("information", D("10.00"), D(0)),
          ("vat", D("2.00"), D(0))]
    assert notice_line_errors(ok, refund_allowed=False) == []
    bad = notice_line_errors([("vat", D("2.00"), D(0)), ("nope", D(1), D(0)),
                              ("fee", D("1.001"), D(0))], refund_allowed=False)
    assert [(e.field, e.code) for e in bad] == [
        ("lines.0.role", "accounting.vat_without_service"),
        ("lines.1.role", "accounting.line_role"),
        ("lines.2.amount_excl_tax", "accounting.amount_invalid")]
    refund = [("credit_insurance", D("-200.00"), D(0))]
    assert notice_line_errors(refund, refund_allowed=True) == []
    assert [e.code for e in notice_line_errors(refund, refund_allowed=False)] == [
        "accounting.notice_total"]
    assert [e.field for e in notice_line_errors([], refund_allowed=False)] == ["lines"]


def test_terms_checks_and_their_messages_in_both_languages() -> None:
    errors = terms_errors(3, D("-1"), D("100.00"), D("1.234"))
    assert [e.field for e in errors] == ["instalments", "rate_per_mille", "minimum_premium"]
    assert terms_errors(12, D("1.2"), D("1000.00"), D(0)) == []
    for e in errors:
        for language in ("en", "fr"):
            assert not message_text(e.code, e.params, language).startswith("errors.")
