"""Factur-X on the supplier's side of entry and deposit (issue 19 items 2, 5):

- an invoice typed in the form gets, at deposit, its generated Factur-X as its main
  document (the portal generates the PDF of an entry, seed 004) — made again at each
  deposit of the entry, so the document always shows what was deposited;
- a deposited PDF that carries a Factur-X must name the supplier structure as its
  seller (BT-30), else ValidationFailed at ``pdf``; a plain PDF, or one whose Factur-X
  cannot be read, is deposited as before (the deposit's own PDF rules apply)."""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.errors import ValidationFailed
from cofatui.models import Document, DocumentContent
from cofatui.models.chorus import ChorusInvoice
from cofatui.repository.sql.chorus_facturx_mapping import export_file_name, facturx_invoice
from cofatui.repository.sql.chorus_invoices_store import MAIN, keep_files
from cofatui.rules.attachments import Attachment

SELLER_NOT_YOURS = "chorus_facturx.seller_not_yours"


def check_seller(pdf: bytes, supplier_siret: str) -> None:
    """Raises ValidationFailed at ``pdf`` when the PDF's Factur-X names another seller."""
    from cofatui.formats import facturx_read

    try:
        seller = facturx_read.read_pdf(pdf).invoice.seller.siret
    except facturx_read.FacturxRefused:
        return  # no readable Factur-X: a plain PDF deposit
    if seller != supplier_siret:
        raise ValidationFailed.at("pdf", SELLER_NOT_YOURS, siret=seller)


def keep_generated(s: Session, row: ChorusInvoice, language: str, now: datetime,
                   login: str) -> None:
    """Make the entry's Factur-X and keep it as its main document (replacing the one a
    previous deposit made)."""
    from cofatui.formats.facturx import build_facturx

    assert row.id is not None
    s.flush()
    content = build_facturx(facturx_invoice(s, row), language)
    if row.main_document_id is not None:
        old = select(Document.id).where(col(Document.id) == row.main_document_id,
                                        col(Document.chorus_invoice_id) == row.id)
        s.execute(delete(DocumentContent).where(col(DocumentContent.document_id).in_(old)))
        s.execute(delete(Document).where(col(Document.id) == row.main_document_id,
                                         col(Document.chorus_invoice_id) == row.id))
    accepted = Attachment(export_file_name(row.number, ".pdf"), "application/pdf",
                          size=len(content), sha256=hashlib.sha256(content).hexdigest())
    row.main_document_id = keep_files(s, row, [(accepted, content)], MAIN, now, login)[0]
