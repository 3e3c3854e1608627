"""Money never mixes currencies (issue 10 item 4, SPEC §11): a claim total of EUR and
USD invoices, or EUR 250 + JPY 100 000 read as 100 250 EUR, must be impossible."""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cofatui.errors import RuleViolation, ValidationFailed
from cofatui.rules.money import (
    CurrencyMismatch,
    Money,
    UnknownCurrency,
    currency_decimals,
    is_currency,
    totals_by_currency,
)

EUR, USD, JPY = "EUR", "USD", "JPY"
CURRENCIES = ("EUR", "USD", "JPY", "BHD", "GBP", "CHF")

amounts = st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=3,
                      allow_nan=False, allow_infinity=False)
money = st.builds(Money, amounts, st.sampled_from(CURRENCIES))


def m(amount: str, currency: str = EUR) -> Money:
    return Money(Decimal(amount), currency)


def test_same_currency_arithmetic_and_order() -> None:
    assert m("1400") + m("35.50") == m("1435.50")
    assert m("1400") - m("35.50") == m("1364.50")
    assert m("35.50") < m("1400") <= m("1400") and m("1400") >= m("35.50") > m("1")
    assert sum([m("1400"), m("35.50")]) == m("1435.50")
    assert -m("5") == m("-5") and abs(m("-5")) == m("5")
    assert not Money.zero(EUR) and m("0.01")


@pytest.mark.parametrize("operation", [
    lambda a, b: a + b, lambda a, b: a - b, lambda a, b: a < b, lambda a, b: a <= b,
    lambda a, b: a > b, lambda a, b: a >= b, lambda a, b: sum([a, b]),
])
def test_mixed_currencies_are_refused(operation) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CurrencyMismatch) as caught:
        operation(m("250", EUR), m("100000", JPY))
    assert caught.value.currencies == (EUR, JPY)
    assert isinstance(caught.value, RuleViolation)  # a 400 with a sentence through the API
    assert "EUR" in str(caught.value) and "JPY" in str(caught.value)


def test_a_mixed_claim_total_cannot_be_computed() -> None:
    """The issue's claim: €1,400, €35.50 and US$500 did show a total of €1,935.50."""
    lines = [m("1400"), m("35.50"), m("500", USD)]
    with pytest.raises(CurrencyMismatch):
        sum(lines)
    assert totals_by_currency(lines) == {EUR: m("1435.50"), USD: m("500", USD)}


def test_equality_across_currencies_is_false_not_an_error() -> None:
    assert m("1", EUR) != m("1", USD)
    assert len({m("1", EUR), m("1", USD), m("1.00", EUR)}) == 2


def test_money_is_not_a_bare_number() -> None:
    with pytest.raises(TypeError):
        m("1") + Decimal(1)
    with pytest.raises(TypeError):
        sum([m("1")], Decimal(1))
    with pytest.raises(TypeError):
        m("1") * m("2")
    with pytest.raises(TypeError):
        m("1") * 0.9
    with pytest.raises(TypeError):
        Money(1.5, EUR)  # type: ignore[arg-type]


def test_multiplying_by_a_percentage_then_rounding_to_the_minor_unit() -> None:
    assert m("1435.50") * Decimal("0.9") == m("1291.95")
    assert (Decimal("0.9") * m("100.05")).quantize() == m("90.05")  # 90.045 half up
    assert (m("100.05") * Decimal("0.9")).quantize(ROUND_DOWN) == m("90.04")
    assert m("3", USD) * 2 == m("6", USD)


@pytest.mark.parametrize(("currency", "decimals", "typed", "rounded"), [
    ("EUR", 2, "10.005", "10.01"),
    ("JPY", 0, "100000.5", "100001"),
    ("BHD", 3, "1.2345", "1.235"),
])
def test_minor_units(currency: str, decimals: int, typed: str, rounded: str) -> None:
    assert currency_decimals(currency) == decimals
    value = m(typed, currency)
    assert value.decimals == decimals
    assert not value.fits_minor_unit()
    assert value.quantize() == m(rounded, currency)
    assert value.quantize().fits_minor_unit()
    assert value.quantize().amount.as_tuple().exponent == -decimals


def test_currency_codes_are_iso_4217() -> None:
    assert is_currency("EUR") and is_currency("BHD")
    assert not is_currency("eur") and not is_currency("ZZZ") and not is_currency("XXX")
    for bad in ("ZZZ", "eur", "", "EURO", "XXX"):
        with pytest.raises(UnknownCurrency) as caught:
            Money(Decimal(1), bad)
        assert isinstance(caught.value, ValidationFailed)
        assert "currency" in caught.value.by_field()
    with pytest.raises(ValidationFailed):
        Money(Decimal("NaN"), EUR)
    with pytest.raises(ValidationFailed):
        Money(Decimal("Infinity"), EUR)


def test_totals_by_currency_is_keyed_and_ordered_by_code() -> None:
    totals = totals_by_currency([m("5", USD), m("1"), m("7", USD), m("3", JPY)])
    assert list(totals) == [EUR, JPY, USD]
    assert totals[USD] == m("12", USD)
    assert totals_by_currency([]) == {}


@given(st.lists(money, max_size=30))
def test_totals_per_currency_equal_the_sum_of_each_currencys_amounts(
        items: list[Money]) -> None:
    totals = totals_by_currency(items)
    assert set(totals) == {i.currency for i in items}
    for code, total in totals.items():
        assert total.currency == code
        assert total.amount == sum((i.amount for i in items if i.currency == code),
                                   Decimal(0))


@given(money, money)
def test_arithmetic_succeeds_exactly_when_currencies_agree(a: Money, b: Money) -> None:
    if a.currency == b.currency:
        assert (a + b) - b == a
        assert (a + b).amount == a.amount + b.amount
        assert (a < b) == (a.amount < b.amount)
    else:
        for operation in (lambda: a + b, lambda: a - b, lambda: a < b, lambda: a >= b):
            with pytest.raises(CurrencyMismatch):
                operation()
        assert a != b


@given(money)
def test_quantize_is_idempotent_and_within_half_a_minor_unit(a: Money) -> None:
    q = a.quantize()
    assert q.currency == a.currency and q.fits_minor_unit()
    assert q.quantize() == q
    assert abs(q.amount - a.amount) <= Decimal(1).scaleb(-a.decimals) / 2
