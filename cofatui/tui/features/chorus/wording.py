"""How Chorus Pro invoices read on screen: states with their portal codes, types,
amounts, the attachments' size as the portal writes it (``92,49 Ko``), the lists'
columns (seed 003 §X) and the invoice's facts."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from rich.text import Text

from cofatui.enums import (
    CHORUS_CODES,
    ChorusInvoiceType,
    ChorusSpace,
    ChorusState,
)
from cofatui.i18n import format_amount, format_date, format_number, t
from cofatui.rules.chorus_states import SupplierAction, recipient_moves, supplier_actions
from cofatui.schemas_chorus import ChorusAnomaly, ChorusInvoiceDetail, ChorusInvoiceRow
from cofatui.tui.kit.file_size import size_text
from cofatui.tui.kit.virtual_list import Column
from cofatui.tui.safe import plain

#: States whose invoice waits for its supplier: shown in the warning colour.
RETURNED = frozenset({ChorusState.NON_COMPLIANT, ChorusState.TO_RECYCLE,
                      ChorusState.SUSPENDED, ChorusState.REJECTED})


def state_label(state: ChorusState) -> str:
    return t(f"chorus_ui.state.{state.value}")


def state_text(state: ChorusState, with_code: bool = False) -> Text:
    """The state in the reader's language (and its portal code), returns marked."""
    label = state_label(state)
    if with_code:
        label += f" ({CHORUS_CODES[state]})"
    # Readable without colour: a returned invoice is marked by its glyph, not a hue.
    return Text("⚠ " + label, style="bold") if state in RETURNED else Text(label)


def type_label(kind: ChorusInvoiceType) -> str:
    return t(f"chorus_ui.type.{kind.value}")


def attachments_size(size: int) -> str:
    """Kilobytes with two decimals as the portal shows them (``92,49 Ko``)."""
    if size < 1024:
        return size_text(size)
    return t("file_size.kb", n=format_number(Decimal(size) / 1024, 2))


def day(value: date | datetime | None) -> str:
    return format_date(value)


def row_actions(row: ChorusInvoiceRow, side: ChorusSpace) -> str:
    """What the reader may do on the row: the recipient's "process", or the supplier's
    answers of the table (re-issue and credit note, open on nearly every invoice, left
    to the detail)."""
    if side == ChorusSpace.RECEIVED:
        moves = recipient_moves(row.state, reports_payment_in_progress=True,
                                credit_note_issued=False)
        return t("chorus_ui.action.process") if moves else ""
    actions = [a for a in supplier_actions(row.state, invoice_type=row.type,
                                           payment_mode=None, credit_note_issued=False)
               if a not in (SupplierAction.REISSUE, SupplierAction.CREDIT_NOTE)]
    return ", ".join(t(f"chorus_ui.action.{a.value}") for a in actions)


def invoice_columns(side: ChorusSpace) -> list[Column]:
    """The lists' columns (seed 003 §X): type, supplier, recipient, service, number,
    supplier date, deposit date, amounts, current state, attachments, actions."""
    return [
        Column("type", t("chorus_ui.col.type"), 5, render=lambda r: r.type.value),
        Column("supplier_name", t("chorus_ui.col.supplier"), 0),
        Column("recipient_name", t("chorus_ui.col.recipient"), 18),
        Column("service_code", t("chorus_ui.col.service"), 12, min_list_width=140),
        Column("number", t("chorus_ui.col.number"), 16),
        Column("invoice_date", t("chorus_ui.col.invoice_date"), 11,
               render=lambda r: day(r.invoice_date), min_list_width=130),
        Column("deposited_at", t("chorus_ui.col.deposited"), 11,
               render=lambda r: day(r.deposited_at)),
        Column("excl", t("chorus_ui.col.excl_tax"), 14, align="right",
               render=lambda r: format_amount(r.total_excl_tax, r.currency),
               min_list_width=130),
        Column("incl", t("chorus_ui.col.incl_tax"), 14, align="right",
               render=lambda r: format_amount(r.total_incl_tax, r.currency)),
        Column("state", t("chorus_ui.col.state"), 20, render=lambda r: state_text(r.state)),
        Column("size", t("chorus_ui.col.attachments"), 10, align="right",
               render=lambda r: attachments_size(r.attachments_size), min_list_width=150),
        Column("actions", t("chorus_ui.col.actions"), 14,
               render=lambda r: row_actions(r, side), min_list_width=100),
    ]


def anomaly_text(row: ChorusAnomaly) -> str:
    """The anomaly: the failed checks of a non-compliant invoice in a few words each
    (the detail words them whole), else its state."""
    codes = [code.strip() for code in row.anomaly.split(",") if code.strip()]
    if row.state == ChorusState.NON_COMPLIANT and codes \
            and codes != [CHORUS_CODES[ChorusState.NON_COMPLIANT]]:
        return ", ".join(t(f"chorus_ui.check.{code}") for code in codes)
    return state_label(row.state)


def anomaly_columns() -> list[Column]:
    return [
        Column("number", t("chorus_ui.col.number"), 16),
        Column("anomaly", t("chorus_ui.col.anomaly"), 24, render=anomaly_text),
        Column("at", t("chorus_ui.col.at"), 11, render=lambda r: day(r.at)),
        Column("recipient_name", t("chorus_ui.col.recipient"), 22),
        Column("comment", t("chorus_ui.col.comment"), 0),
    ]


def facts(detail: ChorusInvoiceDetail) -> Text:
    """The invoice's fields, one per line, label dimmed; values as literal text."""
    engagement = detail.engagement
    lines: list[tuple[str, str | Text]] = [
        (t("chorus_ui.fact.type"), f"{detail.type.value} — {type_label(detail.type)}"),
        (t("chorus_ui.fact.frame"), detail.frame),
        (t("chorus_ui.fact.deposit_kind"),
         t(f"chorus_ui.deposit_kind.{detail.deposit_kind.value}")),
        (t("chorus_ui.fact.supplier"), f"{detail.supplier_name} — {detail.supplier_siret}"),
        (t("chorus_ui.fact.recipient"), f"{detail.recipient_name} — {detail.recipient_siret}"),
        (t("chorus_ui.fact.service"), detail.service_code),
        (t("chorus_ui.fact.engagement"),
         Text(f"⚠ {engagement} — " + t("chorus_ui.fact.engagement_unknown"), style="bold")
         if detail.engagement_unknown else engagement),
        (t("chorus_ui.fact.market"), detail.market_number),
        (t("chorus_ui.fact.invoice_date"), day(detail.invoice_date)),
        (t("chorus_ui.fact.delivery_date"), day(detail.delivery_date)),
        (t("chorus_ui.fact.due_date"), day(detail.due_date)),
        (t("chorus_ui.fact.payment_mode"),
         t(f"chorus_forms_ui.payment.{detail.payment_mode.value}") if detail.payment_mode else ""),
        (t("chorus_ui.fact.iban"), detail.iban),
        (t("chorus_ui.fact.payment_terms"), detail.payment_terms),
        (t("chorus_ui.fact.origin"), detail.origin_number),
        (t("chorus_ui.fact.suspension_reason"),
         t(f"chorus_ui.reason.{detail.suspension_reason.value}")
         if detail.suspension_reason else ""),
        (t("chorus_ui.fact.mandate_number"), detail.mandate_number),
        (t("chorus_ui.fact.deposited"), day(detail.deposited_at)),
        (t("chorus_ui.fact.created"), f"{day(detail.created_at)} — {detail.created_by}"),
    ]
    out = Text()
    for label, value in lines:
        if value:
            out.append(t("common.label.colon", label=label), style="dim")
            out.append_text(value if isinstance(value, Text) else plain(value))
            out.append("\n")
    out.rstrip()
    return out


__all__ = ["RETURNED", "anomaly_columns", "attachments_size", "facts", "invoice_columns",
           "row_actions", "state_label", "state_text", "type_label"]
