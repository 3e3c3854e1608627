"""The journal's rows and columns: lines grouped by entry (the entry's date, journal,
number, piece and label on its first line only), debit and credit in EUR."""

from __future__ import annotations

from dataclasses import dataclass

from cofatui.formats.export import ExportColumn
from cofatui.i18n import t
from cofatui.schemas_accounting import JournalLinePublic
from cofatui.tui.features.accounting.wording import day, label_of, money
from cofatui.tui.kit.virtual_list import Column


@dataclass(frozen=True)
class JournalRow:
    line: JournalLinePublic
    first: bool  # the first line of its entry: the entry's columns are shown

    @property
    def key(self) -> int:
        return self.line.entry_id * 10_000 + self.line.line_no


def journal_row(line: JournalLinePublic, before: JournalLinePublic | None) -> JournalRow:
    return JournalRow(line, before is None or before.entry_id != line.entry_id)


def _entry(render: str) -> object:
    def cell(row: JournalRow) -> str:
        if not row.first:
            return ""
        line = row.line
        return {
            "date": day(line.entry_date),
            "journal": line.journal.value,
            "number": "" if line.number is None else str(line.number),
            "piece": line.piece_ref,
            "status": label_of("status", line.status),
        }[render]
    return cell


def journal_columns() -> list[Column]:
    c = "accounting_ui.col."
    return [
        Column("date", t(c + "date"), 11, render=_entry("date")),  # type: ignore[arg-type]
        Column("journal", t(c + "journal"), 3, render=_entry("journal")),  # type: ignore[arg-type]
        Column("number", t(c + "number"), 6, "right", render=_entry("number")),  # type: ignore[arg-type]
        Column("piece", t(c + "piece"), 16, render=_entry("piece")),  # type: ignore[arg-type]
        Column("account", t(c + "account"), 9, render=lambda r: r.line.account),
        Column("aux", t(c + "aux"), 10, render=lambda r: r.line.aux_num, min_list_width=110),
        Column("label", t(c + "label"), 0, render=lambda r: r.line.label),
        Column("debit", t(c + "debit"), 14, "right",
               render=lambda r: money(r.line.debit, blank_zero=True)),
        Column("credit", t(c + "credit"), 14, "right",
               render=lambda r: money(r.line.credit, blank_zero=True)),
        Column("status", t(c + "status"), 9, render=_entry("status")),  # type: ignore[arg-type]
    ]


def journal_export_columns() -> list[ExportColumn]:
    c = "accounting_ui.col."
    return [
        ExportColumn(t(c + "date"), lambda r: r.entry_date),
        ExportColumn(t(c + "journal"), lambda r: r.journal.value),
        ExportColumn(t(c + "number"), lambda r: r.number),
        ExportColumn(t(c + "piece"), lambda r: r.piece_ref),
        ExportColumn(t(c + "piece_date"), lambda r: r.piece_date),
        ExportColumn(t(c + "account"), lambda r: r.account),
        ExportColumn(t(c + "account_label"), lambda r: r.account_label),
        ExportColumn(t(c + "aux"), lambda r: r.aux_num),
        ExportColumn(t(c + "aux_label"), lambda r: r.aux_label),
        ExportColumn(t(c + "label"), lambda r: r.label),
        ExportColumn(t(c + "debit"), lambda r: r.debit),
        ExportColumn(t(c + "credit"), lambda r: r.credit),
        ExportColumn(t(c + "currency_amount"), lambda r: r.currency_amount),
        ExportColumn(t(c + "currency"), lambda r: r.currency),
        ExportColumn(t(c + "status"), lambda r: label_of("status", r.status)),
        ExportColumn(t(c + "kind"), lambda r: label_of("kind", r.event_kind)),
    ]


__all__ = ["JournalRow", "journal_columns", "journal_export_columns", "journal_row"]
