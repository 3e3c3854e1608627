"""Bytes of an uploaded ``;``-separated file → numbered lines of cells.

The first half of the claim imports (``claim_csv``), kept apart because it knows nothing
of invoices: encodings, line endings, quoting and blank lines. Everything here either
returns text or raises :class:`ImportRefused`, the error that refuses a file whole.

- **Encoding**: UTF-8, with or without a byte-order mark; otherwise Windows-1252 (what
  Excel writes for "CSV (séparateur: point-virgule)" on a French Windows), and the
  caller is told which one was used. A UTF-16 file ("Unicode text" in Excel) is refused
  with a hint rather than guessed at.
- **Binary**: a NUL byte, or any control character other than tab, CR and LF, means
  the file is not a CSV text file (a spreadsheet, a PDF, an image…): refused whole.
- **Line endings**: CRLF, LF and CR alone are all line ends; lines are numbered as an
  editor numbers them (1-based, blank lines and the header counted), so a message's
  line number leads the user to the right line.
- **Cells**: split on ``;``; a cell may be wrapped in double quotes (as Excel writes a
  cell holding ``;`` or ``"``), with ``""`` for a quote inside. Cells are stripped of
  surrounding blanks (spaces, tabs, no-break spaces).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cofatui.errors import CofaError

__all__ = ["BLANKS", "MAX_FILE_BYTES", "SEPARATOR", "ImportRefused", "RawLine", "TextFile",
           "decode", "split_cells", "split_lines"]

SEPARATOR = ";"
MAX_FILE_BYTES = 1_048_576  # 100 lines of 7 short cells are ~5 KB: 1 MiB is never legitimate

#: Why a line's quotes cannot be read (error codes).
QUOTE_NOT_CLOSED = "imports.quote_not_closed"
TEXT_AFTER_QUOTE = "imports.text_after_quote"

_LINE_END = re.compile(r"\r\n|\r|\n")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
BLANKS = " \t\u00a0\u202f\u2007\ufeff"


class ImportRefused(CofaError):
    """The file is refused whole (badly structured): the code and parameters say why
    (``imports.too_large``…); ``reason`` is the stable kind of refusal the UI and tests
    key on (``imports.REFUSALS``)."""

    http_status = 422

    def __init__(self, code: str, /, *, reason: str, **params: object) -> None:
        super().__init__(code, **params)
        self.reason = reason


@dataclass(frozen=True)
class TextFile:
    text: str
    encoding: str  # "utf-8", "utf-8-sig" (with a byte-order mark) or "cp1252"


@dataclass(frozen=True)
class RawLine:
    line_no: int  # 1-based, as an editor counts
    text: str


def decode(data: bytes, max_bytes: int = MAX_FILE_BYTES) -> TextFile:
    """Decode an uploaded file, or refuse it as not a text file. ``max_bytes``: the
    import's own size limit (the claim imports keep the default)."""
    if len(data) > max_bytes:
        raise ImportRefused("imports.too_large", reason="too_large", size=len(data),
                            max=max_bytes)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportRefused("imports.utf16", reason="utf16")
    if b"\x00" in data:
        raise ImportRefused("imports.binary", reason="binary")
    encoding = "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise ImportRefused("imports.not_text", reason="binary",
                                byte=f"0x{data[exc.start]:02X}", position=exc.start) from exc
        encoding = "cp1252"
    bad = _CONTROL.search(text)
    if bad:
        line_no = text.count("\n", 0, bad.start()) + 1
        raise ImportRefused("imports.control_character", reason="binary",
                            character=f"U+{ord(bad.group()):04X}", line=line_no)
    return TextFile(text, encoding)


def split_lines(text: str) -> list[RawLine]:
    """Every physical line with its number; a final line end does not open a new line."""
    parts = _LINE_END.split(text)
    if parts and parts[-1] == "":
        parts.pop()
    return [RawLine(i, part) for i, part in enumerate(parts, start=1)]


def split_cells(line: str, separator: str = SEPARATOR) -> list[str]:
    """Cells of one line, unquoted and stripped (``separator``: one character).

    Raises ``ValueError`` whose text is an error code (``imports.quote_not_closed``,
    ``imports.text_after_quote``) for a line whose quotes cannot be read (the caller
    reports it on the line: a quoted cell cannot span lines here).
    """
    if '"' not in line:
        return [cell.strip(BLANKS) for cell in line.split(separator)]
    cells: list[str] = []
    current: list[str] = []
    i, n = 0, len(line)
    while True:
        # start of a cell: skip blanks, then a quoted or a plain cell
        while i < n and line[i] in BLANKS:
            i += 1
        if i < n and line[i] == '"':
            i += 1
            while True:
                end = line.find('"', i)
                if end < 0:
                    raise ValueError(QUOTE_NOT_CLOSED)
                current.append(line[i:end])
                if end + 1 < n and line[end + 1] == '"':
                    current.append('"')
                    i = end + 2
                    continue
                i = end + 1
                break
            sep = line.find(separator, i)
            rest = line[i:] if sep < 0 else line[i:sep]
            if rest.strip(BLANKS):
                raise ValueError(TEXT_AFTER_QUOTE)
            cells.append("".join(current).strip(BLANKS))
        else:
            sep = line.find(separator, i)
            cells.append((line[i:] if sep < 0 else line[i:sep]).strip(BLANKS))
        current = []
        if sep < 0:
            return cells
        i = sep + 1
