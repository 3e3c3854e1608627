"""A Factur-X to deposit into the PISTE double: a small invoice made by the product's
own writers (``formats.facturx.build_facturx``), so the double's XSD check sees what a
real deposit would carry."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import cache

from cofatui.enums import ChorusInvoiceType, ChorusPaymentMode, ChorusVatRate
from cofatui.rules.facturx_model import FacturxInvoice, FacturxLine, FacturxParty, FacturxVat

SELLER_SIRET = "73282932000074"
BUYER_SIRET = "21690123100011"


def sample_invoice(number: str = "F-2026/0042") -> FacturxInvoice:
    """One line of 1 000.00 at 20 %: 1 200.00 due by transfer."""
    line = FacturxLine(position=1, label="Étude de faisabilité", quantity=Decimal(1),
                       unit_price=Decimal("1000.00"), vat_rate=ChorusVatRate.STANDARD,
                       amount_excl_tax=Decimal("1000.00"))
    return FacturxInvoice(
        number=number, type=ChorusInvoiceType.INVOICE, invoice_date=date(2026, 11, 22),
        currency="EUR",
        seller=FacturxParty(name="Société d’Études Générales", siret=SELLER_SIRET,
                            vat_number="FR44732829320", address="12 rue de la Paix",
                            postal_code="75002", city="Paris"),
        buyer=FacturxParty(name="Mairie de Lyon", siret=BUYER_SIRET,
                           address="1 place de la Comédie", postal_code="69001",
                           city="Lyon"),
        lines=(line,),
        vat=(FacturxVat(ChorusVatRate.STANDARD, Decimal("1000.00"), Decimal("200.00")),),
        total_excl_tax=Decimal("1000.00"), total_vat=Decimal("200.00"),
        total_incl_tax=Decimal("1200.00"), amount_due=Decimal("1200.00"),
        due_date=date(2026, 12, 22), service_code="SERV-URBA", engagement="EJ-2026-0001",
        payment_mode=ChorusPaymentMode.VIREMENT, iban="FR7630006000011234567890189")


@cache
def sample_facturx(number: str = "F-2026/0042") -> bytes:
    from cofatui.formats.facturx import build_facturx

    return build_facturx(sample_invoice(number), "fr")
