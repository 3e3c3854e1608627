"""The export reader's short converters give what the ORM's column types give."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from cofatui.models.types import _from_units
from cofatui.repository.sql.export_rows import _money


@given(st.integers(min_value=-(10**20), max_value=10**20))
def test_an_amount_is_the_decimal_money_reads(units: int) -> None:
    read = _money(units)
    expected = _from_units(units)
    assert read is not None
    # The same digits and the same exponent: 12.50 stays 12.50 in the file, 0.005 stays.
    assert read.as_tuple() == expected.as_tuple()
    assert str(read) == str(expected)


def test_no_amount_is_none() -> None:
    assert _money(None) is None
