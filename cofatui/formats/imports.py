"""The file-import pipeline shared by every import: read → structure → lines.

1. **Read** (:func:`cofatui.formats.csv_lines.decode`): the size limit of the import,
   UTF-8 with or without a byte-order mark, else Windows-1252; UTF-16 and binary files
   are refused.
2. **Structure** (:func:`read_file`): the first non-blank line is the header; every
   required column must be named once, no unknown column, at least one data line and
   no more than the import's limit. A file failing here is refused whole, with one of
   the :data:`REFUSALS` codes, and nothing of it is applied.
3. **Lines** (:func:`check_lines`): each data line is checked on its own (a malformed
   quote or a wrong number of cells is that line's error, not the file's); a line's
   problems carry a stable code, parameters and an English sentence for scripts.

Applying the lines (per line or all-or-nothing) and storing the result are the
repository's part (``repository/sql/imports.py``); :func:`summarise` gives the status
both report. Pure functions: no database, no Textual.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from cofatui.formats.csv_lines import BLANKS, ImportRefused, decode, split_cells, split_lines

__all__ = ["REFUSALS", "DataLine", "ImportColumn", "ImportRefused", "ImportSpec", "LineOutcome",
           "LineProblem", "ReadFile", "check_lines", "read_file", "summarise"]

#: Every reason a file is refused whole (``ImportRefused.reason``).
REFUSALS = frozenset({"too_large", "utf16", "binary", "empty", "missing_column",
                      "unknown_column", "duplicate_column", "too_many_lines"})

# Line statuses and import statuses, as ``schemas_jobs`` names them.
ERROR, NOT_APPLIED, OK = "error", "not_applied", "ok"
SUCCEEDED, PARTIALLY_SUCCEEDED, FAILED = "succeeded", "partially_succeeded", "failed"


@dataclass(frozen=True)
class ImportColumn:
    key: str
    headers: tuple[str, ...]  # accepted header names, compared case-insensitively
    required: bool = True


@dataclass(frozen=True)
class LineProblem:
    code: str
    message: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ImportSpec:
    kind: str
    columns: tuple[ImportColumn, ...]
    check_line: Callable[[dict[str, str]], LineProblem | None]
    max_bytes: int = 5 * 1024 * 1024
    max_lines: int = 100_000


@dataclass(frozen=True)
class DataLine:
    line_no: int
    values: dict[str, str]


@dataclass(frozen=True)
class LineOutcome:
    line_no: int
    status: str
    code: str = ""
    message: str = ""
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ReadFile:
    encoding: str
    lines: list[DataLine]  # lines whose cells could be read
    unreadable: list[LineOutcome]  # lines refused for their shape (quotes, cell count)

    @property
    def total(self) -> int:
        return len(self.lines) + len(self.unreadable)


def _norm(text: str) -> str:
    return " ".join(text.strip(BLANKS).lower().split())


def read_file(data: bytes, spec: ImportSpec) -> ReadFile:
    """Read and check the structure of ``data``; ImportRefused (reason in REFUSALS)."""
    decoded = decode(data, spec.max_bytes)
    raw = [line for line in split_lines(decoded.text) if line.text.strip(BLANKS)]
    if not raw:
        raise ImportRefused("The file is empty.", "empty")
    header, body = raw[0], raw[1:]
    try:
        names = [_norm(cell) for cell in split_cells(header.text)]
    except ValueError as exc:
        raise ImportRefused(f"The first line (the column names) cannot be read: {exc}.",
                            "missing_column") from exc
    positions: dict[str, int] = {}
    for index, name in enumerate(names):
        column = next((c for c in spec.columns if name in {_norm(h) for h in c.headers}), None)
        if column is None:
            raise ImportRefused(f"Unknown column {name!r} in the first line; expected: "
                                f"{_expected(spec)}.", "unknown_column")
        if column.key in positions:
            raise ImportRefused(f"The column {name!r} is named twice.", "duplicate_column")
        positions[column.key] = index
    missing = [c.headers[0] for c in spec.columns if c.required and c.key not in positions]
    if missing:
        raise ImportRefused(f"Missing column(s) {', '.join(missing)} in the first line; "
                            f"expected: {_expected(spec)}.", "missing_column")
    if not body:
        raise ImportRefused("The file holds column names but no line to import.", "empty")
    if len(body) > spec.max_lines:
        raise ImportRefused(f"The file has {len(body):,} lines: at most {spec.max_lines:,} "
                            "can be imported at once.", "too_many_lines")
    lines: list[DataLine] = []
    unreadable: list[LineOutcome] = []
    for line in body:
        try:
            cells = split_cells(line.text)
        except ValueError as exc:
            unreadable.append(LineOutcome(line.line_no, ERROR, "bad_quotes", f"{exc}."))
            continue
        if len(cells) != len(names):
            unreadable.append(LineOutcome(
                line.line_no, ERROR, "cell_count",
                f"{len(cells)} cells where the first line names {len(names)}.",
                {"found": len(cells), "expected": len(names)}))
            continue
        lines.append(DataLine(line.line_no, {key: cells[i] for key, i in positions.items()}))
    return ReadFile(decoded.encoding, lines, unreadable)


def _expected(spec: ImportSpec) -> str:
    return ";".join(c.headers[0] for c in spec.columns)


def check_lines(read: ReadFile, spec: ImportSpec
                ) -> tuple[list[DataLine], list[LineOutcome]]:
    """The lines that pass the import's own check, and an outcome for each that does
    not (the unreadable ones included)."""
    valid: list[DataLine] = []
    refused = list(read.unreadable)
    for line in read.lines:
        problem = spec.check_line(line.values)
        if problem is None:
            valid.append(line)
        else:
            refused.append(LineOutcome(line.line_no, ERROR, problem.code, problem.message,
                                       problem.params))
    return valid, refused


def summarise(outcomes: Sequence[LineOutcome]) -> tuple[str, int, int]:
    """(status, lines applied, lines in error) of a finished import."""
    ok = sum(1 for o in outcomes if o.status == OK)
    errors = sum(1 for o in outcomes if o.status == ERROR)
    if ok and not errors and ok == len(outcomes):
        return SUCCEEDED, ok, errors
    return (PARTIALLY_SUCCEEDED if ok else FAILED), ok, errors
