"""Amounts of a claim kept per currency, as text: ``€1,435.50 + US$500.00`` (never one
sum across currencies), and the lines that wait for an exchange rate, in the UI language
(the claim detail, the claims portfolio, the indemnity dialog, the wizard's review)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

from cofatui.i18n import format_amount, format_number, t
from cofatui.rules.exchange_rates import decimals
from cofatui.schemas import CurrencyAmount, WaitingLines

__all__ = ["amounts_text", "per_currency", "rate_text", "waiting_text"]

SEPARATOR = " + "


def amounts_text(amounts: Iterable[CurrencyAmount], empty: str = "—") -> str:
    """Each currency's amount, ordered by currency code as the repository gives them."""
    return SEPARATOR.join(format_amount(a.amount, a.currency) for a in amounts) or empty


def rate_text(rate: Decimal) -> str:
    """A rate with the decimals it has (``1.0823``, ``160``), in the UI locale."""
    return format_number(rate, decimals(rate))


def per_currency(pairs: Iterable[tuple[str, Decimal]]) -> list[CurrencyAmount]:
    """Amounts added up currency by currency (lines typed in a form, not yet saved)."""
    totals: dict[str, Decimal] = {}
    for currency, amount in pairs:
        totals[currency] = totals.get(currency, Decimal(0)) + amount
    return [CurrencyAmount(currency=code, amount=totals[code]) for code in sorted(totals)]


def _count(kind: str, n: int) -> str:
    return t(f"claim_money.waiting.{kind}_one") if n == 1 else \
        t(f"claim_money.waiting.{kind}_other", n=n)


def waiting_text(waiting: Sequence[WaitingLines]) -> str:
    """``2 invoices in USD wait for an exchange rate``, one sentence per currency."""
    sentences = []
    for w in waiting:
        parts = [_count(kind, n) for kind, n in (("invoices", w.invoices),
                                                  ("payments", w.payments)) if n]
        lines = parts[0] if len(parts) == 1 else t("claim_money.waiting.and", first=parts[0],
                                                    second=parts[1])
        key = "line_one" if w.invoices + w.payments == 1 else "line_other"
        sentences.append(t(f"claim_money.waiting.{key}", lines=lines, currency=w.currency))
    return "; ".join(sentences)
