"""Writing an invoice's content: its fields and lines from a checked invoice, its files
(kept in ``document`` with their checksum, ``source`` ``chorus``), in the caller's
transaction. Shared by entry, deposit, drafts, corrections, credit notes and
re-issues, so an invoice is stored one way whatever wrote it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.enums import (
    CHORUS_DOCUMENT_SOURCE,
    ChorusInvoiceType,
    ChorusPaymentMode,
    ChorusState,
    ChorusVatRate,
)
from cofatui.errors import RuleViolation
from cofatui.models import Document
from cofatui.models.chorus import ChorusInvoice, ChorusInvoiceLine, ChorusStructure
from cofatui.repository.sql.document_store import keep_document
from cofatui.rules.attachments import Attachment
from cofatui.rules.chorus_invoice import CheckedInvoice
from cofatui.schemas_chorus import ChorusInvoiceCreate, ChorusLineIn

#: States in which a 381 no longer counts as invalidating its origin: it never reached
#: the recipient.
_UNSENT = (ChorusState.DRAFT.value, ChorusState.NON_COMPLIANT.value)
MAIN = "main"
ATTACHMENT = "attachment"


def fields_of(checked: CheckedInvoice) -> dict[str, object]:
    """The invoice row's columns a checked invoice gives (its number included)."""
    totals = checked.totals
    return dict(
        number=checked.number, type=checked.type.value, frame=checked.frame.value,
        recipient_siret=checked.recipient_siret, service_code=checked.service_code,
        engagement=checked.engagement, market_number=checked.market_number,
        invoice_date=checked.invoice_date, delivery_date=checked.delivery_date,
        due_date=checked.due_date, currency=checked.currency,
        payment_mode=checked.payment_mode.value if checked.payment_mode else "",
        iban=checked.iban, payment_terms=checked.payment_terms,
        origin_invoice_id=checked.origin_invoice_id,
        total_excl_tax=totals.total_excl_tax, total_vat=totals.total_vat,
        total_incl_tax=totals.total_incl_tax, amount_due=totals.amount_due)


def write_lines(s: Session, row: ChorusInvoice, checked: CheckedInvoice) -> None:
    """Replace the invoice's lines by the checked ones."""
    assert row.id is not None
    s.execute(delete(ChorusInvoiceLine).where(col(ChorusInvoiceLine.invoice_id) == row.id))
    for line in checked.lines:
        s.add(ChorusInvoiceLine(
            invoice_id=row.id, position=line.position, label=line.label,
            quantity=line.quantity, unit=line.unit, unit_price=line.unit_price,
            vat_rate=line.vat_rate.value, exemption_reason=line.exemption_reason,
            amount_excl_tax=line.amount_excl_tax))


def number_taken(s: Session, supplier_structure_id: int, number: str,
                 but: int | None = None) -> None:
    """Raises RuleViolation ``chorus_invoices.number_taken`` when the supplier has
    another invoice (drafts included) with this number."""
    query = select(ChorusInvoice.id).where(
        col(ChorusInvoice.supplier_structure_id) == supplier_structure_id,
        col(ChorusInvoice.number) == number)
    if but is not None:
        query = query.where(col(ChorusInvoice.id) != but)
    if s.execute(query.limit(1)).first() is not None:
        raise RuleViolation("chorus_invoices.number_taken", number=number)


def keep_files(s: Session, row: ChorusInvoice, files: Sequence[tuple[Attachment, bytes]],
               category: str, now: datetime, login: str) -> list[int]:
    """Store ``files`` (accepted by the rules) as the invoice's; the lists' attachment
    size follows. Returns their ids."""
    assert row.id is not None
    ids = []
    for accepted, content in files:
        ids.append(keep_document(s, Document(
            source=CHORUS_DOCUMENT_SOURCE, contract_id=None,
            chorus_invoice_id=row.id, filename=accepted.name,
            content_type=accepted.media_type, size=accepted.size, sha256=accepted.sha256,
            category=category, created_at=now, created_by=login), content))
    row.attachments_size = attached_bytes(s, row.id)
    return ids


def attached_bytes(s: Session, invoice_id: int) -> int:
    """Σ of the invoice's file sizes (the per-invoice limit and "Taille PJ")."""
    return int(s.execute(select(func.coalesce(func.sum(Document.size), 0)).where(
        col(Document.chorus_invoice_id) == invoice_id,
        col(Document.source) == CHORUS_DOCUMENT_SOURCE)).scalar_one())


def attached_since(s: Session, invoice_id: int, since: datetime | None) -> bool:
    """A file was attached to the invoice after ``since`` (its suspension): what
    completing it asks for, whether the file came with the completion or before it
    ("Ajouter des pièces jointes" while suspended)."""
    if since is None:
        return False
    return s.execute(select(Document.id).where(
        col(Document.chorus_invoice_id) == invoice_id,
        col(Document.source) == CHORUS_DOCUMENT_SOURCE,
        col(Document.category) == ATTACHMENT,
        col(Document.created_at) > since).limit(1)).first() is not None


def as_create(s: Session, row: ChorusInvoice, supplier_siret: str) -> ChorusInvoiceCreate:
    """The stored invoice as the form gives one: what a correction starts from, what a
    credit note and a re-issue copy."""
    lines = s.execute(select(ChorusInvoiceLine).where(
        col(ChorusInvoiceLine.invoice_id) == row.id)
        .order_by(col(ChorusInvoiceLine.position))).scalars()
    return ChorusInvoiceCreate(
        number=row.number, type=ChorusInvoiceType(row.type), frame=row.frame,
        supplier_siret=supplier_siret, recipient_siret=row.recipient_siret,
        service_code=row.service_code, engagement=row.engagement,
        market_number=row.market_number, invoice_date=row.invoice_date,
        delivery_date=row.delivery_date, due_date=row.due_date, currency=row.currency,
        payment_mode=ChorusPaymentMode(row.payment_mode) if row.payment_mode else None,
        iban=row.iban, payment_terms=row.payment_terms,
        origin_invoice_id=row.origin_invoice_id,
        lines=[ChorusLineIn(label=line.label, quantity=line.quantity, unit=line.unit,
                            unit_price=line.unit_price,
                            vat_rate=ChorusVatRate(line.vat_rate),
                            exemption_reason=line.exemption_reason) for line in lines])


def credit_note_of(s: Session, invoice_id: int) -> ChorusInvoice | None:
    """The 381 that invalidates ``invoice_id`` (sent to the recipient), if any."""
    return s.execute(select(ChorusInvoice).where(
        col(ChorusInvoice.origin_invoice_id) == invoice_id,
        col(ChorusInvoice.type) == ChorusInvoiceType.CREDIT_NOTE.value,
        col(ChorusInvoice.state).not_in(_UNSENT))
        .order_by(col(ChorusInvoice.id)).limit(1)).scalars().first()


def structure(s: Session, structure_id: int | None) -> ChorusStructure | None:
    return None if structure_id is None else s.get(ChorusStructure, structure_id)
