"""A search's criteria in one line above the list ("Issued invoices · states: …")."""

from __future__ import annotations

from rich.text import Text

from cofatui.i18n import format_amount, format_date, t
from cofatui.schemas_chorus import ChorusInvoiceSearch
from cofatui.tui.features.chorus.wording import state_label, type_label
from cofatui.tui.safe import plain


def _range(low: object, high: object) -> str:
    def one(value: object) -> str:
        return format_date(value) if value is not None else "…"  # type: ignore[arg-type]

    return f"{one(low)} – {one(high)}"


def criteria_parts(c: ChorusInvoiceSearch) -> list[tuple[str, str]]:
    parts: list[tuple[str, str]] = []
    if c.states:
        parts.append((t("chorus_ui.search.states"), ", ".join(state_label(s) for s in c.states)))
    if c.deposited_from or c.deposited_to:
        parts.append((t("chorus_ui.search.deposited"), _range(c.deposited_from, c.deposited_to)))
    if c.changed_from or c.changed_to:
        parts.append((t("chorus_ui.search.changed"), _range(c.changed_from, c.changed_to)))
    for key, value in (("supplier", c.supplier), ("recipient", c.recipient),
                       ("service_code", c.service_code), ("number", c.number),
                       ("frame", c.frame), ("engagement", c.engagement)):
        if value:
            parts.append((t(f"chorus_ui.search.{key}"), value))
    if c.type is not None:
        parts.append((t("chorus_ui.search.type"), type_label(c.type)))
    if c.amount_min is not None or c.amount_max is not None:
        low = format_amount(c.amount_min) if c.amount_min is not None else "…"
        high = format_amount(c.amount_max) if c.amount_max is not None else "…"
        parts.append((t("chorus_ui.search.amount"), f"{low} – {high}"))
    return parts


def criteria_text(c: ChorusInvoiceSearch) -> Text:
    out = Text(t(f"chorus_ui.side.{c.side.value}"), style="bold")
    for label, value in criteria_parts(c):
        out.append(" · ")
        out.append(t("common.label.colon", label=label), style="dim")
        out.append_text(plain(value))
    return out


__all__ = ["criteria_parts", "criteria_text"]
