"""Claim indemnity: covered amount, calculated indemnity, rounding, conditions used."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cofatui.errors import ValidationFailed
from cofatui.rules.exchange_rates import ExchangeRate, find_conversion, rate_errors
from cofatui.rules.indemnity import (
    ClaimLine,
    Waiting,
    assess_claim,
    calculate_indemnity,
    claim_amount_in,
    covered_amount,
    round_money,
    totals_per_currency,
)
from cofatui.rules.money import CurrencyMismatch, Money

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


# --- claims in several currencies (issue 10 item 4) --------------------------------------

DECLARED = date(2026, 3, 2)


def inv(amount: str, currency: str = "EUR", number: str = "1") -> ClaimLine:
    return ClaimLine("invoice", number, Money(D(amount), currency))


def pay(amount: str, currency: str = "EUR") -> ClaimLine:
    return ClaimLine("payment", "P", Money(D(amount), currency))


def rate(base: str, quote: str, value: str, on: date = DECLARED, source: str = "ECB",
         at: datetime | None = None) -> ExchangeRate:
    return ExchangeRate(base, quote, D(value), on, source, at)


THE_ISSUE = [inv("1400.00"), inv("35.50", number="2"), inv("500.00", "USD", "3")]


def test_totals_are_kept_per_currency_never_added_across() -> None:
    totals = totals_per_currency([*THE_ISSUE, pay("100.00"), pay("20.00", "GBP")])
    assert [(t.currency, t.invoiced.amount, t.paid.amount, t.balance.amount)
            for t in totals] == [("EUR", D("1435.50"), D("100.00"), D("1335.50")),
                                 ("GBP", D(0), D("20.00"), D("-20.00")),
                                 ("USD", D("500.00"), D(0), D("500.00"))]
    with pytest.raises(CurrencyMismatch):
        sum((line.money for line in THE_ISSUE), Money.zero("EUR"))


def test_claim_amount_waits_for_a_rate_and_names_the_lines() -> None:
    lines = [*THE_ISSUE, inv("20.00", "USD", "4"), pay("5.00", "JPY")]
    amount = claim_amount_in(lines, "EUR", [], DECLARED)
    assert amount.amount is None
    assert amount.waiting == (Waiting("JPY", 0, 1), Waiting("USD", 2, 0))
    assert amount.waiting_text() == ("1 payment in JPY waits for an exchange rate; "
                                     "2 invoices in USD wait for an exchange rate")
    assessed = assess_claim(lines, "EUR", DECLARED, [], D(10000), D(90))
    assert assessed.indemnity is None and assessed.waiting == amount.waiting


def test_claim_amount_converts_with_the_recorded_rate_of_the_declaration_date() -> None:
    rates = [rate("EUR", "USD", "1.25"),  # 500 USD = 400 EUR
             rate("EUR", "USD", "2", on=DECLARED + timedelta(days=1)),  # later: not used
             rate("EUR", "USD", "4", on=DECLARED - timedelta(days=9))]  # older: not used
    amount = claim_amount_in(THE_ISSUE, "EUR", rates, DECLARED)
    assert amount.amount == Money(D("1835.50"), "EUR")
    assert amount.conversions_text() == (
        "Lines in USD converted at 1 EUR = 1.25 USD (2026-03-02, ECB).")
    assessed = assess_claim(THE_ISSUE, "EUR", DECLARED, rates, D(1000), D(90))
    assert assessed.indemnity is not None
    assert assessed.indemnity.claim_amount == D("1835.50")
    assert assessed.indemnity.covered_amount == D("900.00")  # 90 % of the 1 000 limit
    assert assessed.indemnity.conditions_used.startswith("Lines in USD converted at 1 EUR")


def test_the_latest_rate_before_the_declaration_date_applies_when_none_on_it() -> None:
    rates = [rate("EUR", "USD", "1.25", on=DECLARED - timedelta(days=3)),
             rate("EUR", "USD", "9", on=DECLARED - timedelta(days=30))]
    assert claim_amount_in(THE_ISSUE, "EUR", rates, DECLARED).amount == Money(D("1835.50"),
                                                                               "EUR")


def test_a_correction_recorded_later_wins_on_the_same_day() -> None:
    first = datetime(2026, 3, 2, 9, tzinfo=UTC)
    rates = [rate("EUR", "USD", "1.25", source="alice", at=first + timedelta(hours=1)),
             rate("EUR", "USD", "1.20", at=first)]
    conversion = find_conversion(rates, "USD", "EUR", DECLARED)
    assert conversion is not None and conversion.rates[0].source == "alice"


def test_the_pair_is_read_either_way_round() -> None:
    # 1 USD = 0.8 EUR says the same as 1 EUR = 1.25 USD.
    amount = claim_amount_in(THE_ISSUE, "EUR", [rate("USD", "EUR", "0.8")], DECLARED)
    assert amount.amount == Money(D("1835.50"), "EUR")


def test_cross_rate_through_the_euro_for_a_usd_contract_with_jpy_invoices() -> None:
    # ECB: 1 EUR = 1.25 USD and 1 EUR = 160 JPY, so 16 000 JPY = 100 EUR = 125 USD.
    rates = [rate("EUR", "USD", "1.25"), rate("EUR", "JPY", "160")]
    amount = claim_amount_in([inv("16000", "JPY"), inv("10.00", "USD")], "USD", rates,
                             DECLARED)
    assert amount.amount == Money(D("135.00"), "USD")
    assert "1 EUR = 160 JPY" in amount.conversions_text()


def test_converted_amounts_are_rounded_once_half_up_at_the_end() -> None:
    # 1 EUR = 3 USD: each 0.01 USD line is 0.00333… EUR. Rounded line by line, three
    # lines would make 0.00 EUR; converted exactly then rounded once, 0.03 USD = 0.01 EUR.
    lines = [inv("0.01", "USD", str(n)) for n in range(3)]
    assert claim_amount_in(lines, "EUR", [rate("EUR", "USD", "3")], DECLARED).amount == \
        Money(D("0.01"), "EUR")
    # Half up: 0.015 EUR becomes 0.02; JPY has no minor unit.
    assert claim_amount_in([inv("0.03", "USD")], "EUR", [rate("EUR", "USD", "2")],
                           DECLARED).amount == Money(D("0.02"), "EUR")
    assert claim_amount_in([inv("1.00", "EUR")], "JPY", [rate("EUR", "JPY", "160.5")],
                           DECLARED).amount == Money(D("161"), "JPY")


def test_payments_in_a_foreign_currency_reduce_the_claim_and_never_below_zero() -> None:
    rates = [rate("EUR", "USD", "1.25")]
    assert claim_amount_in([inv("100.00"), pay("25.00", "USD")], "EUR", rates,
                           DECLARED).amount == Money(D("80.00"), "EUR")
    assert claim_amount_in([inv("10.00"), pay("25.00", "USD")], "EUR", rates,
                           DECLARED).amount == Money(D("0.00"), "EUR")


@pytest.mark.parametrize(("base", "quote", "value", "on", "source", "field"), [
    ("EUR", "EUR", "1", DECLARED, "ECB", "quote"),
    ("EUR", "XYZ", "1", DECLARED, "ECB", "quote"),
    ("eur", "USD", "1", DECLARED, "ECB", "base"),
    ("EUR", "USD", "0", DECLARED, "ECB", "rate"),
    ("EUR", "USD", "-1.2", DECLARED, "ECB", "rate"),
    ("EUR", "USD", "1.00000000001", DECLARED, "ECB", "rate"),
    ("EUR", "USD", "100000000", DECLARED, "ECB", "rate"),
    ("EUR", "USD", "1", DECLARED + timedelta(days=1), "ECB", "rate_date"),
    ("EUR", "USD", "1", DECLARED, "  ", "source"),
    ("EUR", "USD", "1", DECLARED, "x" * 81, "source"),
    ("EUR", "USD", "1", DECLARED, "EC\x00B", "source"),
])
def test_a_recorded_rate_is_checked(base: str, quote: str, value: str, on: date, source: str,
                                    field: str) -> None:
    assert field in {e.field for e in rate_errors(base, quote, D(value), on, source, DECLARED)}
    assert rate_errors("EUR", "USD", D("1.0823"), DECLARED, "ECB", DECLARED) == []


currencies = st.sampled_from(["EUR", "USD", "JPY", "GBP"])
line_amounts = st.decimals(min_value=D("0.01"), max_value=D("1000000"), places=2)


@given(st.lists(st.tuples(st.booleans(), currencies, line_amounts), max_size=12),
       st.decimals(min_value=D("0.01"), max_value=D("1000"), places=4))
def test_each_currency_is_converted_exactly_before_the_one_rounding(
        lines: list[tuple[bool, str, Decimal]], usd: Decimal) -> None:
    claim = [ClaimLine("invoice" if is_invoice else "payment", "n", Money(amount, code))
             for is_invoice, code, amount in lines]
    rates = [rate("EUR", "USD", f"{usd}"), rate("EUR", "JPY", "160"), rate("GBP", "EUR", "1.2")]
    got = claim_amount_in(claim, "EUR", rates, DECLARED)
    assert got.waiting == ()
    balance = {code: sum((amount if is_invoice else -amount for is_invoice, c, amount in lines
                          if c == code), D(0)) for code in ("EUR", "USD", "JPY", "GBP")}
    # Each currency's balance converted exactly (a division by a rate quoted against the
    # euro, a product by one quoted in euros), then added.
    exact = balance["EUR"] + balance["USD"] / usd + balance["JPY"] / 160 + balance["GBP"] * D("1.2")
    assert got.amount == Money(max(exact, D(0)), "EUR").quantize()
