"""The pure rules of turnover declarations (cofatui/rules/turnover.py)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from cofatui.rules import turnover as rules

DAYS = st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 3, 31))


def test_default_due_date_and_reminders() -> None:
    due = rules.default_due_date(date(2026, 10, 31))
    assert due == date(2026, 11, 30)
    assert rules.default_reminders(due) == [date(2026, 11, 23), date(2026, 11, 30),
                                            date(2026, 12, 15)]


@given(DAYS, DAYS, DAYS, DAYS)
def test_periods_overlap_when_they_share_a_day(a: date, b: date, c: date, d: date) -> None:
    (start, end), (other_start, other_end) = sorted((a, b)), sorted((c, d))
    days = {start + timedelta(days=i) for i in range((end - start).days + 1)}
    shared = any(other_start <= day <= other_end for day in days)
    assert rules.overlaps(start, end, other_start, other_end) == shared
    assert rules.overlaps(other_start, other_end, start, end) == shared


@given(st.decimals(min_value=Decimal("-1000"), max_value=Decimal("1000"), places=4))
def test_amounts_are_money_at_least_zero_with_two_decimals(amount: Decimal) -> None:
    codes = [e.code for e in rules.amount_refusals("lines.0.amount", amount, "EUR")]
    if amount < 0:
        assert codes == ["common.not_negative"]
    elif amount != amount.quantize(Decimal("0.01")):
        assert codes == ["common.max_decimals"]
    else:
        assert codes == []


def test_a_currency_without_decimals_takes_none() -> None:
    assert [e.code for e in rules.amount_refusals("a", Decimal("1.5"), "JPY")] == \
        ["common.max_decimals"]
    assert rules.amount_refusals("a", Decimal("15"), "JPY") == []


def test_days_late_only_while_new() -> None:
    due = date(2026, 11, 30)
    assert rules.days_late(due, "new", date(2026, 12, 10)) == 10
    assert rules.days_late(due, "new", date(2026, 11, 1)) == 0
    assert rules.days_late(due, "sent", date(2026, 12, 10)) == 0
    assert rules.days_late(due, "cancelled", date(2026, 12, 10)) == 0


def test_nothing_to_declare_only_without_amounts() -> None:
    assert rules.nothing_to_declare_refusal(True, [None, Decimal(0)]) is None
    assert rules.nothing_to_declare_refusal(False, [Decimal(3)]) is None
    refusal = rules.nothing_to_declare_refusal(True, [None, Decimal("0.01")])
    assert refusal is not None and refusal.code == rules.NOTHING_WITH_AMOUNTS


def test_totals_are_kept_per_currency() -> None:
    totals = rules.totals([(Decimal("1.5"), "USD"), (None, "EUR"), (Decimal(2), "EUR"),
                           (Decimal("0.5"), "USD")])
    assert [(m.currency, m.amount) for m in totals] == [("EUR", Decimal(2)),
                                                        ("USD", Decimal("2.0"))]
