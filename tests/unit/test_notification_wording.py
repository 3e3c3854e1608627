"""Notification titles name products and amounts as people read them."""

from __future__ import annotations

from decimal import Decimal

from cofatui.notification_wording import decision_title, money


def test_money_has_thousands_separators_and_cents_only_when_there_are_some() -> None:
    assert money(Decimal("15000.000"), "EUR") == "EUR 15,000"
    assert money(Decimal("118.36"), "EUR") == "EUR 118.36"
    assert money(None, "EUR") == ""


def test_decision_titles_use_product_names_not_codes() -> None:
    assert decision_title("CRL", "granted", "EUR", Decimal(20000), Decimal(20000)) == \
        "Credit limit granted: EUR 20,000"
    assert decision_title("CRL", "partially_granted", "EUR", Decimal(20000),
                          Decimal(15000)) == \
        "Credit limit partially granted: EUR 15,000 of EUR 20,000"
    assert decision_title("ECL", "refused", "EUR", None, Decimal(0)) == \
        "Express agreement refused"
    assert decision_title("TOPLINER", "quoted", "EUR", Decimal(40000), Decimal(40000),
                          Decimal("118.36")) == \
        "TopLiner quoted: EUR 40,000, premium EUR 118.36"
    assert decision_title("REPORT_FULL", "granted", "EUR", None, None) == \
        "Full report delivered"
    assert decision_title("RSM", "granted", "EUR", None, None) == \
        "DRA with monitoring delivered"
