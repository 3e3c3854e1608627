"""Factur-X files for the import tests (issue 19 item 5): a good one from a supplier
unknown to the directory to PA, and crafted ones, each refused for one reason."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from decimal import Decimal
from typing import Any

from facturx import generate_from_binary
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cofatui.enums import ChorusInvoiceType, ChorusPaymentMode, ChorusVatRate
from cofatui.formats.facturx import build_facturx
from cofatui.formats.facturx_pdf import render_pdf
from cofatui.formats.facturx_xml import build_xml
from cofatui.models import Document
from cofatui.models.chorus import ChorusInvoice, ChorusStructure
from cofatui.rules.facturx_model import FacturxInvoice, FacturxLine, FacturxParty, FacturxVat
from tests.contract.chorus_dataset import NAME, PA, SERVICE_ACTIVE, SIRET
from tests.contract.chorus_invoice_samples import IBAN
from tests.contract.conftest import Backend
from tests.contract.dataset import TODAY

#: A supplier the directory does not know (a valid SIRET).
NEW_SUPPLIER = "44400000400002"


def facturx_invoice(number: str = "FX-2026-001", **changes: Any) -> FacturxInvoice:
    """Two lines (20 % and 5.5 %) from NEW_SUPPLIER to PA that every check passes."""
    invoice = FacturxInvoice(
        number=number, type=ChorusInvoiceType.INVOICE, invoice_date=TODAY, currency="EUR",
        seller=FacturxParty(name="Atelier Éloïse", siret=NEW_SUPPLIER,
                            vat_number="FR19444000004", address="3 rue des Lilas",
                            postal_code="69001", city="Lyon"),
        buyer=FacturxParty(name=NAME[PA], siret=SIRET[PA], address="1 place PA",
                           postal_code="75001", city="Paris"),
        lines=(FacturxLine(1, "Audit", Decimal("2"), Decimal("450.00"),
                           ChorusVatRate.STANDARD, Decimal("900.00"), unit="DAY"),
               FacturxLine(2, "Livre", Decimal("3"), Decimal("12.50"),
                           ChorusVatRate.REDUCED, Decimal("37.50"))),
        vat=(FacturxVat(ChorusVatRate.STANDARD, Decimal("900.00"), Decimal("180.00")),
             FacturxVat(ChorusVatRate.REDUCED, Decimal("37.50"), Decimal("2.06"))),
        total_excl_tax=Decimal("937.50"), total_vat=Decimal("182.06"),
        total_incl_tax=Decimal("1119.56"), amount_due=Decimal("1119.56"),
        service_code=SERVICE_ACTIVE, engagement="EJ-2026-17", market_number="M-42",
        payment_mode=ChorusPaymentMode.VIREMENT, iban=IBAN,
        payment_terms="Paiement à 30 jours")
    return replace(invoice, **changes)


def facturx_file(invoice: FacturxInvoice | None = None) -> bytes:
    return build_facturx(invoice or facturx_invoice(), "fr")


def with_xml(xml: bytes, invoice: FacturxInvoice | None = None) -> bytes:
    """A PDF carrying ``xml`` as its Factur-X, unchecked (a crafted file)."""
    return bytes(generate_from_binary(render_pdf(invoice or facturx_invoice(), "fr"), xml,
                                      flavor="factur-x", level="en16931", check_xsd=False,
                                      check_schematron=False))


def edited_xml(old: bytes, new: bytes, invoice: FacturxInvoice | None = None) -> bytes:
    """The good invoice's XML with ``old`` replaced by ``new``, embedded unchecked."""
    xml = build_xml(invoice or facturx_invoice())
    assert old in xml, old
    return with_xml(xml.replace(old, new, 1), invoice)


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def written(backend: Backend) -> tuple[int, int, int]:
    """(invoices, structures, documents) as stored: what a refused file must not add."""
    with Session(backend.engine) as s:
        return (s.execute(select(func.count()).select_from(ChorusInvoice)).scalar_one(),
                s.execute(select(func.count()).select_from(ChorusStructure)).scalar_one(),
                s.execute(select(func.count()).select_from(Document)).scalar_one())
