"""The European Central Bank's euro foreign exchange reference rates, as published in CSV
("eurofxref"): a header ``Date, USD, JPY, …`` then one row per day, each value the
units of that currency for 1 EUR.

Two shapes are read, as the ECB publishes them:

- the daily file (``eurofxref.csv``): one row, ``", "`` separators, the date written
  ``04 December 2026``, a trailing separator on every line;
- the historical file (``eurofxref-hist.csv``): a row per business day since 1999,
  ``","`` separators, ISO dates, ``N/A`` where a currency was not quoted that day
  (before it joined, after it left), a trailing separator too.

A UTF-8 byte order mark is skipped. An empty or ``N/A`` cell is no rate (counted, not an
error). Anything else that is not a positive number, a date that cannot be read, a row
of the wrong width, a repeated day or column, refuses the whole file with the line and
column of each fault (at most ``MAX_ERRORS``), so an import is all or nothing.
Pure: bytes in, rates out; recording them is the repository's business.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from cofatui.errors import FieldError, ValidationFailed

__all__ = ["BASE_CURRENCY", "MAX_ERRORS", "EcbRate", "EcbRates", "parse_ecb_rates",
           "read_ecb_rates"]

BASE_CURRENCY = "EUR"
MAX_ERRORS = 20
_CODE = re.compile(r"[A-Z]{3}")
_NUMBER = re.compile(r"\d+(\.\d+)?")
_NO_RATE = {"", "N/A"}
_MONTHS = {name: number for number, name in enumerate(
    ("january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"), start=1)}


@dataclass(frozen=True)
class EcbRate:
    """``1 EUR = rate currency`` on ``on``; ``line`` is where the file says so."""

    on: date
    currency: str
    rate: Decimal
    line: int


@dataclass(frozen=True)
class EcbRates:
    rates: tuple[EcbRate, ...]
    days: int
    currencies: tuple[str, ...]
    not_quoted: int  # cells without a rate (N/A or empty)


def read_ecb_rates(data: bytes) -> EcbRates:
    """Parse the bytes of an ECB file (UTF-8, with or without a byte order mark)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationFailed("rates.ecb_not_utf8", field="file",
                               byte=exc.start + 1) from None
    return parse_ecb_rates(text)


def _day(text: str) -> date | None:
    """``2026-12-04`` (historical file) or ``04 December 2026`` (daily file)."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    parts = text.split()
    if len(parts) == 3 and parts[0].isdigit() and parts[2].isdigit() \
            and parts[1].lower() in _MONTHS:
        try:
            return date(int(parts[2]), _MONTHS[parts[1].lower()], int(parts[0]))
        except ValueError:
            return None
    return None


def _cells(row: list[str]) -> list[str]:
    cells = [cell.strip() for cell in row]
    if cells and cells[-1] == "":
        cells.pop()  # the trailing separator the ECB puts on every line
    return cells


def _header(row: list[str]) -> tuple[list[str], list[FieldError]]:
    cells = _cells(row)
    errors: list[FieldError] = []
    if not cells or cells[0].lower() != "date":
        return [], [FieldError("Date", "rates.ecb_header_missing", line=1)]
    codes = cells[1:]
    if not codes:
        errors.append(FieldError("Date", "rates.ecb_header_no_currency", line=1))
    seen: set[str] = set()
    for code in codes:
        if not _CODE.fullmatch(code):
            errors.append(FieldError(code or "(empty)", "rates.ecb_header_not_currency",
                                     {"code": code}, line=1))
        elif code in seen:
            errors.append(FieldError(code, "rates.ecb_header_twice", {"code": code}, line=1))
        elif code == BASE_CURRENCY:
            errors.append(FieldError(code, "rates.ecb_header_base", {"code": code}, line=1))
        seen.add(code)
    return codes, errors


def parse_ecb_rates(text: str) -> EcbRates:
    """Every rate of the file, or ``ValidationFailed`` naming each faulty line."""
    rows = [(number, row) for number, row in enumerate(
        csv.reader(io.StringIO(text.lstrip("\ufeff")), skipinitialspace=True), start=1)
        if any(cell.strip() for cell in row)]
    if not rows:
        raise ValidationFailed("rates.ecb_empty", field="file")
    codes, errors = _header(rows[0][1])
    if errors:
        raise ValidationFailed(errors)
    rates: list[EcbRate] = []
    days: dict[date, int] = {}
    not_quoted = 0
    for number, row in rows[1:]:
        cells = _cells(row)
        if len(cells) != len(codes) + 1:
            errors.append(FieldError("", "rates.ecb_columns",
                                     {"found": len(cells), "count": len(codes) + 1}, line=number))
            continue
        on = _day(cells[0])
        if on is None:
            errors.append(FieldError("Date", "rates.ecb_not_a_date", {"value": cells[0]},
                                     line=number))
            continue
        if on in days:
            errors.append(FieldError("Date", "rates.ecb_day_twice",
                                     {"day": on, "first": days[on]}, line=number))
            continue
        days[on] = number
        for code, cell in zip(codes, cells[1:], strict=True):
            if cell.upper() in _NO_RATE:
                not_quoted += 1
                continue
            rate = _rate(cell)
            if rate is None:
                errors.append(FieldError(code, "rates.ecb_not_a_rate", {"value": cell},
                                         line=number))
            else:
                rates.append(EcbRate(on, code, rate, number))
        if len(errors) >= MAX_ERRORS:
            break
    if errors:
        raise ValidationFailed(errors[:MAX_ERRORS])
    if not days:
        raise ValidationFailed("rates.ecb_no_day", field="file")
    return EcbRates(tuple(rates), len(days), tuple(codes), not_quoted)


def _rate(cell: str) -> Decimal | None:
    if not _NUMBER.fullmatch(cell):
        return None
    try:
        rate = Decimal(cell)
    except InvalidOperation:  # pragma: no cover - the pattern only lets numbers through
        return None
    return rate if rate > 0 else None

