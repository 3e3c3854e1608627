"""How the accounting screens word what they show: amounts (EUR, the user's locale,
an empty cell for zero), dates, and the enums' labels from the catalog."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum

from cofatui.i18n import format_date, format_number, t


def money(value: Decimal | None, *, blank_zero: bool = False) -> str:
    """``12 345,60`` in French: two decimals, the locale's separators, no currency (the
    journal is in EUR, its header says so)."""
    if value is None or (blank_zero and value == 0):
        return ""
    return format_number(value, 2)


def day(value: date | None) -> str:
    return format_date(value) if value is not None else ""


def label_of(group: str, value: StrEnum | str | None) -> str:
    """``accounting_ui.<group>.<value>``: a journal, a status, an event kind."""
    if value is None:
        return ""
    return t(f"accounting_ui.{group}.{value}")


__all__ = ["day", "label_of", "money"]
