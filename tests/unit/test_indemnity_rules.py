"""Claim indemnity: covered amount, calculated indemnity, rounding, conditions used."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cofatui.errors import ValidationFailed
from cofatui.rules.indemnity import calculate_indemnity, covered_amount, round_money

D = Decimal


def test_covered_amount_is_the_insured_percentage_of_a_claim_within_the_credit_limit() -> None:
    assert covered_amount(D("8000"), D("10000"), D("90")) == D("7200.00")


def test_covered_amount_is_capped_by_the_credit_limit() -> None:
    assert covered_amount(D("15000"), D("10000"), D("90")) == D("9000.00")


def test_uninsured_debt_is_not_covered() -> None:
    calc = calculate_indemnity(D("8000"), D("10000"), D("90"), insured=False)
    assert calc.covered_amount == calc.calculated_indemnity == D("0.00")
    assert "Uninsured debt" in calc.conditions_used


@pytest.mark.parametrize("limit", [None, D(0)])
def test_no_credit_limit_covers_nothing(limit: Decimal | None) -> None:
    calc = calculate_indemnity(D("8000"), limit, D("90"))
    assert calc.covered_amount == calc.calculated_indemnity == D(0)
    assert "No credit limit" in calc.conditions_used


def test_calculated_indemnity_without_recoveries_is_the_covered_amount() -> None:
    calc = calculate_indemnity(D("12000"), D("10000"), D("90"))
    assert calc.calculated_indemnity == calc.covered_amount == D("9000.00")


def test_calculated_indemnity_deducts_recoveries_from_the_claim_amount_first() -> None:
    # Within the limit: the insurer's share of the recovery comes off the indemnity.
    within = calculate_indemnity(D("8000"), D("10000"), D("90"), recovered=D("1000"))
    assert within.covered_amount == D("7200.00")
    assert within.calculated_indemnity == D("6300.00")  # 90 % of 7 000
    # Above the limit: a recovery on the uninsured excess leaves the indemnity whole.
    above = calculate_indemnity(D("15000"), D("10000"), D("90"), recovered=D("3000"))
    assert above.calculated_indemnity == D("9000.00")
    # Everything recovered: nothing to pay, never below zero.
    assert calculate_indemnity(D("8000"), D("10000"), D("90"),
                               recovered=D("9000")).calculated_indemnity == D(0)


def test_amounts_are_rounded_half_up_to_cents() -> None:
    assert covered_amount(D("0.05"), D("100"), D("90")) == D("0.05")  # 0.045 → 0.05
    assert covered_amount(D("100.01"), D("1000"), D("33.33")) == D("33.33")  # 33.333333
    assert covered_amount(D("10.05"), D("1000"), D("50")) == D("5.03")  # 5.025 → 5.03
    assert round_money(D("2.675")) == D("2.68")  # float would give 2.67


def test_rounding_follows_the_currency_minor_unit() -> None:
    assert covered_amount(D("1001"), D("5000"), D("90"), currency="JPY") == D("901")
    assert covered_amount(D("1.0005"), D("5000"), D("100"), currency="KWD") == D("1.001")
    assert round_money(D("1.005"), "XYZ") == D("1.01")  # unknown currency: cents


def test_conditions_used_explain_the_calculation_in_words() -> None:
    calc = calculate_indemnity(D("15000"), D("10000"), D("90"), recovered=D("3000"),
                               currency="USD")
    text = calc.conditions_used
    for part in ("90 %", "15000.00 USD", "10000.00 USD", "9000.00 USD", "Recovered 3000.00"):
        assert part in text
    assert len(text) <= 500
    huge = calculate_indemnity(D("9" * 20), D("9" * 19), D("99.99"), recovered=D("8" * 19))
    assert len(huge.conditions_used) <= 500


@pytest.mark.parametrize(("args", "field"), [
    ((D("-1"), D(10), D(90)), "claim_amount"),
    ((D(1), D("-10"), D(90)), "credit_limit"),
    ((D(1), D(10), D("100.01")), "insured_percentage"),
    ((D(1), D(10), D("-1")), "insured_percentage"),
    ((D("NaN"), D(10), D(90)), "claim_amount"),
])
def test_invalid_inputs_are_validation_errors(args: tuple[Decimal, ...], field: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        calculate_indemnity(*args)
    assert field in caught.value.by_field()
    with pytest.raises(ValidationFailed):
        calculate_indemnity(D(1), D(10), D(90), recovered=D("-1"))


money = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False,
                    allow_infinity=False)


@given(claim=money, limit=money, pct=st.decimals(0, 100, places=2), recovered=money)
def test_indemnity_never_exceeds_the_covered_amount_nor_the_claim(
        claim: Decimal, limit: Decimal, pct: Decimal, recovered: Decimal) -> None:
    calc = calculate_indemnity(claim, limit, pct, recovered=recovered)
    assert D(0) <= calc.calculated_indemnity <= calc.covered_amount <= claim
    assert calc.covered_amount <= limit
    assert calc.covered_amount.as_tuple().exponent == -2
    more = calculate_indemnity(claim, limit, pct, recovered=recovered + D("100"))
    assert more.calculated_indemnity <= calc.calculated_indemnity
