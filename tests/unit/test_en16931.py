"""rules.en16931 (issue 19 item 1): the EN 16931 arithmetic the XSD does not check,
on the XML and on the data. Each rule is broken on its own in a good document and must
be the one reported; hypothesis checks that the totals of rules/chorus_totals always
hold and that any cent moved is caught."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cofatui.enums import ChorusVatRate
from cofatui.formats.facturx_xml import build_xml
from cofatui.rules.en16931 import RULES, check, check_invoice
from cofatui.rules.facturx_model import FacturxInvoice, FacturxVat
from tests.unit.test_facturx_xml_data import fixed_invoice, invoice, invoices, line

GOOD = build_xml(fixed_invoice())
SUMMATION_TAGS = ("LineTotalAmount", "TaxBasisTotalAmount", "GrandTotalAmount",
                  "DuePayableAmount")


def codes(xml: bytes) -> list[str]:
    return [failure.code for failure in check(xml)]


def swap(xml: bytes, old: str, new: str) -> bytes:
    assert xml.count(old.encode()) >= 1, old
    return xml.replace(old.encode(), new.encode(), 1)


def amounts(tag: str, *changes: tuple[str, str]) -> bytes:
    """GOOD with the ``<ram:tag>`` amounts of ``changes`` (old, new) replaced."""
    xml = GOOD
    for old, new in changes:
        xml = swap(xml, f"<ram:{tag}>{old}</ram:{tag}>", f"<ram:{tag}>{new}</ram:{tag}>")
    return xml


def test_a_good_document_and_its_data_pass() -> None:
    assert check(GOOD) == []
    assert check_invoice(fixed_invoice()) == []


def test_the_rules_listed_are_those_of_the_issue() -> None:
    assert RULES == ("BR-CO-10", "BR-CO-13", "BR-CO-14", "BR-CO-15", "BR-CO-16",
                     "BR-CO-17", "BR-S-08")


def test_br_co_10_line_sum_against_bt106() -> None:
    # One line's net moved by a cent and its rate's base with it: only BR-CO-10 is off.
    xml = swap(amounts("LineTotalAmount", ("2975.00", "2975.01")),
               "<ram:BasisAmount>2925.00<", "<ram:BasisAmount>2925.01<")
    failures = check(xml)
    assert [f.code for f in failures] == ["BR-CO-10"]
    assert failures[0].params == {"expected": "4223.47", "actual": "4223.46"}


def test_br_co_13_bt109_is_bt106_less_allowances_plus_charges() -> None:
    xml = swap(GOOD, "<ram:TaxBasisTotalAmount>4223.46", "<ram:TaxBasisTotalAmount>4223.45")
    assert "BR-CO-13" in codes(xml)
    # An allowance total makes the same BT-109 right again.
    fixed = swap(xml, "<ram:TaxBasisTotalAmount>",
                 "<ram:AllowanceTotalAmount>0.01</ram:AllowanceTotalAmount>"
                 "<ram:TaxBasisTotalAmount>")
    assert "BR-CO-13" not in codes(fixed)


def test_br_co_14_vat_total_is_the_sum_of_the_breakdown() -> None:
    xml = swap(GOOD, 'currencyID="EUR">607.50', 'currencyID="EUR">607.51')
    assert codes(xml)[:1] == ["BR-CO-14"]
    assert "BR-CO-15" in codes(xml)


def test_br_co_15_grand_total_is_base_plus_vat() -> None:
    xml = swap(GOOD, "<ram:GrandTotalAmount>4830.96", "<ram:GrandTotalAmount>4830.97")
    assert codes(xml) == ["BR-CO-15", "BR-CO-16"]


def test_br_co_16_due_is_grand_total_less_prepaid_plus_rounding() -> None:
    xml = swap(GOOD, "<ram:DuePayableAmount>4830.96", "<ram:DuePayableAmount>4830.00")
    assert codes(xml) == ["BR-CO-16"]
    prepaid = swap(xml, "<ram:DuePayableAmount>",
                   "<ram:TotalPrepaidAmount>0.96</ram:TotalPrepaidAmount>"
                   "<ram:DuePayableAmount>")
    assert codes(prepaid) == []


def test_br_co_17_vat_amount_to_the_cent_either_rounding_of_a_half() -> None:
    # 2.5 % of 0.10 is 0.0025 at 10 %·0.025… use a base whose VAT ends in half a cent:
    # 20 % of 0.025 does not fit cents; 5.5 % of 0.10 = 0.0055 → 0.01 (half up) or 0.01.
    inv = invoice((line(1, "x", "1", "0.30", ChorusVatRate.REDUCED),))  # 0.0165 → 0.02
    assert check_invoice(inv) == []
    down = replace(inv, vat=(replace(inv.vat[0], amount=Decimal("0.01")),),
                   total_vat=Decimal("0.01"), total_incl_tax=Decimal("0.31"),
                   amount_due=Decimal("0.31"))
    assert [f.code for f in check_invoice(down)] == ["BR-CO-17"]
    half = invoice((line(1, "x", "1", "0.25", ChorusVatRate.STANDARD),))  # exactly 0.05
    assert check_invoice(half) == []
    # 10 % of 0.05 = 0.005: both 0.01 (half up) and 0.00 (half even) are "to the cent".
    tie = invoice((line(1, "x", "1", "0.05", ChorusVatRate.INTERMEDIATE),))
    assert tie.vat[0].amount == Decimal("0.01") and check_invoice(tie) == []
    even = replace(tie, vat=(replace(tie.vat[0], amount=Decimal("0.00")),),
                   total_vat=Decimal("0.00"), total_incl_tax=Decimal("0.05"),
                   amount_due=Decimal("0.05"))
    assert check_invoice(even) == []


def test_br_co_17_on_the_xml_names_the_rate() -> None:
    xml = amounts("CalculatedAmount", ("585.00", "585.02"))
    failures = [f for f in check(xml) if f.code == "BR-CO-17"]
    assert [(f.params["category"], f.params["rate"], f.params["actual"]) for f in failures] \
        == [("S", "20", "585.02")]


def test_br_s_08_each_rate_base_is_the_sum_of_its_lines() -> None:
    # Move a cent of base from 10 % to 5.5 %: the totals still add up, the bases do not.
    failures = check(amounts("BasisAmount", ("169.50", "169.49"), ("95.96", "95.97")))
    assert [f.code for f in failures] == ["BR-S-08", "BR-S-08"]
    assert {f.params["rate"] for f in failures} == {"10", "5.5"}


def test_a_rate_used_by_lines_but_missing_from_the_breakdown_fails() -> None:
    inv = fixed_invoice()
    partial = replace(inv, vat=tuple(v for v in inv.vat if v.vat_rate is not ChorusVatRate.ZERO))
    assert [f.code for f in check_invoice(partial)] == ["BR-Z-08"]


def test_the_exempt_and_zero_categories_have_their_own_rule_names() -> None:
    inv = fixed_invoice()
    vat = tuple(replace(v, base=v.base + 1) if v.vat_rate is ChorusVatRate.EXEMPT else v
                for v in inv.vat)
    assert [f.code for f in check_invoice(replace(inv, vat=vat))] == ["BR-E-08"]


def test_a_document_charge_counts_in_its_rate_base() -> None:
    # A charge of 10.00 at 20 %: BT-108, the 20 % base and every total move with it.
    inv = invoice((line(1, "x", "1", "100", ChorusVatRate.STANDARD),))
    xml = build_xml(inv)
    xml = swap(xml, "<ram:SpecifiedTradeSettlementHeaderMonetarySummation>",
               "<ram:SpecifiedTradeAllowanceCharge><ram:ChargeIndicator><udt:Indicator>"
               "true</udt:Indicator></ram:ChargeIndicator><ram:ActualAmount>10.00"
               "</ram:ActualAmount><ram:CategoryTradeTax><ram:TypeCode>VAT</ram:TypeCode>"
               "<ram:CategoryCode>S</ram:CategoryCode><ram:RateApplicablePercent>20"
               "</ram:RateApplicablePercent></ram:CategoryTradeTax>"
               "</ram:SpecifiedTradeAllowanceCharge>"
               "<ram:SpecifiedTradeSettlementHeaderMonetarySummation>")
    assert codes(xml) == ["BR-S-08"]  # the 20 % base misses the charge
    # With BT-108 stated and not added to BT-109, BR-CO-13 fails as well.
    xml = swap(xml, "<ram:TaxBasisTotalAmount>",
               "<ram:ChargeTotalAmount>10.00</ram:ChargeTotalAmount><ram:TaxBasisTotalAmount>")
    assert codes(xml) == ["BR-CO-13", "BR-S-08"]


def _nudged(inv: FacturxInvoice, field: str) -> FacturxInvoice:
    if field == "vat":
        first = inv.vat[0]
        return replace(inv, vat=(FacturxVat(first.vat_rate, first.base + Decimal("0.01"),
                                            first.amount), *inv.vat[1:]))
    return replace(inv, **{field: getattr(inv, field) + Decimal("0.01")})


@settings(max_examples=60, deadline=None)
@given(invoices(max_lines=30),
       st.sampled_from(["total_excl_tax", "total_vat", "total_incl_tax", "amount_due",
                        "vat"]))
def test_computed_totals_always_hold_and_any_cent_moved_is_caught(
        inv: FacturxInvoice, field: str) -> None:
    assert check_invoice(inv) == []
    assert check_invoice(_nudged(inv, field)) != []


@pytest.mark.parametrize("tag", SUMMATION_TAGS)
def test_any_summation_amount_moved_in_the_xml_is_caught(tag: str) -> None:
    start = GOOD.index(b"<ram:SpecifiedTradeSettlementHeaderMonetarySummation>")
    head, tail = GOOD[:start], GOOD[start:]
    opening = f"<ram:{tag}>".encode()
    at = tail.index(opening) + len(opening)
    end = tail.index(b"<", at)
    moved = Decimal(tail[at:end].decode()) + Decimal("0.01")
    xml = head + tail[:at] + str(moved).encode() + tail[end:]
    assert check(xml) != []
