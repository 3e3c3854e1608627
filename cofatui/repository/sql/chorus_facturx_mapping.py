"""A stored Chorus Pro invoice as Factur-X sees it (issue 19 item 1): its row, its
lines and both structures read in the caller's transaction and turned into the plain
``FacturxInvoice`` the pure writers of ``formats/facturx_*.py`` take.

The seller is the supplier structure; the buyer is the recipient structure of the
directory, or — an invoice whose recipient is unknown to the directory — a party
holding only the SIRET the supplier typed. The VAT breakdown is computed from the
stored lines by ``rules/chorus_totals.py`` (the same rule that made the stored totals),
never re-typed."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.enums import ChorusFrame, ChorusInvoiceType, ChorusPaymentMode, ChorusVatRate
from cofatui.models.chorus import ChorusInvoice, ChorusInvoiceLine, ChorusStructure
from cofatui.rules.chorus_totals import compute_totals
from cofatui.rules.facturx_model import FacturxInvoice, FacturxLine, FacturxParty, FacturxVat


def party(structure: ChorusStructure) -> FacturxParty:
    return FacturxParty(name=structure.name, siret=structure.siret,
                        vat_number=structure.vat_number, address=structure.address,
                        postal_code=structure.postal_code, city=structure.city,
                        country=structure.country or "FR")


def _buyer(s: Session, row: ChorusInvoice) -> FacturxParty:
    structure = (s.get(ChorusStructure, row.recipient_structure_id)
                 if row.recipient_structure_id is not None else
                 s.execute(select(ChorusStructure).where(
                     col(ChorusStructure.siret) == row.recipient_siret)).scalars().first())
    if structure is None:
        # A SIRET outside the directory: the XML still needs a name (BT-44).
        return FacturxParty(name=row.recipient_siret, siret=row.recipient_siret)
    return party(structure)


def _lines(s: Session, invoice_id: int) -> tuple[FacturxLine, ...]:
    rows = s.execute(select(ChorusInvoiceLine).where(
        col(ChorusInvoiceLine.invoice_id) == invoice_id)
        .order_by(col(ChorusInvoiceLine.position))).scalars()
    return tuple(FacturxLine(
        position=line.position, label=line.label, quantity=line.quantity,
        unit_price=line.unit_price, vat_rate=ChorusVatRate(line.vat_rate),
        amount_excl_tax=line.amount_excl_tax, unit=line.unit,
        exemption_reason=line.exemption_reason) for line in rows)


def _vat(lines: tuple[FacturxLine, ...], currency: str) -> tuple[FacturxVat, ...]:
    """BG-23 from the lines; an exempt rate carries its first line's reason (BT-120)."""
    reasons = {line.vat_rate: line.exemption_reason for line in reversed(lines)}
    return tuple(FacturxVat(vat_rate=v.vat_rate, base=v.base, amount=v.amount,
                            exemption_reason=reasons.get(v.vat_rate, "")
                            if v.vat_rate is ChorusVatRate.EXEMPT else "")
                 for v in compute_totals(lines, currency=currency).vat)


def facturx_invoice(s: Session, row: ChorusInvoice) -> FacturxInvoice:
    """``row`` (flushed, with its lines stored) as a ``FacturxInvoice``."""
    assert row.id is not None
    supplier = s.get(ChorusStructure, row.supplier_structure_id)
    assert supplier is not None
    lines = _lines(s, row.id)
    origin = (s.get(ChorusInvoice, row.origin_invoice_id)
              if row.origin_invoice_id is not None else None)
    return FacturxInvoice(
        number=row.number, type=ChorusInvoiceType(row.type), invoice_date=row.invoice_date,
        currency=row.currency, seller=party(supplier), buyer=_buyer(s, row), lines=lines,
        vat=_vat(lines, row.currency), total_excl_tax=row.total_excl_tax,
        total_vat=row.total_vat, total_incl_tax=row.total_incl_tax,
        amount_due=row.amount_due, frame=ChorusFrame(row.frame).value,
        delivery_date=row.delivery_date, due_date=row.due_date,
        service_code=row.service_code, engagement=row.engagement,
        market_number=row.market_number,
        payment_mode=ChorusPaymentMode(row.payment_mode) if row.payment_mode else None,
        iban=row.iban, payment_terms=row.payment_terms,
        origin_number=origin.number if origin is not None else "",
        origin_date=origin.invoice_date if origin is not None else None)


def export_file_name(number: str, extension: str) -> str:
    """The number with ``/`` as ``-`` (issue 19 item 4) and the format's extension."""
    return number.replace("/", "-") + extension
