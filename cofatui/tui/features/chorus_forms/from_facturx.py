"""Depositing a Factur-X PDF fills the form from its XML (issue 19 item 5; seed 004:
the more readable the PDF, the less to type). Pure and on the client's side: the picked
file is read with ``formats.facturx_read.read_pdf``; a plain PDF (no Factur-X) leaves
the form as it is. Whether the seller is the user's structure is the repository's
check at deposit (``pdf``), as for any PDF."""

from __future__ import annotations

from pydantic import ValidationError

from cofatui.errors import CofaError
from cofatui.formats.facturx_read import read_pdf
from cofatui.rules.facturx_model import FacturxInvoice
from cofatui.schemas_chorus import ChorusInvoiceCreate, ChorusLineIn

#: A PDF without Factur-X: nothing to fill, nothing to say.
PLAIN_PDF = "chorus_facturx.facturx_missing"


def invoice_from(inv: FacturxInvoice) -> ChorusInvoiceCreate:
    """The form's values from the Factur-X's data (a 381's origin is named by its
    number only: the user picks the origin invoice)."""
    return ChorusInvoiceCreate(
        number=inv.number, type=inv.type, frame=inv.frame,
        supplier_siret=inv.seller.siret, recipient_siret=inv.buyer.siret,
        service_code=inv.service_code, engagement=inv.engagement,
        market_number=inv.market_number, invoice_date=inv.invoice_date,
        delivery_date=inv.delivery_date, due_date=inv.due_date, currency=inv.currency,
        payment_mode=inv.payment_mode, iban=inv.iban, payment_terms=inv.payment_terms,
        lines=[ChorusLineIn(label=x.label, quantity=x.quantity, unit=x.unit,
                            unit_price=x.unit_price, vat_rate=x.vat_rate,
                            exemption_reason=x.exemption_reason) for x in inv.lines])


def fill_from_pdf(content: bytes) -> ChorusInvoiceCreate | CofaError | None:
    """The invoice the PDF's Factur-X carries; None for a plain PDF; the refusal (in
    the UI's language when shown) when its Factur-X cannot be used."""
    try:
        return invoice_from(read_pdf(content).invoice)
    except CofaError as exc:
        return None if exc.code == PLAIN_PDF else exc
    except ValidationError as exc:  # a value our form cannot hold (e.g. a long label)
        first = exc.errors()[0]
        return CofaError("chorus_facturx.xml_invalid",
                         error=f"{'.'.join(map(str, first['loc']))}: {first['msg']}")


__all__ = ["PLAIN_PDF", "fill_from_pdf", "invoice_from"]
