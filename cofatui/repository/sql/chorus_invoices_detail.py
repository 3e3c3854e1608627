"""The detail of a Chorus Pro invoice as one reader gets it (issue 18 items 4, 7, 11):
fields, lines, VAT per rate, totals, files, history (both sides read it), why it is
non-compliant, and the moves and answers the table opens to *this* reader now —
a recipient's moves from ``recipient_moves``, a supplier's answers from
``supplier_actions``; a reader on both sides (a structure invoicing itself) gets both.

The failed checks are stored as codes with parameters and worded here in the reader's
language (``chorus.check.<code>``)."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.enums import (
    CHORUS_DOCUMENT_SOURCE,
    ChorusActor,
    ChorusDepositKind,
    ChorusInvoiceType,
    ChorusPaymentMode,
    ChorusSpace,
    ChorusState,
    ChorusSuspensionReason,
    ChorusVatRate,
)
from cofatui.errors import message_text
from cofatui.models import Document
from cofatui.models.chorus import ChorusInvoice, ChorusInvoiceEvent, ChorusInvoiceLine
from cofatui.repository.sql.chorus_connector_link import (
    chorus_pro_link,
    connector_actions,
)
from cofatui.repository.sql.chorus_invoices_store import credit_note_of, structure
from cofatui.rules.chorus_states import chorus_status, recipient_moves, supplier_actions
from cofatui.rules.chorus_totals import compute_totals
from cofatui.schemas_chorus import (
    UNKNOWN_ENGAGEMENT,
    ChorusEventPublic,
    ChorusFilePublic,
    ChorusInvoiceDetail,
    ChorusLinePublic,
    ChorusMoveOption,
    ChorusReasonPublic,
    ChorusVatPublic,
)

#: The file columns a detail shows (never the bytes).
FILE_COLUMNS = (Document.id, Document.filename, Document.content_type, Document.size,
                Document.sha256, Document.category, Document.created_at,
                Document.created_by)


def reasons_public(raw: str, language: str) -> list[ChorusReasonPublic]:
    """Stored failed checks (JSON ``[{code, params}]``) worded in ``language``: a
    technical check's short code is ``chorus.check.<code>``; a full code (the Chorus
    Pro constraints ``chorus_facturx.*``, Chorus Pro's own labels
    ``chorus_connector.*``, issue 19) is worded as it is."""
    return [ChorusReasonPublic(code=item["code"], params=item.get("params") or {},
                               message=message_text(reason_code(item["code"]),
                                                    item.get("params") or {}, language))
            for item in json.loads(raw or "[]")]


def reason_code(code: str) -> str:
    """The catalog code of a stored reason."""
    return code if "." in code else f"chorus.check.{code}"


def files_public(s: Session, invoice_id: int) -> list[ChorusFilePublic]:
    return [ChorusFilePublic(id=f.id, filename=f.filename, content_type=f.content_type,
                             size=f.size, sha256=f.sha256, category=f.category,
                             created_at=f.created_at, created_by=f.created_by)
            for f in s.execute(select(*FILE_COLUMNS).where(
                col(Document.chorus_invoice_id) == invoice_id,
                col(Document.source) == CHORUS_DOCUMENT_SOURCE)
                .order_by(col(Document.id)))]


def detail(s: Session, row: ChorusInvoice, sides: frozenset[ChorusSpace],
           language: str) -> ChorusInvoiceDetail:
    assert row.id is not None
    state = ChorusState(row.state)
    lines = list(s.execute(select(ChorusInvoiceLine).where(
        col(ChorusInvoiceLine.invoice_id) == row.id)
        .order_by(col(ChorusInvoiceLine.position))).scalars())
    events = list(s.execute(select(ChorusInvoiceEvent).where(
        col(ChorusInvoiceEvent.invoice_id) == row.id)
        .order_by(col(ChorusInvoiceEvent.id))).scalars())
    supplier = structure(s, row.supplier_structure_id)
    recipient = structure(s, row.recipient_structure_id)
    origin = s.get(ChorusInvoice, row.origin_invoice_id) if row.origin_invoice_id else None
    credit = credit_note_of(s, row.id)
    replaced_by = s.execute(select(ChorusInvoice.id).where(
        col(ChorusInvoice.replaces_invoice_id) == row.id)
        .order_by(col(ChorusInvoice.id)).limit(1)).scalar()
    totals = compute_totals([_LineView(line) for line in lines], currency=row.currency,
                            frame=row.frame)
    payment_mode = ChorusPaymentMode(row.payment_mode) if row.payment_mode else None
    link = chorus_pro_link(row, language)
    moves: list[ChorusMoveOption] = []
    # With the connector in play the recipient is in the real Chorus Pro: no local move.
    if ChorusSpace.RECEIVED in sides and link is None:
        moves = [ChorusMoveOption(state=o.state, chorus_status=chorus_status(o.state),
                                  comment_required=o.comment_required)
                 for o in recipient_moves(
                     state, credit_note_issued=credit is not None,
                     reports_payment_in_progress=bool(
                         recipient and recipient.reports_payment_in_progress))]
    actions: list[str] = []
    if ChorusSpace.ISSUED in sides:
        actions = [a.value for a in supplier_actions(
            state, invoice_type=ChorusInvoiceType(row.type), payment_mode=payment_mode,
            credit_note_issued=credit is not None)]
        actions += connector_actions(s, row)
    last_check = next((e for e in reversed(events) if e.actor == ChorusActor.SYSTEM.value),
                      None)
    reasons = (reasons_public(last_check.reasons, language)
               if state is ChorusState.NON_COMPLIANT and last_check else [])
    return ChorusInvoiceDetail(
        id=row.id, number=row.number, type=ChorusInvoiceType(row.type), frame=row.frame,
        deposit_kind=ChorusDepositKind(row.deposit_kind),
        supplier_structure_id=row.supplier_structure_id,
        supplier_siret=supplier.siret if supplier else "",
        supplier_name=supplier.name if supplier else "",
        recipient_siret=row.recipient_siret,
        recipient_structure_id=row.recipient_structure_id,
        recipient_name=recipient.name if recipient else "",
        service_code=row.service_code, engagement=row.engagement,
        engagement_unknown=row.engagement.strip().upper() == UNKNOWN_ENGAGEMENT,
        market_number=row.market_number, invoice_date=row.invoice_date,
        delivery_date=row.delivery_date, due_date=row.due_date, currency=row.currency,
        payment_mode=payment_mode, iban=row.iban, payment_terms=row.payment_terms,
        lines=[ChorusLinePublic(position=line.position, label=line.label,
                                quantity=line.quantity, unit=line.unit,
                                unit_price=line.unit_price,
                                vat_rate=ChorusVatRate(line.vat_rate),
                                exemption_reason=line.exemption_reason,
                                amount_excl_tax=line.amount_excl_tax) for line in lines],
        vat=[ChorusVatPublic(vat_rate=v.vat_rate, base=v.base, amount=v.amount)
             for v in totals.vat],
        total_excl_tax=row.total_excl_tax, total_vat=row.total_vat,
        total_incl_tax=row.total_incl_tax, amount_due=row.amount_due,
        state=state, chorus_status=chorus_status(state), reasons=reasons,
        origin_invoice_id=row.origin_invoice_id,
        origin_number=origin.number if origin else "",
        credit_note_id=credit.id if credit else None,
        replaces_invoice_id=row.replaces_invoice_id, replaced_by_id=replaced_by,
        suspension_reason=(ChorusSuspensionReason(row.suspension_reason)
                           if row.suspension_reason else None),
        mandate_number=row.mandate_number, files=files_public(s, row.id),
        attachments_size=row.attachments_size,
        history=[_event(e, language) for e in events],
        moves=moves, actions=actions, created_at=row.created_at,
        created_by=row.created_by, deposited_at=row.deposited_at,
        state_changed_at=row.state_changed_at, version=row.version, chorus_pro=link)


def _event(e: ChorusInvoiceEvent, language: str) -> ChorusEventPublic:
    assert e.id is not None
    return ChorusEventPublic(
        id=e.id, at=e.at, actor=ChorusActor(e.actor), login=e.login,
        from_state=ChorusState(e.from_state) if e.from_state else None,
        to_state=ChorusState(e.to_state), comment=e.comment,
        reasons=reasons_public(e.reasons, language),
        suspension_reason=(ChorusSuspensionReason(e.suspension_reason)
                           if e.suspension_reason else None),
        mandate_number=e.mandate_number)


class _LineView:
    """A stored line as the totals read it (its rate as the enum)."""

    def __init__(self, line: ChorusInvoiceLine) -> None:
        self.quantity = line.quantity
        self.unit_price = line.unit_price
        self.vat_rate = ChorusVatRate(line.vat_rate)
