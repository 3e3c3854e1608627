"""The documents-sent list's columns and how each kind names its type and outcome."""

from __future__ import annotations

from rich.text import Text

from cofatui.enums import DocumentSource
from cofatui.i18n import format_date, t
from cofatui.schemas_documents import DocumentRow
from cofatui.tui.kit.file_size import size_text
from cofatui.tui.kit.virtual_list import Column
from cofatui.tui.safe import plain

#: What the list may be sorted by (DocumentFilter.sort), in the order ``s`` goes.
SORTS = ("created_at", "filename", "size", "company")


def _label(key: str, value: str) -> str:
    """The catalog's word for ``value``, or the value itself for one it does not know
    (a status added later still shows)."""
    text = t(f"{key}.{value}")
    return value if text == f"{key}.{value}" else text


def category_text(row: DocumentRow) -> str:
    return _label(f"documents_ui.category.{row.source}", row.category)


def outcome_text(row: DocumentRow) -> str:
    if row.source == DocumentSource.CLAIMS:
        return _label("portfolio.claim_status", row.outcome)
    return _label(f"documents_ui.outcome.{row.source}", row.outcome)


def owner_text(row: DocumentRow) -> Text:
    """The company (name, EasyNumber), or the declaration's period."""
    if row.source == DocumentSource.TURNOVER and row.period_start is not None:
        return Text(f"{format_date(row.period_start)} – {format_date(row.period_end)}")
    text = plain(row.company_name)
    if row.easy_number:
        text.append(f" ({row.easy_number})", style="dim")
    return text


def document_columns(source: DocumentSource, sort: str, descending: bool) -> list[Column]:
    owner = "period" if source == DocumentSource.TURNOVER else "company"
    columns = [
        Column("created_at", t("documents_ui.col.date"), 11,
               render=lambda r: format_date(r.created_at)),
        Column("filename", t("documents_ui.col.file"), 0, render=lambda r: plain(r.filename)),
        Column("category", t("documents_ui.col.type"), 16, render=category_text),
        Column("company", t(f"documents_ui.col.{owner}"), 24, render=owner_text),
        Column("size", t("documents_ui.col.size"), 9, align="right",
               render=lambda r: size_text(r.size)),
        Column("created_by", t("documents_ui.col.by"), 10,
               render=lambda r: plain(r.created_by), min_list_width=110),
        Column("outcome", t("documents_ui.col.outcome"), 14, render=outcome_text),
    ]
    arrow = " ▼" if descending else " ▲"
    return [Column(c.key, c.label + arrow, c.width, c.align, c.render, c.min_list_width)
            if c.key == sort else c for c in columns]
