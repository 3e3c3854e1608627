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
  ``@``, tab or carriage return) is prefixed with ``'`` (OWASP "CSV injection"); the
  check comes after control characters are dropped, so none can hide a formula.
- **XLSX** is written by XlsxWriter in ``constant_memory`` mode (one row in memory at a
  time). Strings are always written as strings, never as formulas or URLs; dates and
  datetimes are real Excel dates; Decimals are numbers. A sheet holds at most
  1 048 575 data rows: a larger export raises :class:`ExportTooLarge` (use CSV).
- In both, **control characters** (C0 and C1, other than tab and line feed; a CR LF
  line break becomes LF) are dropped from text: XML cannot hold most of them (XlsxWriter would write
  them as ``_x001B_``, which readers show as such) and in a CSV they drive terminals.

**Typed columns** (``ExportColumn.type``, the custom exports' catalogue): ``code``
(EasyNumbers, policy numbers, references) and ``text`` are always text, so
``00123`` keeps its zeros in XLSX; ``amount`` and ``integer`` are numbers; ``date`` and
``datetime`` real dates with a date format (a datetime in a ``date`` column is written
as its day); ``boolean`` is "Yes"/"No" in the file's language. A value of an
unexpected type is written as an untyped column writes it. An untyped column
(``type`` None) writes each value by its Python type, as before: booleans as
TRUE/FALSE in XLSX and 1/0 in CSV.

**Time zones**: with ``time_zone`` (an IANA name) given to a writer, datetimes are
written in that zone, naive ones taken as UTC (what the database holds); without it,
aware datetimes are written in this machine's local time and naive ones as they are.

Both writers write to a temporary file beside the target and rename it at the end, so
a failed or cancelled export never leaves a half-written file under the final name.
"""

from __future__ import annotations

import csv
import operator
import os
import re
import uuid
import zipfile
from collections.abc import Callable, Iterable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from decimal import Decimal, InvalidOperation
from enum import Enum
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from cofatui.enums import ExportColumnType
from cofatui.errors import CofaError
from cofatui.i18n import get_language, t_in

__all__ = [
    "CSV_DELIMITER",
    "PROGRESS_EVERY",
    "XLSX_MAX_ROWS",
    "ExportCancelled",
    "ExportColumn",
    "ExportTooLarge",
    "clean_text",
    "csv_cell_code",
    "csv_clean_code",
    "csv_text",
    "export_file",
    "timestamped_name",
    "write_csv",
    "write_csv_cells",
    "write_xlsx",
]

CSV_DELIMITER = ";"
XLSX_MAX_ROWS = 1_048_576 - 1  # the sheet's row limit, less the header row
XLSX_MAX_CELL = 32_767  # characters in one cell
#: zlib level of the XLSX's zip: the sheet's XML (130 MB for 100 000 rows × 20 columns)
#: is compressed in 0.7 s at 1 instead of 1.8 s at zlib's default (6), for a file a
#: quarter larger (25 MB instead of 21).
XLSX_ZIP_LEVEL = 1
PROGRESS_EVERY = 500  # rows between two progress callbacks

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PRINTABLE_FORMULA_START = frozenset(c for c in _FORMULA_START if c.isprintable())
# C0 and C1 controls but tab and LF (CR too: CR LF becomes LF), and the two XML
# non-characters.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]")
_DEFAULT_WIDTH = {ExportColumnType.CODE: 16, ExportColumnType.AMOUNT: 14,
                  ExportColumnType.INTEGER: 8, ExportColumnType.DATE: 11,
                  ExportColumnType.DATETIME: 17, ExportColumnType.BOOLEAN: 8}


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
    ``width`` is the XLSX column width in characters (None: a default). ``type`` says
    how the values are written (see the module's docstring); None: by their Python type.
    """

    label: str
    value: Callable[[Any], object]
    width: int | None = None
    type: ExportColumnType | None = None


Progress = Callable[[int], object]
"""Called with the number of rows written so far; return ``False`` to cancel."""


def timestamped_name(stem: str, when: datetime, extension: str) -> str:
    """``notifications-20261122-120000.xlsx``: sortable, and safe on every filesystem."""
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in stem).strip("-")
    return f"{safe or 'export'}-{when:%Y%m%d-%H%M%S}.{extension.lstrip('.')}"


def export_file(path: Path, columns: Sequence[ExportColumn], rows: Iterable[Any],
                progress: Progress | None = None, *, language: str | None = None,
                time_zone: str | None = None) -> int:
    """Write ``rows`` to ``path`` in the format its suffix names (.csv or .xlsx)."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return write_csv(path, columns, rows, progress=progress, language=language,
                         time_zone=time_zone)
    if suffix == ".xlsx":
        return write_xlsx(path, columns, rows, progress=progress, language=language,
                          time_zone=time_zone)
    raise ValueError(f"Unknown export format {suffix!r}: expected .csv or .xlsx")


# ---------------------------------------------------------------- values


def clean_text(value: str) -> str:
    """``value`` without control characters: tab and line feed kept, a carriage
    return dropped (CR LF becomes LF; XlsxWriter would write a CR as ``_x000D_``)."""
    # Almost every text is printable: one C scan, the expression only when it is not
    # (tabs, line breaks, non-breaking spaces are not "printable" but are kept).
    return value if value.isprintable() else _CONTROL.sub("", value)


#: A stored time's ``:MM:SS`` (a valid minute and second) -> what its text keeps of
#: it: ``:MM``, and ``:SS`` unless zero (as :meth:`_Values.moment_text` writes).
_MINUTE_SECOND = {f":{m:02d}:{s:02d}": f":{m:02d}:{s:02d}" if s else f":{m:02d}"
                  for m in range(60) for s in range(60)}


class _Values:
    """How the writers turn values into cells: the file's language (yes/no) and time
    zone (datetimes)."""

    def __init__(self, language: str | None, time_zone: str | None) -> None:
        self.language = language or get_language()
        self.zone: tzinfo | None = ZoneInfo(time_zone) if time_zone else None
        self.yes = t_in(self.language, "common.yes")
        self.no = t_in(self.language, "common.no")
        self._hours: dict[int, str] = {}  # moment_text's UTC hours
        self._stored_hours: dict[str, str] = {}  # stored_text's

    def moment(self, value: datetime) -> datetime:
        """A naive local datetime, as a spreadsheet holds it."""
        if self.zone is not None:
            aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
            return aware.astimezone(self.zone).replace(tzinfo=None)
        if value.tzinfo is not None:
            return value.astimezone().replace(tzinfo=None)
        return value

    def moment_text(self, value: datetime) -> str:
        """``_iso_moment(self.moment(value))``, the usual case (a file's time zone)
        without making the naive copy: the local time's text. A UTC hour whose local
        time is a whole number of hours away all along (:meth:`_hour_text`) is
        converted once, its minutes and seconds copied: a run writes hundreds of
        thousands of times, a few thousand hours."""
        if self.zone is None:
            return _iso_moment(self.moment(value))
        aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        if aware.tzinfo is not UTC:
            aware = aware.astimezone(UTC)
        key = aware.toordinal() * 24 + aware.hour
        hour = self._hours.get(key)
        if hour is None:
            hour = self._hours[key] = self._hour_text(aware)
        if hour:
            second = aware.second
            return f"{hour}:{aware.minute:02d}:{second:02d}" if second \
                else f"{hour}:{aware.minute:02d}"
        return self.zone_text(aware)

    def stored_text(self, raw: Any) -> Any:
        """A time as SQLite stores it (UTC text ``YYYY-MM-DD HH:MM:SS.ffffff``, as
        SQLAlchemy writes it) as :meth:`moment_text` writes it, its hour converted
        once (:meth:`_hour_text`) and its minutes and seconds copied, without parsing
        it; any other text is parsed (an error as the typed path's). A value that is
        not a text (None) is given back as it is."""
        if raw.__class__ is not str:
            return raw
        if len(raw) == 26 and raw[19] == ".":
            # ":MM:SS" checked by one lookup (which also gives what the text keeps)
            tail = _MINUTE_SECOND.get(raw[13:19])
            micro = raw[20:]
            if tail is not None and micro.isdigit() and micro.isascii():
                head = raw[:13]
                hour = self._stored_hours.get(head)
                if hour is None:
                    hour = self._stored_hours[head] = self._stored_hour(head)
                if hour:
                    return hour + tail
        try:
            moment = datetime.fromisoformat(raw + "+00:00")
        except ValueError:  # a text that names its own offset
            moment = datetime.fromisoformat(raw).replace(tzinfo=UTC)
        return self.moment_text(moment)

    def _stored_hour(self, head: str) -> str:
        """:meth:`_hour_text` of a stored time's ``YYYY-MM-DD HH``; "" if not a time."""
        if not (head.isascii() and head[:4].isdigit() and head[4] == "-"):
            return ""
        try:
            return self._hour_text(datetime.fromisoformat(head + ":00:00+00:00"))
        except ValueError:
            return ""

    def _hour_text(self, moment: datetime) -> str:
        """The local ``YYYY-MM-DD HH`` of ``moment``'s UTC hour when every instant of
        that hour is a whole number of hours from UTC in the file's zone (its local
        minutes and seconds are then UTC's); else "" (a change of offset inside the
        hour, an offset of minutes: India, pre-1900 mean times, Lord Howe)."""
        assert self.zone is not None
        start = moment.replace(minute=0, second=0, microsecond=0)
        try:
            first = start.astimezone(self.zone)
            last = (start + _LAST_OF_HOUR).astimezone(self.zone)
        except (OverflowError, ValueError):  # next to datetime's limits
            return ""
        offset = first.utcoffset()
        if offset is None or offset != last.utcoffset() or offset % _HOUR:
            return ""
        return first.isoformat(" ", "hours")[:13]

    def zone_text(self, value: datetime) -> str:
        """An aware datetime's local text in the file's zone, converted on its own."""
        assert self.zone is not None
        local = value.astimezone(self.zone)
        if local.second:
            return local.isoformat(" ", "seconds")[:19]
        return local.isoformat(" ", "minutes")[:16]

    def day(self, value: object) -> date | None:
        if isinstance(value, datetime):
            return self.moment(value).date()
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value.strip())
            except ValueError:
                return None
        return None

    def number(self, value: object) -> int | float | Decimal | None:
        if isinstance(value, bool):
            return None
        if isinstance(value, Decimal):
            return value if value.is_finite() else None
        if isinstance(value, int | float):
            return value
        if isinstance(value, str):
            try:
                parsed = Decimal(value.strip())
            except InvalidOperation:
                return None
            return parsed if parsed.is_finite() else None
        return None

    def text(self, value: object) -> str:
        """Any value as the text of a text or code column."""
        if isinstance(value, Enum):
            value = value.value
        if isinstance(value, datetime):
            return self.moment_text(value)
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, bool):
            return self.yes if value else self.no
        if isinstance(value, Decimal):
            return _decimal_text(value)
        return str(value)


_HOUR = timedelta(hours=1)
_LAST_OF_HOUR = _HOUR - timedelta(microseconds=1)


def _iso_moment(value: datetime) -> str:
    return value.isoformat(sep=" ", timespec="minutes" if not value.second else "seconds")


def _decimal_text(value: Decimal) -> str:
    return format(value, "f") if value.is_finite() else str(value)


def _guard(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_START) else text


# ---------------------------------------------------------------- CSV


def csv_text(value: object) -> str:
    """How one value of an untyped column is written in a CSV cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone().replace(tzinfo=None)
        return _iso_moment(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return _decimal_text(value)
    if isinstance(value, int | float):
        return str(value)
    return _guard(clean_text(str(value)))


def _csv_cell(kind: ExportColumnType | None, values: _Values) -> Callable[[object], str]:
    """The function writing one value of a column of type ``kind`` as CSV text."""
    def untyped(value: object) -> str:
        if isinstance(value, datetime) and values.zone is not None:
            return values.moment_text(value)
        return csv_text(value)

    # text and number are called for most of the cells (two million for 100 000 rows
    # × 20 columns): the usual case (printable text, a finite Decimal) inline.
    def text(value: object) -> str:
        if isinstance(value, str):
            found = value if value.isprintable() else _CONTROL.sub("", value)
        elif value is None:
            return ""
        else:
            found = clean_text(values.text(value))
        return "'" + found if found.startswith(_FORMULA_START) else found

    def number(value: object) -> str:
        if value.__class__ is Decimal and value.is_finite():
            return format(value, "f")
        found = values.number(value)
        if found is None:
            return untyped(value)
        return _decimal_text(found) if isinstance(found, Decimal) else str(found)

    def day(value: object) -> str:
        found = values.day(value)
        return untyped(value) if found is None else found.isoformat()

    def moment(value: object) -> str:
        if isinstance(value, datetime):
            return values.moment_text(value)
        return untyped(value)

    def boolean(value: object) -> str:
        if isinstance(value, bool):
            return values.yes if value else values.no
        return untyped(value)

    return {None: untyped, ExportColumnType.TEXT: text, ExportColumnType.CODE: text,
            ExportColumnType.AMOUNT: number, ExportColumnType.INTEGER: number,
            ExportColumnType.DATE: day, ExportColumnType.DATETIME: moment,
            ExportColumnType.BOOLEAN: boolean}[kind]


def _csv_line(columns: Sequence[ExportColumn], values: _Values) -> Callable[[Any], list[str]]:
    """One function making a row's CSV cells: the columns' values read at once when
    they are all ``itemgetter`` of one key (one C call for the row), then written by
    :func:`_csv_parts`."""
    count = len(columns)
    names = [f"v{i}" for i in range(count)]
    keys = [_itemgetter_key(c.value) for c in columns]
    parts, namespace = _csv_parts([c.type for c in columns], values)
    if count > 1 and all(key is not None for key in keys):
        namespace["get"] = operator.itemgetter(*[key[0] for key in keys if key])
        read = f"    {', '.join(names)}, = get(row)\n"
    else:
        read = "".join(f"    v{i} = get{i}(row)\n" for i in range(count))
        namespace.update({f"get{i}": c.value for i, c in enumerate(columns)})
    source = f"def line(row):\n{read}    return [{', '.join(parts)}]\n"
    exec(compile(source, "<export csv line>", "exec"), namespace)
    made: Callable[[Any], list[str]] = namespace["line"]
    return made


def csv_cell_code(kinds: Sequence[ExportColumnType | None], *, language: str | None = None,
                  time_zone: str | None = None, clean: str | None = None
                  ) -> tuple[list[str], dict[str, Any]]:
    """For a row maker generated elsewhere (the custom exports' CSV rows, made from
    the database's rows without a typed row between): each column's cell text as a
    Python expression over ``v0``, ``v1``… (its value, typed as for
    :func:`write_csv`), and the namespace those expressions need. The text is
    :func:`write_csv`'s, guard included; write the cells with :func:`write_csv_cells`.
    The namespace's ``stored_text`` (:meth:`_Values.stored_text`) writes a time
    stored by SQLite as the datetime column writes its datetime.
    ``clean``: the name of a variable the row maker sets true when every text and
    code value of the row is a printable text (one scan of them joined: the usual
    row), which spares each of these cells its own check."""
    return _csv_parts(kinds, _Values(language, time_zone), clean)


def csv_clean_code(kinds: Sequence[ExportColumnType | None], clean: str) -> str:
    """The statements (in a function's body, over ``v0``, ``v1``…) setting ``clean``
    for :func:`csv_cell_code`: every text and code value a text (else ``join``
    refuses it) and the texts joined printable, one scan for the row."""
    texts = "".join(f"v{i}, " for i, kind in enumerate(kinds)
                    if kind in (ExportColumnType.TEXT, ExportColumnType.CODE))
    return (f"    try:\n        {clean} = ''.join(({texts})).isprintable()\n"
            f"    except TypeError:\n        {clean} = False\n")


def _csv_parts(kinds: Sequence[ExportColumnType | None], values: _Values,
               clean: str | None = None) -> tuple[list[str], dict[str, Any]]:
    """Each column's cell text as an expression over ``v<i>``: the usual text and
    amount (printable text that starts no formula, a finite Decimal) and time written
    inline, without a call per cell; anything else goes through its column's
    :func:`_csv_cell`, which these shortcuts agree with."""
    namespace: dict[str, Any] = {"Decimal": Decimal, "RISKY": _PRINTABLE_FORMULA_START,
                                 "datetime": datetime, "date": date,
                                 "moment_text": values.moment_text,
                                 "stored_text": values.stored_text}
    parts = []
    for i, kind in enumerate(kinds):
        namespace[f"cell{i}"] = _csv_cell(kind, values)
        v = f"v{i}"
        if kind in (ExportColumnType.TEXT, ExportColumnType.CODE):
            # A printable text starts with neither tab nor CR: only the first
            # character's set lookup is left of the formula guard.
            printable = f"{v}.__class__ is str and {v}.isprintable()"
            if clean is not None:
                printable = f"({clean} or {printable})"
            parts.append(f"({v} if {printable} and {v}[:1] not in RISKY else cell{i}({v}))")
        elif kind in (ExportColumnType.AMOUNT, ExportColumnType.INTEGER):
            parts.append(f"(format({v}, 'f') if {v}.__class__ is Decimal and "
                         f"{v}.is_finite() else cell{i}({v}))")
            if kind == ExportColumnType.INTEGER:  # a count, a DRA: a plain int
                parts[-1] = f"(str({v}) if {v}.__class__ is int else {parts[-1]})"
        elif kind == ExportColumnType.DATETIME:  # a time in the file's zone
            parts.append(f"(moment_text({v}) if {v}.__class__ is datetime "
                         f"else cell{i}({v}))")
        elif kind == ExportColumnType.DATE:
            parts.append(f"({v}.isoformat() if {v}.__class__ is date else cell{i}({v}))")
        else:
            parts.append(f"cell{i}({v})")
        if kind not in (ExportColumnType.TEXT, ExportColumnType.CODE):
            # None is an empty cell in every column type (a company without a
            # decision: half the amounts and times of a by-company run).
            parts[-1] = f"('' if {v} is None else {parts[-1]})"
    return parts, namespace


def _itemgetter_key(value: Callable[[Any], object]) -> tuple[Any] | None:
    """``(key,)`` when ``value`` is ``operator.itemgetter(key)``, else None."""
    if value.__class__ is not operator.itemgetter:
        return None
    items = value.__reduce__()[1]
    return (items[0],) if len(items) == 1 else None


def write_csv(path: Path, columns: Sequence[ExportColumn], rows: Iterable[Any], *,
              delimiter: str = CSV_DELIMITER, progress: Progress | None = None,
              language: str | None = None, time_zone: str | None = None) -> int:
    """Write a header and one line per row; return the number of rows written."""
    line = _csv_line(columns, _Values(language, time_zone))
    return write_csv_cells(path, [c.label for c in columns], map(line, rows),
                           delimiter=delimiter, progress=progress)


def write_csv_cells(path: Path, labels: Sequence[str], lines: Iterable[Sequence[str]], *,
                    delimiter: str = CSV_DELIMITER, progress: Progress | None = None) -> int:
    """Write a header (``labels``, guarded) and ``lines``, each a row's cells already
    written as text (:func:`csv_cell_code`); return the number of lines written."""
    with _atomic(path) as tmp:
        # utf-8-sig writes the BOM; newline="" lets the csv module write \r\n itself.
        with open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh, delimiter=delimiter, quoting=csv.QUOTE_MINIMAL)
            writer.writerow([_guard(clean_text(label)) for label in labels])
            count = 0
            joined = _CsvJoin(fh, writer, delimiter)
            for cells in lines:
                joined.write(cells)
                count += 1
                if count % PROGRESS_EVERY == 0:
                    joined.flush()
                    if progress is not None and progress(count) is False:
                        raise ExportCancelled()
            joined.flush()
        if progress is not None:
            progress(count)
    return count


#: Lines joined before they go to the file at once (text file writes cost per call).
_CSV_BATCH = 256


class _CsvJoin:
    """``csv.writer.writerow`` for lines of texts, a quarter of its time: a line
    whose cells need no quotes (no delimiter, quote, CR or LF in any of them: the
    joined line holds no quote, CR or LF and exactly one delimiter fewer than its
    cells) is the cells joined, as the writer writes it, and goes to the file with
    others; any other line (a cell to quote, a value that is not a text, a single
    empty cell, which the writer quotes) is written by the writer itself, after the
    lines before it."""

    def __init__(self, fh: Any, writer: Any, delimiter: str) -> None:
        self.fh, self.writer, self.delimiter = fh, writer, delimiter
        self.pending: list[str] = []

    def write(self, cells: Sequence[Any]) -> None:
        delimiter = self.delimiter
        try:
            line = delimiter.join(cells)
        except TypeError:  # not all texts: the writer's own conversion
            line = None
        if line is None or '"' in line or "\n" in line or "\r" in line \
                or line.count(delimiter) != len(cells) - 1 or (not line and len(cells) == 1):
            self.flush()
            self.writer.writerow(cells)
            return
        self.pending.append(line)
        if len(self.pending) >= _CSV_BATCH:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            self.pending.append("")  # the last line's end
            self.fh.write("\r\n".join(self.pending))
            self.pending.clear()


# ---------------------------------------------------------------- XLSX

XlsxCell = Callable[[int, int, object], object]


def _cell_writer(sheet: Any, kind: str) -> Any:
    """``sheet._write_<kind>`` (row, col, value, format), else ``sheet.write_<kind>``."""
    return getattr(sheet, f"_write_{kind}", None) or getattr(sheet, f"write_{kind}")


class _Sheet:
    """The cell writers of one sheet, one per column type."""

    def __init__(self, workbook: Any, sheet: Any, values: _Values,
                 cells: _RowXml | None = None) -> None:
        self.values = values
        self.day_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
        self.moment_format = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        self.xml = cells
        if cells is not None:  # each cell's XML made here (see _RowXml)
            self.string, self.number_cell = cells.string, cells.number
            self.datetime_cell, self.boolean_cell = cells.datetime, cells.boolean
            return
        # XlsxWriter's own writers, without the public methods' A1-notation parsing
        # (called two million times for 100 000 rows × 20 columns). They are not public
        # API: should a release rename them, the public ones (same arguments) are used.
        self.string = _cell_writer(sheet, "string")
        self.number_cell = _cell_writer(sheet, "number")
        self.datetime_cell = _cell_writer(sheet, "datetime")
        self.boolean_cell = _cell_writer(sheet, "boolean")

    def untyped(self, row: int, col: int, value: object) -> None:
        values = self.values
        if value is None:
            return
        if isinstance(value, bool):
            self.boolean_cell(row, col, value, None)
        elif isinstance(value, Enum):
            self.write_text(row, col, str(value.value))
        elif isinstance(value, datetime):
            self.datetime_cell(row, col, values.moment(value), self.moment_format)
        elif isinstance(value, date):
            self.datetime_cell(row, col, datetime(value.year, value.month, value.day),
                               self.day_format)
        elif isinstance(value, Decimal):
            if value.is_finite():
                self.number_cell(row, col, float(value), None)
            else:
                self.write_text(row, col, str(value))
        elif isinstance(value, int | float):
            self.number_cell(row, col, value, None)
        else:
            self.write_text(row, col, str(value))

    def write_text(self, row: int, col: int, text: str) -> None:
        self.string(row, col, clean_text(text)[:XLSX_MAX_CELL], None)

    def text(self, row: int, col: int, value: object) -> None:
        if value is None:
            return
        self.write_text(row, col, value if isinstance(value, str) else self.values.text(value))

    def number(self, row: int, col: int, value: object) -> None:
        found = self.values.number(value)
        if found is None:
            self.untyped(row, col, value)
        else:
            self.number_cell(row, col, float(found), None)

    def day(self, row: int, col: int, value: object) -> None:
        found = self.values.day(value)
        if found is None:
            self.untyped(row, col, value)
        else:
            self.datetime_cell(row, col, datetime(found.year, found.month, found.day),
                               self.day_format)

    def moment(self, row: int, col: int, value: object) -> None:
        if isinstance(value, datetime):
            self.datetime_cell(row, col, self.values.moment(value), self.moment_format)
        else:
            self.untyped(row, col, value)

    def boolean(self, row: int, col: int, value: object) -> None:
        if isinstance(value, bool):
            self.string(row, col, self.values.yes if value else self.values.no, None)
        else:
            self.untyped(row, col, value)

    def cell(self, kind: ExportColumnType | None) -> XlsxCell:
        if self.xml is not None and kind in (ExportColumnType.TEXT, ExportColumnType.CODE):
            return self.xml.text(self.text)
        if self.xml is not None and kind == ExportColumnType.DATETIME \
                and self.values.zone is not None:
            return self.xml.moment(self.values.zone, self.moment_format, self.moment)
        return {None: self.untyped, ExportColumnType.TEXT: self.text,
                ExportColumnType.CODE: self.text, ExportColumnType.AMOUNT: self.number,
                ExportColumnType.INTEGER: self.number, ExportColumnType.DATE: self.day,
                ExportColumnType.DATETIME: self.moment,
                ExportColumnType.BOOLEAN: self.boolean}[kind]


class _RowXml:
    """The data rows' XML, made here and written to the sheet's row file: what
    XlsxWriter's ``constant_memory`` mode writes for them, cell for cell (the same
    ``<row>``/``<c>`` elements, inline strings, ``.16G`` numbers, date serials and style
    indexes), without its per-cell bookkeeping (a tuple stored per cell, the cell's
    reference and attributes rebuilt, the type found by class name), which is most of an
    export's time. One difference: a text shaped like rich-text XML (``<r>…</r>``),
    which XlsxWriter copies unescaped into the file, is written as the text it is.

    It relies on XlsxWriter internals (the sheet's row file ``fh`` in constant_memory
    mode, ``_write_single_row``, ``_check_dimensions``, ``previous_row`` and private
    helpers): :meth:`of` gives None when a release lacks one, and the sheet is then
    written cell by cell by XlsxWriter (tests compare the two sheets' XML).
    """

    def __init__(self, sheet: Any, columns: int, helpers: tuple[Any, ...]) -> None:
        from xlsxwriter.utility import xl_col_to_name

        self.sheet = sheet
        self.letters = [xl_col_to_name(col) for col in range(columns)]
        self.serial, self.utf16_len, self.utf16_cut, self.escape_escape, \
            self.controls = helpers
        self.cells: list[str] = []
        self.pending: list[str] = []
        self.last_row = 0

    @classmethod
    def of(cls, sheet: Any, columns: int) -> _RowXml | None:
        try:
            from xlsxwriter.utility import (
                _datetime_to_excel_datetime,
                _utf16_len,
                _utf16_truncate,
            )
            from xlsxwriter.xmlwriter import re_control_chars_1, re_control_chars_2
        except ImportError:
            return None
        if not (getattr(sheet, "constant_memory", False) and hasattr(sheet, "fh")
                and hasattr(sheet, "_write_single_row") and hasattr(sheet, "_check_dimensions")
                and hasattr(sheet, "previous_row") and columns > 0):
            return None
        return cls(sheet, columns, (_datetime_to_excel_datetime, _utf16_len, _utf16_truncate,
                                    re_control_chars_1, re_control_chars_2))

    def start(self) -> None:
        """After the header's cells: the header row goes to the file first."""
        self.sheet._write_single_row(1)

    def string(self, row: int, col: int, text: str, cell_format: Any = None) -> None:
        if len(text) > 16_383 and self.utf16_len(text) > XLSX_MAX_CELL:
            text = self.utf16_cut(text, XLSX_MAX_CELL)
        if "_x" in text:
            text = self.escape_escape.sub(r"_x005F\1", text)
        if not text.isprintable():
            text = self.controls.sub(lambda found: f"_x{ord(found.group(1)):04X}_", text)
            text = text.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
        preserve = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() \
            else ""
        if "&" in text or "<" in text or ">" in text:
            text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        self.cells.append(f'<c r="{self.letters[col]}{row + 1}"{self._style(cell_format)}'
                          f' t="inlineStr"><is><t{preserve}>{text}</t></is></c>')

    def text(self, otherwise: XlsxCell) -> XlsxCell:
        """A text column's cell: the usual text (printable, not too long, nothing to
        escape, no space at either end) written at once; any other value as
        ``otherwise`` (the sheet's text cell) writes it."""
        cells, letters = self.cells, self.letters

        def cell(row: int, col: int, value: object) -> None:
            if value.__class__ is str and value.isprintable() and len(value) < 16_384 \
                    and "_x" not in value and "&" not in value and "<" not in value \
                    and ">" not in value and not value[:1].isspace() \
                    and not value[-1:].isspace():
                cells.append(f'<c r="{letters[col]}{row + 1}" t="inlineStr"><is><t>{value}'
                             "</t></is></c>")
            else:
                otherwise(row, col, value)
        return cell

    def moment(self, zone: tzinfo, cell_format: Any, otherwise: XlsxCell) -> XlsxCell:
        """A datetime column's cell in the file's time zone: an aware datetime's serial
        made from its local time's fields (what :meth:`datetime` makes of the naive
        local time, the same arithmetic, without making that naive copy); any other
        value as ``otherwise`` (the sheet's datetime cell) writes it."""
        cells, letters, style = self.cells, self.letters, self._style

        def cell(row: int, col: int, value: object) -> None:
            if value.__class__ is datetime and value.tzinfo is not None:
                local = value.astimezone(zone)
                if local.year > 1901:
                    number = local.toordinal() - _EPOCH_ORDINAL + (
                        float(local.hour * 3600 + local.minute * 60 + local.second)
                        + float(local.microsecond) / 1e6) / (60 * 60 * 24) + 1
                    cells.append(f'<c r="{letters[col]}{row + 1}"{style(cell_format)}>'
                                 f"<v>{number:.16G}</v></c>")
                    return
            otherwise(row, col, value)
        return cell

    def number(self, row: int, col: int, number: float, cell_format: Any = None) -> None:
        if number != number or number in (_INF, -_INF):
            raise TypeError("NAN/INF not supported in write_number()")
        self.cells.append(f'<c r="{self.letters[col]}{row + 1}"{self._style(cell_format)}>'
                          f"<v>{number:.16G}</v></c>")

    def datetime(self, row: int, col: int, moment: datetime, cell_format: Any = None) -> None:
        if moment.tzinfo is None and moment.year > 1901:
            # XlsxWriter's serial (_datetime_to_excel_datetime), the same arithmetic
            # without its checks for times, timedeltas, zones and 1900-01-01.
            delta = moment - _EXCEL_EPOCH
            number = delta.days + (float(delta.seconds) + float(delta.microseconds) / 1e6) \
                / (60 * 60 * 24) + 1
        else:
            number = self.serial(moment, False, True)
        self.cells.append(f'<c r="{self.letters[col]}{row + 1}"{self._style(cell_format)}>'
                          f"<v>{number:.16G}</v></c>")

    def boolean(self, row: int, col: int, value: bool, cell_format: Any = None) -> None:
        self.cells.append(f'<c r="{self.letters[col]}{row + 1}"{self._style(cell_format)}'
                          f' t="b"><v>{1 if value else 0}</v></c>')

    @staticmethod
    def _style(cell_format: Any) -> str:
        return "" if cell_format is None else f' s="{cell_format._get_xf_index()}"'

    def end_row(self, row: int) -> None:
        """The row's cells made: its element, kept for the next write (an empty row
        has none, as XlsxWriter writes none)."""
        if self.cells:
            self.pending.append(f'<row r="{row + 1}">{"".join(self.cells)}</row>')
            self.cells.clear()
            self.last_row = row
            if len(self.pending) >= 256:
                self.flush()

    def flush(self) -> None:
        self.sheet.fh.write("".join(self.pending))
        self.pending.clear()

    def finish(self, columns: int) -> None:
        """The rows written: the sheet's dimensions cover them (its ``<dimension>``:
        the header's columns, down to the last row with a cell)."""
        self.flush()
        if self.last_row:
            self.sheet._check_dimensions(self.last_row, columns - 1)
            self.sheet.previous_row = self.last_row + 1


_INF = float("inf")
_EXCEL_EPOCH = datetime(1899, 12, 31)
_EPOCH_ORDINAL = _EXCEL_EPOCH.toordinal()


def _width(column: ExportColumn) -> int:
    if column.width:
        return column.width
    return max(_DEFAULT_WIDTH.get(column.type, 10) if column.type else 10,
               len(column.label) + 2)


def write_xlsx(path: Path, columns: Sequence[ExportColumn], rows: Iterable[Any], *,
               sheet_name: str = "Export", progress: Progress | None = None,
               language: str | None = None, time_zone: str | None = None,
               max_rows: int = XLSX_MAX_ROWS, fast: bool = True) -> int:
    """Write a sheet with a bold, frozen, filterable header; return the rows written.
    More than ``max_rows`` rows (the sheet's limit; smaller in tests) raise
    :class:`ExportTooLarge`. ``fast``: the data rows' XML made here (:class:`_RowXml`);
    False: every cell written by XlsxWriter (what tests compare it with)."""
    import xlsxwriter

    values = _Values(language, time_zone)
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
            xml = _RowXml.of(sheet, len(columns)) if fast else None
            writers = _Sheet(workbook, sheet, values, xml)
            bold = workbook.add_format({"bold": True})
            for col, column in enumerate(columns):
                sheet.set_column(col, col, _width(column))
                sheet.write_string(0, col, clean_text(column.label)[:XLSX_MAX_CELL], bold)
            sheet.freeze_panes(1, 0)
            cells = [(col, c.value, writers.cell(c.type)) for col, c in enumerate(columns)]
            if xml is not None:
                xml.start()
            count = 0
            for row in rows:
                if count >= max_rows:
                    raise ExportTooLarge(max_rows)
                count += 1
                for col, get, cell in cells:
                    cell(count, col, get(row))
                if xml is not None:
                    xml.end_row(count)
                if progress is not None and count % PROGRESS_EVERY == 0 \
                        and progress(count) is False:
                    raise ExportCancelled()
            if xml is not None:
                xml.finish(len(columns))
            if columns:
                sheet.autofilter(0, 0, count, len(columns) - 1)
        finally:
            _close_workbook(workbook)
        if progress is not None:
            progress(count)
    return count


_ZIP_LEVEL: ContextVar[int | None] = ContextVar("xlsx_zip_level", default=None)


class _LeveledZip(zipfile.ZipFile):
    """The zip file XlsxWriter writes, at the level :func:`_close_workbook` asks in
    this thread; at zlib's default for any other workbook (the imports' templates)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        level = _ZIP_LEVEL.get()
        if level is not None:
            kwargs.setdefault("compresslevel", level)
        super().__init__(*args, **kwargs)


def _close_workbook(workbook: Any) -> None:
    """``workbook.close()`` with its zip at ``XLSX_ZIP_LEVEL``. XlsxWriter has no option
    for the level: its module's ``ZipFile`` is replaced by :class:`_LeveledZip` (only
    while it is the standard library's, so a release that changes it is left alone)."""
    import xlsxwriter.workbook

    if getattr(xlsxwriter.workbook, "ZipFile", None) is zipfile.ZipFile:
        xlsxwriter.workbook.ZipFile = _LeveledZip
    token = _ZIP_LEVEL.set(XLSX_ZIP_LEVEL)
    try:
        workbook.close()
    finally:
        _ZIP_LEVEL.reset(token)


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
