"""Tabular exports: rows + columns → CSV or XLSX, streamed.

Rows arrive as an iterable (typically a generator reading the repository page by
page), and each row is written as soon as it is read: a 100 000-row export never holds
more than one page in memory, and the file is never built in memory as a whole.

Choices, for the people who will open these files:

- **CSV** is UTF-8 with a byte-order mark and ``;`` as separator. That is what Excel
  expects in France (the decimal separator there is ``,``, so Excel's list separator
  is ``;``) and the BOM makes it read the file as UTF-8 instead of cp1252; LibreOffice
  and pandas (``sep=";"``, ``encoding="utf-8-sig"``) read it too. Numbers are written
  with a ``.`` decimal point and dates as ISO 8601 so the file stays machine-readable.
  Text that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``,
  ``@``, tab or carriage return) is prefixed with ``'`` (OWASP "CSV injection").
- **XLSX** is written by XlsxWriter in ``constant_memory`` mode (one row in memory at a
  time). Strings are always written as strings, never as formulas or URLs; dates and
  datetimes are real Excel dates; Decimals are numbers. Control characters other than
  tab and line feed are dropped: XML cannot hold them (XlsxWriter would write them as
  ``_x001B_``, which readers show as such). A sheet holds at most
  1 048 575 data rows: a larger export raises :class:`ExportTooLarge` (use CSV).

Both writers write to a temporary file beside the target and rename it at the end, so
a failed or cancelled export never leaves a half-written file under the final name.
"""

from __future__ import annotations

import csv
import os
import re
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

from cofatui.errors import CofaError

__all__ = [
    "CSV_DELIMITER",
    "PROGRESS_EVERY",
    "XLSX_MAX_ROWS",
    "ExportCancelled",
    "ExportColumn",
    "ExportTooLarge",
    "csv_text",
    "export_file",
    "timestamped_name",
    "write_csv",
    "write_xlsx",
]

CSV_DELIMITER = ";"
XLSX_MAX_ROWS = 1_048_576 - 1  # the sheet's row limit, less the header row
XLSX_MAX_CELL = 32_767  # characters in one cell
PROGRESS_EVERY = 500  # rows between two progress callbacks

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class ExportTooLarge(CofaError):
    def __init__(self, limit: int) -> None:
        super().__init__("common.export_too_large", limit=limit)
        self.limit = limit


class ExportCancelled(CofaError):
    def __init__(self) -> None:
        super().__init__("common.export_cancelled")


@dataclass(frozen=True)
class ExportColumn:
    """One column: its header and how to get its value from a row.

    ``value`` returns str, int, Decimal, float, bool, date, datetime, an Enum or None.
    ``width`` is the XLSX column width in characters (None: a default).
    """

    label: str
    value: Callable[[Any], object]
    width: int | None = None


Progress = Callable[[int], object]
"""Called with the number of rows written so far; return ``False`` to cancel."""


def timestamped_name(stem: str, when: datetime, extension: str) -> str:
    """``notifications-20261122-120000.xlsx``: sortable, and safe on every filesystem."""
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in stem).strip("-")
    return f"{safe or 'export'}-{when:%Y%m%d-%H%M%S}.{extension.lstrip('.')}"


def export_file(path: Path, columns: Sequence[ExportColumn], rows: Iterable[Any],
                progress: Progress | None = None) -> int:
    """Write ``rows`` to ``path`` in the format its suffix names (.csv or .xlsx)."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return write_csv(path, columns, rows, progress=progress)
    if suffix == ".xlsx":
        return write_xlsx(path, columns, rows, progress=progress)
    raise ValueError(f"Unknown export format {suffix!r}: expected .csv or .xlsx")


# ---------------------------------------------------------------- CSV


def csv_text(value: object) -> str:
    """How one value is written in a CSV cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone().replace(tzinfo=None)
        return value.isoformat(sep=" ", timespec="minutes" if not value.second else "seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal | int | float):
        return str(value)
    text = str(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


def write_csv(path: Path, columns: Sequence[ExportColumn], rows: Iterable[Any], *,
              delimiter: str = CSV_DELIMITER, progress: Progress | None = None) -> int:
    """Write a header and one line per row; return the number of rows written."""
    getters = [c.value for c in columns]
    with _atomic(path) as tmp:
        # utf-8-sig writes the BOM; newline="" lets the csv module write \r\n itself.
        with open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh, delimiter=delimiter, quoting=csv.QUOTE_MINIMAL)
            writer.writerow([c.label for c in columns])
            count = 0
            for row in rows:
                writer.writerow([csv_text(get(row)) for get in getters])
                count += 1
                if progress is not None and count % PROGRESS_EVERY == 0 \
                        and progress(count) is False:
                    raise ExportCancelled()
        if progress is not None:
            progress(count)
    return count


# ---------------------------------------------------------------- XLSX


def write_xlsx(path: Path, columns: Sequence[ExportColumn], rows: Iterable[Any], *,
               sheet_name: str = "Export", progress: Progress | None = None) -> int:
    """Write a sheet with a bold, frozen, filterable header; return the rows written."""
    import xlsxwriter

    getters = [c.value for c in columns]
    with _atomic(path) as tmp:
        workbook = xlsxwriter.Workbook(str(tmp), {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "remove_timezone": True,
            "tmpdir": str(tmp.parent),
        })
        try:
            sheet = workbook.add_worksheet(_sheet_name(sheet_name))
            bold = workbook.add_format({"bold": True})
            day = workbook.add_format({"num_format": "yyyy-mm-dd"})
            moment = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
            for col, column in enumerate(columns):
                sheet.set_column(col, col, column.width or max(10, len(column.label) + 2))
                sheet.write_string(0, col, column.label, bold)
            sheet.freeze_panes(1, 0)
            count = 0
            for row in rows:
                if count >= XLSX_MAX_ROWS:
                    raise ExportTooLarge(XLSX_MAX_ROWS)
                count += 1
                for col, get in enumerate(getters):
                    _write_cell(sheet, count, col, get(row), day, moment)
                if progress is not None and count % PROGRESS_EVERY == 0 \
                        and progress(count) is False:
                    raise ExportCancelled()
            if columns:
                sheet.autofilter(0, 0, count, len(columns) - 1)
        finally:
            workbook.close()
        if progress is not None:
            progress(count)
    return count


def _write_cell(sheet: Any, row: int, col: int, value: object, day: Any, moment: Any) -> None:
    if value is None:
        return
    if isinstance(value, bool):
        sheet.write_boolean(row, col, value)
    elif isinstance(value, Enum):
        sheet.write_string(row, col, _XML_ILLEGAL.sub("", str(value.value))[:XLSX_MAX_CELL])
    elif isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone().replace(tzinfo=None)
        sheet.write_datetime(row, col, value, moment)
    elif isinstance(value, date):
        sheet.write_datetime(row, col, datetime(value.year, value.month, value.day), day)
    elif isinstance(value, Decimal):
        if value.is_finite():
            sheet.write_number(row, col, float(value))
        else:
            sheet.write_string(row, col, str(value))
    elif isinstance(value, int | float):
        sheet.write_number(row, col, value)
    else:
        sheet.write_string(row, col, _XML_ILLEGAL.sub("", str(value))[:XLSX_MAX_CELL])


def _sheet_name(name: str) -> str:
    # Excel refuses []:*?/\ in sheet names and more than 31 characters.
    cleaned = "".join("-" if ch in "[]:*?/\\" else ch for ch in name).strip("'") or "Export"
    return cleaned[:31]


# ---------------------------------------------------------------- atomic write


class _atomic:
    """A temporary path beside ``path``; renamed onto it on success, removed on error."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def __enter__(self) -> Path:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # A fresh name rather than mkstemp: the writers create the file themselves, so
        # it gets the user's usual permissions (umask), not mkstemp's 0600.
        self.tmp = self.path.with_name(f".{self.path.name}.{uuid.uuid4().hex}.part")
        return self.tmp

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            os.replace(self.tmp, self.path)
        else:
            self.tmp.unlink(missing_ok=True)
            # XlsxWriter may leave its own temporary files when interrupted.
            for stray in self.tmp.parent.glob(f"{self.tmp.name}*"):
                stray.unlink(missing_ok=True)
