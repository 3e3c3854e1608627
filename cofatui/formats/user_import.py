"""The user import (seed 001 "IMPORTATION DE LA LISTE DES UTILISATEURS"; issue 16 item 6):
a ``;``-separated CSV or an XLSX sheet, one user per line, read into checked lines.

- **Columns** (the template, :data:`TEMPLATE_HEADER`):
  ``title;last_name;first_name;phone;fax;email;language;default_contract;rights``, in any
  order, named by their key, their key with spaces, or their English or French label
  (``Civilité``, ``Nom``…). ``language``, ``default_contract`` and ``rights`` may be left
  out of the file.
- **CSV**: the file-import pipeline (:mod:`cofatui.formats.imports`): UTF-8 with or
  without a byte-order mark, else Windows-1252; CRLF, LF or CR line ends; cells stripped
  of surrounding blanks, quoted as Excel quotes them; blank lines skipped.
- **XLSX**: the active sheet, read with openpyxl after the archive's size was checked;
  a row is a line (numbered as the sheet numbers it), a cell's value is its text (a
  number typed in a cell reads without ``.0``, a date as ISO), line breaks inside a
  cell read as spaces. Only the first :data:`MAX_COLUMNS` columns are read.
- **Cells**: every field is checked by the rules of user creation
  (:func:`cofatui.rules.user_fields.new_user_fields`): civilité ``mr``/``mrs``/``ms``,
  names, phone and fax (stored as E.164), e-mail, language (empty: the importer's);
  ``default_contract`` is a policy number (empty: the contract imported into);
  ``rights`` is ``full`` or ``read_only`` (empty: full). All the faults of a line are
  reported together (``user_import.invalid_fields``, one coded problem per column).
- **Duplicates**: an e-mail address (in any case) already on an earlier line is an
  error of the later line (``user_import.duplicate_email``).
- At most :data:`MAX_LINES` lines; more refuse the file whole.

Pure functions: :func:`read` gives the pipeline's :class:`~cofatui.formats.imports.ReadFile`
(or raises ImportRefused), :func:`check_lines` the lines to apply and those in error;
the repository (``repository/sql/users_import.py``) applies them all-or-nothing.
"""

from __future__ import annotations

import io
import warnings
import zipfile
from dataclasses import dataclass, replace
from datetime import date, datetime, time

from cofatui.enums import Rights, Role
from cofatui.errors import FieldError
from cofatui.formats import imports as pipeline
from cofatui.formats.csv_lines import BLANKS, ImportRefused
from cofatui.formats.imports import ImportColumn, ImportSpec, LineOutcome, LineProblem
from cofatui.i18n.messages import Term
from cofatui.rules.user_fields import NewUserFields, new_user_fields

__all__ = ["ENCODING_XLSX", "KIND", "LINE_CODES", "MAX_LINES", "OUTCOME_CODES", "REFUSALS",
           "TEMPLATE_HEADER", "UserLine", "check_lines", "line_of", "read", "spec_for",
           "template_csv", "template_xlsx"]

KIND = "users"
MAX_LINES = 500
#: 500 lines of nine short cells are ~100 KB; a sheet with styles a few times more.
MAX_CSV_BYTES = 1024 * 1024
MAX_XLSX_BYTES = 2 * 1024 * 1024
#: What the archive's parts may hold once inflated (a "zip bomb" is refused first).
MAX_XLSX_INFLATED = 32 * 1024 * 1024
#: Sheet rows read at most, blank ones included (a row numbered far down is refused
#: rather than read through a million empty rows).
MAX_SHEET_ROWS = 10_000
MAX_COLUMNS = 64
ENCODING_XLSX = "xlsx"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

#: The template's columns, in order.
TEMPLATE_HEADER = ("title", "last_name", "first_name", "phone", "fax", "email", "language",
                   "default_contract", "rights")
_LABELS: dict[str, tuple[str, ...]] = {
    "title": ("Title", "Civilité", "Civilite"),
    "last_name": ("Last name", "Nom"),
    "first_name": ("First name", "Prénom", "Prenom"),
    "phone": ("Phone", "Téléphone", "Telephone"),
    "fax": ("Fax",),
    "email": ("E-mail", "Email", "Mail"),
    "language": ("Language", "Langue"),
    "default_contract": ("Default contract", "Contrat par défaut", "Contrat par defaut"),
    "rights": ("Rights", "Droits"),
}
_OPTIONAL = frozenset({"language", "default_contract", "rights"})
#: Rights a line may give (empty: full).
RIGHTS = (Rights.FULL.value, Rights.READ_ONLY.value)
MAX_POLICY = 35

#: Every ``ImportRefused.reason`` :func:`read` raises.
REFUSALS = pipeline.REFUSALS | {"sheet_unreadable", "sheet_too_large", "sheet_too_long"}
#: Every code a line in error carries (besides the pipeline's: quotes, cell count) and
#: every code of a line applied.
LINE_CODES = frozenset({"user_import.invalid_fields", "user_import.duplicate_email",
                        "imports.quote_not_closed", "imports.text_after_quote",
                        "imports.cell_count"})
#: The outcome of a line applied (status ``ok``): the user created, attached, or
#: already attached.
OUTCOME_CODES = frozenset({"user_import.created", "user_import.attached",
                           "user_import.unchanged"})

@dataclass(frozen=True)
class UserLine:
    """A line whose every cell is right: the user to create or attach."""

    line_no: int
    fields: NewUserFields  # checked and normalised by the rules of user creation
    default_contract: str  # a policy number; "" for the contract imported into
    rights: str

    @property
    def email(self) -> str:
        return self.fields.email


def _columns() -> tuple[ImportColumn, ...]:
    return tuple(ImportColumn(key, (key, key.replace("_", " "), *_LABELS[key]),
                              required=key not in _OPTIONAL) for key in TEMPLATE_HEADER)


SPEC = ImportSpec(kind=KIND, columns=_columns(), check_line=lambda values: None,
                  max_bytes=MAX_CSV_BYTES, max_lines=MAX_LINES)


# --- reading --------------------------------------------------------------------------


def is_xlsx(content: bytes) -> bool:
    """Whether ``content`` is a ZIP archive (an XLSX; another archive is refused as an
    unreadable sheet)."""
    return content.startswith(b"PK\x03\x04")


def read(content: bytes) -> pipeline.ReadFile:
    """The file's lines, or ImportRefused (``reason`` in :data:`REFUSALS`). A sheet's
    ``encoding`` is :data:`ENCODING_XLSX`."""
    if not is_xlsx(content):
        return pipeline.read_file(content, SPEC)
    text = _sheet_text(content)
    found = pipeline.read_file(text.encode("utf-8"), replace(SPEC, max_bytes=len(text) * 4 + 16))
    return replace(found, encoding=ENCODING_XLSX)


def _sheet_text(content: bytes) -> str:
    """The active sheet as ``;`` text, one line per row (so line numbers are row
    numbers), cells quoted where needed."""
    if len(content) > MAX_XLSX_BYTES:
        raise ImportRefused("imports.too_large", reason="too_large", size=len(content),
                            max=MAX_XLSX_BYTES)
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            inflated = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError,
            NotImplementedError) as exc:
        raise ImportRefused("user_import.sheet_unreadable", reason="sheet_unreadable") from exc
    if inflated > MAX_XLSX_INFLATED:
        raise ImportRefused("user_import.sheet_too_large", reason="sheet_too_large",
                            max=MAX_XLSX_INFLATED)
    rows = _sheet_rows(content)
    width = 0
    lines: list[str] = []
    for cells in rows:
        if not width and any(cells):
            width = max(i + 1 for i, cell in enumerate(cells) if cell)  # the header's
        kept = cells[:width] if not any(cells[width:]) else cells
        lines.append(";".join(_quoted(cell) for cell in kept) if any(kept) else "")
    return "\n".join(lines) + "\n"


def _sheet_rows(content: bytes) -> list[list[str]]:
    import openpyxl  # only for sheets

    rows: list[list[str]] = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "unknown extension", data validation…
            book = openpyxl.load_workbook(io.BytesIO(content), read_only=True,
                                          data_only=True)
            try:
                sheet = book.active
                if sheet is None:
                    raise ImportRefused("user_import.sheet_unreadable",
                                        reason="sheet_unreadable")
                for values in sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS):
                    if len(rows) >= MAX_SHEET_ROWS:
                        raise ImportRefused("user_import.sheet_too_long",
                                            reason="sheet_too_long", max=MAX_SHEET_ROWS)
                    rows.append([_cell_text(value) for value in values])
            finally:
                book.close()
    except ImportRefused:
        raise
    except Exception as exc:  # a hostile archive may break the reader anywhere
        raise ImportRefused("user_import.sheet_unreadable", reason="sheet_unreadable") from exc
    return rows


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return (value.date().isoformat() if value.time() == time() else
                value.isoformat(timespec="seconds"))
    if isinstance(value, (date, time)):
        return value.isoformat()
    text = str(value)
    # A line break typed in a cell (Alt+Enter) reads as a space; any other control
    # character stays, for the field's check to refuse.
    return " ".join(text.replace("\r\n", "\n").replace("\r", "\n").split("\n")).strip(BLANKS)


def _quoted(cell: str) -> str:
    if any(ch in cell for ch in ';"') or cell != cell.strip(BLANKS):
        return '"' + cell.replace('"', '""') + '"'
    return cell


# --- checking -------------------------------------------------------------------------


def _rights(raw: str) -> str | FieldError:
    value = raw.strip().lower() or Rights.FULL.value
    if value not in RIGHTS:
        return FieldError("rights", "user_import.rights_one_of",
                          {"value": raw[:20], "choices": list(RIGHTS)})
    return value


def _policy(raw: str) -> str | FieldError:
    text = raw.strip()
    if len(text) > MAX_POLICY or any(ord(ch) < 32 or 0x7F <= ord(ch) <= 0x9F for ch in text):
        return FieldError("default_contract", "user_import.policy_format", {"max": MAX_POLICY})
    return text


def _problem(errors: list[FieldError]) -> LineProblem:
    order = {key: i for i, key in enumerate(TEMPLATE_HEADER)}
    errors = sorted(errors, key=lambda e: order.get(e.field, len(order)))
    return LineProblem("user_import.invalid_fields", {
        "columns": list(dict.fromkeys(e.field for e in errors)),
        "problems": [Term.of("errors.user_import.in_column", column=e.field,
                             problem=Term(f"errors.{e.code}", tuple(sorted(e.params.items()))))
                     for e in errors]})


def line_of(line: pipeline.DataLine, default_language: str) -> UserLine | LineProblem:
    """One line read and checked by the rules of user creation: the user it names, or
    every fault of its cells."""
    cells = {key: line.values.get(key, "").strip(BLANKS) for key in TEMPLATE_HEADER}
    fields: dict[str, object] = {key: cells[key] for key in TEMPLATE_HEADER
                                 if key not in ("default_contract", "rights")}
    fields["language"] = cells["language"] or default_language
    fields["role"] = Role.POLICYHOLDER.value
    user, errors = new_user_fields(fields)
    rights, policy = _rights(cells["rights"]), _policy(cells["default_contract"])
    errors += [e for e in (rights, policy) if isinstance(e, FieldError)]
    if user is None or errors:
        return _problem(errors)
    assert isinstance(rights, str) and isinstance(policy, str)
    return UserLine(line.line_no, user, default_contract=policy, rights=rights)


def spec_for(found: pipeline.ReadFile, default_language: str,
             accepted: dict[int, UserLine] | None = None) -> ImportSpec:
    """The pipeline's spec for one reading of one file: a line is checked by
    :func:`line_of`, and an e-mail address already on an earlier line is an error.
    ``accepted`` receives each accepted line's user, keyed by ``id()`` of its values
    (what the repository's applier is given)."""
    line_nos = {id(line.values): line.line_no for line in found.lines}
    seen: dict[str, int] = {}

    def check(values: dict[str, str]) -> LineProblem | None:
        line_no = line_nos.get(id(values), 0)
        user = line_of(pipeline.DataLine(line_no, values), default_language)
        if isinstance(user, LineProblem):
            return user
        key = user.email.casefold()
        if key in seen:
            return LineProblem("user_import.duplicate_email",
                               {"email": user.email, "line": seen[key]})
        seen[key] = line_no
        if accepted is not None:
            accepted[id(values)] = user
        return None

    return replace(SPEC, check_line=check)


def check_lines(found: pipeline.ReadFile, default_language: str
                ) -> tuple[list[UserLine], list[LineOutcome]]:
    """The users of the lines to apply and an error outcome for every other line (the
    unreadable ones included): together, every line of the file once."""
    accepted: dict[int, UserLine] = {}
    valid, refused = pipeline.check_lines(found, spec_for(found, default_language, accepted))
    return [accepted[id(line.values)] for line in valid], refused


# --- the template ---------------------------------------------------------------------


def template_csv() -> bytes:
    """The template as a CSV: the column names, ``;``, UTF-8 with a byte-order mark
    (Excel then reads accents right)."""
    return ("\ufeff" + ";".join(TEMPLATE_HEADER) + "\r\n").encode("utf-8")


def template_xlsx() -> bytes:
    """The template as an XLSX sheet: the column names on the first row, every cell
    text (a phone number keeps its leading zero)."""
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("users")
    text = book.add_format({"num_format": "@"})
    bold = book.add_format({"bold": True, "num_format": "@"})
    sheet.set_column(0, len(TEMPLATE_HEADER) - 1, 18, text)
    sheet.write_row(0, 0, TEMPLATE_HEADER, bold)
    sheet.freeze_panes(1, 0)
    book.close()
    return out.getvalue()
