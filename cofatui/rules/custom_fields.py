"""A contract's custom fields (SPEC §7, seed 001 "GÉRER LES CHAMPS PERSONNALISÉS";
issue 16 item 8): their names, their formats and the values they take.

Eight fields per contract. The three **fixed** ones (:data:`FIXED_FIELDS`: client
reference, outstanding amount, internal credit limit) are columns of the portfolio
entry; they cannot be renamed, reformatted or deleted, and the amounts are money in the
contract's currency. The five **free** ones (slots 1..5) are created by the user with a
name (at most :data:`MAX_NAME` characters, unique among the eight, compared without
case or surrounding spaces, in both languages for the fixed names) and a format:

- ``text``: at most :data:`MAX_TEXT` printable characters on one line;
- ``date``: stored as ISO ``YYYY-MM-DD`` (so values sort and filter as dates); the
  screens read what the user types in their date order and send it as ISO;
- ``number``: stored as a plain decimal such as ``12`` or ``-3.5`` (no thousands
  separators, a dot for decimals, at most 15 digits and 6 decimals); the screens read
  what is typed in the user's language (``tui/kit/typed_input``) and send it so.

An empty value clears the field and is always accepted. A format may change only when
every stored value fits the new one (:func:`value_fits`); values that stopped fitting
(data from before these rules) are kept and listed for fixing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from decimal import Decimal, InvalidOperation

from cofatui.errors import FieldError
from cofatui.rules.text import text_refusal

__all__ = ["FIXED_FIELDS", "FIXED_NAMES", "FORMATS", "FREE_SLOTS", "MAX_NAME", "MAX_TEXT",
           "custom_field_value_errors", "field_key", "format_errors", "name_errors",
           "name_key", "number_text", "parse_plain_number", "slot_errors", "value_fits",
           "value_problem"]

FORMATS = ("text", "date", "number")
FREE_SLOTS = (1, 2, 3, 4, 5)
MAX_NAME = 60
MAX_TEXT = 200
#: The fixed fields, by key (the portfolio entry's column), with their names in every
#: language: a free field may take none of them.
FIXED_NAMES: dict[str, tuple[str, ...]] = {
    "client_reference": ("Client reference", "Référence client"),
    "outstanding_amount": ("Outstanding amount", "Montant total de l'encours",
                           "Montant total de l’encours"),
    "internal_credit_limit": ("Internal credit limit", "Limite de crédit interne"),
}
FIXED_FIELDS = tuple(FIXED_NAMES)

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_NUMBER = re.compile(r"-?\d{1,15}(\.\d{1,6})?", re.ASCII)


def field_key(slot: int) -> str:
    """The field a free slot's value is refused at (``custom_field_<slot>``)."""
    return f"custom_field_{slot}"


def name_key(name: str) -> str:
    """What two names are compared by: no surrounding spaces, no case, single spaces,
    one kind of apostrophe."""
    return " ".join(name.replace("’", "'").casefold().split())


def slot_errors(slot: int, field: str = "slot") -> list[FieldError]:
    """A free slot is 1..5; the fixed fields have none (they cannot be changed)."""
    if slot not in FREE_SLOTS:
        return [FieldError(field, "custom_fields.not_a_free_slot", {"slot": slot})]
    return []


def name_errors(name: str, others: Iterable[str], field: str = "name") -> list[FieldError]:
    """The refusal of ``name`` for a free field, ``others`` being the names of the
    contract's other free fields (the fixed names are always taken)."""
    stripped = name.strip()
    if not stripped:
        return [FieldError(field, "common.mandatory")]
    if len(stripped) > MAX_NAME:
        return [FieldError(field, "common.too_long", {"max": MAX_NAME, "length": len(stripped)})]
    refusal = text_refusal(stripped)
    if refusal is not None:
        return [FieldError(field, refusal[0], refusal[1])]
    key = name_key(stripped)
    taken = {name_key(n) for names in FIXED_NAMES.values() for n in names}
    taken.update(("easynumber", "easy number"))  # the import's key column
    taken.update(name_key(o) for o in others)
    if key in taken:
        return [FieldError(field, "custom_fields.name_taken", {"name": stripped})]
    return []


def format_errors(fmt: str, field: str = "format") -> list[FieldError]:
    if fmt not in FORMATS:
        return [FieldError(field, "custom_fields.unknown_format",
                           {"format": fmt[:20], "formats": ", ".join(FORMATS)})]
    return []


def value_problem(value: str, fmt: str) -> tuple[str, dict[str, object]] | None:
    """Why ``value`` does not fit format ``fmt``, as ``(code, params)``, or None. An
    unknown format is read as text: a value must stay editable whatever a definition
    says."""
    if not value.strip():
        return None
    shown = value[:40]
    if fmt == "date":
        return None if _is_date(value) else ("custom_fields.not_a_date", {"value": shown})
    if fmt == "number":
        return None if _NUMBER.fullmatch(value) else ("custom_fields.not_a_number",
                                                      {"value": shown})
    if len(value) > MAX_TEXT:
        return "common.too_long", {"max": MAX_TEXT, "length": len(value)}
    return text_refusal(value)


def value_fits(value: str, fmt: str) -> bool:
    return value_problem(value, fmt) is None


def custom_field_value_errors(slot: int, value: str, fmt: str) -> list[FieldError]:
    """The refusal of ``value`` typed in custom field ``slot`` (field
    ``custom_field_<slot>``) whose definition has format ``fmt``, as a list of at most
    one ``FieldError``."""
    problem = value_problem(value, fmt)
    if problem is None:
        return []
    return [FieldError(field_key(slot), problem[0], problem[1])]


def number_text(value: Decimal) -> str:
    """A number as a ``number`` field stores it: plain digits, a dot, no exponent, no
    trailing zeros (``Decimal("1E+3")`` → ``1000``, ``2.50`` → ``2.5``)."""
    if not value.is_finite():
        raise ValueError("not a finite number")
    text = format(value.normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _is_date(value: str) -> bool:
    if _DATE.fullmatch(value) is None:
        return False
    try:
        date.fromisoformat(value)
    except ValueError:  # 2026-02-30
        return False
    return True


def parse_plain_number(text: str) -> Decimal | None:
    """A number as a file or a script writes it: digits, an optional sign, a dot or a
    comma for decimals, spaces (ordinary or no-break) between groups; None when it is
    not one."""
    raw = re.sub(r"[\s\u00a0\u202f]", "", text)
    if raw.count(",") == 1 and "." not in raw:
        raw = raw.replace(",", ".")
    if not re.fullmatch(r"[+-]?\d+(\.\d+)?", raw, re.ASCII):
        return None
    try:
        return Decimal(raw)
    except InvalidOperation:  # pragma: no cover - the pattern excludes it
        return None
