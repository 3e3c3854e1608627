"""rules.chorus_export (issue 19 item 3): Chorus Pro's constraints, each refusal at the
field a form marks, all of them at once, before an export or a connector deposit."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cofatui.enums import ChorusInvoiceType, ChorusPaymentMode, ChorusVatRate
from cofatui.errors import FieldError, message_text
from cofatui.rules.chorus_export import constraints
from cofatui.rules.facturx_model import FacturxInvoice
from cofatui.schemas_facturx import FACTURX_MAX_BYTES
from tests.unit.test_facturx_xml_data import invoice, line


def simple(**fields: Any) -> FacturxInvoice:
    return invoice((line(1, "Prestation", "2", "100", ChorusVatRate.STANDARD),), **fields)


def at(errors: list[FieldError]) -> list[tuple[str, str]]:
    return [(error.field, error.code) for error in errors]


def test_a_good_invoice_and_credit_note_pass() -> None:
    assert constraints(simple()) == []
    assert constraints(simple(type_=ChorusInvoiceType.CREDIT_NOTE)) == []
    assert constraints(simple(), file_size=FACTURX_MAX_BYTES) == []


def test_number_at_most_20_characters() -> None:
    assert constraints(simple(number="F" * 20)) == []
    errors = constraints(simple(number="F" * 21))
    assert at(errors) == [("number", "chorus_facturx.number_too_long")]
    assert errors[0].params == {"max": 20, "count": 21}


def test_engagement_at_most_50_and_service_code_at_most_100() -> None:
    assert constraints(simple(engagement="E" * 50, service_code="S" * 100)) == []
    assert at(constraints(simple(engagement="E" * 51))) == \
        [("engagement", "chorus_facturx.engagement_too_long")]
    assert at(constraints(simple(service_code="S" * 101))) == \
        [("service_code", "chorus_facturx.service_code_too_long")]


def test_both_sirets_must_be_valid() -> None:
    inv = simple()
    bad = replace(inv, seller=replace(inv.seller, siret="12345678901234"),
                  buyer=replace(inv.buyer, siret="2169012310001"))
    assert at(constraints(bad)) == [("supplier_siret", "chorus_facturx.seller_siret_invalid"),
                                    ("recipient_siret", "chorus_facturx.buyer_siret_invalid")]


def test_an_invoice_carries_a_payment_mode_and_a_transfer_an_iban() -> None:
    assert at(constraints(simple(payment_mode=None, iban=""))) == \
        [("payment_mode", "chorus_facturx.payment_mode_required")]
    assert at(constraints(simple(iban=""))) == [("iban", "chorus_facturx.iban_required")]
    assert at(constraints(simple(iban="FR7630006000011234567890188"))) == \
        [("iban", "chorus_facturx.iban_invalid")]
    assert constraints(simple(iban="FR76 3000 6000 0112 3456 7890 189")) == []
    assert constraints(simple(payment_mode=ChorusPaymentMode.CHEQUE, iban="")) == []


def test_a_credit_note_carries_no_payment_means() -> None:
    assert at(constraints(simple(type_=ChorusInvoiceType.CREDIT_NOTE,
                                 payment_mode=ChorusPaymentMode.VIREMENT))) == \
        [("payment_mode", "chorus_facturx.payment_mode_credit_note")]


def test_the_file_at_most_10_mb() -> None:
    errors = constraints(simple(), file_size=FACTURX_MAX_BYTES + 1)
    assert at(errors) == [("file", "chorus_facturx.too_large")]
    assert errors[0].params == {"megabytes": 10}


def test_every_refusal_comes_back_at_once() -> None:
    inv = simple(number="N" * 25, engagement="E" * 60, payment_mode=None)
    bad = replace(inv, seller=replace(inv.seller, siret="1"))
    assert [field for field, _ in at(constraints(bad, file_size=FACTURX_MAX_BYTES * 2))] == \
        ["number", "engagement", "supplier_siret", "payment_mode", "file"]


@settings(max_examples=50, deadline=None)
@given(st.text(max_size=30), st.text(max_size=60), st.text(max_size=120))
def test_each_error_is_at_a_documented_field_with_a_message(
        number: str, engagement: str, service_code: str) -> None:
    fields = {"number", "type", "service_code", "engagement", "recipient_siret",
              "supplier_siret", "payment_mode", "iban", "file"}
    for error in constraints(simple(number=number, engagement=engagement,
                                    service_code=service_code)):
        assert error.field in fields
        for language in ("en", "fr"):
            assert "{" not in message_text(error.code, error.params, language)


@pytest.mark.parametrize("code", [
    "number_too_long", "type_not_supported", "service_code_too_long", "engagement_too_long",
    "seller_siret_invalid", "buyer_siret_invalid", "payment_mode_required",
    "payment_mode_credit_note", "iban_required", "iban_invalid", "too_large",
    "buyer_not_yours", "duplicate_number", "seller_not_yours"])
@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_code_has_its_message(code: str, language: str) -> None:
    text = message_text(f"chorus_facturx.{code}", {
        "max": 20, "count": 21, "type": "386", "value": "1", "megabytes": 10,
        "siret": "21690123100011", "number": "F-1"}, language)
    assert text and "chorus_facturx" not in text and "{" not in text
