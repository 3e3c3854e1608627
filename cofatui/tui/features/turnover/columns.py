"""The columns a list of declarations shows (the policyholder's list and the back
office share them)."""

from __future__ import annotations

from rich.text import Text

from cofatui.enums import TurnoverStatus
from cofatui.i18n import format_date, t
from cofatui.schemas_turnover import TurnoverDeclarationPublic
from cofatui.tui.features.turnover.wording import (
    basis_text,
    breakdown_text,
    period_text,
    status_text,
    totals_text,
)
from cofatui.tui.kit.virtual_list import Column
from cofatui.tui.safe import plain


def _status(d: TurnoverDeclarationPublic) -> Text:
    style = {TurnoverStatus.NEW: "bold", TurnoverStatus.CANCELLED: "dim"}.get(d.status, "")
    return Text(status_text(d.status), style=style)


def _late(d: TurnoverDeclarationPublic) -> Text:
    if not d.days_late:
        return Text("")
    return Text(t("turnover_ui.days_late", days=d.days_late), style="bold red")


def declaration_columns(back_office: bool = False) -> list[Column]:
    columns = [
        # The label when there is one (the dates are in the declaration itself).
        Column("period", t("turnover_ui.col.period"), 0,
               render=lambda d: plain(d.label or period_text(d))),
        # Whole in the policyholder's list; the back office needs the room for more.
        Column("basis", t("turnover_ui.col.basis"), 12 if back_office else 26,
               render=lambda d: basis_text(d.basis)),
        Column("breakdown", t("turnover_ui.col.breakdown"), 11,
               render=lambda d: breakdown_text(d.breakdown)),
        Column("status", t("turnover_ui.col.status"), 9, render=_status),
        Column("due_date", t("turnover_ui.col.due_date"), 11,
               render=lambda d: format_date(d.due_date)),
        Column("sent_at", t("turnover_ui.col.sent_at"), 11,
               render=lambda d: format_date(d.sent_at)),
        Column("totals", t("turnover_ui.col.totals"), 20, align="right",
               render=lambda d: totals_text(d.totals) if d.status == TurnoverStatus.SENT
               or d.totals else ""),
    ]
    if back_office:
        columns.insert(0, Column("policy", t("turnover_ui.col.policy"), 10,
                                 render=lambda d: plain(d.policy_number)))
        columns.insert(6, Column("late", t("turnover_ui.col.late"), 10, align="right",
                                 render=_late))
    return columns


__all__ = ["declaration_columns"]
