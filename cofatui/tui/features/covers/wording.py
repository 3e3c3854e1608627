"""How the other covers read on screen (seed 002 §3 prospection, §4 exchange): kinds,
events, the list's columns and a cover's facts."""

from __future__ import annotations

from decimal import Decimal

from rich.text import Text

from cofatui.enums import CoverKind
from cofatui.i18n import format_amount, format_date, format_number, format_number_in, t
from cofatui.rules.ledger_money import EUR
from cofatui.schemas_accounting import CoverEventPublic, CoverPublic, ReceivablePublic
from cofatui.tui.kit.facts import facts_text
from cofatui.tui.kit.virtual_list import Column
from cofatui.tui.safe import plain


def kind_text(cover: CoverPublic) -> str:
    return t(f"covers_ui.kind.{cover.kind.value}")


def rate_text(rate: Decimal | None) -> str:
    return format_number_in(rate) if rate is not None else ""


def cover_columns() -> list[Column]:
    return [
        Column("reference", t("covers_ui.col.reference"), 0, render=lambda c: plain(c.reference)),
        Column("policy_number", t("covers_ui.col.contract"), 10),
        Column("kind", t("covers_ui.col.kind"), 22, render=kind_text),
        Column("currency", t("covers_ui.col.currency"), 8),
        Column("start", t("covers_ui.col.period"), 25,
               render=lambda c: f"{format_date(c.start)} – {format_date(c.end)}"),
        Column("outstanding", t("covers_ui.col.outstanding"), 18, align="right",
               render=lambda c: format_amount(c.outstanding, EUR)
               if c.kind == CoverKind.PROSPECTION else ""),
    ]


def cover_facts(cover: CoverPublic) -> Text:
    rows = [
        (t("covers_ui.fact.contract"), cover.policy_number),
        (t("covers_ui.fact.kind"), kind_text(cover)),
        (t("covers_ui.fact.currency"), cover.currency),
        (t("covers_ui.fact.period"), f"{format_date(cover.start)} – {format_date(cover.end)}"),
    ]
    if cover.kind == CoverKind.PROSPECTION:
        rows += [(t("covers_ui.fact.guarantee_end"), format_date(cover.guarantee_end)),
                 (t("covers_ui.fact.amortisation_end"), format_date(cover.amortisation_end)),
                 (t("covers_ui.fact.outstanding"), format_amount(cover.outstanding, EUR))]
    else:
        rows += [(t("covers_ui.fact.guaranteed_rate"),
                  t("covers_ui.rate", rate=rate_text(cover.guaranteed_rate),
                    currency=cover.currency)),
                 (t("covers_ui.fact.covered_share"), f"{format_number(cover.covered_share)} %")]
    return facts_text(rows)


def event_columns() -> list[Column]:
    def amount(e: CoverEventPublic) -> str:
        return format_amount(e.eur_amount, EUR)

    return [
        Column("event_date", t("covers_ui.col.date"), 11,
               render=lambda e: format_date(e.event_date)),
        Column("kind", t("covers_ui.col.event"), 0,
               render=lambda e: t(f"covers_ui.event.{e.kind.value}")),
        Column("eur_amount", t("covers_ui.col.eur_amount"), 18, align="right", render=amount),
        Column("currency_amount", t("covers_ui.col.currency_amount"), 16, align="right",
               render=lambda e: format_number_in(e.currency_amount)
               if e.currency_amount is not None else ""),
        Column("recorded_by", t("covers_ui.col.recorded_by"), 12,
               render=lambda e: plain(e.recorded_by)),
    ]


def receivable_columns(currency: str) -> list[Column]:
    def settled(r: ReceivablePublic) -> str:
        return t("covers_ui.settled" if r.settled else "covers_ui.open")

    return [
        Column("reference", t("covers_ui.col.reference"), 14, render=lambda r: plain(r.reference)),
        Column("debtor", t("covers_ui.col.debtor"), 0, render=lambda r: plain(r.debtor)),
        Column("amount", t("covers_ui.col.amount"), 18, align="right",
               render=lambda r: format_amount(r.amount, currency)),
        Column("booked_rate", t("covers_ui.col.booked_rate"), 12, align="right",
               render=lambda r: rate_text(r.booked_rate)),
        Column("booked_on", t("covers_ui.col.date"), 11, render=lambda r: format_date(r.booked_on)),
        Column("settled", t("covers_ui.col.status"), 9, render=settled),
    ]
