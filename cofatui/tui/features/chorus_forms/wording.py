"""How the invoice forms read: a structure's directory facts, the failed checks of a
non-compliant invoice, an invoice's summary before it is sent, states."""

from __future__ import annotations

from rich.text import Text

from cofatui.enums import CHORUS_CODES, ChorusState
from cofatui.i18n import format_amount, format_date, t
from cofatui.schemas_chorus import (
    PUBLIC_INVOICES_SERVICE,
    ChorusInvoiceDetail,
    ChorusReasonPublic,
    ChorusStructurePublic,
)
from cofatui.tui.features.chorus_forms.lines import vat_text
from cofatui.tui.safe import clean


def _facts(lines: list[tuple[str, str]]) -> Text:
    out = Text()
    for label, value in lines:
        out.append(t("common.label.colon", label=label), style="dim")
        out.append(clean(value))
        out.append("\n")
    out.rstrip()
    return out


def yes_no(value: bool) -> str:
    return t("common.yes" if value else "common.no")


def state_text(state: ChorusState) -> str:
    return f"{t(f'chorus_forms_ui.state.{state.value}')} ({CHORUS_CODES[state]})"


def structure_facts(s: ChorusStructurePublic) -> Text:
    """A directory entry: identity, parameters (seed 004) and services."""
    out = _facts([
        (t("chorus_forms_ui.col.siret"), s.siret),
        (t("chorus_forms_ui.col.name"), s.name),
        (t("chorus_forms_ui.fact.address"), f"{s.address} {s.postal_code} {s.city}".strip()),
        (t("chorus_forms_ui.col.status"), t("chorus_forms_ui.active" if s.active
                                             else "chorus_forms_ui.inactive")),
        (t("chorus_forms_ui.fact.service_code_required"), yes_no(s.service_code_required)),
        (t("chorus_forms_ui.fact.engagement_required"), yes_no(s.engagement_required)),
        (t("chorus_forms_ui.fact.engagement_or_service"),
         yes_no(s.engagement_or_service_required)),
    ])
    services = [sv for sv in s.services if sv.code != PUBLIC_INVOICES_SERVICE]
    if services:
        out.append("\n" + t("chorus_forms_ui.fact.services") + "\n", style="bold")
        for sv in services:
            mark = "" if sv.active else " — " + t("chorus_forms_ui.inactive")
            engagement = " *" if sv.engagement_required else ""
            out.append(clean(f"{sv.code}{engagement} {sv.label}{mark}") + "\n")
    return out


def reasons_text(reasons: list[ChorusReasonPublic]) -> Text:
    """Why it is non-compliant: every failed check, one a line, with its code."""
    out = Text(t("chorus_forms_ui.reasons_title") + "\n", style="bold")
    for reason in reasons:
        out.append("• " + clean(reason.text()), style="")
        out.append(f" ({clean(reason.code)})\n", style="dim")
    out.rstrip()
    return out


def summary_text(d: ChorusInvoiceDetail) -> Text:
    """The summary shown before "Confirm and send" (seed 004)."""
    out = _facts([
        (t("chorus_forms_ui.field.number"), d.number),
        (t("chorus_forms_ui.field.type"), t(f"chorus_forms_ui.type.{d.type.value}")),
        (t("chorus_forms_ui.field.frame"), t(f"chorus_forms_ui.frame.{d.frame}")
         if d.frame in {"A1", "A2"} else d.frame),
        (t("chorus_forms_ui.field.supplier_siret"), f"{d.supplier_name} — {d.supplier_siret}"),
        (t("chorus_forms_ui.field.recipient_siret"),
         f"{d.recipient_name} — {d.recipient_siret}".strip(" —")),
        (t("chorus_forms_ui.field.service_code"), d.service_code or "—"),
        (t("chorus_forms_ui.field.engagement"), d.engagement or "—"),
        (t("chorus_forms_ui.field.invoice_date"), format_date(d.invoice_date)),
        (t("chorus_forms_ui.field.due_date"), format_date(d.due_date) if d.due_date else "—"),
        (t("chorus_forms_ui.field.payment_mode"),
         t(f"chorus_forms_ui.payment.{d.payment_mode.value}") if d.payment_mode else "—"),
    ])
    out.append("\n\n")
    for vat in d.vat:
        out.append(clean(t("chorus_forms_ui.summary.vat", rate=vat_text(vat.vat_rate),
                           base=format_amount(vat.base, d.currency),
                           amount=format_amount(vat.amount, d.currency))) + "\n")
    out.append(_facts([
        (t("chorus_forms_ui.summary.excl_tax"), format_amount(d.total_excl_tax, d.currency)),
        (t("chorus_forms_ui.summary.vat_total"), format_amount(d.total_vat, d.currency)),
        (t("chorus_forms_ui.summary.incl_tax"), format_amount(d.total_incl_tax, d.currency)),
        (t("chorus_forms_ui.summary.due"), format_amount(d.amount_due, d.currency)),
    ]))
    return out


__all__ = ["reasons_text", "state_text", "structure_facts", "summary_text", "yes_no"]
