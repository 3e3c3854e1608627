"""The turnover import's reading (issue 17 item 3, acceptance "hypothesis on the turnover
import (XLSX and CSV): only documented errors, never a partial import, up to 10 000
lines"): whatever the file, only documented refusals (``REFUSALS``, each code in both
catalogs) and line errors (``LINE_CODES``), every line accounted for once; the same
rows read alike as CSV (UTF-8, with a BOM, Windows-1252; CRLF, LF; decimal comma or
point; any column order) and as an XLSX sheet (amounts as numbers or as text); a
file of the other breakdown refused as such; 10 000 lines read, one over the limit
refused whole; the template read back as it was written. The repository's side (all
or nothing on a database) is in ``test_turnover_import_repo.py``."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cofatui.enums import TurnoverBreakdown
from cofatui.formats import turnover_import as fmt
from cofatui.formats.csv_lines import ImportRefused
from cofatui.i18n.messages import has_entry

DEBTOR, COUNTRY = TurnoverBreakdown.DEBTOR, TurnoverBreakdown.COUNTRY
ON = date(2026, 11, 22)

#: Cell values: (text, what it reads as; None when the line is refused for it).
EASY = [("00000000000001", "00000000000001"), ("1", "00000000000001"),
        ("0000000000000000005", "0000000000000000005"), ("42", "00000000000042"),
        ("12A", None), ("", None), ("12345678901234567890", None)]
COUNTRIES = [("FRA", "FRA"), ("deu", "DEU"), ("IT", "ITA"), ("gb", "GBR"), ("XXX", None),
             ("", None)]
#: Amount cells: (text, Decimal read; "keep" for blank, "clear" for "-", None refused).
AMOUNTS: list[tuple[str, Decimal | str | None]] = [
    ("12", Decimal(12)), ("1 234,56", Decimal("1234.56")), ("0", Decimal(0)),
    ("1234.5", Decimal("1234.5")), ("\u00a09\u00a0999,99", Decimal("9999.99")),
    ("", "keep"), ("-", "clear"), ("-3", None), ("1,234.56", None), ("1.234", None),
    ("abc", None), ("1e5", None), ("10000000000000000", None)]
CURRENCIES = [("EUR", True), ("usd", True), ("", True), ("ZZZ", False), ("FRF", False)]


@dataclass(frozen=True)
class Row:
    key_text: str
    key: str | None
    amount_text: str
    amount: Decimal | str | None
    currency_text: str
    currency_ok: bool

    @property
    def ok(self) -> bool:
        """Every cell right (a repeated key aside). A blank or "-" amount is right
        whatever the currency says (the currency is not read then... for a blank one)."""
        if self.key is None or self.amount is None:
            return False
        return self.currency_ok or self.amount == "keep"


@st.composite
def rows(draw: st.DrawFn, breakdown: TurnoverBreakdown) -> Row:
    keys = EASY if breakdown == DEBTOR else COUNTRIES
    right = draw(st.integers(0, 3)) > 0  # most rows right: duplicates and accepted lines
    key_text, key = draw(st.sampled_from([c for c in keys if c[1] is not None or not right]))
    amount_text, amount = draw(st.sampled_from([c for c in AMOUNTS
                                                if c[1] is not None or not right]))
    currency_text, currency_ok = draw(st.sampled_from([c for c in CURRENCIES
                                                       if c[1] or not right]))
    return Row(key_text, key, amount_text, amount, currency_text, currency_ok)


@dataclass(frozen=True)
class Layout:
    xlsx: bool
    encoding: str  # utf-8, utf-8-sig, cp1252
    line_end: str
    english: bool  # the English column names
    reverse: bool  # the columns in another order
    numbers: bool  # XLSX: amounts written as number cells where they are numbers


layouts = st.builds(Layout, st.booleans(), st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
                    st.sampled_from(["\r\n", "\n"]), st.booleans(), st.booleans(),
                    st.booleans())


def _header(breakdown: TurnoverBreakdown, english: bool) -> list[str]:
    names = {"EasyNumber": "EasyNumber", "Nom": "Name", "Pays": "Country",
             "Montant": "Amount", "Devise": "Currency"}
    return [names[h] if english else h for h in fmt.header_of(breakdown)]


def _cells(breakdown: TurnoverBreakdown, row: Row) -> list[str]:
    if breakdown == DEBTOR:
        return [row.key_text, "Société ; « x »", "FRA", row.amount_text, row.currency_text]
    return [row.key_text, row.amount_text, row.currency_text]


def write(breakdown: TurnoverBreakdown, data: list[Row], layout: Layout) -> bytes:
    header = _header(breakdown, layout.english)
    lines = [_cells(breakdown, row) for row in data]
    order = list(range(len(header)))[::-1] if layout.reverse else list(range(len(header)))
    header = [header[i] for i in order]
    lines = [[cells[i] for i in order] for cells in lines]
    amount_col = header.index("Amount" if layout.english else "Montant")
    if layout.xlsx:
        out = io.BytesIO()
        book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_numbers": False})
        sheet = book.add_worksheet()
        sheet.write_row(0, 0, header)
        for r, cells in enumerate(lines, start=1):
            for c, cell in enumerate(cells):
                number = _number(cell) if layout.numbers and c == amount_col else None
                if number is not None:
                    sheet.write_number(r, c, number)
                elif cell:
                    sheet.write_string(r, c, cell)
        book.close()
        return out.getvalue()

    def quoted(cell: str) -> str:
        return '"' + cell.replace('"', '""') + '"' if ";" in cell or '"' in cell else cell

    text = layout.line_end.join(";".join(quoted(c) for c in cells)
                                for cells in [header, *lines]) + layout.line_end
    return text.encode(layout.encoding, errors="replace")


def _number(cell: str) -> float | None:
    """A cell a spreadsheet would hold as a number (what the text reading accepts)."""
    if not re.fullmatch(r"[0-9]+(?:[.,][0-9]+)?", cell):
        return None
    value = float(cell.replace(",", "."))
    return value if value < 1e12 else None


def _expected(breakdown: TurnoverBreakdown, data: list[Row]) -> dict[int, object]:
    """Line number → the row read (key, amount, clear) or "error"."""
    seen: set[str] = set()
    out: dict[int, object] = {}
    for i, row in enumerate(data, start=2):
        if not row.ok:
            out[i] = "error"
            continue
        assert row.key is not None
        if row.key in seen:
            out[i] = "error"
            continue
        seen.add(row.key)
        amount = row.amount
        out[i] = (row.key, None if isinstance(amount, str) else amount, amount == "clear")
    return out


def _documented(error: ImportRefused) -> None:
    assert error.reason in fmt.REFUSALS
    assert has_entry(f"errors.{error.code}", "en") and has_entry(f"errors.{error.code}", "fr")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(breakdown=st.sampled_from([DEBTOR, COUNTRY]), data=st.data(), layout=layouts)
def test_only_documented_errors_and_every_line_once(breakdown: TurnoverBreakdown,
                                                    data: st.DataObject,
                                                    layout: Layout) -> None:
    generated = data.draw(st.lists(rows(breakdown), min_size=1, max_size=12))
    content = write(breakdown, generated, layout)
    found = fmt.read(content, breakdown)
    ascii_only = layout.encoding == "cp1252" and content.isascii()  # read as UTF-8
    assert found.encoding == ("xlsx" if layout.xlsx else "utf-8" if ascii_only
                              else layout.encoding)
    accepted, refused = fmt.check_lines(found, breakdown, ON)
    assert sorted([r.line_no for r in accepted] + [o.line_no for o in refused]) == \
        list(range(2, len(generated) + 2))
    for outcome in refused:
        assert outcome.code in fmt.LINE_CODES, outcome
    expected = _expected(breakdown, generated)
    got: dict[int, object] = {o.line_no: "error" for o in refused}
    got.update({r.line_no: (r.key, r.amount, r.clear) for r in accepted})
    assert got == expected


@settings(max_examples=100, deadline=None)
@given(content=st.one_of(st.binary(max_size=300), st.text(max_size=300).map(str.encode)),
       breakdown=st.sampled_from([DEBTOR, COUNTRY]))
def test_any_bytes_are_read_or_refused_with_a_documented_reason(
        content: bytes, breakdown: TurnoverBreakdown) -> None:
    try:
        found = fmt.read(content, breakdown)
    except ImportRefused as exc:
        _documented(exc)
        return
    _, refused = fmt.check_lines(found, breakdown, ON)
    assert {o.code for o in refused} <= fmt.LINE_CODES


@pytest.mark.parametrize("breakdown", [DEBTOR, COUNTRY])
def test_the_other_breakdowns_file_is_refused_as_such(breakdown: TurnoverBreakdown) -> None:
    other = COUNTRY if breakdown == DEBTOR else DEBTOR
    content = fmt.template_csv(other, [fmt.TemplateLine("00000000000001", "Alpha", "FRA",
                                                        Decimal(1), "EUR")])
    with pytest.raises(ImportRefused) as refused:
        fmt.read(content, breakdown)
    assert refused.value.reason == "wrong_breakdown"
    assert refused.value.params["expected"] == ";".join(fmt.header_of(breakdown))


def _many(count: int, xlsx: bool) -> bytes:
    lines = [fmt.TemplateLine(f"{i:014d}", f"Company {i}", "FRA", Decimal(i) / 100, "EUR")
             for i in range(1, count + 1)]
    return (fmt.template_xlsx if xlsx else fmt.template_csv)(DEBTOR, lines)


@pytest.mark.parametrize("xlsx", [False, True], ids=["csv", "xlsx"])
def test_ten_thousand_lines_are_read_and_one_over_the_limit_refuses_the_file(
        xlsx: bool) -> None:
    accepted, refused = fmt.check_lines(fmt.read(_many(10_000, xlsx), DEBTOR), DEBTOR, ON)
    assert not refused
    assert len(accepted) == 10_000
    assert accepted[-1].key == f"{10_000:014d}" and accepted[-1].amount == Decimal(100)
    with pytest.raises(ImportRefused) as over:
        fmt.read(_many(fmt.MAX_LINES + 1, xlsx), DEBTOR)
    assert over.value.reason in ("too_many_lines", "sheet_too_long")
    _documented(over.value)


@pytest.mark.parametrize("xlsx", [False, True], ids=["csv", "xlsx"])
@pytest.mark.parametrize("breakdown", [DEBTOR, COUNTRY])
def test_the_template_reads_back_as_written(xlsx: bool, breakdown: TurnoverBreakdown) -> None:
    lines = [fmt.TemplateLine("00000000000001", "=HYPERLINK(\"x\")", "FRA", Decimal("12.5"),
                              "EUR"),
             fmt.TemplateLine("00000000000002", "Beta; \"GmbH\"", "DEU", None, "USD"),
             fmt.TemplateLine("00000000000003", "Gamma", "ITA", Decimal("123456789012345.67"),
                              "EUR")]
    if breakdown == COUNTRY:
        lines = [fmt.TemplateLine("", "", line.country, line.amount, line.currency)
                 for line in lines]
    content = (fmt.template_xlsx(breakdown, lines) if xlsx
               else fmt.template_csv(breakdown, lines))
    accepted, refused = fmt.check_lines(fmt.read(content, breakdown), breakdown, ON)
    assert not refused
    keys = [line.easy_number if breakdown == DEBTOR else line.country for line in lines]
    assert [(r.key, r.amount, r.currency) for r in accepted] == \
        [(k, line.amount, line.currency) for k, line in zip(keys, lines, strict=True)]


def test_a_csv_templates_names_start_no_formula() -> None:
    content = fmt.template_csv(DEBTOR, [fmt.TemplateLine("00000000000001", "=1+1", "FRA",
                                                         None, "EUR")])
    assert b";'=1+1;" in content


def test_a_sums_float_noise_is_rounded_to_the_cent_and_a_typed_third_decimal_is_not() -> None:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["Pays", "Montant", "Devise"])
    sheet.write_row(1, 0, ["FRA", 0.1 + 0.2, "EUR"])
    sheet.write_row(2, 0, ["DEU", 1.234, "EUR"])
    book.close()
    accepted, refused = fmt.check_lines(fmt.read(out.getvalue(), COUNTRY), COUNTRY, ON)
    assert [(r.key, r.amount) for r in accepted] == [("FRA", Decimal("0.30"))]
    assert [(o.line_no, o.code) for o in refused] == [(3, "turnover_import.amount_decimals")]


def test_a_macro_workbook_and_a_broken_archive_are_refused() -> None:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    book.add_worksheet().write_row(0, 0, ["Pays", "Montant"])
    book.add_vba_project(io.BytesIO(b"\xd0\xcf\x11\xe0" + b"\0" * 600), is_stream=True)
    book.close()
    with pytest.raises(ImportRefused) as macro:
        fmt.read(out.getvalue(), COUNTRY)
    assert macro.value.reason == "macro_workbook"
    with pytest.raises(ImportRefused) as broken:
        fmt.read(b"PK\x03\x04" + b"\0" * 100, COUNTRY)
    assert broken.value.reason == "sheet_unreadable"
    _documented(broken.value)
