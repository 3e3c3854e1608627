"""Samples for the Chorus Pro invoice tests (issue 18): a PDF pypdf opens, an invoice
from SA to PA that passes every technical check, and helpers to deposit, read the
history and the notifications as stored."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

from pypdf import PdfWriter
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.models import Notification
from cofatui.models.chorus import ChorusInvoiceEvent, ChorusStructure
from cofatui.repository.base import Repository
from cofatui.schemas_chorus import ChorusInvoiceCreate, ChorusInvoiceDetail
from cofatui.schemas_company_info import UploadedFile
from tests.contract.chorus_dataset import PA, SA, SERVICE_ACTIVE, SIRET
from tests.contract.conftest import Backend
from tests.contract.dataset import TODAY

IBAN = "FR7630006000011234567890189"


def pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


PDF = pdf_bytes()


def pdf(name: str = "facture.pdf") -> UploadedFile:
    return UploadedFile(name=name, content=PDF)


def invoice(number: str = "F-2026-001", **changes: Any) -> ChorusInvoiceCreate:
    """An invoice of SA to PA that every check passes (service ACHATS, an engagement)."""
    fields: dict[str, Any] = {
        "number": number, "type": "380", "frame": "A1", "supplier_siret": SIRET[SA],
        "recipient_siret": SIRET[PA], "service_code": SERVICE_ACTIVE,
        "engagement": "EJ-2026-17", "market_number": "M-42", "invoice_date": TODAY,
        "payment_mode": "VIREMENT", "iban": IBAN,
        "lines": [{"label": "Audit", "quantity": "2", "unit": "jour",
                   "unit_price": "450.00", "vat_rate": "20"},
                  {"label": "Livre", "quantity": "3", "unit_price": "12.50",
                   "vat_rate": "5.5"}]}
    return ChorusInvoiceCreate.model_validate(fields | changes)


def deposit(repo: Repository, number: str = "F-2026-001", **changes: Any) -> ChorusInvoiceDetail:
    return repo.chorus_invoices.create(invoice(number, **changes), pdf())


def sign_mandate(backend: Backend, structure: str = SA) -> None:
    """The billing mandate of ``structure``, signed (entry by form needs it)."""
    with Session(backend.engine) as s:
        s.execute(update(ChorusStructure).where(
            col(ChorusStructure.id) == backend.ids[structure]).values(
            billing_mandate_at=datetime(2026, 1, 5), billing_mandate_by="chorus-sa"))
        s.commit()


def events(backend: Backend, invoice_id: int) -> list[tuple[str, str, str]]:
    """(actor, from, to) of the invoice's history rows as stored."""
    with Session(backend.engine) as s:
        return [(e.actor, e.from_state, e.to_state) for e in s.execute(
            select(ChorusInvoiceEvent).where(col(ChorusInvoiceEvent.invoice_id) == invoice_id)
            .order_by(col(ChorusInvoiceEvent.id))).scalars()]


def notified(backend: Backend, invoice_id: int) -> dict[int, int]:
    """{user id: notifications about the invoice} as stored."""
    with Session(backend.engine) as s:
        return {uid: int(n) for uid, n in s.execute(
            select(col(Notification.user_id), func.count()).where(
                col(Notification.target_type) == "chorus_invoice",
                col(Notification.target_id) == invoice_id)
            .group_by(col(Notification.user_id))) if uid is not None}
