"""What ``cofatui chorus …`` reads from its arguments and prints (issue 18 item 11):
states in either form, dates, amounts, the invoice objects of ``--json``, the lines of
the lists and the detail, in the user's language."""

from __future__ import annotations

import argparse
import json
from decimal import Decimal
from typing import Any

from cofatui.commands.ilu import _amount as ilu_amount
from cofatui.commands.ilu import _date as ilu_date
from cofatui.enums import ChorusState, ChorusVatRate, chorus_state
from cofatui.i18n import format_amount, format_date, format_datetime, format_number, t
from cofatui.schemas_chorus import (
    ChorusInvoiceDetail,
    ChorusInvoiceRow,
    ChorusReasonPublic,
    ChorusStructurePublic,
    MyChorusStructure,
)

# --- arguments ------------------------------------------------------------------------


def state_arg(text: str) -> ChorusState:
    """A state as ``made_available`` or ``MISE_A_DISPOSITION``, any case."""
    try:
        return chorus_state(text)
    except ValueError:
        raise argparse.ArgumentTypeError(t("chorus_cli.bad_state", value=text)) from None


def states_arg(text: str) -> list[ChorusState]:
    """``S,S,…``: several states, each in either form."""
    return [state_arg(part) for part in text.split(",") if part.strip()]


#: Dates as 2026-06-30 and amounts as 1234.56, refused with the same words as
#: ``cofatui ilu``'s.
day_arg = ilu_date
amount_arg = ilu_amount


# --- JSON ----------------------------------------------------------------------------------


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)


def structure_json(s: ChorusStructurePublic) -> dict[str, Any]:
    """The keys issue 18 item 11 names, and no others."""
    return {"siret": s.siret, "name": s.name, "status": "active" if s.active else "inactive",
            "public": s.public, "service_code_required": s.service_code_required,
            "engagement_required": s.engagement_required,
            "services": [{"code": v.code, "label": v.label, "active": v.active,
                          "engagement_required": v.engagement_required}
                         for v in s.services]}


def mine_json(m: MyChorusStructure) -> dict[str, Any]:
    return {**structure_json(m.structure), "role": m.role.value,
            "spaces": [space.value for space in m.spaces]}


def reasons_json(reasons: list[ChorusReasonPublic]) -> list[dict[str, str]]:
    return [{"code": r.code, "message": r.message} for r in reasons]


def invoice_json(d: ChorusInvoiceDetail) -> dict[str, Any]:
    """The whole detail; ``id``, ``number``, ``state`` (our code), ``chorus_status``
    (the portal's) and ``reasons`` [code, message] are what scripts read."""
    out: dict[str, Any] = d.model_dump(mode="json")
    out["reasons"] = reasons_json(d.reasons)
    return out


def row_json(r: ChorusInvoiceRow, reasons: list[ChorusReasonPublic]) -> dict[str, Any]:
    out: dict[str, Any] = r.model_dump(mode="json")
    out["reasons"] = reasons_json(reasons)
    return out


#: ``--csv`` columns: the seed's list (seed 003 §X), with ids and codes for scripts.
CSV_COLUMNS = ("id", "type", "supplier_siret", "supplier_name", "recipient_siret",
               "recipient_name", "service_code", "number", "invoice_date", "deposited_at",
               "currency", "total_excl_tax", "total_incl_tax", "state", "chorus_status",
               "attachments_size")


def row_csv(r: ChorusInvoiceRow) -> list[str]:
    values = r.model_dump(mode="json")
    return ["" if values[c] is None else str(values[c]) for c in CSV_COLUMNS]


# --- text -------------------------------------------------------------------------------


#: A supplier answer (``ChorusInvoiceDetail.actions``) → its ``chorus invoice`` command.
ACTION_COMMANDS = {"change_payment_mode": "payment-mode", "credit_note": "credit-note"}


def rate_text(rate: ChorusVatRate) -> str:
    return t("chorus_cli.exempt") if rate is ChorusVatRate.EXEMPT else f"{rate.value} %"


def state_text(state: ChorusState | None) -> str:
    return t(f"notices.chorus_state.{state.value}") if state else "—"


def size_text(size: int) -> str:
    """``92,49 Ko`` as the portal writes it (two decimals, in the user's language)."""
    kilo = (Decimal(size) / 1024).quantize(Decimal("0.01"))
    return t("chorus_cli.size_kb", n=format(kilo, "f").replace(".", t("chorus_cli.decimal")))


def structure_line(s: ChorusStructurePublic) -> str:
    flags = [t("chorus_cli.public") if s.public else t("chorus_cli.private"),
             t("chorus_cli.active") if s.active else t("chorus_cli.inactive")]
    for key, on in (("service_code_required", s.service_code_required),
                    ("engagement_required", s.engagement_required),
                    ("engagement_or_service_required", s.engagement_or_service_required),
                    ("reports_payment_in_progress", s.reports_payment_in_progress)):
        if on:
            flags.append(t(f"chorus_cli.param.{key}"))
    return f"{s.siret}  {s.name[:40]:<40}  {', '.join(flags)}"


def service_line(code: str, label: str, active: bool, engagement: bool) -> str:
    notes = [] if active else [t("chorus_cli.inactive")]
    if engagement:
        notes.append(t("chorus_cli.param.engagement_required"))
    return f"    {code:<20} {label[:40]:<40} {', '.join(notes)}".rstrip()


def row_line(r: ChorusInvoiceRow) -> str:
    deposited = format_date(r.deposited_at) if r.deposited_at else "—"
    return (f"{r.id:>7}  {r.type.value}  {r.number:<20} {r.supplier_name[:18]:<18} "
            f"{r.recipient_name[:22]:<22} {r.service_code[:12]:<12} "
            f"{format_date(r.invoice_date):>10} {deposited:>10} "
            f"{format_amount(r.total_excl_tax, r.currency):>14} "
            f"{format_amount(r.total_incl_tax, r.currency):>14}  "
            f"{state_text(r.state)} ({r.chorus_status})  {size_text(r.attachments_size)}")


def detail_lines(d: ChorusInvoiceDetail) -> list[str]:
    """The invoice as ``chorus invoice show`` prints it."""
    engagement = d.engagement + (f" ({t('chorus_cli.unknown_engagement')})"
                                 if d.engagement_unknown else "")
    said = [
        t("chorus_cli.show.title", id=d.id, number=d.number, type=d.type.value,
          frame=d.frame),
        t("chorus_cli.show.state", state=state_text(d.state), code=d.chorus_status),
        t("chorus_cli.show.supplier", siret=d.supplier_siret, name=d.supplier_name),
        t("chorus_cli.show.recipient", siret=d.recipient_siret,
          name=d.recipient_name or "—"),
        t("chorus_cli.show.references", service=d.service_code or "—",
          engagement=engagement or "—", market=d.market_number or "—"),
        t("chorus_cli.show.dates", invoice=format_date(d.invoice_date),
          delivery=format_date(d.delivery_date) if d.delivery_date else "—",
          due=format_date(d.due_date) if d.due_date else "—"),
        t("chorus_cli.show.payment", mode=d.payment_mode.value if d.payment_mode else "—",
          iban=d.iban or "—"),
    ]
    if d.origin_invoice_id:
        said.append(t("chorus_cli.show.origin", id=d.origin_invoice_id, number=d.origin_number))
    if d.credit_note_id:
        said.append(t("chorus_cli.show.credit_note", id=d.credit_note_id))
    for line in d.lines:
        rate = rate_text(line.vat_rate) + ("" if line.exemption_reason == "" else
                                           f" ({line.exemption_reason})")
        quantity = format_number(line.quantity.normalize())
        said.append(f"  {line.position:>3}. {line.label[:50]:<50} {quantity:>10} "
                    f"{line.unit[:10]:<10} {format_amount(line.unit_price, d.currency):>14}"
                    f" {t('chorus_cli.show.vat_rate', rate=rate)} "
                    f"{format_amount(line.amount_excl_tax, d.currency):>14}")
    for vat in d.vat:
        said.append(t("chorus_cli.show.vat", rate=rate_text(vat.vat_rate),
                      base=format_amount(vat.base, d.currency),
                      amount=format_amount(vat.amount, d.currency)))
    said.append(t("chorus_cli.show.totals", excl=format_amount(d.total_excl_tax, d.currency),
                  vat=format_amount(d.total_vat, d.currency),
                  incl=format_amount(d.total_incl_tax, d.currency),
                  due=format_amount(d.amount_due, d.currency)))
    for reason in d.reasons:
        said.append(t("chorus_cli.show.reason", code=reason.code, message=reason.message))
    for f in d.files:
        said.append(t("chorus_cli.show.file", id=f.id, name=f.filename,
                      size=size_text(f.size), category=f.category))
    if d.chorus_pro is not None:  # the real Chorus Pro has it (issue 19 item 6)
        said.append(link_line(d))
        if d.chorus_pro.error:
            said.append(t("chorus_facturx_cli.link.error", error=d.chorus_pro.error))
    said.append(t("chorus_cli.show.history"))
    for e in d.history:
        said.append(f"  {format_datetime(e.at) if e.at else '—'}  {e.actor.value:<9} "
                    f"{e.login or '—':<12} {state_text(e.from_state)} → "
                    f"{state_text(e.to_state)}"
                    + (f"  « {e.comment} »" if e.comment else "")
                    + (f"  [{', '.join(r.code for r in e.reasons)}]" if e.reasons else ""))
    if d.moves:
        said.append(t("chorus_cli.show.moves", moves=", ".join(
            f"{m.state.value}{'*' if m.comment_required else ''}" for m in d.moves)))
    if d.actions:  # named as the commands that make them
        said.append(t("chorus_cli.show.actions", id=d.id, actions=", ".join(
            ACTION_COMMANDS.get(a, a) for a in d.actions)))
    return said


def link_line(d: ChorusInvoiceDetail) -> str:
    """Where the invoice stands with the real Chorus Pro, in one line."""
    link = d.chorus_pro
    if link is None:
        return t("chorus_facturx_cli.link.none", id=d.id, number=d.number)
    return t("chorus_facturx_cli.link.state", id=d.id, number=d.number,
             deposit=t(f"chorus_facturx_cli.deposit.{link.deposit.value or 'none'}"),
             flux=link.flux_number or "—", cpp=link.invoice_id or "—",
             status=link.status or "—")
