"""How premium notices read on screen: kinds, statuses, amounts, the list's columns and
a notice's facts (shared by the list, the detail and the payment dialog)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from rich.text import Text

from cofatui.i18n import format_amount, format_date, t
from cofatui.schemas_accounting import NoticePublic
from cofatui.tui.kit.facts import facts_text
from cofatui.tui.kit.virtual_list import Column
from cofatui.tui.safe import plain


def kind_text(notice: NoticePublic) -> str:
    return t(f"premiums_ui.kind.{notice.kind.value}")


def status_text(notice: NoticePublic) -> str:
    return t(f"premiums_ui.status.{notice.status.value}")


def total_text(notice: NoticePublic) -> str:
    """The total in its currency; a refund (negative) says so rather than showing a
    bare minus sign."""
    if notice.total < 0:
        return t("premiums_ui.refund", amount=format_amount(-notice.total, notice.currency))
    return format_amount(notice.total, notice.currency)


def notice_columns() -> list[Column]:
    return [
        Column("number", t("premiums_ui.col.number"), 16, render=lambda n: plain(n.number)),
        Column("policy_number", t("premiums_ui.col.contract"), 9, min_list_width=100),
        Column("kind", t("premiums_ui.col.kind"), 14, render=kind_text),
        Column("period", t("premiums_ui.col.period"), 25,
               render=lambda n: f"{format_date(n.period_start)} – {format_date(n.period_end)}"),
        Column("due_date", t("premiums_ui.col.due"), 11,
               render=lambda n: format_date(n.due_date)),
        # What is left: "remboursement 2 400,00 €" (a refund, in French) needs 24.
        Column("total", t("premiums_ui.col.total"), 0, align="right", render=total_text),
        Column("status", t("premiums_ui.col.status"), 9, render=status_text),
    ]


def notice_facts(notice: NoticePublic) -> Text:
    """The notice's header facts, one per line, label dimmed, values literal."""
    origin = t(f"premiums_ui.origin.{notice.origin.value}")
    rows = [
        (t("premiums_ui.fact.contract"), notice.policy_number),
        (t("premiums_ui.fact.kind"), f"{kind_text(notice)} ({origin})"),
        (t("premiums_ui.fact.period"),
         f"{format_date(notice.period_start)} – {format_date(notice.period_end)}"),
        (t("premiums_ui.fact.issued"), format_date(notice.issued_on)),
        (t("premiums_ui.fact.due"), format_date(notice.due_date)),
        (t("premiums_ui.fact.status"), status_text(notice) + (
            f" — {format_date(notice.paid_on)}" if notice.paid_on else "")),
        (t("premiums_ui.fact.turnover"), format_amount(notice.turnover, notice.currency)
         if notice.turnover is not None else ""),
        (t("premiums_ui.fact.total"), total_text(notice)),
    ]
    return facts_text(rows)


def line_columns(currency: str) -> list[Column]:
    return [
        Column("line_no", "#", 3, align="right", render=lambda ln: str(ln.line_no)),
        Column("role", t("premiums_ui.col.role"), 28,
               render=lambda ln: t(f"premiums_ui.role.{ln.role.value}")),
        Column("label", t("premiums_ui.col.label"), 0, render=lambda ln: plain(ln.label)),
        Column("amount", t("premiums_ui.col.excl_tax"), 18, align="right",
               render=lambda ln: format_amount(ln.amount_excl_tax, currency)),
        Column("tax", t("premiums_ui.col.tax"), 14, align="right",
               render=lambda ln: format_amount(ln.tax, currency)),
    ]


def selection_total(notices: Sequence[NoticePublic]) -> tuple[str, Decimal] | None:
    """The currency and net total of notices to pay together; None when they mix
    currencies (the repository refuses such a payment: one bank movement, one
    currency)."""
    currencies = {n.currency for n in notices}
    if len(currencies) != 1:
        return None
    return currencies.pop(), sum((n.total for n in notices), Decimal(0))
