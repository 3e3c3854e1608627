"""The turnover import (issue 17 item 3, seed "import sous format Excel"): a CSV or XLSX
file giving the amounts of a turnover declaration, one line per debtor or per country,
read into checked lines; and the template that file starts from.

- **Columns** (a header line, any order, in French or English, any case):
  per debtor ``EasyNumber;Nom;Pays;Montant;Devise``, per country ``Pays;Montant;Devise``.
  ``EasyNumber`` (per debtor) or ``Pays`` (per country) and ``Montant`` are required;
  ``Devise`` may be left out; per debtor, ``Nom`` and ``Pays`` are the template's
  reminders of who the line is and are not read (the EasyNumber names the company). A
  per-country file given to a per-debtor declaration, or the other way round, is
  refused whole (``turnover_import.wrong_breakdown``).
- **CSV**: the file-import pipeline (:mod:`cofatui.formats.imports`): ``;``, UTF-8 with
  or without a byte-order mark, else Windows-1252; quoted cells as Excel quotes them.
- **XLSX**: recognised by its content (a ZIP archive), never by its name; judged first
  as every workbook a policyholder sends (``rules/workbook_safety.py``: a "zip bomb"
  refused from the archive's directory before anything is inflated, macros refused,
  defusedxml under openpyxl), then the active sheet read by openpyxl in read-only mode.
  A row is a line, numbered as the sheet numbers it; a number cell is read as the
  number it shows (a sum's float noise such as ``0.30000000000000004`` is rounded to
  the cent).
- **EasyNumber**: digits, left-padded with zeros (a spreadsheet drops them), as
  everywhere (:func:`~cofatui.rules.identifiers.normalize_easy_number`). **Pays**: the
  country code of the country table (``FRA``), or its ISO alpha-2 code (``FR``), any case.
- **Montant**: at least 0, at most 2 decimals, with a decimal comma or point, spaces
  between groups of digits allowed (``1 234,56``); no other thousands separator.
  **Our choice for a blank amount: the line is left unchanged** (an amount typed in the
  grid is not lost by importing a template exported before it); ``-`` clears the
  line's amount, as in the custom-field import. A blank amount is reported ``ok`` with
  the outcome ``turnover_import.unchanged``, ``-`` with ``turnover_import.cleared``.
- **Devise**: an ISO 4217 code in use on the period's last day
  (:mod:`cofatui.rules.currencies`); blank: the line's currency (a new line: the
  contract's main currency).
- A debtor or country named on an earlier line is an error of the later line.
- At most :data:`MAX_LINES` lines.

Every code a line in error may carry is in :data:`LINE_CODES` (and the repository's
``turnover_import.unknown_company``); every reason a file is refused whole in
:data:`REFUSALS`. Pure functions: no database.
"""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal, InvalidOperation

from cofatui import reference
from cofatui.enums import TurnoverBreakdown
from cofatui.errors import ValidationFailed
from cofatui.formats import imports as pipeline
from cofatui.formats.csv_lines import BLANKS, ImportRefused
from cofatui.formats.imports import ImportColumn, ImportSpec, LineProblem
from cofatui.formats.user_import import _cell_text as sheet_cell_text
from cofatui.formats.user_import import _quoted
from cofatui.rules.currencies import currency_errors
from cofatui.rules.identifiers import normalize_easy_number
from cofatui.rules.numbers import amount_errors, decimal_places
from cofatui.rules.workbook_safety import archive_refusal

__all__ = ["ENCODING_XLSX", "ERASE", "KIND", "LINE_CODES", "MAX_LINES", "OUTCOME_CODES",
           "REFUSALS", "TEMPLATE_FORMATS", "TemplateLine", "TurnoverRow", "check_lines",
           "columns_of", "header_of", "is_xlsx", "media_type", "parse_amount", "read",
           "spec_for", "template_csv", "template_format", "template_xlsx"]

KIND = "turnover"
ERASE = "-"
#: A declaration has one line per buyer with a cover: 20 000 lines is beyond any of the
#: demo's contracts, and the benchmark's 10 000 lines import in a few seconds.
MAX_LINES = 20_000
#: 20 000 lines of five short cells are ~1.5 MB as CSV, ~0.8 MB as XLSX; the API takes
#: an import's body up to 6 MiB (``api/middleware.py``), so the file is refused here,
#: with its reason, before the server cuts it.
MAX_CSV_BYTES = 5 * 1024 * 1024
MAX_XLSX_BYTES = 5 * 1024 * 1024
#: Sheet rows read at most, blank ones included.
MAX_SHEET_ROWS = MAX_LINES + 1_000
MAX_COLUMNS = 32
AMOUNT_PLACES = 2
ENCODING_XLSX = "xlsx"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MEDIA_TYPE = "text/csv"

#: Every ``ImportRefused.reason`` :func:`read` raises.
REFUSALS = pipeline.REFUSALS | {"sheet_unreadable", "sheet_too_large", "sheet_too_long",
                                "macro_workbook", "wrong_breakdown"}
#: Every code a line in error carries after :func:`check_lines` (the pipeline's
#: quotes and cell count, the EasyNumber's checks, the amount's and currency's).
LINE_CODES = frozenset({
    "imports.quote_not_closed", "imports.text_after_quote", "imports.cell_count",
    "identifiers.easy_number_required", "identifiers.easy_number_digits",
    "identifiers.easy_number_too_long", "identifiers.head_office_too_long",
    "turnover_import.country_missing", "turnover_import.country_unknown",
    "turnover_import.amount_invalid", "turnover_import.amount_negative",
    "turnover_import.amount_decimals", "input.number_too_large",
    "money.unknown_currency", "currencies.not_in_use", "turnover_import.repeated"})
#: The outcome of a line applied without an amount to set.
OUTCOME_CODES = frozenset({"turnover_import.unchanged", "turnover_import.cleared"})

_COLUMN_NAMES: dict[str, tuple[str, ...]] = {
    "easy_number": ("EasyNumber", "Easy number", "easy_number", "Numéro Easy",
                    "Numero Easy"),
    "name": ("Nom", "Name", "Raison sociale", "Company"),
    "country": ("Pays", "Country", "Code pays", "Country code"),
    "amount": ("Montant", "Amount"),
    "currency": ("Devise", "Currency"),
}
_REQUIRED = {TurnoverBreakdown.DEBTOR: ("easy_number", "amount"),
             TurnoverBreakdown.COUNTRY: ("country", "amount")}
_KEYS = {TurnoverBreakdown.DEBTOR: ("easy_number", "name", "country", "amount", "currency"),
         TurnoverBreakdown.COUNTRY: ("country", "amount", "currency")}
#: Group separators a typed amount may hold: spaces, no-break spaces, thin spaces.
_GROUPS = re.compile(r"[ \u00a0\u202f\u2007]")
_AMOUNT = re.compile(r"[0-9]+(?:[.,][0-9]+)?", re.ASCII)
_NEGATIVE = re.compile(r"-\s*[0-9]+(?:[.,][0-9]+)?", re.ASCII)
_CENT = Decimal("0.01")
#: A number cell's float noise below this is rounded to the cent.
_FLOAT_NOISE = Decimal("1e-6")


# --- lines ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TurnoverRow:
    """A line whose every cell is right. ``key`` is the padded EasyNumber (per debtor)
    or the country code (per country). ``amount`` None with ``clear`` False: the line
    is left as it is; ``clear``: its amount is erased."""

    line_no: int
    key: str
    amount: Decimal | None
    clear: bool
    currency: str | None

    @property
    def unchanged(self) -> bool:
        return self.amount is None and not self.clear


def columns_of(breakdown: TurnoverBreakdown) -> tuple[ImportColumn, ...]:
    required = _REQUIRED[breakdown]
    return tuple(ImportColumn(key, _COLUMN_NAMES[key], required=key in required)
                 for key in _KEYS[breakdown])


def header_of(breakdown: TurnoverBreakdown) -> tuple[str, ...]:
    """The template's header: the seed's French column names."""
    return tuple(_COLUMN_NAMES[key][0] for key in _KEYS[breakdown])


def parse_amount(raw: str) -> Decimal | LineProblem:
    """A typed amount (not blank, not ``-``), or why it is refused."""
    text = _GROUPS.sub("", raw.strip(BLANKS))
    if _NEGATIVE.fullmatch(text):
        return LineProblem("turnover_import.amount_negative")
    if not _AMOUNT.fullmatch(text):
        return LineProblem("turnover_import.amount_invalid", {"value": raw.strip()[:40]})
    try:
        amount = Decimal(text.replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        return LineProblem("turnover_import.amount_invalid", {"value": raw.strip()[:40]})
    refused = amount_errors("amount", amount)
    if refused:
        return LineProblem(refused[0].code, dict(refused[0].params))
    if decimal_places(amount) > AMOUNT_PLACES:
        return LineProblem("turnover_import.amount_decimals", {"max": AMOUNT_PLACES})
    return amount


def _country(raw: str) -> str | LineProblem:
    text = raw.strip(BLANKS).upper()
    if not text:
        return LineProblem("turnover_import.country_missing")
    if reference.country(text) is not None:
        return text
    by_alpha2 = _alpha2().get(text)
    if by_alpha2 is not None:
        return by_alpha2
    return LineProblem("turnover_import.country_unknown", {"value": raw.strip()[:20]})


_ALPHA2: dict[str, str] = {}


def _alpha2() -> Mapping[str, str]:
    if not _ALPHA2:
        _ALPHA2.update({c.iso_alpha2: c.code for c in reference.countries() if c.iso_alpha2})
    return _ALPHA2


def _easy_number(raw: str) -> str | LineProblem:
    try:
        return normalize_easy_number(raw)
    except ValidationFailed as exc:
        first = exc.errors[0]
        return LineProblem(first.code, dict(first.params))


def row_of(line: pipeline.DataLine, breakdown: TurnoverBreakdown, on: date
           ) -> TurnoverRow | LineProblem:
    """One line read and checked: the row it gives, or its first problem."""
    values = line.values
    key = (_easy_number(values.get("easy_number", "")) if breakdown == TurnoverBreakdown.DEBTOR
           else _country(values.get("country", "")))
    if isinstance(key, LineProblem):
        return key
    raw_amount = values.get("amount", "").strip(BLANKS)
    amount: Decimal | None = None
    if raw_amount and raw_amount != ERASE:
        parsed = parse_amount(raw_amount)
        if isinstance(parsed, LineProblem):
            return parsed
        amount = parsed
    currency = values.get("currency", "").strip(BLANKS).upper() or None
    if currency is not None and raw_amount:
        refused = currency_errors(currency, on)
        if refused:
            return LineProblem(refused[0].code, dict(refused[0].params))
    return TurnoverRow(line.line_no, key, amount, raw_amount == ERASE, currency)


# --- reading ----------------------------------------------------------------------------


def _spec(breakdown: TurnoverBreakdown) -> ImportSpec:
    return ImportSpec(kind=KIND, columns=columns_of(breakdown), check_line=lambda v: None,
                      max_bytes=MAX_CSV_BYTES, max_lines=MAX_LINES)


def is_xlsx(content: bytes) -> bool:
    """Whether ``content`` is a ZIP archive (read as a sheet; another archive is
    refused as an unreadable sheet)."""
    return content.startswith(b"PK\x03\x04")


def media_type(content: bytes) -> str:
    return XLSX_MEDIA_TYPE if is_xlsx(content) else CSV_MEDIA_TYPE


def read(content: bytes, breakdown: TurnoverBreakdown) -> pipeline.ReadFile:
    """The file's lines for a declaration of ``breakdown``, or ImportRefused
    (``reason`` in :data:`REFUSALS`). A sheet's ``encoding`` is :data:`ENCODING_XLSX`."""
    breakdown = TurnoverBreakdown(breakdown)
    if is_xlsx(content):
        text = _sheet_text(content)
        data, encoding = text.encode("utf-8"), ENCODING_XLSX
    else:
        data, encoding = content, ""
    spec = _spec(breakdown)
    if encoding:
        spec = replace(spec, max_bytes=len(data) + 16)
    try:
        found = pipeline.read_file(data, spec)
    except ImportRefused as exc:
        if exc.reason in ("missing_column", "unknown_column"):
            _refuse_other_breakdown(data, spec, breakdown)
        raise
    return replace(found, encoding=encoding) if encoding else found


def _refuse_other_breakdown(data: bytes, spec: ImportSpec,
                            breakdown: TurnoverBreakdown) -> None:
    """A file whose header is the other breakdown's: refused as such (rather than as a
    column missing), so the user knows to take this declaration's template."""
    other = (TurnoverBreakdown.COUNTRY if breakdown == TurnoverBreakdown.DEBTOR
             else TurnoverBreakdown.DEBTOR)
    try:
        pipeline.read_file(data, replace(spec, columns=columns_of(other)))
    except ImportRefused:
        return
    raise ImportRefused("turnover_import.wrong_breakdown", reason="wrong_breakdown",
                        expected=";".join(header_of(breakdown)))


#: How the workbook check's refusals (``rules/workbook_safety.py``) refuse an import.
_WORKBOOK_REASONS = {"attachments.workbook_too_large": "sheet_too_large",
                     "attachments.macro_workbook": "macro_workbook",
                     "attachments.workbook_unreadable": "sheet_unreadable"}


def _sheet_text(content: bytes) -> str:
    """The active sheet as ``;`` text, one line per row (so line numbers are row
    numbers), cells quoted where needed. The workbook is judged first as every
    workbook a policyholder sends: no zip bomb, no macros, readable."""
    if len(content) > MAX_XLSX_BYTES:
        raise ImportRefused("imports.too_large", reason="too_large", size=len(content),
                            max=MAX_XLSX_BYTES)
    # The archive's judgement only: whether the workbook opens is found by reading it
    # below (a second full parse, as ``workbook_refusal`` does, doubled an import's time).
    refusal = archive_refusal(content)
    if refusal is not None:
        code, params = refusal
        raise ImportRefused(code, reason=_WORKBOOK_REASONS.get(code, "sheet_unreadable"),
                            **params)
    return "".join(_sheet_lines(content))


def _sheet_lines(content: bytes) -> list[str]:
    import openpyxl  # only for sheets

    lines: list[str] = []
    width = 0
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "unknown extension", data validation…
            book = openpyxl.load_workbook(io.BytesIO(content), read_only=True,
                                          data_only=True, keep_links=False)
            try:
                sheet = book.active
                if sheet is None:
                    raise ImportRefused("turnover_import.sheet_unreadable",
                                        reason="sheet_unreadable")
                # As wide as the sheet says it is (up to MAX_COLUMNS): openpyxl pads
                # every row to ``max_col``, and 32 empty cells per row cost more than
                # the five read.
                declared = sheet.max_column
                columns = declared if isinstance(declared, int) and \
                    0 < declared <= MAX_COLUMNS else MAX_COLUMNS
                for values in sheet.iter_rows(values_only=True, max_col=columns):
                    if len(lines) >= MAX_SHEET_ROWS:
                        raise ImportRefused("turnover_import.sheet_too_long",
                                            reason="sheet_too_long", max=MAX_SHEET_ROWS)
                    cells = [_cell_text(value) for value in values]
                    if not any(cells):
                        lines.append("\n")
                        continue
                    if not width:  # the header's: the sheet's columns
                        width = max(i + 1 for i, cell in enumerate(cells) if cell)
                    # A row is as wide as the header (its empty cells beyond are no
                    # columns; a value beyond is the line's error).
                    tail = cells[width:]
                    cells = (cells[:width] + [""] * (width - len(cells))) if not any(tail) \
                        else cells
                    lines.append(";".join(_quoted(c) for c in cells) + "\n")
            finally:
                book.close()
    except ImportRefused:
        raise
    except Exception as exc:  # a hostile archive may break the reader anywhere
        raise ImportRefused("turnover_import.sheet_unreadable",
                            reason="sheet_unreadable") from exc
    return lines


def _cell_text(value: object) -> str:
    """A cell's text as the user import reads it (a whole number without ``.0``, a date
    as ISO, line breaks as spaces), but for a decimal number: the number it shows, its
    float noise below the cent rounded away."""
    if value is None:
        return ""
    if isinstance(value, str) and value.isprintable():
        return value.strip(BLANKS)
    if isinstance(value, float) and value == value and value not in (float("inf"),
                                                                      float("-inf")):
        number = Decimal(repr(value))
        if decimal_places(number) > AMOUNT_PLACES and \
                abs(number - number.quantize(_CENT)) < _FLOAT_NOISE:
            number = number.quantize(_CENT)  # a sum's float noise, not a typed decimal
        return format(number.normalize() if number == number.to_integral_value()
                      else number, "f")
    return sheet_cell_text(value)


# --- checking ---------------------------------------------------------------------------


def spec_for(breakdown: TurnoverBreakdown, on: date,
             accepted: dict[int, TurnoverRow] | None = None,
             line_nos: Mapping[int, int] | None = None) -> ImportSpec:
    """The pipeline's spec for one reading of one file: a line is checked by
    :func:`row_of`, and a debtor or country already on an earlier line is an error.
    ``accepted`` receives each accepted line's row, keyed by ``id()`` of its values;
    ``line_nos`` gives each line's number by the same key."""
    breakdown = TurnoverBreakdown(breakdown)
    seen: dict[str, int] = {}
    numbers = line_nos or {}

    def check(values: dict[str, str]) -> LineProblem | None:
        line_no = numbers.get(id(values), 0)
        row = row_of(pipeline.DataLine(line_no, values), breakdown, on)
        if isinstance(row, LineProblem):
            return row
        if row.key in seen:
            return LineProblem("turnover_import.repeated", {"key": row.key,
                                                            "line": seen[row.key]})
        seen[row.key] = line_no
        if accepted is not None:
            accepted[id(values)] = row
        return None

    return replace(_spec(breakdown), check_line=check)


def check_lines(found: pipeline.ReadFile, breakdown: TurnoverBreakdown, on: date
                ) -> tuple[list[TurnoverRow], list[pipeline.LineOutcome]]:
    """The rows of the lines to apply, and an error outcome for every other line (the
    unreadable ones included): together, every line of the file once."""
    accepted: dict[int, TurnoverRow] = {}
    numbers = {id(line.values): line.line_no for line in found.lines}
    valid, refused = pipeline.check_lines(found, spec_for(breakdown, on, accepted, numbers))
    return [accepted[id(line.values)] for line in valid], refused


# --- the template -----------------------------------------------------------------------

TEMPLATE_FORMATS = ("xlsx", "csv")


def template_format(fmt: str) -> str:
    """``xlsx`` or ``csv`` (any case), or ValidationFailed at ``format`` (every backend
    refuses another one alike: the HTTP client checks it before the route does)."""
    chosen = str(fmt).strip().lower()
    if chosen not in TEMPLATE_FORMATS:
        raise ValidationFailed.at("format", "turnover_import.format_unknown",
                                  value=str(fmt)[:20])
    return chosen



@dataclass(frozen=True)
class TemplateLine:
    """One line of the declaration, as the template writes it."""

    easy_number: str
    name: str
    country: str
    amount: Decimal | None
    currency: str


#: Amounts below this (two decimals) are exact as a sheet's float numbers.
_EXACT_FLOAT = Decimal(10) ** 13
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _safe_text(text: str) -> str:
    """Printable text that no spreadsheet runs as a formula (a company's name is data)."""
    text = _CONTROL.sub(" ", text)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _cells(breakdown: TurnoverBreakdown, line: TemplateLine, name: str, amount: str
           ) -> tuple[str, ...]:
    if breakdown == TurnoverBreakdown.DEBTOR:
        return (line.easy_number, name, line.country, amount, line.currency)
    return (line.country, amount, line.currency)


def template_csv(breakdown: TurnoverBreakdown, lines: Iterable[TemplateLine],
                 decimal_comma: bool = True) -> bytes:
    """The template as a CSV: the seed's header, one line per line of the declaration,
    ``;``, UTF-8 with a byte-order mark (Excel then reads accents right), amounts with
    a decimal comma (French Excel) unless told otherwise."""
    breakdown = TurnoverBreakdown(breakdown)
    out = [";".join(header_of(breakdown))]
    for line in lines:
        amount = "" if line.amount is None else format(line.amount, "f")
        if decimal_comma:
            amount = amount.replace(".", ",")
        cells = _cells(breakdown, line, _safe_text(line.name), amount)
        out.append(";".join(_quoted(cell) for cell in cells))
    return ("\ufeff" + "\r\n".join(out) + "\r\n").encode("utf-8")


def template_xlsx(breakdown: TurnoverBreakdown, lines: Iterable[TemplateLine]) -> bytes:
    """The template as an XLSX sheet: the header on the first row, the EasyNumber as
    text (its leading zeros kept), amounts as numbers with two decimals."""
    import xlsxwriter

    breakdown = TurnoverBreakdown(breakdown)
    header = header_of(breakdown)
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False,
                                     "strings_to_numbers": False, "strings_to_urls": False})
    sheet = book.add_worksheet("turnover")
    text = book.add_format({"num_format": "@"})
    bold = book.add_format({"bold": True})
    money = book.add_format({"num_format": "#,##0.00"})
    amount_col = header.index("Montant")
    for col, width in enumerate((20, 40, 8, 16, 8) if breakdown == TurnoverBreakdown.DEBTOR
                                else (8, 16, 8)):
        sheet.set_column(col, col, width, money if col == amount_col else text)
    sheet.write_row(0, 0, header, bold)
    for row, line in enumerate(lines, start=1):
        cells = _cells(breakdown, line, _CONTROL.sub(" ", line.name), "")
        for col, cell in enumerate(cells):
            if col == amount_col:
                if line.amount is None:
                    continue
                if abs(line.amount) < _EXACT_FLOAT:
                    sheet.write_number(row, col, float(line.amount), money)
                else:  # beyond a float's digits: as text, read back exactly
                    sheet.write_string(row, col, format(line.amount, "f"), text)
            elif cell:
                sheet.write_string(row, col, cell, text)
    sheet.freeze_panes(1, 0)
    book.close()
    return out.getvalue()
