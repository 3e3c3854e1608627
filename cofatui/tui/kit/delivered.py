"""What a decision delivers, as the screens show it (SPEC §5): a DRA flash / monitoring
its DRA and the date it was assessed, an @rating opinion its amount, an Express
agreement its insured percentage. Text from data is literal."""

from __future__ import annotations

from rich.text import Text

from cofatui.i18n import format_amount, format_date, t
from cofatui.schemas import ProductPublic

__all__ = ["delivered_facts", "delivered_short"]


def delivered_short(p: ProductPublic) -> Text | None:
    """The product line's amount cell for a delivering product (None: not one)."""
    if p.delivered_dra is not None:
        return Text(t("underwriting.dra_short", dra=p.delivered_dra))
    if p.opinion_amount is not None:
        return Text(format_amount(p.opinion_amount, p.currency))
    return None


def delivered_facts(p: ProductPublic) -> list[tuple[str, str]]:
    """(label, value) lines for the product's actions window."""
    lines: list[tuple[str, str]] = []
    if p.delivered_dra is not None:
        value = t("underwriting.dra_value", dra=p.delivered_dra,
                  date=format_date(p.delivered_dra_on)) if p.delivered_dra_on else \
            t("underwriting.dra_value_undated", dra=p.delivered_dra)
        lines.append((t("underwriting.fact.delivered_dra"), value))
    if p.opinion_amount is not None:
        lines.append((t("underwriting.fact.opinion"),
                      format_amount(p.opinion_amount, p.currency)))
    if p.insured_percentage is not None:
        lines.append((t("underwriting.fact.insured"), t(
            "underwriting.insured_value",
            percentage=f"{p.insured_percentage.normalize():f}")))
    return lines
