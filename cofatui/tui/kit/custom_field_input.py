"""A custom field's value as the user types and reads it (issue 16 item 8): a date in
the user's date order, a number in the UI language, read by the one input-parsing
module (:mod:`cofatui.tui.kit.typed_input`) and sent in the form the server stores
and checks (``rules/custom_fields``: ISO dates, plain numbers with a dot).

A stored value that does not fit its format (kept, listed for fixing) is shown as it is.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from cofatui.config import DateOrder
from cofatui.rules.custom_fields import number_text, value_fits
from cofatui.tui.kit.typed_input import parse_amount, parse_date, typed_amount, typed_date

__all__ = ["NUMBER_PLACES", "shown_value", "typed_value"]

#: The decimals a ``number`` field keeps (``rules/custom_fields``).
NUMBER_PLACES = 6


def typed_value(text: str, fmt: str, order: DateOrder | str = "DMY",
                language: str | None = None) -> str:
    """What to send for ``text`` typed in a field of format ``fmt``; ``""`` clears it.
    Raises ``TypedInputError`` (a ``ValueError`` worded in the UI language) when a date
    or a number cannot be read."""
    raw = text.strip()
    if not raw:
        return ""
    if fmt == "date":
        day = parse_date(raw, order)
        return "" if day is None else day.isoformat()
    if fmt == "number":
        value = parse_amount(raw, None, decimals=NUMBER_PLACES, negative=True,
                             language=language)
        return "" if value is None else number_text(value)
    return text


def shown_value(stored: str, fmt: str, order: DateOrder | str = "DMY",
                language: str | None = None) -> str:
    """A stored value written back into its field the way the user types it."""
    if not stored or not value_fits(stored, fmt):
        return stored
    if fmt == "date":
        return typed_date(date.fromisoformat(stored), order)
    if fmt == "number":
        return typed_amount(Decimal(stored), language)
    return stored
