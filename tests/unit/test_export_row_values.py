"""The export reader's short converters give what the ORM's column types give."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from cofatui.formats.export import _iso_moment, _Values
from cofatui.models.types import _from_units
from cofatui.repository.sql.export_rows import _money, _sqlite_moment


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


@given(st.datetimes(min_value=datetime(1800, 1, 1), max_value=datetime(2200, 1, 1),
                    timezones=st.sampled_from([None, UTC, ZoneInfo("America/New_York")])),
       st.sampled_from(["Europe/Paris", "UTC", "Asia/Kolkata", "America/St_Johns"]))
def test_a_times_text_is_the_local_time_a_spreadsheet_holds(moment: datetime, zone: str) -> None:
    values = _Values("en", zone)
    assert values.moment_text(moment) == _iso_moment(values.moment(moment))


@given(st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31)))
def test_a_sqlite_timestamp_reads_as_the_utc_time_it_holds(moment: datetime) -> None:
    text = moment.isoformat(" ", "microseconds")  # as SQLAlchemy stores it
    assert _sqlite_moment(text) == moment.replace(tzinfo=UTC)
    assert _sqlite_moment(text).tzinfo is not None  # type: ignore[union-attr]
    assert _sqlite_moment(text + "+02:00") == moment.replace(tzinfo=UTC)  # as before
