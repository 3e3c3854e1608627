"""The CSV writer's shortcuts write what its typed path writes (issue 15 speed):
a datetime's text in the file's zone through the per-hour cache equals its own
conversion, across offset changes, zones a fraction of an hour from UTC and old
local mean times; a text cell's guard equals ``csv_text``'s for any string."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from operator import itemgetter
from pathlib import Path

import hypothesis.strategies as st
from hypothesis import given, settings

from cofatui.enums import ExportColumnType
from cofatui.formats.export import ExportColumn, _csv_cell, _csv_line, _Values

ZONES = ["Europe/Paris", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe",
         "Asia/Kathmandu", "Pacific/Chatham", "America/St_Johns", "UTC", "Africa/Casablanca"]
#: Instants around the days their offsets change (2026 in Paris, New York, Lord Howe).
CHANGES = [datetime(2026, 3, 29, 1, tzinfo=UTC), datetime(2026, 10, 25, 1, tzinfo=UTC),
           datetime(2026, 3, 8, 7, tzinfo=UTC), datetime(2026, 11, 1, 6, tzinfo=UTC),
           datetime(2026, 4, 4, 15, tzinfo=UTC), datetime(2026, 10, 3, 15, 30, tzinfo=UTC)]


def _fresh(values: _Values, moment: datetime) -> str:
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return values.zone_text(aware)


moments = st.one_of(
    st.datetimes(min_value=datetime(1800, 1, 1), max_value=datetime(2200, 1, 1)),
    st.datetimes(min_value=datetime(1800, 1, 1), max_value=datetime(2200, 1, 1),
                 timezones=st.sampled_from([UTC, timezone(timedelta(hours=-5, minutes=-30))])),
    st.builds(lambda base, s: base + timedelta(seconds=s), st.sampled_from(CHANGES),
              st.integers(-7200, 7200)))


@settings(max_examples=400, deadline=None)
@given(zone=st.sampled_from(ZONES), batch=st.lists(moments, min_size=1, max_size=30))
def test_the_hour_cache_writes_each_time_as_its_own_conversion(
        zone: str, batch: list[datetime]) -> None:
    values = _Values("fr", zone)
    for moment in batch + batch:  # the second time from the cache
        assert values.moment_text(moment) == _fresh(values, moment)


def test_offset_changes_in_paris_and_lord_howe() -> None:
    paris, howe = _Values("fr", "Europe/Paris"), _Values("en", "Australia/Lord_Howe")
    assert paris.moment_text(datetime(2026, 3, 29, 0, 59, tzinfo=UTC)) == "2026-03-29 01:59"
    assert paris.moment_text(datetime(2026, 3, 29, 1, 0, 5, tzinfo=UTC)) == "2026-03-29 03:00:05"
    assert paris.moment_text(datetime(2026, 10, 25, 0, 30)) == "2026-10-25 02:30"
    assert paris.moment_text(datetime(2026, 10, 25, 1, 30)) == "2026-10-25 02:30"
    # Lord Howe moves by half an hour at 15:00 UTC (+10:30 -> +11, April: +11 -> +10:30)
    assert howe.moment_text(datetime(2026, 4, 4, 14, 59, tzinfo=UTC)) == "2026-04-05 01:59"
    assert howe.moment_text(datetime(2026, 4, 4, 15, 1, tzinfo=UTC)) == "2026-04-05 01:31"


texts = st.one_of(st.text(), st.sampled_from(["", "=1+2", "+33 1", "-5", "@SUM(A1)", "\t=x",
                                                "\r\n=1", "a\x1b[31m", "\x00=1", "x\ufffe"]),
                  st.builds(lambda a, b: a + b, st.sampled_from("=+-@\t\r\x00 "), st.text()))


@settings(max_examples=400, deadline=None)
@given(cells=st.lists(st.one_of(texts, st.none(), st.integers(), st.booleans(),
                                st.decimals(allow_nan=True, allow_infinity=True),
                                st.datetimes(timezones=st.just(UTC))),
                      min_size=2, max_size=2))
def test_the_inline_text_guard_writes_what_the_text_cell_writes(cells: list[object]) -> None:
    values = _Values("fr", "Europe/Paris")
    columns = [ExportColumn("a", itemgetter("a"), type=ExportColumnType.TEXT),
               ExportColumn("b", itemgetter("b"), type=ExportColumnType.CODE)]
    line = _csv_line(columns, values)
    cell = _csv_cell(ExportColumnType.TEXT, values)
    assert line({"a": cells[0], "b": cells[1]}) == [cell(cells[0]), cell(cells[1])]


def test_a_formula_is_quoted_and_controls_dropped(tmp_path: Path) -> None:
    values = _Values("en", "UTC")
    line = _csv_line([ExportColumn("a", itemgetter("a"), type=ExportColumnType.TEXT),
                      ExportColumn("n", itemgetter("n"), type=ExportColumnType.AMOUNT)], values)
    assert line({"a": "=HYPERLINK(x)", "n": Decimal("1.50")}) == ["'=HYPERLINK(x)", "1.50"]
    assert line({"a": "\x00=1", "n": None}) == ["'=1", ""]
    assert line({"a": "-", "n": Decimal("-2")}) == ["'-", "-2"]


def _stored(moment: datetime) -> str:
    """How SQLAlchemy stores a datetime in SQLite."""
    return f"{moment:%Y-%m-%d %H:%M:%S}.{moment.microsecond:06d}"


@settings(max_examples=400, deadline=None)
@given(zone=st.sampled_from(ZONES),
       batch=st.lists(st.one_of(
           st.datetimes(min_value=datetime(1800, 1, 1), max_value=datetime(2200, 1, 1))
           .map(_stored),
           st.builds(lambda base, s: _stored((base + timedelta(seconds=s)).replace(tzinfo=None)),
                     st.sampled_from(CHANGES), st.integers(-7200, 7200)),
           st.sampled_from(["2026-03-29 01:61:00.000000", "2026-03-29 01:00:5x.000000",
                            "2026-03-29 01:00:00.00000x", "2026-3-29 01:00:00.0000000",
                            "2026-03-29T01:00:00", "2026-03-29 01:00:00+02:00", "x" * 26,
                            "2026-03-29 ٠١:00:00.000000", "2026-03-29 01:00:60.000000"]),
           st.text(max_size=30)), min_size=1, max_size=20))
def test_a_stored_time_is_written_as_its_parsed_datetime(zone: str, batch: list[str]) -> None:
    """A CSV line writes a time SQLite stores (UTC text) from that text: what the
    typed path writes of the datetime parsed from it, or the same refusal."""
    from cofatui.repository.sql.export_rows import _sqlite_moment

    values = _Values("fr", zone)
    for raw in batch + batch:
        try:
            expected: object = values.moment_text(_sqlite_moment(raw))  # type: ignore[arg-type]
        except ValueError:
            expected = ValueError
        try:
            found: object = values.stored_text(raw)
        except ValueError:
            found = ValueError
        assert found == expected, raw
    assert values.stored_text(None) is None


@settings(max_examples=600, deadline=None)
@given(units=st.one_of(st.integers(-(2 ** 63), 2 ** 63 - 1), st.integers(-10 ** 6, 10 ** 6),
                       st.integers(-10 ** 6, 10 ** 6).map(lambda n: n * 10),
                       st.sampled_from([0, 1, -1, 5, -5, 10, -10, 999, -999, 1000, -1000,
                                        1001, 1010, -1010, 1100, 2 ** 63 - 1, -(2 ** 63)])))
def test_an_amount_is_written_from_its_units_as_its_decimal(units: int) -> None:
    """A CSV line writes an amount from its stored units (thousandths, whatever the
    currency: Money keeps three decimals for every one) as ``write_csv`` writes the
    Decimal the Money type reads: negative, zero, two or three decimals, any size."""
    from cofatui.repository.sql.export_rows import _money, _money_text
    from cofatui.rules.money_units import from_units as _from_units

    assert _money_text(units) == format(_from_units(units), "f") == format(_money(units), "f")


def test_an_amount_that_is_not_int_units_is_typed_for_the_usual_cell() -> None:
    from cofatui.repository.sql.export_rows import _money_text

    assert _money_text(None) is None
    found = _money_text(Decimal("12340"))  # a driver giving a numeric
    assert found.__class__ is Decimal and format(found, "f") == "12.34"


@settings(max_examples=400, deadline=None)
@given(cells=st.lists(st.one_of(texts, texts, st.none(), st.integers(), st.booleans(),
                                st.decimals(allow_nan=True, allow_infinity=True)),
                      min_size=3, max_size=3))
def test_a_row_of_printable_texts_checked_at_once_writes_what_each_cell_writes(
        cells: list[object]) -> None:
    """The custom exports' row maker checks a row's texts at once (``clean``): the
    same cells as each text checked alone, whatever the row holds."""
    from cofatui.formats.export import csv_cell_code, csv_clean_code

    kinds = [ExportColumnType.TEXT, ExportColumnType.CODE, ExportColumnType.TEXT]
    parts, namespace = csv_cell_code(kinds, language="fr", time_zone="Europe/Paris",
                                     clean="clean")
    source = (f"def line(v0, v1, v2):\n{csv_clean_code(kinds, 'clean')}"
              f"    return [{', '.join(parts)}]\n")
    exec(compile(source, "<test line>", "exec"), namespace)
    cell = _csv_cell(ExportColumnType.TEXT, _Values("fr", "Europe/Paris"))
    assert namespace["line"](*cells) == [cell(c) for c in cells]
