"""The file-import pipeline shared by every import: read → structure → lines.

1. **Read** (:func:`cofatui.formats.csv_lines.decode`): the size limit of the import,
   UTF-8 with or without a byte-order mark, else Windows-1252; UTF-16 and binary files
   are refused.
2. **Structure** (:func:`check_structure`, described by a :class:`Structure`): blank
   lines are skipped; a header either names the columns (the first non-blank line,
   every required column named once, no unknown one) or is optional and recognised by
   its first cell (the claim files, whose columns are positional); at least one data
   line and no more than the import's limit; and, when the import says so, most lines
   must have the expected number of columns (a file with no separator at all is told
   so). A file failing here is refused whole, with one of the :data:`REFUSALS` reasons
   and the import's own refusal code (:class:`Wording`), and nothing of it is applied.
   :func:`read_file` is read + structure for the imports described by an
   :class:`ImportSpec`; the claim CSV imports (``claim_csv``) call the same two steps.
3. **Lines** (:func:`check_lines`): each data line is checked on its own (a malformed
   quote or a wrong number of cells is that line's error, not the file's); a line's
   problems carry a stable code (``imports.*``) and parameters; their English text
   (``message``, stored for scripts) is rendered from the catalog.

Applying the lines (per line or all-or-nothing) and storing the result are the
repository's part (``repository/sql/imports.py``); :func:`summarise` gives the status
both report. Pure functions: no database, no Textual.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from cofatui.errors import CofaError, ValidationFailed, message_text
from cofatui.formats.csv_lines import (
    BLANKS,
    SEPARATOR,
    ImportRefused,
    decode,
    split_cells,
    split_lines,
)
from cofatui.i18n.messages import Term

__all__ = ["REFUSALS", "DataLine", "ImportColumn", "ImportRefused", "ImportSpec", "LineOutcome",
           "LineProblem", "ReadFile", "Row", "Structure", "Structured", "Wording",
           "check_lines", "check_structure", "read_file", "summarise"]

#: Every reason a file is refused whole (``ImportRefused.reason``).
REFUSALS = frozenset({"too_large", "utf16", "binary", "empty", "missing_column",
                      "unknown_column", "duplicate_column", "too_many_lines", "no_separator",
                      "columns"})

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
    """Why one line of an import is refused: an error code and its parameters."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def message(self) -> str:
        """The problem in English (what the import stores for scripts)."""
        return message_text(self.code, self.params, "en")

    @classmethod
    def of(cls, error: CofaError) -> LineProblem:
        """A refusal raised while applying a line, as that line's problem (a
        ``ValidationFailed`` by its first field's refusal)."""
        if isinstance(error, ValidationFailed) and error.errors:
            first = error.errors[0]
            return cls(first.code, dict(first.params))
        return cls(error.code, dict(error.params))


@dataclass(frozen=True)
class ImportSpec:
    kind: str
    columns: tuple[ImportColumn, ...]
    check_line: Callable[[dict[str, str]], LineProblem | None]
    max_bytes: int = 5 * 1024 * 1024
    max_lines: int = 100_000
    refuse_wrong_columns: bool = False  # see Structure; off: a wrong width is a line's error

    @property
    def structure(self) -> Structure:
        return Structure(self.columns, self.max_lines,
                         refuse_wrong_columns=self.refuse_wrong_columns)


@dataclass(frozen=True)
class DataLine:
    line_no: int
    values: dict[str, str]


@dataclass(frozen=True)
class LineOutcome:
    line_no: int
    status: str
    code: str = ""
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def message(self) -> str:
        """The line's problem in English, for scripts ("" when it has none)."""
        return message_text(self.code, self.params, "en") if self.code else ""


@dataclass(frozen=True)
class ReadFile:
    encoding: str
    lines: list[DataLine]  # lines whose cells could be read
    unreadable: list[LineOutcome]  # lines refused for their shape (quotes, cell count)

    @property
    def total(self) -> int:
        return len(self.lines) + len(self.unreadable)


@dataclass(frozen=True)
class Wording:
    """The structural refusals, as errors. An import whose users need other words (the
    claim files name their kind of line) subclasses it; the reasons stay the same."""

    def empty(self, has_header: bool) -> ImportRefused:
        return ImportRefused("imports.header_only" if has_header else "imports.empty",
                             reason="empty")

    def too_many_lines(self, count: int, limit: int) -> ImportRefused:
        return ImportRefused("imports.too_many_lines", reason="too_many_lines", count=count,
                             max=limit)

    def no_separator(self, separator: str, sample: str) -> ImportRefused:
        code = ("imports.no_separator_commas" if "," in sample
                else "imports.no_separator_tabs" if "\t" in sample else "imports.no_separator")
        return ImportRefused(code, reason="no_separator", separator=separator)

    def wrong_columns(self, common: int, expected: int) -> ImportRefused:
        return ImportRefused("imports.wrong_columns", reason="columns", found=common,
                             count=expected)


@dataclass(frozen=True)
class Structure:
    """What a file must look like to be read line by line.

    ``columns`` is either the columns a header line must name (any order, the header
    required) or the number of positional columns (the header optional: a first line
    whose first cell, in any case, is one of ``header_words``)."""

    columns: tuple[ImportColumn, ...] | int
    max_lines: int
    header_words: frozenset[str] = frozenset()
    separator: str = SEPARATOR
    skip_empty_rows: bool = False  # a row of separators only (an empty spreadsheet row)
    trailing_empty_cell: bool = False  # one empty cell after the last column is tolerated
    # Most lines with the wrong number of columns refuse the file: it is another kind of
    # file, or another separator, rather than a few lines to correct.
    refuse_wrong_columns: bool = False
    wording: Wording = Wording()


@dataclass(frozen=True)
class Row:
    line_no: int
    cells: list[str]  # a line whose quotes cannot be read: its whole text, as one cell
    broken: str | None = None  # why the cells cannot be read (the line's error, not the file's)


@dataclass(frozen=True)
class Structured:
    header: list[str] | None  # the header's cells (named columns: normalised); None: no header
    rows: list[Row]  # the data lines, blank ones left out
    positions: dict[str, int]  # named columns: column key → cell index; positional: empty


def _norm(text: str) -> str:
    return " ".join(text.strip(BLANKS).lower().split())


def _header_word(cell: str) -> str:
    return " ".join(cell.casefold().replace("_", " ").split())


def check_structure(text: str, structure: Structure) -> Structured:
    """The structural step, on decoded text: the header and the data lines' cells, or
    ImportRefused (reason in REFUSALS) with the import's wording."""
    named = not isinstance(structure.columns, int)
    header: list[str] | None = None
    rows: list[Row] = []
    for raw in split_lines(text):
        if not raw.text.strip(BLANKS):
            continue
        try:
            cells, broken = split_cells(raw.text, structure.separator), None
        except ValueError as exc:
            if named and header is None:
                raise ImportRefused("imports.header_unreadable", reason="missing_column",
                                    problem=Term(f"errors.{exc}")) from exc
            cells, broken = [raw.text.strip()], str(exc)
        if structure.skip_empty_rows and not any(cells):
            continue
        if header is None and not rows and (
                named or _header_word(cells[0]) in structure.header_words):
            header = cells
            continue
        rows.append(Row(raw.line_no, cells, broken))
    positions: dict[str, int] = {}
    if isinstance(structure.columns, tuple):
        header = [_norm(cell) for cell in header or []]
        if not header:
            raise structure.wording.empty(False)
        positions = _positions(header, structure.columns)
        expected = len(header)
    else:
        expected = structure.columns
    if not rows:
        raise structure.wording.empty(header is not None)
    if len(rows) > structure.max_lines:
        raise structure.wording.too_many_lines(len(rows), structure.max_lines)
    if structure.refuse_wrong_columns:
        _check_column_counts(rows, expected, structure)
    return Structured(header, rows, positions)


def _positions(names: list[str], columns: tuple[ImportColumn, ...]) -> dict[str, int]:
    positions: dict[str, int] = {}
    for index, name in enumerate(names):
        column = next((c for c in columns if name in {_norm(h) for h in c.headers}), None)
        if column is None:
            raise ImportRefused("imports.unknown_column", reason="unknown_column", name=name,
                                expected=_expected(columns))
        if column.key in positions:
            raise ImportRefused("imports.duplicate_column", reason="duplicate_column",
                                name=name)
        positions[column.key] = index
    missing = [c.headers[0] for c in columns if c.required and c.key not in positions]
    if missing:
        raise ImportRefused("imports.missing_columns", reason="missing_column",
                            columns=missing, count=len(missing), expected=_expected(columns))
    return positions


def _check_column_counts(rows: list[Row], expected: int, structure: Structure) -> None:
    if expected > 1 and all(len(row.cells) == 1 and not row.broken for row in rows):
        raise structure.wording.no_separator(structure.separator, rows[0].cells[0])
    counts = Counter(_count(row.cells, expected, structure) for row in rows)
    wrong = sum(n for count, n in counts.items() if count != expected)
    if wrong * 2 > len(rows):
        common = counts.most_common(1)[0][0]
        raise structure.wording.wrong_columns(common, expected)


def _count(cells: list[str], expected: int, structure: Structure) -> int:
    """Columns of a line, a tolerated empty column after the last one not counted."""
    n = len(cells)
    return (n - 1 if structure.trailing_empty_cell and n == expected + 1 and cells[-1] == ""
            else n)


def read_file(data: bytes, spec: ImportSpec) -> ReadFile:
    """Read and check the structure of ``data``; ImportRefused (reason in REFUSALS)."""
    decoded = decode(data, spec.max_bytes)
    found = check_structure(decoded.text, spec.structure)
    expected = len(found.header or ())
    lines: list[DataLine] = []
    unreadable: list[LineOutcome] = []
    for row in found.rows:
        if row.broken is not None:
            unreadable.append(LineOutcome(row.line_no, ERROR, row.broken))
            continue
        cells = row.cells
        if len(cells) != expected:
            unreadable.append(LineOutcome(row.line_no, ERROR, "imports.cell_count",
                                          {"found": len(cells), "count": expected}))
            continue
        lines.append(DataLine(row.line_no, {key: cells[i] for key, i in found.positions.items()}))
    return ReadFile(decoded.encoding, lines, unreadable)


def _expected(columns: tuple[ImportColumn, ...]) -> str:
    return ";".join(c.headers[0] for c in columns)


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
            refused.append(LineOutcome(line.line_no, ERROR, problem.code, problem.params))
    return valid, refused


def summarise(outcomes: Sequence[LineOutcome]) -> tuple[str, int, int]:
    """(status, lines applied, lines in error) of a finished import."""
    ok = sum(1 for o in outcomes if o.status == OK)
    errors = sum(1 for o in outcomes if o.status == ERROR)
    if ok and not errors and ok == len(outcomes):
        return SUCCEEDED, ok, errors
    return (PARTIALLY_SUCCEEDED if ok else FAILED), ok, errors
