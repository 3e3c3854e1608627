"""How a declaration is named on screen: its period, status, basis, breakdown and
totals (per currency, never added across currencies)."""

from __future__ import annotations

from decimal import Decimal

from cofatui.i18n import format_amount, format_date, t
from cofatui.schemas import CurrencyAmount
from cofatui.schemas_turnover import TurnoverDeclarationPublic


def status_text(status: str) -> str:
    return t(f"turnover_ui.status.{status}")


def basis_text(basis: str) -> str:
    return t(f"turnover_ui.basis.{basis}")


def breakdown_text(breakdown: str) -> str:
    return t(f"turnover_ui.breakdown.{breakdown}")


def period_text(d: TurnoverDeclarationPublic) -> str:
    """"Q1 2026 (01 Jan 2026 – 31 Mar 2026)", or the dates alone without a label."""
    dates = t("turnover_ui.period_dates", start=format_date(d.period_start),
              end=format_date(d.period_end))
    return f"{d.label} ({dates})" if d.label else dates


def totals_text(totals: list[CurrencyAmount] | dict[str, Decimal]) -> str:
    """"12,000.00 EUR · 3,000.00 USD"; a dash when nothing is declared."""
    pairs = (sorted(totals.items()) if isinstance(totals, dict)
             else sorted((x.currency, x.amount) for x in totals))
    shown = [format_amount(amount, currency) for currency, amount in pairs]
    return " · ".join(shown) if shown else "—"


__all__ = ["basis_text", "breakdown_text", "period_text", "status_text", "totals_text"]
