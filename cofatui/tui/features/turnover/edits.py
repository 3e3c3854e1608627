"""The grid's unsaved changes (dirty tracking): only the lines the user changed are
saved, and the totals and the number of lines filled follow what is typed before it is
saved (the saved totals, minus each changed line as read, plus it as typed)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from cofatui.i18n import t
from cofatui.schemas import CurrencyAmount
from cofatui.schemas_turnover import TurnoverLineIn, TurnoverLinePublic
from cofatui.tui.kit.typed_input import TypedInputError, parse_amount, typed_amount

_CURRENCY = re.compile(r"[A-Z]{3}")


@dataclass
class Edit:
    """One line as typed: its amount's text, what it reads as, its currency."""

    line: TurnoverLinePublic
    text: str
    amount: Decimal | None
    currency: str
    error: str = ""


def line_in(line: TurnoverLinePublic, amount: Decimal | None, currency: str) -> TurnoverLineIn:
    """The upsert of ``line`` (by company per debtor, by country per country)."""
    if line.company_id is not None:
        return TurnoverLineIn(company_id=line.company_id, amount=amount, currency=currency)
    return TurnoverLineIn(country=line.country, amount=amount, currency=currency)


class Edits:
    """The changed lines by line id; a line typed back to what was read is no change."""

    def __init__(self) -> None:
        self.by_id: dict[int, Edit] = {}

    def __len__(self) -> int:
        return len(self.by_id)

    def amount_text(self, line: TurnoverLinePublic) -> str:
        edit = self.by_id.get(line.id)
        return edit.text if edit is not None else typed_amount(line.amount)

    def currency(self, line: TurnoverLinePublic) -> str:
        edit = self.by_id.get(line.id)
        return edit.currency if edit is not None else line.currency

    def error(self, line: TurnoverLinePublic) -> str:
        edit = self.by_id.get(line.id)
        return edit.error if edit is not None else ""

    def set(self, line: TurnoverLinePublic, text: str | None = None,
            currency: str | None = None) -> str:
        """Record what was typed on ``line``; returns the error to show ("" if fine)."""
        text = self.amount_text(line) if text is None else text
        currency = (self.currency(line) if currency is None else currency).strip().upper()
        error, amount = "", None
        try:
            amount = parse_amount(text, currency if _CURRENCY.fullmatch(currency) else None)
        except TypedInputError as exc:
            error = str(exc)
        if not error and not _CURRENCY.fullmatch(currency):
            error = t("turnover_ui.bad_currency")
        if not error and amount == line.amount and currency == line.currency:
            self.by_id.pop(line.id, None)
            return ""
        self.by_id[line.id] = Edit(line, text, amount, currency, error)
        return error

    def set_amount(self, line: TurnoverLinePublic, amount: Decimal) -> None:
        self.set(line, typed_amount(amount))

    def faulty(self) -> list[Edit]:
        return [e for e in self.by_id.values() if e.error]

    def to_save(self) -> list[TurnoverLineIn]:
        return [line_in(e.line, e.amount, e.currency) for e in self.by_id.values()]

    def filled(self, saved_filled: int) -> int:
        """The lines with an amount, counting what is typed."""
        delta = sum((e.amount is not None) - (e.line.amount is not None)
                    for e in self.by_id.values() if not e.error)
        return saved_filled + delta

    def totals(self, saved: list[CurrencyAmount]) -> dict[str, Decimal]:
        """The totals per currency, counting what is typed (never across currencies)."""
        out: dict[str, Decimal] = {x.currency: x.amount for x in saved}
        for e in self.by_id.values():
            if e.error:
                continue
            if e.line.amount is not None:
                out[e.line.currency] = out.get(e.line.currency, Decimal(0)) - e.line.amount
            if e.amount is not None:
                out[e.currency] = out.get(e.currency, Decimal(0)) + e.amount
        return {c: a for c, a in out.items() if a or c in {x.currency for x in saved}}

    def any_amount(self, saved: list[CurrencyAmount]) -> bool:
        """Whether any amount is not zero (amounts are at least 0: a total says it)."""
        return any(amount != 0 for amount in self.totals(saved).values()) or any(
            e.amount for e in self.by_id.values() if not e.error)

    def clear(self) -> None:
        self.by_id.clear()


__all__ = ["Edit", "Edits", "line_in"]
