"""The custom-field import (seed 001 "GÉRER LES CHAMPS PERSONNALISÉS" 2c; issue 16 item 8):
a ``;``-separated file keyed by EasyNumber giving values of a contract's custom fields.

- **Columns**: ``EasyNumber`` (mandatory, named first or anywhere) and any of the eight
  fields, named by their name in English or French (the fixed ones), by their name
  (the free ones) or by their key (``client_reference``, ``custom_field_2``…). The
  seed's template is ``EasyNumber;Référence client;Montant total de l'encours``.
- **Encoding**: UTF-8 (with or without a byte-order mark), else Windows-1252; the
  result says which (the pipeline's :func:`~cofatui.formats.csv_lines.decode`).
- **EasyNumber**: digits, left-padded with zeros to 14 (head office) or 19 (branch), as
  a spreadsheet drops the leading zeros; a number seen on an earlier line is an error.
- **Cells**: empty leaves the value unchanged (as in bulk orders); ``-`` erases it;
  otherwise the value must fit the field: text at most 200 printable characters (the
  client reference 35), a date as ``2026-12-31`` or ``31/12/2026``, stored ISO; a
  number or an amount with a dot or a comma for decimals (spaces between groups
  allowed), amounts not negative with at most 3 decimals.
- At most :data:`MAX_LINES` lines.

Pure functions: :func:`import_spec` builds the pipeline's :class:`ImportSpec` for one
contract's fields; :func:`line_changes` is what one line asks to change (the
repository applies it).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from cofatui.errors import ValidationFailed
from cofatui.formats.imports import ImportColumn, ImportSpec, LineProblem
from cofatui.rules.custom_fields import (
    FIXED_NAMES,
    MAX_TEXT,
    field_key,
    number_text,
    parse_plain_number,
    value_problem,
)
from cofatui.rules.identifiers import normalize_easy_number
from cofatui.rules.numbers import amount_errors
from cofatui.rules.text import text_refusal

__all__ = ["ERASE", "KIND", "MAX_LINES", "TEMPLATE_HEADER", "Change", "FieldColumn",
           "columns_for", "import_spec", "line_changes", "template"]

KIND = "custom_fields"
ERASE = "-"
MAX_LINES = 100_000
MAX_BYTES = 16 * 1024 * 1024
MAX_REFERENCE = 35
TEMPLATE_HEADER = ("EasyNumber", "Référence client", "Montant total de l'encours")
_TYPED_DATE = re.compile(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})", re.ASCII)
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})", re.ASCII)

#: What a line changes: field key → new value (text, ISO date, number text, Decimal
#: amount), or None to erase it.
Change = dict[str, "str | Decimal | None"]


@dataclass(frozen=True)
class FieldColumn:
    key: str  # client_reference, outstanding_amount, internal_credit_limit, custom_field_N
    format: str  # text, money, date, number
    names: tuple[str, ...]


def columns_for(free: Mapping[int, tuple[str, str]]) -> tuple[FieldColumn, ...]:
    """The eight fields (or fewer) a file may name; ``free`` is slot → (name, format)."""
    fixed = tuple(FieldColumn(key, "text" if key == "client_reference" else "money",
                              (*names, key, key.replace("_", " ")))
                  for key, names in FIXED_NAMES.items())
    return fixed + tuple(FieldColumn(field_key(slot), fmt, (name, field_key(slot)))
                         for slot, (name, fmt) in sorted(free.items()))


def template(columns: tuple[FieldColumn, ...] | None = None) -> str:
    """The template's first line: the seed's three columns, or EasyNumber and the
    fields given (their first name)."""
    if columns is None:
        return ";".join(TEMPLATE_HEADER) + "\r\n"
    return ";".join(("EasyNumber", *(c.names[0] for c in columns))) + "\r\n"


def _padded(raw: str) -> str | LineProblem:
    if not raw.strip():
        return LineProblem("imports.easy_number_missing")
    try:
        return normalize_easy_number(raw)
    except ValidationFailed as exc:
        first = exc.errors[0]
        return LineProblem(first.code, dict(first.params))


def _date(text: str) -> str | None:
    iso, typed = _ISO_DATE.fullmatch(text), _TYPED_DATE.fullmatch(text)
    try:
        if iso is not None:
            return date(int(iso[1]), int(iso[2]), int(iso[3])).isoformat()
        if typed is not None:
            return date(int(typed[3]), int(typed[2]), int(typed[1])).isoformat()
    except ValueError:  # 31/02/2026
        return None
    return None


def _cell(column: FieldColumn, raw: str) -> str | Decimal | LineProblem:
    """A non-empty cell, other than ``-``, read for its field."""
    text = raw.strip()
    label = {"field": column.names[0]}
    if column.format == "money":
        amount = parse_plain_number(text)
        if amount is None:
            return LineProblem("custom_fields.import_not_an_amount", {**label, "value": text[:40]})
        if amount < 0:
            return LineProblem("custom_fields.import_negative", label)
        refused = amount_errors(column.key, amount)
        if refused:
            return LineProblem(refused[0].code, dict(refused[0].params))
        return amount
    if column.format == "date":
        iso = _date(text)
        if iso is None:
            return LineProblem("custom_fields.import_not_a_date", {**label, "value": text[:40]})
        return iso
    if column.format == "number":
        number = parse_plain_number(text)
        stored = None if number is None else number_text(number)
        if stored is None or value_problem(stored, "number") is not None:
            return LineProblem("custom_fields.import_not_a_number",
                               {**label, "value": text[:40]})
        return stored
    limit = MAX_REFERENCE if column.key == "client_reference" else MAX_TEXT
    refusal = text_refusal(text, max_chars=limit)
    if refusal is not None:
        return LineProblem("custom_fields.import_text", {**label, "max": limit})
    return text


def line_changes(values: Mapping[str, str], columns: tuple[FieldColumn, ...]
                 ) -> tuple[str, Change] | LineProblem:
    """The padded EasyNumber of a line and the changes it asks, or its first problem."""
    easy = _padded(values.get("easy_number", ""))
    if isinstance(easy, LineProblem):
        return easy
    changes: Change = {}
    for column in columns:
        raw = values.get(column.key)
        if raw is None or not raw.strip():
            continue  # an empty cell leaves the value unchanged
        if raw.strip() == ERASE:
            changes[column.key] = None
            continue
        read = _cell(column, raw)
        if isinstance(read, LineProblem):
            return read
        changes[column.key] = read
    return easy, changes


def import_spec(columns: tuple[FieldColumn, ...],
                read_lines: dict[int, tuple[str, Change]] | None = None) -> ImportSpec:
    """The pipeline's spec for a contract's fields: EasyNumber required, every field
    optional; a line is checked by :func:`line_changes`, and an EasyNumber seen on an
    earlier line is an error (so a spec serves one reading of one file). ``read_lines``
    receives each accepted line's reading, keyed by ``id()`` of its values."""

    seen: set[str] = set()  # a spec serves one reading of one file

    def check(values: dict[str, str]) -> LineProblem | None:
        read = line_changes(values, columns)
        if isinstance(read, LineProblem):
            return read
        if read[0] in seen:
            return LineProblem("custom_fields.import_repeated", {"easy_number": read[0]})
        seen.add(read[0])
        if read_lines is not None:  # the applier takes it from there (keyed by the line)
            read_lines[id(values)] = read
        return None

    return ImportSpec(
        kind=KIND,
        columns=(ImportColumn("easy_number", ("EasyNumber", "easy_number", "Easy number")),
                 *(ImportColumn(c.key, c.names, required=False) for c in columns)),
        check_line=check, max_bytes=MAX_BYTES, max_lines=MAX_LINES)
