"""Amounts and dates typed by people are read one way, per UI language (issue 10 item 5):
"50,000" is fifty thousand in English and refused with a hint in French, never guessed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
from babel.numbers import format_currency, format_decimal
from hypothesis import given
from hypothesis import strategies as st

from cofatui.i18n import get_language, locale_name, set_language
from cofatui.rules.money import Money
from cofatui.tui.kit.typed_input import (
    MAX_WHOLE_DIGITS,
    TypedInputError,
    amount_echo,
    date_pattern,
    parse_amount,
    parse_date,
    parse_money,
    parse_whole_number,
    typed_amount,
    typed_date,
)

NNBSP, NBSP = "\u202f", "\u00a0"


@pytest.fixture(autouse=True)
def english_after() -> Iterator[None]:
    before = get_language()
    yield
    set_language(before)


def refused(text: str, currency: str | None = "EUR", language: str = "en") -> str:
    set_language(language)
    with pytest.raises(TypedInputError) as caught:
        parse_amount(text, currency)
    return str(caught.value)


def read(text: str, currency: str | None = "EUR", language: str = "en") -> Decimal | None:
    set_language(language)
    return parse_amount(text, currency)


# --- the cases -----------------------------------------------------------------


def test_fifty_thousand_in_english() -> None:
    assert read("50,000", "USD") == Decimal(50000)
    assert read("50000") == Decimal(50000)
    assert read("50,000.50") == Decimal("50000.50")
    assert read("  50 000 ") == Decimal(50000)  # spaces group thousands in any language


def test_fifty_thousand_and_a_half_in_french() -> None:
    for typed in ("50 000,50", f"50{NNBSP}000,50", f"50{NBSP}000,50", "50000,50"):
        assert read(typed, language="fr") == Decimal("50000.50"), typed
    assert read("50 000", language="fr") == Decimal(50000)


def test_english_grouping_is_refused_in_french_with_a_hint() -> None:
    message = refused("50,000", language="fr")
    assert "virgule" in message and "50 000" in message and "50000,00" in message
    # The German grouping too: both would have been 50.000 = EUR 50, a silent guess.
    assert "50 000" in refused("50.000", language="fr")


@pytest.mark.parametrize(("typed", "currency", "language", "code"), [
    ("50,000", "EUR", "fr", "typed.amount.separators_or"),
    ("1,5", "EUR", "en", "typed.amount.separators"),
    ("10.5", "JPY", "en", "typed.amount.no_decimals"),
    ("10.5555", "EUR", "en", "typed.amount.decimals"),
    ("€5", "USD", "en", "typed.amount.other_currency"),
    ("-5", "EUR", "fr", "typed.amount.negative"),
    ("abc", "EUR", "en", "typed.amount.not_an_amount"),
    ("5 0000", "EUR", "en", "typed.amount.grouping"),
])
def test_each_refusal_has_a_stable_code(typed: str, currency: str, language: str,
                                        code: str) -> None:
    set_language(language)
    with pytest.raises(TypedInputError) as caught:
        parse_amount(typed, currency)
    assert caught.value.code == code


def test_french_decimal_comma_is_refused_in_english_with_a_hint() -> None:
    assert "50,000.50" in refused("50 000,50")
    assert "1.50" in refused("1,5")
    message = refused("50.000")
    assert "50,000" in message and "50000.00" in message


def test_three_decimals_are_an_amount_where_the_currency_has_three() -> None:
    assert read("50,000", "BHD", language="fr") == Decimal("50.000")
    assert read("50.125", "BHD") == Decimal("50.125")


def test_at_most_the_currencys_decimals() -> None:
    assert "decimal" in refused("10.5", "JPY")
    assert read("100 000", "JPY") == Decimal(100000)
    assert refused("10.5555", "USD") == "At most 2 decimals in this currency"
    # Three decimals read as a thousands group elsewhere: the hint gives that reading.
    assert "10,555" in refused("10.555", "USD")
    assert read("10.55", "USD") == Decimal("10.55")


def test_bad_amounts_are_refused_with_a_message_in_the_ui_language() -> None:
    for bad in ("abc", "5e3", "1e5", "NaN", "Infinity", "12abc", "--5", "5-", "€5 EUR"):
        assert refused(bad), bad
        assert refused(bad, language="fr"), bad
    assert "negative" in refused("-5")
    assert "négatif" in refused("-5", language="fr")
    assert "50,000" in refused("5 0000")  # misgrouped: Babel's suggestion
    assert "12" in refused("9" * 13)
    set_language("en")
    assert parse_amount("-5", "EUR", negative=True) == Decimal(-5)
    assert parse_amount("", "EUR") is None and parse_amount("   ", "EUR") is None


def test_the_forms_currency_may_be_typed_around_the_amount() -> None:
    assert read("US$50,000", "USD") == Decimal(50000)
    assert read("50,000 USD", "USD") == Decimal(50000)
    assert read("usd 50000", "USD") == Decimal(50000)
    assert read("$50,000", "USD") == Decimal(50000)
    assert read("50 000 $US", "USD", language="fr") == Decimal(50000)
    assert read("50 000 €", "EUR", language="fr") == Decimal(50000)
    assert "EUR" in refused("€50,000", "USD")
    assert "USD" in refused("50 000 €", "USD", language="fr")
    assert "USD" in refused("50,000 GBP", "USD")


def test_amounts_put_back_into_a_field_keep_their_decimals() -> None:
    set_language("en")
    assert typed_amount(Decimal(60000)) == "60,000"
    assert typed_amount(Decimal("400.00")) == "400.00"
    assert typed_amount(None) == ""
    set_language("fr")
    assert typed_amount(Decimal("1234.5")) == f"1{NNBSP}234,5"


def test_money_carries_the_currency() -> None:
    set_language("en")
    assert parse_money("50,000", "USD") == Money(Decimal(50000), "USD")
    assert parse_money("", "USD") is None


def test_the_echo_says_what_was_understood() -> None:
    set_language("en")
    assert amount_echo(Decimal(50000), "USD") == "= US$50,000.00"
    set_language("fr")
    assert amount_echo(Decimal(50000), "USD") == f"= 50{NNBSP}000,00{NBSP}$US"
    assert amount_echo(None, "USD") == ""


def test_whole_numbers() -> None:
    set_language("en")
    assert parse_whole_number("1,000,000") == 1_000_000
    assert parse_whole_number(" 1 000 000 ") == 1_000_000
    assert parse_whole_number("") is None
    for bad in ("1.5", "-3", "x", "30 days"):
        with pytest.raises(TypedInputError):
            parse_whole_number(bad)
    set_language("fr")
    assert parse_whole_number(f"1{NNBSP}000") == 1000
    with pytest.raises(TypedInputError, match="entier"):
        parse_whole_number("1,5")


# --- dates -----------------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "order", "expected"), [
    ("31/12/2026", "DMY", date(2026, 12, 31)),
    ("31.12.2026", "DMY", date(2026, 12, 31)),
    ("1-2-2026", "DMY", date(2026, 2, 1)),
    ("12/31/2026", "MDY", date(2026, 12, 31)),
    ("2/1/2026", "MDY", date(2026, 2, 1)),
    ("2026-12-31", "DMY", date(2026, 12, 31)),
    ("2026-12-31", "MDY", date(2026, 12, 31)),
    ("", "DMY", None),
])
def test_dates_in_the_users_order_or_iso(typed: str, order: str, expected: date | None) -> None:
    assert parse_date(typed, order) == expected


@pytest.mark.parametrize(("typed", "order"), [
    ("12/31/2026", "DMY"), ("31/12/2026", "MDY"), ("30/02/2026", "DMY"), ("2026-13-01", "DMY"),
    ("31/12/26", "DMY"), ("tomorrow", "DMY"), ("2026/12/31", "DMY"),
])
def test_impossible_or_unreadable_dates_are_refused(typed: str, order: str) -> None:
    set_language("fr")
    with pytest.raises(TypedInputError) as caught:
        parse_date(typed, order)
    assert "jj" in str(caught.value)


def test_date_pattern_and_typed_date_follow_the_order() -> None:
    set_language("en")
    assert date_pattern("DMY") == "dd/mm/yyyy" and date_pattern("MDY") == "mm/dd/yyyy"
    assert typed_date(date(2026, 2, 1), "MDY") == "02/01/2026"
    assert typed_date(date(2026, 2, 1), "DMY") == "01/02/2026"
    assert typed_date(None) == ""


# --- properties ------------------------------------------------------------------------

CURRENCIES = ("EUR", "USD", "JPY", "BHD", "GBP", "CHF")


@st.composite
def money_values(draw: st.DrawFn) -> tuple[Decimal, str]:
    from cofatui.rules.money import currency_decimals

    currency = draw(st.sampled_from(CURRENCIES))
    places = currency_decimals(currency)
    # Up to the largest amount a field takes (12 digits before the decimal separator).
    units = draw(st.integers(min_value=0, max_value=10**(MAX_WHOLE_DIGITS + places) - 1))
    return Decimal(units).scaleb(-places), currency


@given(money_values(), st.sampled_from(["en", "fr"]))
def test_babel_formatted_amounts_read_back_to_the_same_value(
        value_currency: tuple[Decimal, str], language: str) -> None:
    value, currency = value_currency
    set_language(language)
    locale = locale_name(language)
    as_shown = format_currency(value, currency, locale=locale)
    assert parse_amount(as_shown, currency) == value, as_shown
    as_number = format_decimal(value, locale=locale, decimal_quantization=False)
    assert parse_amount(as_number, currency) == value, as_number
    assert parse_amount(typed_amount(value), currency) == value


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(9999, 12, 31)),
       st.sampled_from(["DMY", "MDY"]))
def test_typed_dates_read_back(value: date, order: str) -> None:
    assert parse_date(typed_date(value, order), order) == value
    assert parse_date(value.isoformat(), order) == value


@given(st.text(max_size=20), st.sampled_from(["en", "fr"]),
       st.sampled_from(CURRENCIES))
def test_anything_typed_is_an_amount_or_a_message_never_a_crash(
        text: str, language: str, currency: str) -> None:
    set_language(language)
    try:
        value = parse_amount(text, currency)
    except TypedInputError as exc:
        assert str(exc)
    else:
        assert value is None or (value.is_finite() and value >= 0)
