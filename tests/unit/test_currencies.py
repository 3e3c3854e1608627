"""Currencies a form may record: ISO 4217 codes in use on the day, from CLDR (issue 13
item 4)."""

from __future__ import annotations

from datetime import date

import pytest

from cofatui.rules.currencies import active_currencies, currency_errors, is_active_currency
from cofatui.rules.money import is_currency

DAY = date(2026, 11, 22)


def test_every_currency_in_use_is_money_with_decimals() -> None:
    codes = active_currencies(DAY)
    assert {"EUR", "USD", "JPY", "CHF", "GBP", "BHD", "XOF"} <= codes
    assert 140 <= len(codes) <= 170  # about 150 legal tenders today
    assert all(is_currency(code) for code in codes)


@pytest.mark.parametrize(("code", "expected"), [
    ("XYZ", "money.unknown_currency"),   # not ISO 4217
    ("eur", "money.unknown_currency"),   # as ISO 4217 writes it, or not at all
    ("XAU", "money.unknown_currency"),   # gold: not money one is owed
    ("XXX", "money.unknown_currency"),   # "no currency"
    ("", "money.unknown_currency"),
    ("FRF", "currencies.not_in_use"),    # replaced by the euro in 2002
    ("BGN", "currencies.not_in_use"),    # replaced by the euro in 2026
])
def test_refused_codes_say_why_at_the_field_and_line(code: str, expected: str) -> None:
    [error] = currency_errors(code, DAY, field="invoices[2].currency", line=2)
    assert (error.field, error.line, error.code) == ("invoices[2].currency", 2, expected)
    assert error.params["code"] == code


def test_a_withdrawn_currency_is_fine_on_a_day_it_was_in_use() -> None:
    assert is_active_currency("FRF", date(2001, 6, 1))
    assert currency_errors("BGN", date(2025, 6, 1)) == []
    assert not is_active_currency("EUR", date(1998, 6, 1))


def test_the_refusals_read_in_both_languages() -> None:
    [gone] = currency_errors("FRF", DAY)
    assert gone.text("en") == "FRF was no longer in use on 22 Nov 2026: choose the " \
        "currency that replaced it"
    assert gone.text("fr") == "La devise FRF n’avait plus cours le 22/11/2026 : choisissez " \
        "celle qui l’a remplacée"
