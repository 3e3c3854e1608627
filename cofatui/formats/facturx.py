"""The Factur-X of an invoice: its PDF/A-3B with ``factur-x.xml`` embedded (issue 19
item 2; SPEC §9).

The PDF comes from ``formats/facturx_pdf.py`` (the PDF/A base: fonts embedded, output
intent, XMP) and the EN 16931 CII XML from ``formats/facturx_xml.py``, which checks
what it wrote. ``facturx.generate_from_binary`` attaches the XML (listed in ``/AF``,
relationship ``Data``) and writes the Factur-X XMP; it checks the XML against the
EN 16931 XSD once more, and never the schematron (that calls a Saxon server we do not
run).
"""

from __future__ import annotations

from facturx import generate_from_binary

from cofatui import i18n
from cofatui.enums import ChorusInvoiceType
from cofatui.formats.facturx_pdf import printable, render_pdf
from cofatui.formats.facturx_xml import build_xml
from cofatui.rules.facturx_model import FacturxInvoice

__all__ = ["FLAVOR", "LEVEL", "build_facturx", "embed_xml"]

FLAVOR = "factur-x"
LEVEL = "en16931"


def build_facturx(invoice: FacturxInvoice, language: str) -> bytes:
    """The Factur-X PDF of ``invoice``, its visible text in ``language``."""
    return embed_xml(invoice, render_pdf(invoice, language), build_xml(invoice), language)


def embed_xml(invoice: FacturxInvoice, pdf: bytes, xml: bytes, language: str) -> bytes:
    """``pdf`` (a PDF/A-3 of ``invoice``) with ``xml`` embedded as ``factur-x.xml``."""
    return bytes(generate_from_binary(
        pdf, xml, flavor=FLAVOR, level=LEVEL, check_xsd=True, check_schematron=False,
        pdf_metadata=_metadata(invoice, language),
        lang=i18n.locale_name(language).replace("_", "-")))


def _metadata(invoice: FacturxInvoice, language: str) -> dict[str, str]:
    """The document information and XMP, in the reader's language (factur-x writes
    English ones of its own otherwise)."""
    key = "credit_note" if invoice.type is ChorusInvoiceType.CREDIT_NOTE else "invoice"
    # XMP is XML: no control character may reach it.
    document = i18n.t_in(language, f"facturx_pdf.{key}", number=printable(invoice.number))
    seller = printable(invoice.seller.name)
    return {
        "author": seller,
        "keywords": i18n.t_in(language, "facturx_pdf.metadata.keywords"),
        "title": f"{seller}: {document}",
        "subject": i18n.t_in(language, "facturx_pdf.metadata.subject", document=document,
                             seller=seller,
                             date=i18n.format_date(invoice.invoice_date, language)),
    }
