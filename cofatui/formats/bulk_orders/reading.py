"""Bytes of a bulk-order file → its order lines, or a refusal of the whole file.

The file-level checks of issue 14, item 2, that need no database. Each refusal is an
:class:`~cofatui.formats.csv_lines.ImportRefused` whose ``reason`` is one of
:data:`REFUSALS`, a line code of ``bulk_errors.json`` (the file's short message), and
whose ``code`` (``bulk.*``) and parameters are the detail. In the order they are tried:

1. more than :data:`MAX_FILE_BYTES` (5 MiB): ``data_too_large``;
2. not text: a ZIP signature (an XLSX is a ZIP) or an OLE2 one (an XLS), a UTF-16
   byte-order mark, or a NUL byte anywhere: ``not_text``, saying "save it as CSV";
3. no order line (nothing but blank lines): ``no_order_line``;
4. more than :data:`MAX_ORDER_LINES` (10 000) order lines: ``too_many_lines``;
5. no line with 10 ``;``-separated fields: ``wrong_file_format``, saying when the file
   seems to use commas (or tabs) instead.

Any other byte sequence is read: UTF-8, with or without a byte-order mark; a line that
is not valid UTF-8 holds non-ASCII bytes, which is that line's error
(``non_ascii_line``), not the file's. Line ends are LF, CRLF (and a lone CR, as editors
count it); lines are numbered as an editor numbers them, blank ones included.

A **blank line** holds nothing but spaces, tabs and ``;`` (an emptied spreadsheet row
is saved as ``;;;;;;;;;``): it is skipped and gets no result. Every other line is an
**order line** and gets exactly one result.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from cofatui.formats.csv_lines import ImportRefused

__all__ = ["MAX_FILE_BYTES", "MAX_ORDER_LINES", "REFUSALS", "TextLine", "numbered_order_lines",
           "order_lines"]

#: Our limits (the seed names the errors, not the figures): 10 000 orders of at most
#: 512 characters fit well within 5 MiB.
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ORDER_LINES = 10_000

#: Every ``ImportRefused.reason`` this module raises.
REFUSALS = frozenset({"data_too_large", "not_text", "no_order_line", "too_many_lines",
                      "wrong_file_format"})

_SPREADSHEET_SIGNATURES = (
    b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08",  # ZIP: XLSX, ODS, or a zipped CSV
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",  # OLE2: XLS
)
_UTF16_MARKS = (b"\xff\xfe", b"\xfe\xff")
_UTF8_MARK = b"\xef\xbb\xbf"
_BLANK = " \t;"
#: Line ends, as the file imports split lines (``csv_lines.split_lines``): LF, CRLF
#: and a lone CR.
_LINE_END = re.compile(r"\r\n|\r|\n")
_FIELD_SEPARATORS = 9


@dataclass(frozen=True, slots=True)
class TextLine:
    """One order line: its number in the file and its text, line end left out.

    ``text`` may hold lone surrogates (U+DC80–U+DCFF) standing for bytes that are not
    UTF-8; :attr:`shown` is the text to display or store.
    """

    line_no: int
    text: str

    @property
    def shown(self) -> str:
        """The text as written; bytes that are not UTF-8 read as Windows-1252 (what
        Excel writes on a French Windows), so that "Société" still reads as such."""
        if self.text.isascii():
            return self.text
        raw = self.text.encode("utf-8", "surrogateescape")
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            return raw.decode("cp1252", "replace")


def order_lines(data: bytes) -> tuple[TextLine, ...]:
    """The order lines of a file, or ImportRefused (``reason`` in :data:`REFUSALS`)."""
    return tuple(TextLine(line_no, text) for line_no, text in numbered_order_lines(data))


def numbered_order_lines(data: bytes) -> list[tuple[int, str]]:
    """:func:`order_lines` as plain (number, text) pairs: a pair of a number and a
    string is a tuple the garbage collector soon stops tracking, where 10 000 objects
    would make it walk the whole heap once more."""
    if len(data) > MAX_FILE_BYTES:
        raise ImportRefused("bulk.data_too_large", reason="data_too_large",
                            size=len(data), max=MAX_FILE_BYTES)
    _refuse_binary(data)
    text = data.removeprefix(_UTF8_MARK).decode("utf-8", "surrogateescape")
    parts = _LINE_END.split(text)
    if parts and parts[-1] == "":
        parts.pop()  # a final line end does not open a new line
    lines = [(line_no, part) for line_no, part in enumerate(parts, start=1)
             if part.strip(_BLANK)]
    if not lines:
        raise ImportRefused("bulk.empty", reason="no_order_line")
    if len(lines) > MAX_ORDER_LINES:
        raise ImportRefused("bulk.too_many_lines", reason="too_many_lines",
                            count=len(lines), max=MAX_ORDER_LINES)
    _refuse_other_format(lines)
    return lines


def _refuse_binary(data: bytes) -> None:
    if data.startswith(_SPREADSHEET_SIGNATURES):
        raise ImportRefused("bulk.spreadsheet", reason="not_text")
    if data.startswith(_UTF16_MARKS):
        raise ImportRefused("bulk.utf16", reason="not_text")
    if b"\x00" in data:
        raise ImportRefused("bulk.binary", reason="not_text")


def _refuse_other_format(lines: list[tuple[int, str]]) -> None:
    """No line with 10 fields: this is not a bulk-order file, or not with ``;``."""
    if any(text.count(";") == _FIELD_SEPARATORS for _, text in lines):
        return
    counts = Counter(text.count(";") for _, text in lines)
    found = counts.most_common(1)[0][0] + 1
    half = (len(lines) + 1) // 2
    if sum(1 for _, text in lines if text.count(",") >= _FIELD_SEPARATORS) >= half:
        raise ImportRefused("bulk.no_ten_fields_commas", reason="wrong_file_format",
                            found=found)
    if sum(1 for _, text in lines if text.count("\t") >= _FIELD_SEPARATORS) >= half:
        raise ImportRefused("bulk.no_ten_fields_tabs", reason="wrong_file_format",
                            found=found)
    raise ImportRefused("bulk.no_ten_fields", reason="wrong_file_format", found=found)
