"""Claim declaration deadline: contract's maximum delay from the invoice date."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cofatui.errors import RuleViolation, ValidationFailed
from cofatui.rules.deadlines import (
    check_declaration_in_time,
    claim_declaration_deadline,
    days_left,
    earliest_deadline,
    extension_shift_days,
    extension_shifts,
    invoice_declaration_deadline,
    merge_shifts,
)

dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31))
delays = st.integers(min_value=1, max_value=3650)


def test_claim_declaration_deadline_counts_the_maximum_delay_from_the_invoice_date() -> None:
    assert claim_declaration_deadline(date(2024, 1, 31), 30) == date(2024, 3, 1)  # leap year
    assert claim_declaration_deadline(date(2023, 1, 31), 30) == date(2023, 3, 2)
    assert claim_declaration_deadline(date(2024, 6, 15), 150) == date(2024, 11, 12)


def test_claim_declaration_deadline_moves_with_an_accepted_extension_of_due_date() -> None:
    # The due date moved 45 days (30 June → 14 August): so does the deadline.
    deadline = claim_declaration_deadline(
        date(2024, 5, 31), 120, date(2024, 8, 14), initial_due_date=date(2024, 6, 30)
    )
    assert deadline == date(2024, 9, 28) + timedelta(days=45)


def test_claim_declaration_deadline_extension_needs_the_initial_due_date() -> None:
    with pytest.raises(ValidationFailed) as caught:
        claim_declaration_deadline(date(2024, 5, 31), 120, date(2024, 8, 14))
    assert "initial_due_date" in caught.value.by_field()


def test_extension_cannot_move_the_due_date_backwards() -> None:
    assert extension_shift_days(date(2024, 6, 30), date(2024, 6, 30)) == 0
    with pytest.raises(ValidationFailed, match="before the initial due date"):
        extension_shift_days(date(2024, 6, 30), date(2024, 6, 1))


@pytest.mark.parametrize("days", [0, -5])
def test_claim_declaration_deadline_needs_a_positive_contract_delay(days: int) -> None:
    with pytest.raises(ValidationFailed) as caught:
        claim_declaration_deadline(date(2024, 1, 1), days)
    assert "max_declaration_days" in caught.value.by_field()


def test_days_left_is_zero_on_the_deadline_and_negative_after() -> None:
    deadline = date(2024, 3, 1)
    assert days_left(deadline, date(2024, 2, 20)) == 10
    assert days_left(deadline, deadline) == 0
    assert days_left(deadline, date(2024, 3, 3)) == -2


def test_declaration_on_the_deadline_day_is_in_time() -> None:
    check_declaration_in_time([date(2024, 1, 31)], 30, date(2024, 3, 1))


def test_late_declaration_is_refused_with_the_deadline_named() -> None:
    with pytest.raises(RuleViolation) as caught:
        check_declaration_in_time([date(2024, 1, 31)], 30, date(2024, 3, 2))
    assert caught.value.code == "deadlines.declared_late"
    assert caught.value.params == {"deadline": date(2024, 3, 1), "days": 30,
                                   "earliest": date(2024, 1, 31), "count": 1}
    assert "by 01 Mar 2024" in caught.value.text("en") and "1 day late" in caught.value.text("en")
    assert "le 01/03/2024" in caught.value.text("fr") and "1 jour de retard" in \
        caught.value.text("fr")


def test_earliest_unpaid_invoice_decides_the_deadline() -> None:
    invoices = [date(2024, 4, 1), date(2024, 1, 31), date(2024, 3, 15)]
    with pytest.raises(RuleViolation, match=r"by 01 Mar 2024.*it is 10 days late") as caught:
        check_declaration_in_time(invoices, 30, date(2024, 3, 11))
    assert caught.value.params["deadline"] == date(2024, 3, 1)


def test_extension_of_due_date_can_make_a_late_declaration_in_time() -> None:
    invoice, today = date(2024, 1, 31), date(2024, 3, 20)
    with pytest.raises(RuleViolation):
        check_declaration_in_time([invoice], 30, today)
    check_declaration_in_time([invoice], 30, today, extended_due_date=date(2024, 4, 1),
                              initial_due_date=date(2024, 3, 1))


def test_declaration_without_invoices_is_invalid() -> None:
    with pytest.raises(ValidationFailed) as caught:
        check_declaration_in_time([], 30, date(2024, 1, 1))
    assert "invoices" in caught.value.by_field()


@given(dates, delays)
def test_deadline_is_exactly_the_delay_after_the_invoice(invoice: date, delay: int) -> None:
    deadline = claim_declaration_deadline(invoice, delay)
    assert days_left(deadline, invoice) == delay


@given(st.lists(dates, min_size=1, max_size=10), delays, dates)
def test_declaration_is_in_time_exactly_until_the_earliest_invoice_deadline(
    invoices: list[date], delay: int, today: date
) -> None:
    deadline = min(invoices) + timedelta(days=delay)
    if today <= deadline:
        check_declaration_in_time(invoices, delay, today)
    else:
        with pytest.raises(RuleViolation) as caught:
            check_declaration_in_time(invoices, delay, today)
        assert caught.value.params["deadline"] == deadline


def test_an_active_extension_moves_each_of_its_invoices_to_the_plans_first_new_due_date(
        ) -> None:
    shifts = extension_shifts([("1001", date(2024, 6, 30)), (" 1002 ", date(2024, 8, 31))],
                              [date(2024, 9, 30), date(2024, 8, 14)])
    # 1001: 30 June -> 14 August; 1002 was due after the first instalment: not moved back.
    assert shifts == {"1001": 45, "1002": 0}
    assert extension_shifts([("1001", date(2024, 6, 30))], []) == {}


def test_invoice_declaration_deadline_moves_only_the_invoices_of_the_extension() -> None:
    shifts = {"1001": 45}
    assert invoice_declaration_deadline("1001", date(2024, 5, 31), 120, shifts) == \
        claim_declaration_deadline(date(2024, 5, 31), 120, date(2024, 8, 14),
                                   initial_due_date=date(2024, 6, 30))
    assert invoice_declaration_deadline("1002", date(2024, 5, 31), 120, shifts) == \
        claim_declaration_deadline(date(2024, 5, 31), 120)
    assert invoice_declaration_deadline(" 1001", date(2024, 5, 31), 120, shifts) == \
        date(2024, 11, 12)


def test_the_claims_deadline_is_its_first_invoice_deadline_to_pass() -> None:
    invoices = [("1001", date(2024, 5, 1)), ("1002", date(2024, 5, 20))]
    assert earliest_deadline(invoices, 30) == (date(2024, 5, 31), "1001", date(2024, 5, 1))
    # The extension moved 1001 past 1002's deadline: 1002 now passes first.
    assert earliest_deadline(invoices, 30, {"1001": 40}) == (
        date(2024, 6, 19), "1002", date(2024, 5, 20))
    assert earliest_deadline([], 30) is None


def test_two_extensions_on_one_invoice_keep_the_larger_shift() -> None:
    assert merge_shifts({"1": 10, "2": 5}, {"1": 3, "3": 7}) == {"1": 10, "2": 5, "3": 7}


@given(invoice=dates, delay=delays, shift=st.integers(min_value=0, max_value=400))
def test_a_shift_moves_the_deadline_by_exactly_its_days(invoice: date, delay: int,
                                                         shift: int) -> None:
    moved = invoice_declaration_deadline("7", invoice, delay, {"7": shift})
    assert moved - claim_declaration_deadline(invoice, delay) == timedelta(days=shift)
