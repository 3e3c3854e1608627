"""The export reader's short converters give what the ORM's column types give."""

from __future__ import annotations

import zipfile
from datetime import UTC, datetime
from operator import itemgetter
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cofatui.enums import ExportColumnType
from cofatui.formats.export import ExportColumn, _iso_moment, _Values, write_xlsx
from cofatui.repository.sql.export_rows import _money, _sqlite_moment
from cofatui.rules.money_units import from_units as _from_units


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


@settings(max_examples=30, deadline=None)
@given(st.lists(st.datetimes(min_value=datetime(1800, 1, 1), max_value=datetime(2200, 1, 1),
                             timezones=st.sampled_from([None, UTC,
                                                        ZoneInfo("America/New_York")])),
                min_size=1, max_size=20),
       st.sampled_from(["Europe/Paris", "Asia/Kolkata", "America/St_Johns"]))
def test_an_xlsx_time_is_the_serial_xlsxwriter_writes(
        tmp_path_factory: pytest.TempPathFactory, moments: list[datetime], zone: str) -> None:
    folder = tmp_path_factory.mktemp("moments")
    columns = [ExportColumn("When", itemgetter(0), type=ExportColumnType.DATETIME)]
    sheets = []
    for fast in (True, False):
        write_xlsx(folder / f"{fast}.xlsx", columns, [(m,) for m in moments], time_zone=zone,
                   fast=fast)
        with zipfile.ZipFile(folder / f"{fast}.xlsx") as book:
            sheets.append(book.read("xl/worksheets/sheet1.xml"))
    assert sheets[0] == sheets[1]


def test_an_xlsx_is_compressed_at_the_exports_level_and_reads_back(tmp_path: Path) -> None:
    import openpyxl

    columns = [ExportColumn("Name", itemgetter(0), type=ExportColumnType.TEXT)]
    write_xlsx(tmp_path / "a.xlsx", columns, [(f"Company {n}",) for n in range(500)])
    with zipfile.ZipFile(tmp_path / "a.xlsx") as book:
        sheet = book.getinfo("xl/worksheets/sheet1.xml")
        assert sheet.compress_type == zipfile.ZIP_DEFLATED
        assert sheet.compress_size < sheet.file_size / 4
    read = openpyxl.load_workbook(tmp_path / "a.xlsx", read_only=True)
    assert [r[0] for r in read.worksheets[0].iter_rows(min_row=2, values_only=True)] == \
        [f"Company {n}" for n in range(500)]
    read.close()
    # Another workbook of the process (an import template) keeps zlib's default level.
    from cofatui.formats.export import _ZIP_LEVEL

    assert _ZIP_LEVEL.get() is None
