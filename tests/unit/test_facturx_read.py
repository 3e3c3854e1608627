"""formats.facturx_read (issue 19 item 5): a received Factur-X is read back into an
invoice, or refused with ONE coded reason, the first in the issue's order. One crafted
file per reason; hypothesis feeds the reader garbage and mutated documents, which must
end in a coded refusal and never in another exception."""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import facturx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from cofatui.enums import ChorusInvoiceType, ChorusPaymentMode, ChorusVatRate
from cofatui.errors import message_text
from cofatui.formats import facturx_read
from cofatui.formats.facturx_read import FacturxRefused, read_pdf, read_xml
from cofatui.formats.facturx_xml import build_xml, data_dict
from cofatui.i18n.messages import has_entry
from cofatui.rules import en16931
from cofatui.schemas_facturx import FACTURX_MAX_BYTES
from tests.unit.test_facturx_xml_data import (
    fixed_invoice,
    invoice,
    line,
    pdf_with_attachment,
    plain_pdf,
)

MINIMUM = (Path(__file__).parent / "golden" / "facturx_minimum.xml")


def simple(**fields: Any) -> Any:
    return invoice((line(1, "Prestation", "2", "100", ChorusVatRate.STANDARD),), **fields)


def embedded(xml: bytes, *, level: str = "en16931", check_xsd: bool = True) -> bytes:
    """A PDF carrying ``xml`` as its Factur-X, made with the factur-x library."""
    return bytes(facturx.generate_from_binary(plain_pdf(), xml, flavor="factur-x",
                                              level=level, check_xsd=check_xsd))


def generated(**changes: Any) -> bytes:
    """An XML written by the library from our data dict with ``changes`` applied (to
    craft what build_xml would never write)."""
    data = data_dict(simple())
    data.update(changes)
    return bytes(facturx.generate_xml(data, flavor="factur-x", level="en16931",
                                      check_xsd=True, check_schematron=False))


def refusal(content: bytes, *, pdf: bool = True) -> tuple[str, dict[str, object]]:
    with pytest.raises(FacturxRefused) as caught:
        read_pdf(content) if pdf else read_xml(content)
    return caught.value.code, caught.value.params


# --- the good file ------------------------------------------------------------------------


def test_a_good_factur_x_is_read_with_every_field_the_writer_wrote() -> None:
    inv = fixed_invoice()
    xml = build_xml(inv)
    read = read_pdf(embedded(xml))
    assert read.level == "en16931"
    assert read.xml == xml
    assert read.invoice == replace(inv, delivery_date=inv.invoice_date,
                                   lines=read.invoice.lines)
    assert [ln.unit for ln in read.invoice.lines] == \
        ["DAY", "C62", "C62", "C62", "C62", "HUR", "C62"]
    assert read.invoice.lines[5].exemption_reason == inv.lines[5].exemption_reason


def test_a_credit_note_and_frame_a2_read_back() -> None:
    inv = simple(type_=ChorusInvoiceType.CREDIT_NOTE, frame="A2")
    read = read_xml(build_xml(inv)).invoice
    assert (read.type, read.frame, read.amount_due, read.prepaid) == \
        (ChorusInvoiceType.CREDIT_NOTE, "A2", Decimal("0.00"), Decimal("240.00"))
    assert (read.origin_number, read.origin_date) == (inv.origin_number, inv.origin_date)
    assert read.payment_mode is None


def test_basic_and_extended_profiles_are_accepted() -> None:
    data = data_dict(simple())
    extended = facturx.generate_xml(data, flavor="factur-x", level="extended",
                                    check_xsd=True, check_schematron=False)
    assert read_pdf(embedded(extended, level="extended")).level == "extended"


def test_another_payment_means_code_reads_as_its_mode() -> None:
    assert read_xml(generated(**{"BT-81": "58"})).invoice.payment_mode \
        is ChorusPaymentMode.VIREMENT  # SEPA credit transfer
    assert read_xml(generated(**{"BT-81": "97"})).invoice.payment_mode \
        is ChorusPaymentMode.AUTRE


def test_a_utf8_bom_and_an_xml_declaration_are_fine() -> None:
    xml = build_xml(simple())
    assert read_xml(b"\xef\xbb\xbf" + xml).invoice.number == "FA-2026/0042"


def test_text_direction_overrides_are_dropped_on_reading() -> None:
    xml = build_xml(simple(service_code="SERV\u202eLIAM"))
    assert read_xml(xml).invoice.service_code == "SERVLIAM"


# --- one crafted file per refusal, in the order -----------------------------------


def test_not_pdf_garbage_and_a_broken_pdf() -> None:
    assert refusal(b"garbage, not a PDF")[0] == "chorus_facturx.not_pdf"
    assert refusal(build_xml(simple()))[0] == "chorus_facturx.not_pdf"  # the XML alone
    assert refusal(b"%PDF-1.7\n" + b"\x00" * 100)[0] == "chorus_facturx.not_pdf"


def test_too_large_over_10_mb() -> None:
    big = plain_pdf() + b"%" + b"0" * FACTURX_MAX_BYTES
    assert refusal(big) == ("chorus_facturx.too_large", {"megabytes": 10})


def test_a_plain_pdf_has_no_factur_x() -> None:
    assert refusal(plain_pdf())[0] == "chorus_facturx.facturx_missing"
    # Another XML attached under another name is not a Factur-X either.
    other = pdf_with_attachment(build_xml(simple()), name="annexe.xml")
    assert refusal(other)[0] == "chorus_facturx.facturx_missing"


def test_a_doctype_with_entities_is_refused_before_any_parse() -> None:
    xml = build_xml(simple())
    laughs = (b'<?xml version="1.0"?>\n<!DOCTYPE rsm:CrossIndustryInvoice [\n'
              b'<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;">\n'
              b'<!ENTITY file SYSTEM "file:///etc/passwd">]>\n'
              + xml.split(b"?>", 1)[1].replace(b"Prestation", b"&lol2;&file;"))
    assert refusal(pdf_with_attachment(laughs)) == ("chorus_facturx.doctype_refused", {})
    # However it is written: lower case, UTF-16, an entity without a DOCTYPE keyword.
    assert refusal(b"<!doctype x><x/>", pdf=False)[0] == "chorus_facturx.doctype_refused"
    assert refusal(laughs.decode().replace('version="1.0"', 'version="1.0" encoding="utf-16"')
                   .encode("utf-16"), pdf=False)[0] == "chorus_facturx.doctype_refused"
    assert refusal(b"<x><!ENTITY a 'b'></x>", pdf=False)[0] == \
        "chorus_facturx.doctype_refused"


def test_the_hardened_parser_expands_no_entity() -> None:
    root = etree.fromstring(b'<!DOCTYPE x [<!ENTITY a "expanded">]><x>&a;</x>',
                            en16931.safe_parser())
    assert "expanded" not in etree.tostring(root).decode()


def test_xsd_invalid_xml_embedded_without_the_check_names_the_first_error() -> None:
    xml = build_xml(simple()).replace(b"<ram:Name>Prestation",
                                      b"<ram:Colour>red</ram:Colour><ram:Name>Prestation")
    code, params = refusal(embedded(xml, check_xsd=False))
    assert code == "chorus_facturx.xml_invalid"
    assert "Colour" in str(params["error"]) and "line" in str(params["error"])
    assert len(str(params["error"])) <= 300


def test_not_xml_and_not_cii_are_invalid() -> None:
    assert refusal(pdf_with_attachment(b"<not closed"))[0] == "chorus_facturx.xml_invalid"
    assert refusal(b"<Invoice xmlns='urn:oasis:names:specification:ubl:schema:xsd:"
                   b"Invoice-2'/>", pdf=False)[0] == "chorus_facturx.xml_invalid"
    no_guideline = build_xml(simple()).replace(b"urn:cen.eu:en16931:2017", b"urn:nothing")
    assert refusal(no_guideline, pdf=False)[0] == "chorus_facturx.xml_invalid"


def test_minimum_and_basic_wl_have_no_lines() -> None:
    # factur-x writes no MINIMUM XML (its generator starts at BASIC WL): the MINIMUM
    # document is a hand-written one its XSD accepts, embedded by the library.
    minimum = embedded(MINIMUM.read_bytes(), level="minimum")
    assert refusal(minimum) == ("chorus_facturx.profile_too_low", {"profile": "MINIMUM"})
    data = data_dict(simple())
    basicwl = facturx.generate_xml(data, flavor="factur-x", level="basicwl",
                                   check_xsd=True, check_schematron=False)
    assert refusal(embedded(basicwl, level="basicwl")) == \
        ("chorus_facturx.profile_too_low", {"profile": "BASICWL"})


def test_type_386_is_not_supported() -> None:
    assert refusal(embedded(generated(**{"BT-3": "386"}))) == \
        ("chorus_facturx.type_not_supported", {"type": "386"})


def test_a_bad_seller_siret_is_refused() -> None:
    bad = simple(seller=replace(simple().seller, siret="12345678901234"))
    assert refusal(embedded(build_xml(bad))) == \
        ("chorus_facturx.seller_siret_invalid", {"value": "12345678901234"})
    no_siret = generated(**{"BG-4": {"name": "Vendeur", "country_code": "FR"}})
    assert refusal(no_siret, pdf=False)[0] == "chorus_facturx.seller_siret_invalid"


def test_a_21_character_number_is_too_long() -> None:
    assert refusal(embedded(build_xml(simple(number="F" * 21)))) == \
        ("chorus_facturx.number_too_long", {"max": 20, "count": 21})


def test_wrong_totals_name_the_rule() -> None:
    code, params = refusal(embedded(generated(**{"BT-112": "250.00"})))
    assert code == "chorus_facturx.totals_inconsistent"
    assert params == {"rule": "BR-CO-15", "expected": "240.00", "actual": "250.00"}
    code, params = refusal(generated(**{"BT-106": "199.99"}), pdf=False)
    assert params["rule"] == "BR-CO-10"


def test_the_first_failing_check_is_the_reason() -> None:
    both = build_xml(simple(number="F" * 21, seller=replace(simple().seller,
                                                             siret="12345678901234")))
    assert refusal(both, pdf=False)[0] == "chorus_facturx.seller_siret_invalid"
    assert refusal(generated(**{"BT-3": "386", "BT-112": "1.00"}), pdf=False)[0] == \
        "chorus_facturx.type_not_supported"


def test_what_our_invoice_cannot_hold_is_refused() -> None:
    xml = build_xml(simple())
    foreign = xml.replace(b"<ram:RateApplicablePercent>20</ram:RateApplicablePercent>",
                          b"<ram:RateApplicablePercent>8.5</ram:RateApplicablePercent>")
    foreign = foreign.replace(b"<ram:CalculatedAmount>40.00</ram:CalculatedAmount>",
                              b"<ram:CalculatedAmount>17.00</ram:CalculatedAmount>")
    foreign = foreign.replace(b'currencyID="EUR">40.00', b'currencyID="EUR">17.00')
    foreign = foreign.replace(b"240.00", b"217.00")
    assert refusal(foreign, pdf=False) == \
        ("chorus_facturx.vat_not_supported", {"category": "S", "rate": "8.5"})
    currency = xml.replace(b">EUR<", b">ZZZ<").replace(b'"EUR"', b'"ZZZ"')
    assert refusal(currency, pdf=False) == ("chorus_facturx.currency_invalid", {"code": "ZZZ"})
    allowance = {"BT-107": "10.00", "BT-109": "190.00", "BT-110": "38.00",
                 "BT-112": "228.00", "BT-115": "228.00",
                 "BG-23": [{"BT-116": "190.00", "BT-117": "38.00", "BT-118": "S",
                            "BT-119": "20"}],
                 "BG-20": [{"amount": "10.00", "reason": "Remise", "vat_category_code": "S",
                            "vat_rate": "20"}]}
    assert refusal(generated(**allowance), pdf=False) == \
        ("chorus_facturx.content_not_supported", {"term": "BG-20"})


def test_every_reason_the_reader_raises_is_in_both_catalogs() -> None:
    """The reader builds its codes from a reason (``FacturxRefused("not_pdf")``), which
    the catalog scan of test_message_codes cannot see: read them from its source."""
    source = Path(facturx_read.__file__).read_text(encoding="utf-8")
    reasons = set(re.findall(r'FacturxRefused\(\s*"(\w+)"', source))
    assert len(reasons) >= 13
    for reason in reasons:
        for language in ("en", "fr"):
            assert has_entry(f"errors.chorus_facturx.{reason}", language), reason


@pytest.mark.parametrize("code", [
    "not_pdf", "too_large", "facturx_missing", "doctype_refused", "xml_invalid",
    "profile_too_low", "type_not_supported", "seller_siret_invalid", "number_too_long",
    "totals_inconsistent", "vat_not_supported", "currency_invalid", "content_not_supported"])
@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_refusal_has_its_message(code: str, language: str) -> None:
    text = message_text(f"chorus_facturx.{code}", {
        "megabytes": 10, "error": "E", "profile": "MINIMUM", "type": "386", "value": "1",
        "max": 20, "count": 21, "rule": "BR-CO-10", "expected": "1", "actual": "2",
        "category": "S", "rate": "8.5", "code": "ZZZ", "term": "BG-20"}, language)
    assert text and "chorus_facturx" not in text and "{" not in text


# --- hypothesis: nothing but a coded refusal ----------------------------------------------


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_garbage_bytes_are_refused_with_a_code(content: bytes) -> None:
    for reader in (read_pdf, read_xml):
        try:
            reader(content)
        except FacturxRefused as refused:
            assert refused.code.startswith("chorus_facturx.")


_GOOD = build_xml(simple())


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    """The good XML with a few byte ranges replaced, deleted or duplicated."""
    xml = bytearray(_GOOD)
    for _ in range(draw(st.integers(1, 4))):
        start = draw(st.integers(0, len(xml) - 1))
        end = draw(st.integers(start, min(len(xml), start + 40)))
        insert = draw(st.sampled_from([b"", b"0", b"-1", b"<", b">", b"&", b"\xff",
                                       b"381", b"abc", b"<ram:X/>", bytes(xml[start:end])]))
        xml[start:end] = insert
    return bytes(xml)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_documents_are_read_or_refused_with_a_code(xml: bytes) -> None:
    try:
        read = read_xml(xml)
    except FacturxRefused as refused:
        assert refused.code.startswith("chorus_facturx.")
    else:  # what is read holds together
        assert en16931.check_invoice(read.invoice) == []


_PDF = embedded(build_xml(simple()))


@st.composite
def damaged_pdfs(draw: st.DrawFn) -> bytes:
    """A real Factur-X PDF cut short, or with a few byte ranges overwritten."""
    pdf = bytearray(_PDF)
    if draw(st.booleans()):
        return bytes(pdf[:draw(st.integers(5, len(pdf)))])
    for _ in range(draw(st.integers(1, 6))):
        start = draw(st.integers(0, len(pdf) - 1))
        pdf[start:start + draw(st.integers(1, 64))] = draw(st.binary(max_size=64))
    return bytes(pdf)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged_pdfs())
def test_damaged_pdfs_are_read_or_refused_with_a_code(pdf: bytes) -> None:
    try:
        read_pdf(pdf)
    except FacturxRefused as refused:
        assert refused.code.startswith("chorus_facturx.")


def test_the_parser_refuses_a_dtd_the_byte_scan_would_have_missed() -> None:
    """The second line of defence, for an encoding libxml2 reads and the scan does not."""
    for xml in (b"<!DOCTYPE x><x/>", b'<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>'):
        with pytest.raises(FacturxRefused) as caught:
            facturx_read._parse(xml)
        assert caught.value.code == "chorus_facturx.doctype_refused"
    for encoding in ("utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"):
        wide = f'<?xml version="1.0" encoding="{encoding[:6].upper()}"?><!DOCTYPE x><x/>'
        assert refusal(wide.encode(encoding), pdf=False)[0] == "chorus_facturx.doctype_refused"
