"""Any invoice renders (issue 19 Acceptance bullets 1–2, the PDF side): 1–200 lines,
every VAT rate and exempt lines, 380 and 381, frames A1 and A2, EUR and USD, names
with accents, markup-like text, control characters and non-Latin scripts. The Factur-X
opens in pypdf, numbers its pages "Page k/N", shows the number, the SIRETs and the
amount due as the reader's language writes them, and carries the XML written for it."""

from __future__ import annotations

import io
from dataclasses import replace
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from cofatui import i18n
from cofatui.enums import ChorusFrame, ChorusInvoiceType, ChorusVatRate
from cofatui.formats.facturx import build_facturx
from cofatui.formats.facturx_xml import build_xml
from cofatui.rules.facturx_model import FacturxInvoice
from tests.unit.test_facturx_pdf import BUYER, SELLER, _plain, make_invoice

# Text a user may type: any letter, mark, symbol or punctuation, spaces, and C0
# controls (dropped on the page); plus fixed samples the fonts must show literally.
_TYPED = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Co", "Cn")),
                 max_size=60)
_SAMPLES = st.sampled_from(["Étude préalable — phase 1", "[bold]x[/]", "Ελληνικά",
                            "Кириллица", "a\x07b\x1fc", "**gras** <i>", "{nb} {page}"])
_LABELS = st.one_of(_SAMPLES, _TYPED)
_LINE = st.tuples(_LABELS, st.decimals("0.001", "9999", places=3),
                  st.decimals("0", "99999.99", places=2), st.sampled_from(list(ChorusVatRate)))
# A structure's name has at least a letter or a digit (the directory requires one).
_NAMES = st.one_of(_SAMPLES, _TYPED.filter(lambda name: any(c.isalnum() for c in name)))
_NUMBERS = st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-/", min_size=1, max_size=20)


@st.composite
def invoices(draw: st.DrawFn) -> FacturxInvoice:
    count = draw(st.one_of(st.integers(1, 5), st.integers(1, 200)))
    first = draw(_LINE)
    lines = [first] + [(f"Ligne {n}", Decimal(n % 9 + 1), Decimal("12.50") + n,
                        draw(st.sampled_from(list(ChorusVatRate))))
                       for n in range(2, count + 1)]
    return make_invoice(
        lines, type=draw(st.sampled_from(list(ChorusInvoiceType))),
        frame=draw(st.sampled_from(list(ChorusFrame))),
        currency=draw(st.sampled_from(["EUR", "USD"])),
        seller=replace(SELLER, name=draw(_NAMES)),
        buyer=BUYER, number=draw(_NUMBERS))


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(invoices(), st.sampled_from(["fr", "en"]))
def test_any_invoice_makes_a_factur_x_a_reader_can_read(inv: FacturxInvoice,
                                                        language: str) -> None:
    pdf = build_facturx(inv, language)
    reader = PdfReader(io.BytesIO(pdf))
    pages = [_plain(page.extract_text()) for page in reader.pages]
    for number, page in enumerate(pages, start=1):
        assert f"Page {number}/{len(pages)}" in page
    text = " ".join(pages)
    assert inv.number in text
    assert inv.seller.siret in text and inv.buyer.siret in text
    assert _plain(i18n.format_amount(inv.amount_due, inv.currency, language)) in text
    assert reader.attachments["factur-x.xml"] == [build_xml(inv)]
