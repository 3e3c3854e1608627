"""A portfolio custom field's value against the format its definition gives (SPEC §7
"Custom fields: create with name and format"; issue 13 item 4 "custom-field formats").

A definition's ``format`` is one of :data:`FORMATS`: ``text`` takes any text (what no
column can hold is ``rules.text``'s business, checked for every input), ``date`` a
calendar date written as stored, ``YYYY-MM-DD`` (so values sort and filter as dates),
``number`` a decimal number such as ``12`` or ``-3.5`` (no thousands separators, a dot
for decimals, as a CSV import carries it). An empty value clears the field and is
always accepted.
"""

from __future__ import annotations

import re
from datetime import date

from cofatui.errors import FieldError

__all__ = ["FORMATS", "custom_field_value_errors"]

FORMATS = ("text", "date", "number")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_NUMBER = re.compile(r"-?\d{1,15}(\.\d{1,6})?", re.ASCII)


def custom_field_value_errors(slot: int, value: str, fmt: str) -> list[FieldError]:
    """The refusal of ``value`` typed in custom field ``slot`` (field
    ``custom_field_<slot>``) whose definition has format ``fmt``, as a list of at most
    one ``FieldError``. An unknown format is treated as text: definitions are data, and
    a value must stay editable whatever a definition says."""
    field = f"custom_field_{slot}"
    if not value.strip():
        return []
    if fmt == "date" and not _is_date(value):
        return [FieldError(field, "custom_fields.not_a_date", {"value": value})]
    if fmt == "number" and _NUMBER.fullmatch(value) is None:
        return [FieldError(field, "custom_fields.not_a_number", {"value": value})]
    return []


def _is_date(value: str) -> bool:
    if _DATE.fullmatch(value) is None:
        return False
    try:
        date.fromisoformat(value)
    except ValueError:  # 2026-02-30
        return False
    return True
