"""How a submission reads: its form, type, nature and outcome in the UI language, the
list's columns, and the facts of its detail (shared by the policyholder's list and the
underwriter's queue)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from rich.text import Text

from cofatui.enums import CompanyInfoStatus, CompanyInfoType
from cofatui.i18n import format_amount, format_date, format_datetime, t
from cofatui.schemas_company_info import CompanyInfoPublic
from cofatui.tui.kit.virtual_list import Column
from cofatui.tui.safe import clean, plain

#: Outcome markers readable without colour.
MARKS = {CompanyInfoStatus.IN_PROGRESS: "◴", CompanyInfoStatus.ANALYSED: "✓",
         CompanyInfoStatus.NOT_COMPATIBLE: "✗", CompanyInfoStatus.ALREADY_KNOWN: "="}


def outcome_text(status: CompanyInfoStatus | str) -> str:
    return t(f"company_info_ui.status.{status}")


def short_outcome(status: CompanyInfoStatus | str) -> str:
    return t(f"company_info_ui.outcome_short.{status}")


def kind_text(sub: CompanyInfoPublic) -> str:
    """"Negative information (commercial)" or the transmission's type."""
    if sub.info_type is not None:
        return t(f"company_info_ui.type.{sub.info_type}")
    nature = t(f"company_info_ui.nature.{sub.nature}") if sub.nature else ""
    return t("company_info_ui.negative_short", nature=nature) if nature \
        else t("company_info_ui.form.negative")


def type_options() -> list[tuple[str, str]]:
    return [(t(f"company_info_ui.type.{kind}"), kind.value) for kind in CompanyInfoType]


def submission_columns(now: Callable[[], datetime] | None = None, *,
                       back_office: bool = False) -> list[Column]:
    """The policyholder's list (newest first) or the underwriter's queue (oldest first,
    with the policy and, instead of the date, the age)."""
    columns = [
        Column("created_at", t("company_info_ui.col.date"), 11,
               render=lambda s: format_date(s.created_at)),
        Column("company", t("company_info_ui.col.company"), 0,
               render=lambda s: plain(s.company_name)),
        Column("easy_number", t("company_info_ui.col.easy_number"), 14,
               render=lambda s: plain(s.easy_number),
               min_list_width=140 if back_office else 110),
        Column("country", t("company_info_ui.col.country"), 4),
        Column("kind", t("company_info_ui.col.kind"), 26, render=kind_text),
        Column("files", t("company_info_ui.col.files"), 5, align="right",
               render=lambda s: str(len(s.documents))),
        Column("dra_review", t("company_info_ui.col.dra_review"), 5,
               render=lambda s: t("company_info_ui.yes") if s.dra_review else ""),
        Column("status", t("company_info_ui.col.status"), 17,
               render=lambda s: f"{MARKS[s.status]} {short_outcome(s.status)}"),
    ]
    if back_office:
        columns.insert(1, Column("policy", t("company_info_ui.col.policy"), 9,
                                 render=lambda s: plain(s.policy_number)))
        columns.insert(2, Column("by", t("company_info_ui.col.by"), 10,
                                 render=lambda s: plain(s.created_by), min_list_width=130))
    return columns


def facts(sub: CompanyInfoPublic) -> Text:
    """Everything the submission says, one labelled line each (data literal)."""
    lines: list[tuple[str, str]] = [
        (t("company_info_ui.col.company"),
         f"{sub.company_name} — {sub.easy_number} — {sub.country}"),
        (t("company_info_ui.col.policy"), sub.policy_number),
        (t("company_info_ui.field.form"), t(f"company_info_ui.form.{sub.form}")),
    ]
    if sub.nature is not None:
        lines.append((t("company_info_ui.field.nature"), t(f"company_info_ui.nature.{sub.nature}")))
    if sub.event_date is not None:
        lines.append((t("company_info_ui.field.event_date"), format_date(sub.event_date)))
    if sub.amount is not None:
        lines.append((t("company_info_ui.field.amount_plain"),
                      format_amount(sub.amount, sub.currency or "EUR")))
    if sub.info_type is not None:
        lines.append((t("company_info_ui.field.info_type"),
                      t(f"company_info_ui.type.{sub.info_type}")))
    if sub.closing_date is not None:
        lines.append((t("company_info_ui.field.closing_date"), format_date(sub.closing_date)))
    if sub.complete is not None:
        lines.append((t("company_info_ui.field.complete"),
                      t("company_info_ui.yes") if sub.complete else t("company_info_ui.no")))
    if sub.info_type is not None:
        lines.append((t("company_info_ui.field.dra_review"),
                      t("company_info_ui.yes") if sub.dra_review else t("company_info_ui.no")))
    lines += [
        (t("company_info_ui.sent"), t("company_info_ui.sent_by",
                                      when=format_datetime(sub.created_at), who=sub.created_by)),
        (t("company_info_ui.col.status"), f"{MARKS[sub.status]} {outcome_text(sub.status)}"),
    ]
    if sub.decided_at is not None:
        lines.append((t("company_info_ui.decided"), t(
            "company_info_ui.sent_by", when=format_datetime(sub.decided_at),
            who=sub.decided_by)))
    out = Text()
    for label, value in lines:
        out.append(t("common.label.colon", label=label), style="bold")
        out.append_text(plain(value))
        out.append("\n")
    for label, value in ((t("company_info_ui.field.description"), sub.description),
                         (t("company_info_ui.field.comment"), sub.comment),
                         (t("company_info_ui.decision_comment"), sub.decision_comment)):
        if value:
            out.append(f"{label}:\n", style="bold")
            for line in value.splitlines():  # multi-line text kept, each line literal
                out.append("  " + clean(line) + "\n")
    return out
