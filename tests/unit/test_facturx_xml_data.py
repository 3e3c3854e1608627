"""Invoices for the Factur-X tests (no test here): a fixed one (the golden XML's), a
builder whose totals come from ``rules/chorus_totals`` as the repository's do, and the
hypothesis strategy of issue 19's first acceptance bullet."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date
from decimal import Decimal
from functools import cache

from fpdf import FPDF
from hypothesis import strategies as st
from pypdf import PdfReader, PdfWriter
from stdnum import luhn

from cofatui.enums import ChorusInvoiceType, ChorusPaymentMode, ChorusVatRate
from cofatui.rules.chorus_totals import compute_totals
from cofatui.rules.facturx_model import FacturxInvoice, FacturxLine, FacturxParty, FacturxVat

SELLER_SIRET = "35600000000048"  # La Poste's SIREN: its exception to the Luhn check
BUYER_SIRET = "21690123100011"
IBAN = "FR7630006000011234567890189"
EXEMPTION = "Exonération, article 261-4-4° du CGI"


def siret_of(digits: str) -> str:
    """A valid SIRET from 12 digits: the SIREN's key, then the whole number's."""
    siren = digits[:8] + luhn.calc_check_digit(digits[:8])
    body = siren + digits[8:12]
    return body + luhn.calc_check_digit(body)


def line(position: int, label: str, quantity: str, price: str, rate: ChorusVatRate,
         unit: str = "", currency: str = "EUR") -> FacturxLine:
    amount = compute_totals([_Line(Decimal(quantity), Decimal(price), rate)],
                            currency=currency).line_amounts[0]
    return FacturxLine(position, label, Decimal(quantity), Decimal(price), rate, amount,
                       unit=unit,
                       exemption_reason=EXEMPTION if rate is ChorusVatRate.EXEMPT else "")


class _Line:
    def __init__(self, quantity: Decimal, unit_price: Decimal, vat_rate: ChorusVatRate):
        self.quantity, self.unit_price, self.vat_rate = quantity, unit_price, vat_rate


def invoice(lines: tuple[FacturxLine, ...], *, number: str = "FA-2026/0042",
            type_: ChorusInvoiceType = ChorusInvoiceType.INVOICE, frame: str = "A1",
            currency: str = "EUR", seller: FacturxParty | None = None,
            buyer: FacturxParty | None = None, **fields: object) -> FacturxInvoice:
    """An invoice whose totals and VAT breakdown are computed from ``lines``."""
    totals = compute_totals(lines, currency=currency, frame=frame)
    vat = tuple(FacturxVat(v.vat_rate, v.base, v.amount,
                           EXEMPTION if v.vat_rate is ChorusVatRate.EXEMPT else "")
                for v in totals.vat)
    credit = type_ is ChorusInvoiceType.CREDIT_NOTE
    base = FacturxInvoice(
        number=number, type=type_, invoice_date=date(2026, 3, 2), currency=currency,
        seller=seller or FacturxParty("Société d'Études Générales", SELLER_SIRET,
                                      "FR32356000000", "12 rue de la Paix", "75002",
                                      "Paris"),
        buyer=buyer or FacturxParty("Mairie de Lyon", BUYER_SIRET, "",
                                    "1 place de la Comédie\nHôtel de ville", "69001", "Lyon"),
        lines=lines, vat=vat, total_excl_tax=totals.total_excl_tax,
        total_vat=totals.total_vat, total_incl_tax=totals.total_incl_tax,
        amount_due=totals.amount_due, frame=frame, due_date=date(2026, 4, 1),
        service_code="SERV-ACHATS", engagement="EJ-2026-0001", market_number="MARCHE-42",
        payment_mode=None if credit else ChorusPaymentMode.VIREMENT,
        iban="" if credit else IBAN,
        payment_terms="Paiement à 30 jours. Pénalités de retard : 3 fois le taux "
                      "d'intérêt légal ; indemnité forfaitaire de recouvrement : 40 €.",
        origin_number="FA-2026/0007" if credit else "",
        origin_date=date(2026, 2, 1) if credit else None)
    return replace(base, **fields)  # type: ignore[arg-type]


def fixed_invoice() -> FacturxInvoice:
    """The golden XML's invoice: every rate, an exempt line, a unit, accents."""
    return invoice((
        line(1, "Audit de sécurité", "3.5", "850", ChorusVatRate.STANDARD, "jour"),
        line(2, "Restauration", "12", "14.125", ChorusVatRate.INTERMEDIATE),
        line(3, "Ouvrages", "4", "23.99", ChorusVatRate.REDUCED, "u"),
        line(4, "Presse", "10", "1.3", ChorusVatRate.SUPER_REDUCED),
        line(5, "Transport international", "1", "120", ChorusVatRate.ZERO),
        line(6, "Formation professionnelle", "2", "450", ChorusVatRate.EXEMPT, "h"),
        line(7, "Remise commerciale", "-1", "50", ChorusVatRate.STANDARD),
    ))


@cache
def plain_pdf() -> bytes:
    """A one-page PDF without any Factur-X."""
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="Facture")
    return bytes(pdf.output())


def pdf_with_attachment(content: bytes, name: str = "factur-x.xml") -> bytes:
    """The plain PDF with ``content`` attached under ``name`` (pypdf, no check)."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(plain_pdf())))
    writer.add_attachment(name, content)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# --- hypothesis ---------------------------------------------------------------------------

#: What names and labels hold in real life and in hostile input.
FRAGMENTS = ("é", "ÀÉÎÕÜ", "ç", "Œuvre", "[bold]x[/]", "[red]", "<b>", "&amp;", "'", '"',
             "\x00", "\x07", "\x1b[31m", "\x7f", "\x85", "\t", "\n", "漢字", "Ελληνικά",
             "Москва", "العربية", "עברית", "हिन्दी", "🧾", " ", "€", "Ø", "ß")
_BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
texts = st.lists(
    st.sampled_from(FRAGMENTS) | st.text(
        st.characters(exclude_categories=["Cs"], exclude_characters=_BIDI),
        max_size=6),
    max_size=8).map("".join)
non_blank = texts.map(lambda s: s + "x")
sirets = st.text("0123456789", min_size=12, max_size=12).map(siret_of)
numbers = st.from_regex(r"[A-Z0-9][A-Z0-9/\-_.]{0,19}", fullmatch=True)
quantities = st.decimals(min_value=Decimal("-999"), max_value=Decimal("9999"), places=3) \
    .filter(lambda q: q != 0)
prices = st.decimals(min_value=Decimal("0"), max_value=Decimal("99999"), places=3)
parties = st.builds(FacturxParty, name=non_blank, siret=sirets, address=texts,
                    postal_code=st.from_regex(r"[0-9]{5}", fullmatch=True), city=texts)


@st.composite
def invoices(draw: st.DrawFn, max_lines: int = 200) -> FacturxInvoice:
    currency = draw(st.sampled_from(("EUR", "USD")))
    count = draw(st.integers(min_value=1, max_value=max_lines))
    rows = tuple(
        line(i + 1, draw(non_blank), str(draw(quantities)), str(draw(prices)),
             draw(st.sampled_from(list(ChorusVatRate))), draw(st.sampled_from(("", "h", "KGM"))),
             currency)
        for i in range(count))
    type_ = draw(st.sampled_from(list(ChorusInvoiceType)))
    credit = type_ is ChorusInvoiceType.CREDIT_NOTE
    mode = None if credit else draw(st.sampled_from(list(ChorusPaymentMode)))
    return invoice(
        rows, number=draw(numbers), type_=type_, frame=draw(st.sampled_from(("A1", "A2"))),
        currency=currency, seller=draw(parties), buyer=draw(parties),
        service_code=draw(texts.map(lambda s: s[:100])),
        engagement=draw(texts.map(lambda s: s[:50])),
        market_number=draw(texts.map(lambda s: s[:50])), payment_mode=mode,
        iban=IBAN if mode is ChorusPaymentMode.VIREMENT else "",
        payment_terms=draw(texts))
