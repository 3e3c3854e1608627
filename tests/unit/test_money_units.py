"""Stored thousandths and the Decimal every reader gets back (``rules.money_units``):
the SQL column type, the start-up's sqlite3 read and the export writer share it."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given
from hypothesis import strategies as st

from cofatui.rules.money_units import from_units, to_units, units_text

#: The range of the BigInteger column.
units_strategy = st.integers(min_value=-(2**63), max_value=2**63 - 1)


def _by_division(units: int) -> Decimal:
    """The definition: divide by a thousand, two decimals unless the third is used."""
    value = Decimal(units) / Decimal(1000)
    places = Decimal("0.01") if units % 10 == 0 else Decimal("0.001")
    return value.quantize(places)


@given(st.integers(min_value=-(10**24), max_value=10**24))
def test_from_units_is_the_division_digit_for_digit(units: int) -> None:
    got = from_units(units)
    assert got.as_tuple() == _by_division(units).as_tuple()


@given(units_strategy)
def test_text_is_the_decimal_written_plainly(units: int) -> None:
    assert units_text(units) == format(from_units(units), "f")


@given(units_strategy)
def test_a_stored_amount_reads_back_and_stores_again_unchanged(units: int) -> None:
    assert to_units(from_units(units)) == units


def test_examples_a_user_sees() -> None:
    assert str(from_units(12_500)) == "12.50"
    assert str(from_units(12_345)) == "12.345"
    assert str(from_units(-10)) == "-0.01"
    assert str(from_units(0)) == "0.00"
    assert units_text(50_000_000) == "50000.00"


@given(st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=4))
def test_to_units_rounds_half_up_past_the_third_decimal(amount: Decimal) -> None:
    expected = int((amount * 1000).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    assert to_units(amount) == expected
    assert to_units(str(amount)) == expected
