"""How ILUs read on screen: statuses, answers, facts and list columns (shared by the
form, the lists and the back-office pane)."""

from __future__ import annotations

from rich.text import Text

from cofatui.enums import IluStatus
from cofatui.i18n import format_amount, format_date, t
from cofatui.schemas_ilu import IluPublic
from cofatui.tui.kit.products import product_name
from cofatui.tui.kit.virtual_list import Column
from cofatui.tui.safe import plain


def status_text(ilu: IluPublic) -> str:
    return t(f"ilu_ui.status.{ilu.status.value}")


def cover_text(ilu: IluPublic) -> str:
    """The cover asked about: its product and amount ("credit limit 80,000.00 EUR")."""
    return f"{product_name(ilu.product_code)} {format_amount(ilu.cover_amount, ilu.currency)}"


def answer_text(ilu: IluPublic) -> str:
    """What was answered, or why it closed without an answer ("" while open)."""
    if ilu.experience is not None:
        said = t(f"ilu_ui.experience.{ilu.experience.value}") + " — "
        if ilu.delete_cover:
            return said + t("ilu_ui.answer.deleted")
        said += t("ilu_ui.answer.need", amount=format_amount(ilu.real_need, ilu.currency))
        return said + (f" ({t('ilu_ui.answer.above')})" if ilu.need_above_cover else "")
    if ilu.closed_reason:
        return t(f"ilu_ui.reason.{ilu.closed_reason}")
    return ""


def facts(ilu: IluPublic) -> Text:
    """The ILU's facts, one per line, label dimmed; values shown as literal text."""
    lines = [
        (t("ilu_ui.fact.contract"), ilu.policy_number),
        (t("ilu_ui.fact.company"), f"{ilu.company_name} — {ilu.easy_number} ({ilu.country})"),
        (t("ilu_ui.fact.cover"), cover_text(ilu)),
        (t("ilu_ui.fact.deadline"), format_date(ilu.deadline)),
        (t("ilu_ui.fact.issued"), f"{format_date(ilu.issued_at)} — {ilu.issued_by}"),
        (t("ilu_ui.fact.message"), ilu.message),
        (t("ilu_ui.fact.status"), status_text(ilu)),
    ]
    if ilu.status != IluStatus.OPEN:
        lines += [(t("ilu_ui.fact.answer"), answer_text(ilu)),
                  (t("ilu_ui.fact.comment"), ilu.comment),
                  (t("ilu_ui.fact.answered"), f"{format_date(ilu.answered_at)} — "
                   f"{ilu.answered_by}" if ilu.answered_at else "")]
    out = Text()
    for label, value in lines:
        if value:
            out.append(t("common.label.colon", label=label), style="dim")
            out.append_text(plain(value))
            out.append("\n")
    out.rstrip()
    return out


def ilu_columns(back_office: bool = False) -> list[Column]:
    """The lists' columns; the back office adds the contract and the issue date."""
    columns = [
        Column("company_name", t("ilu_ui.col.company"), 0),
        Column("easy_number", t("ilu_ui.col.easy_number"), 15, min_list_width=150),
        Column("cover", t("ilu_ui.col.cover"), 25, render=cover_text),
        Column("deadline", t("ilu_ui.col.deadline"), 12,
               render=lambda i: format_date(i.deadline)),
        Column("status", t("ilu_ui.col.status"), 10, render=status_text),
        Column("answer", t("ilu_ui.col.answer"), 30, render=answer_text, min_list_width=100),
    ]
    if back_office:
        columns[:0] = [Column("policy_number", t("ilu_ui.col.policy"), 10),
                       Column("issued_at", t("ilu_ui.col.issued"), 12,
                              render=lambda i: format_date(i.issued_at), min_list_width=140)]
    return columns
