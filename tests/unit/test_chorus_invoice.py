"""rules.chorus_invoice (issue 18 item 4): every field rule of an invoice, all the
refusals at once and each at its field, so the entry form marks them together; the
values a supplier typed come back cleaned, with the totals."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cofatui.enums import ChorusFrame, ChorusInvoiceType, ChorusPaymentMode, ChorusVatRate
from cofatui.errors import RuleViolation, ValidationFailed
from cofatui.rules.chorus_invoice import check_invoice, check_number
from cofatui.schemas_chorus import ChorusInvoiceCreate, ChorusLineIn

TODAY = date(2026, 3, 15)
SOFAXIS = "33517109600035"
LA_POSTE = "35600000000048"
IBAN = "FR7630006000011234567890189"


def _data(**changes: Any) -> ChorusInvoiceCreate:
    base: dict[str, Any] = {
        "number": "P17F0QU/050241", "supplier_siret": SOFAXIS, "recipient_siret": LA_POSTE,
        "invoice_date": "2026-03-01", "payment_mode": "VIREMENT", "iban": IBAN,
        "lines": [{"label": "Cotisation", "quantity": "2", "unit_price": "150.255",
                   "vat_rate": "20"}]}
    base.update(changes)
    return ChorusInvoiceCreate.model_validate(base)


def _refusals(**changes: Any) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as refused:
        check_invoice(_data(**changes), TODAY)
    return {e.field: e.code for e in refused.value.errors}


def test_the_seeds_invoice_comes_back_cleaned_with_its_totals() -> None:
    checked = check_invoice(_data(supplier_siret="335 171 096 00035", currency="eur",
                                  iban="fr76 3000 6000 0112 3456 7890 189",
                                  engagement=" inconnu ", service_code=" SERV1 "), TODAY)
    assert checked.number == "P17F0QU/050241"
    assert checked.supplier_siret == SOFAXIS
    assert checked.currency == "EUR"
    assert checked.iban == IBAN
    assert checked.engagement == "INCONNU" and checked.engagement_unknown
    assert checked.service_code == "SERV1"
    assert checked.frame is ChorusFrame.A1
    assert checked.delivery_date == date(2026, 3, 1)  # defaults to the invoice date
    (line,) = checked.lines
    assert (line.position, line.amount_excl_tax) == (1, Decimal("300.51"))
    assert checked.totals.total_incl_tax == Decimal("360.61")


def test_every_refusal_comes_at_once_each_at_its_field() -> None:
    refusals = _refusals(
        number="", supplier_siret="123", recipient_siret="", invoice_date="2026-03-16",
        due_date="2026-03-01", currency="EUX", payment_mode=None, iban="",
        frame="B1", origin_invoice_id=4,
        lines=[{"label": "ok", "quantity": "1", "unit_price": "1", "vat_rate": "20"},
               {"label": " ", "quantity": "0", "unit_price": "-1", "vat_rate": "exempt"},
               {"label": "x", "quantity": "1.0001", "unit_price": "1e12",
                "vat_rate": "10"}])
    assert refusals == {
        "frame": "chorus.frame_invalid",
        "number": "chorus.number_required",
        "supplier_siret": "chorus.siret_invalid",
        "recipient_siret": "chorus.siret_required",
        "invoice_date": "chorus.invoice_date_future",
        "due_date": "chorus.due_before_invoice",
        "currency": "chorus.currency_invalid",
        "payment_mode": "chorus.payment_mode_required",
        "origin_invoice_id": "chorus.origin_credit_note_only",
        "lines.1.label": "chorus.line_label_required",
        "lines.1.quantity": "chorus.quantity_zero",
        "lines.1.unit_price": "chorus.unit_price_negative",
        "lines.1.exemption_reason": "chorus.exemption_reason_required",
        "lines.2.quantity": "chorus.too_many_decimals",
        "lines.2.unit_price": "chorus.amount_too_large",
    }


@pytest.mark.parametrize("frame", ["A4", "a5", "A9", "A10", "A25"])
def test_a_works_frame_points_to_the_works_space(frame: str) -> None:
    # Seed 004: "Le dépôt de vos factures en marché de travaux doit se faire à partir
    # de l'espace « Factures de travaux »".
    with pytest.raises(RuleViolation) as refused:
        check_invoice(_data(frame=frame, number=""), TODAY)
    assert refused.value.code == "chorus.works_frame"
    assert refused.value.params["frame"] == frame.upper()


def test_frame_a2_already_paid_has_nothing_due() -> None:
    checked = check_invoice(_data(frame="a2"), TODAY)
    assert checked.frame is ChorusFrame.A2
    assert checked.totals.amount_due == 0 and checked.totals.total_incl_tax > 0


@pytest.mark.parametrize(("number", "code"), [
    ("P17F0QU/05024100000", None),  # 19
    ("P17F0QU/050241000000", None),  # 20: Chorus Pro's limit
    ("P17F0QU/0502410000001", "chorus.number_too_long"),
    ("F\x01-12", "chorus.number_not_printable"),
    ("   ", "chorus.number_required"),
])
def test_the_number_is_1_to_20_printable_characters(number: str, code: str | None) -> None:
    if code is None:
        assert check_invoice(_data(number=number), TODAY).number == number
        assert check_number(f" {number} ") == number
    else:
        assert _refusals(number=number) == {"number": code}


def test_dates_today_is_allowed_a_future_invoice_date_is_not() -> None:
    assert check_invoice(_data(invoice_date=TODAY.isoformat(), due_date=TODAY.isoformat()),
                         TODAY).invoice_date == TODAY
    tomorrow = (TODAY + timedelta(days=1)).isoformat()
    assert _refusals(invoice_date=tomorrow, due_date=tomorrow) == {
        "invoice_date": "chorus.invoice_date_future"}
    # An invoice may come before the delivery (an advance): no refusal there.
    assert check_invoice(_data(delivery_date=tomorrow), TODAY).delivery_date > TODAY
    assert check_invoice(_data(delivery_date="2026-02-10"), TODAY).delivery_date == \
        date(2026, 2, 10)


def test_payment_mode_required_on_an_invoice_forbidden_on_a_credit_note() -> None:
    assert _refusals(payment_mode=None) == {"payment_mode": "chorus.payment_mode_required"}
    credit = {"type": "381", "origin_invoice_id": 7, "iban": ""}
    checked = check_invoice(_data(payment_mode=None, **credit), TODAY)
    assert checked.type is ChorusInvoiceType.CREDIT_NOTE and checked.payment_mode is None
    assert _refusals(**credit) == {"payment_mode": "chorus.payment_mode_credit_note"}
    assert _refusals(type="381", payment_mode=None) == {
        "origin_invoice_id": "chorus.origin_required"}


def test_a_transfer_needs_a_valid_iban_other_modes_none() -> None:
    assert _refusals(iban="") == {"iban": "chorus.iban_required"}
    assert _refusals(iban="FR7630006000011234567890188") == {"iban": "chorus.iban_invalid"}
    cheque = check_invoice(_data(payment_mode="CHEQUE", iban=""), TODAY)
    assert cheque.payment_mode is ChorusPaymentMode.CHEQUE and cheque.iban == ""
    # A debit may carry an IBAN, but never a wrong one.
    assert _refusals(payment_mode="PRELEVEMENT", iban="FR76 3000") == {
        "iban": "chorus.iban_invalid"}


def test_an_exempt_line_keeps_its_reason_other_rates_drop_it() -> None:
    lines = [{"label": "Formation", "quantity": "1", "unit_price": "100",
              "vat_rate": "exempt", "exemption_reason": " Art. 261-4-4° CGI "},
             {"label": "Repas", "quantity": "1", "unit_price": "10", "vat_rate": "10",
              "exemption_reason": "stray"}]
    checked = check_invoice(_data(lines=lines), TODAY)
    assert [(x.vat_rate, x.exemption_reason) for x in checked.lines] == [
        (ChorusVatRate.EXEMPT, "Art. 261-4-4° CGI"), (ChorusVatRate.INTERMEDIATE, "")]
    assert checked.totals.total_incl_tax == Decimal("111.00")


def test_a_readjustment_is_a_negative_quantity_not_a_negative_price() -> None:
    line = {"label": "Réajustement", "quantity": "-1", "unit_price": "50", "vat_rate": "20"}
    assert check_invoice(_data(lines=[line]), TODAY).totals.total_incl_tax == Decimal("-60.00")
    assert _refusals(lines=[{**line, "quantity": "1", "unit_price": "-50"}]) == {
        "lines.0.unit_price": "chorus.unit_price_negative"}


_text = st.text(max_size=25)
# The model refuses NaN and infinities itself (pydantic's finite_number).
_amount = st.one_of(st.decimals(allow_nan=False, allow_infinity=False),
                    st.decimals(min_value=-1000, max_value=1000, places=3))


# Timing is never what is tested; a busy machine must not fail it.
@settings(deadline=None)
@given(number=_text, siret=_text, frame=st.sampled_from(["A1", "A2", "A4", "", "Z9", "a1"]),
       invoice_date=st.dates(), due=st.none() | st.dates(), currency=st.text(max_size=3),
       mode=st.none() | st.sampled_from(list(ChorusPaymentMode)), iban=_text,
       kind=st.sampled_from(list(ChorusInvoiceType)), origin=st.none() | st.integers(1, 9),
       quantity=_amount, price=_amount, rate=st.sampled_from(list(ChorusVatRate)))
def test_any_input_is_accepted_or_refused_with_codes_never_crashes(
        number: str, siret: str, frame: str, invoice_date: date, due: date | None,
        currency: str, mode: ChorusPaymentMode | None, iban: str, kind: ChorusInvoiceType,
        origin: int | None, quantity: Decimal, price: Decimal, rate: ChorusVatRate) -> None:
    data = ChorusInvoiceCreate(
        number=number, type=kind, frame=frame, supplier_siret=siret,
        recipient_siret=LA_POSTE, invoice_date=invoice_date, due_date=due, currency=currency,
        payment_mode=mode, iban=iban, origin_invoice_id=origin,
        lines=[{"label": "x", "quantity": quantity, "unit_price": price,  # type: ignore[list-item]
                "vat_rate": rate}])
    try:
        checked = check_invoice(data, TODAY)
    except ValidationFailed as refused:
        assert refused.errors
        assert all(e.code.startswith("chorus.") and e.message for e in refused.errors)
        # Each refusal names a field of the form, so the form can mark it.
        for error in refused.errors:
            head, _, rest = error.field.partition(".")
            assert head in ChorusInvoiceCreate.model_fields
            if rest:
                index, _, name = rest.partition(".")
                assert int(index) == 0 and name in ChorusLineIn.model_fields
    except RuleViolation as refused:
        assert refused.code == "chorus.works_frame"
    else:
        assert checked.invoice_date <= TODAY
        assert 1 <= len(checked.number) <= 20
        assert checked.totals.total_incl_tax == \
            checked.totals.total_excl_tax + checked.totals.total_vat
