"""The custom exports' typed writers (issue 15 item 4), read back as a user's tools read
them: the XLSX with openpyxl, the CSV with ``csv`` (utf-8-sig, ``;``)."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime
from decimal import Decimal
from operator import itemgetter
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cofatui.enums import ExportCategory, ExportColumnType
from cofatui.formats.export import (
    XLSX_MAX_ROWS,
    ExportColumn,
    ExportTooLarge,
    clean_text,
    export_file,
    write_csv,
    write_xlsx,
)
from cofatui.rules.export_columns import column, headers

T = ExportColumnType
KEYS = ["easy_number", "company_name", "contract", "decided_amount", "currency",
        "effective_date", "updated_at", "monitored", "dra"]
HYPERLINK = '=HYPERLINK("http://x")'


def _columns(language: str = "en") -> list[ExportColumn]:
    labels = headers(ExportCategory.PORTFOLIO, KEYS, language)
    return [ExportColumn(label, itemgetter(key), type=column(ExportCategory.PORTFOLIO, key).type)
            for key, label in zip(KEYS, labels, strict=True)]


ROWS: list[dict[str, Any]] = [
    {"easy_number": "000123456", "company_name": HYPERLINK, "contract": "0042",
     "decided_amount": Decimal("1234.50"), "currency": "EUR",
     "effective_date": date(2027, 1, 31), "updated_at": datetime(2027, 7, 1, 6, 30, tzinfo=UTC),
     "monitored": True, "dra": 3},
    {"easy_number": "007", "company_name": "Acme\x1b[2J\x07 Ltd\x85", "contract": "1",
     "decided_amount": Decimal("-5"), "currency": "JPY",
     "effective_date": datetime(2027, 2, 1, 23, 30, tzinfo=UTC), "updated_at": None,
     "monitored": False, "dra": None},
    {"easy_number": 42, "company_name": "+33 1 23 45", "contract": "-7",
     "decided_amount": None, "currency": "", "effective_date": None,
     "updated_at": datetime(2027, 1, 15, 12, 0), "monitored": None, "dra": 10},
]


def _xlsx(path: Path, language: str = "en") -> list[tuple[Any, ...]]:
    write_xlsx(path, _columns(language), ROWS, language=language, time_zone="Europe/Paris")
    book = openpyxl.load_workbook(path)
    assert len(book.worksheets) == 1
    sheet = book.worksheets[0]
    got = [tuple(c.value for c in row) for row in sheet.iter_rows()]
    book.close()
    return got


def _csv(path: Path, language: str = "en") -> list[list[str]]:
    write_csv(path, _columns(language), ROWS, language=language, time_zone="Europe/Paris")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh, delimiter=";"))


@pytest.mark.parametrize("language", ["en", "fr"])
def test_headers_are_the_template_labels_in_order(tmp_path: Path, language: str) -> None:
    expected = headers(ExportCategory.PORTFOLIO, KEYS, language)
    assert list(_xlsx(tmp_path / "a.xlsx", language)[0]) == expected
    assert _csv(tmp_path / "a.csv", language)[0] == expected


def test_xlsx_codes_are_text_with_their_zeros(tmp_path: Path) -> None:
    path = tmp_path / "codes.xlsx"
    rows = _xlsx(path)
    assert [r[0] for r in rows[1:]] == ["000123456", "007", "42"]
    assert [r[2] for r in rows[1:]] == ["0042", "1", "-7"]
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    assert {sheet.cell(row=r, column=1).data_type for r in (2, 3, 4)} == {"s"}
    book.close()


def test_xlsx_amounts_are_numbers_and_dates_are_dates(tmp_path: Path) -> None:
    rows = _xlsx(tmp_path / "typed.xlsx")
    first, second, third = rows[1:]
    assert first[3] == 1234.5 and second[3] == -5 and third[3] is None
    assert isinstance(first[3], float | int) and first[4] == "EUR"
    assert first[5] == datetime(2027, 1, 31)  # a real date, not text
    assert second[5] == datetime(2027, 2, 2)  # 23:30 UTC is the next day in Paris
    assert first[6] == datetime(2027, 7, 1, 8, 30)  # in the owner's time zone
    assert third[6] == datetime(2027, 1, 15, 13, 0)  # naive: UTC
    assert (first[8], second[8], third[8]) == (3, None, 10)


def test_xlsx_formats_and_header(tmp_path: Path) -> None:
    path = tmp_path / "layout.xlsx"
    _xlsx(path)
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:I4"
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.cell(row=2, column=6).number_format == "yyyy-mm-dd"
    assert sheet.cell(row=2, column=7).number_format == "yyyy-mm-dd hh:mm"
    assert sheet.cell(row=2, column=6).is_date
    book.close()


@pytest.mark.parametrize(("language", "yes", "no"), [("en", "Yes", "No"), ("fr", "Oui", "Non")])
def test_booleans_are_words_in_the_files_language(tmp_path: Path, language: str, yes: str,
                                                  no: str) -> None:
    assert [r[7] for r in _xlsx(tmp_path / "b.xlsx", language)[1:]] == [yes, no, None]
    assert [r[7] for r in _csv(tmp_path / "b.csv", language)[1:]] == [yes, no, ""]


def test_a_formula_stays_text_and_control_characters_are_dropped(tmp_path: Path) -> None:
    path = tmp_path / "nasty.xlsx"
    rows = _xlsx(path)
    assert rows[1][1] == HYPERLINK
    assert rows[2][1] == "Acme[2J Ltd"
    book = openpyxl.load_workbook(path)
    assert book.worksheets[0].cell(row=2, column=2).data_type == "s"
    book.close()
    lines = _csv(tmp_path / "nasty.csv")
    assert lines[1][1] == "'" + HYPERLINK
    assert lines[2][1] == "Acme[2J Ltd"
    assert lines[3][1] == "'+33 1 23 45"


def test_csv_values(tmp_path: Path) -> None:
    lines = _csv(tmp_path / "v.csv")
    assert lines[1] == ["000123456", "'" + HYPERLINK, "0042", "1234.50", "EUR", "2027-01-31",
                        "2027-07-01 08:30", "Yes", "3"]
    assert lines[2][0] == "007" and lines[2][3] == "-5"  # a negative amount stays a number
    assert lines[2][5] == "2027-02-02"
    assert lines[3][:4] == ["42", "'+33 1 23 45", "'-7", ""]
    assert lines[3][6] == "2027-01-15 13:00"


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r="])
def test_every_text_cell_is_guarded(tmp_path: Path, start: str) -> None:
    path = tmp_path / "guard.csv"
    cols = [ExportColumn("Code", itemgetter(0), type=T.CODE),
            ExportColumn("Text", itemgetter(1), type=T.TEXT),
            ExportColumn("Amount", itemgetter(2), type=T.AMOUNT)]
    write_csv(path, cols, [(start + "1", start + "x", Decimal("-1"))])
    with path.open(encoding="utf-8-sig", newline="") as fh:
        got = list(csv.reader(fh, delimiter=";"))[1]
    shown = start.replace("\r", "")  # a carriage return is dropped, then the rest guarded
    assert got == ["'" + shown + "1", "'" + shown + "x", "-1"]


def test_a_control_character_cannot_hide_a_formula(tmp_path: Path) -> None:
    path = tmp_path / "hidden.csv"
    write_csv(path, [ExportColumn("Name", itemgetter(0), type=T.TEXT)], [("\x00=1+1",)])
    with path.open(encoding="utf-8-sig", newline="") as fh:
        assert list(csv.reader(fh, delimiter=";"))[1] == ["'=1+1"]


def test_past_the_row_limit_the_xlsx_fails_asking_for_csv(tmp_path: Path) -> None:
    assert XLSX_MAX_ROWS + 1 == 1_048_576  # the sheet's rows, the header included
    path = tmp_path / "big.xlsx"
    cols = [ExportColumn("N", lambda r: r, type=T.INTEGER)]
    assert write_xlsx(path, cols, range(3), max_rows=3) == 3
    with pytest.raises(ExportTooLarge) as refused:
        write_xlsx(path, cols, range(4), max_rows=3)
    assert refused.value.code == "common.export_too_large"
    assert "CSV" in refused.value.text("en") and "CSV" in refused.value.text("fr")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.xlsx"]  # the earlier file


def test_export_file_passes_language_and_zone(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    cols = [ExportColumn("At", itemgetter(0), type=T.DATETIME),
            ExportColumn("Ok", itemgetter(1), type=T.BOOLEAN)]
    export_file(path, cols, [(datetime(2027, 1, 1, 12, 0, tzinfo=UTC), True)],
                language="fr", time_zone="America/New_York")
    with path.open(encoding="utf-8-sig", newline="") as fh:
        assert list(csv.reader(fh, delimiter=";"))[1] == ["2027-01-01 07:00", "Oui"]


TEXTS = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]),
                max_size=40)


@settings(max_examples=40, deadline=None)
@given(texts=st.lists(TEXTS, min_size=1, max_size=5))
def test_any_text_reads_back_as_text(tmp_path_factory: pytest.TempPathFactory,
                                     texts: list[str]) -> None:
    folder = tmp_path_factory.mktemp("any")
    cols = [ExportColumn("Code", itemgetter(0), type=T.CODE)]
    rows = [(text,) for text in texts]
    write_xlsx(folder / "a.xlsx", cols, rows)
    write_csv(folder / "a.csv", cols, rows)
    book = openpyxl.load_workbook(folder / "a.xlsx", read_only=True)
    xlsx = [r[0] for r in book.worksheets[0].iter_rows(min_row=2, values_only=True)]
    book.close()
    with (folder / "a.csv").open(encoding="utf-8-sig", newline="") as fh:
        lines = [line[0] if line else "" for line in list(csv.reader(fh, delimiter=";"))[1:]]
    for text, in_xlsx, in_csv in zip(texts, xlsx, lines, strict=True):
        kept = clean_text(text)
        assert "\x1b" not in (in_xlsx or "") and "\x00" not in in_csv
        # openpyxl reads an empty string cell as None, and leaves XlsxWriter's escape
        # of a literal "_x0041_" (what Excel reads back as written) as it is.
        assert (in_xlsx or "").replace("_x005F_", "_") == kept
        assert in_csv == ("'" + kept if kept.startswith(("=", "+", "-", "@", "\t", "\r"))
                          else kept)


# ---------------------------------------------------------------- the sheet's own XML


def _sheet_xml(path: Path) -> tuple[bytes, bytes]:
    """The sheet's and the styles' XML: what the cells hold and how they look."""
    import zipfile

    with zipfile.ZipFile(path) as book:
        return book.read("xl/worksheets/sheet1.xml"), book.read("xl/styles.xml")


def _both_ways(folder: Path, columns: list[ExportColumn], rows: list[Any]) -> None:
    """The rows' XML made by the writer (``fast``) is XlsxWriter's own, byte for byte."""
    for fast in (True, False):
        write_xlsx(folder / f"{fast}.xlsx", columns, rows, language="fr",
                   time_zone="Europe/Paris", fast=fast)
    assert _sheet_xml(folder / "True.xlsx") == _sheet_xml(folder / "False.xlsx")


def test_the_rows_xml_is_xlsxwriters_own(tmp_path: Path) -> None:
    odd: list[dict[str, Any]] = [
        {**ROWS[0], "company_name": " leading & <trailing> ", "easy_number": "_x0041_ x"},
        {**ROWS[0], "company_name": "a\tb\nc", "dra": Decimal("1E+3"),
         "decided_amount": Decimal("0.001"), "updated_at": datetime(1900, 1, 1, 12)},
        {key: None for key in KEYS},  # an empty row: no <row> at all
        {**ROWS[1], "company_name": "x" * 40_000, "dra": "not a number",
         "effective_date": "2027-03-04", "monitored": "maybe"},
        {**ROWS[2], "company_name": "\U0001f600" * 20_000, "decided_amount": 10**20},
    ]
    _both_ways(tmp_path, _columns(), ROWS + odd)
    _both_ways(tmp_path, _columns(), [])


VALUES = st.one_of(st.none(), TEXTS, st.booleans(), st.integers(-10**12, 10**12),
                   st.decimals(allow_nan=False, allow_infinity=False, places=3),
                   st.dates(), st.datetimes(timezones=st.sampled_from([None, UTC])))


@settings(max_examples=40, deadline=None)
@given(rows=st.lists(st.lists(VALUES, min_size=len(T) + 1, max_size=len(T) + 1),
                     max_size=6))
def test_any_cell_of_any_type_is_written_as_xlsxwriter_writes_it(
        tmp_path_factory: pytest.TempPathFactory, rows: list[list[Any]]) -> None:
    kinds: list[ExportColumnType | None] = [None, *T]
    columns = [ExportColumn(f"c{i}", itemgetter(i), type=kind) for i, kind in enumerate(kinds)]
    _both_ways(tmp_path_factory.mktemp("cells"), columns, rows)


def test_a_text_shaped_like_rich_text_stays_text(tmp_path: Path) -> None:
    """XlsxWriter copies a text "<r>…</r>" unescaped into the sheet (its rich strings):
    a company so named would break the file. The writer keeps it as text."""
    cols = [ExportColumn("Name", itemgetter(0), type=T.TEXT)]
    write_xlsx(tmp_path / "r.xlsx", cols, [("<r>&</r>",), ("<r><t>x</t></r>",)])
    book = openpyxl.load_workbook(tmp_path / "r.xlsx", read_only=True)
    assert [r[0] for r in book.worksheets[0].iter_rows(min_row=2, values_only=True)] == \
        ["<r>&</r>", "<r><t>x</t></r>"]
    book.close()


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(st.lists(VALUES, min_size=len(T) + 1, max_size=len(T) + 1),
                     min_size=1, max_size=6))
def test_the_csv_line_says_what_each_cell_writer_says(rows: list[list[Any]]) -> None:
    """The CSV row function (its inline text and amount shortcuts, the row's values read
    by one itemgetter) writes every value as the column's own cell writer does."""
    from cofatui.formats.export import _csv_cell, _csv_line, _Values

    values = _Values("fr", "Europe/Paris")
    kinds: list[ExportColumnType | None] = [None, *T]
    for getter in (itemgetter, lambda i: lambda values_: values_[i]):
        columns = [ExportColumn(f"c{i}", getter(i), type=kind)
                   for i, kind in enumerate(kinds)]
        line = _csv_line(columns, values)
        for row in rows:
            assert line(row) == [_csv_cell(c.type, values)(c.value(row)) for c in columns]
