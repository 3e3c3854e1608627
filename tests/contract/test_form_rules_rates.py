"""The exchange-rate dialog's validations walked through the repository on every
backend (issue 13 item 4): each rate a claims handler may type wrong is refused with
the same (field, line, code) set as ``rules.exchange_rates.rate_errors`` gives the
dialog, and nothing is written."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cofatui.errors import ValidationFailed
from cofatui.models import ExchangeRate
from cofatui.rules.exchange_rates import rate_errors
from cofatui.schemas import ExchangeRateCreate
from tests.contract.conftest import Backend
from tests.contract.dataset import TODAY

# (quote, rate, day, source) changed from a valid USD rate, and a code it must bring.
CASES: dict[str, tuple[dict[str, object], str]] = {
    "unknown currency": ({"quote": "XYZ"}, "money.unknown_currency"),
    "gold": ({"quote": "XAU"}, "money.unknown_currency"),
    "francs in 2026": ({"quote": "FRF"}, "currencies.not_in_use"),
    "same currency": ({"quote": "EUR"}, "rates.same_currency"),
    "zero": ({"rate": Decimal(0)}, "rates.not_positive"),
    "negative": ({"rate": Decimal("-1.1")}, "rates.not_positive"),
    "too large for the column": ({"rate": Decimal("100000000")}, "input.number_too_large"),
    "eleven decimals": ({"rate": Decimal("1.08230000001")}, "common.max_decimals"),
    "tomorrow": ({"rate_date": TODAY + timedelta(days=1)}, "rates.future_date"),
    "before the euro": ({"rate_date": date(1998, 12, 31)}, "rates.date_too_old"),
    "source too long": ({"source": "S" * 81}, "common.too_long"),
    "source with a tab": ({"source": "ECB\tfix"}, "input.control_character"),
}


def valid(**change: object) -> ExchangeRateCreate:
    return ExchangeRateCreate(base="EUR", quote="USD", rate=Decimal("1.0823"), rate_date=TODAY,
                              source="Bloomberg").model_copy(update=change)


def rates_written(backend: Backend) -> int:
    with Session(backend.engine) as s:
        return int(s.execute(select(func.count()).select_from(ExchangeRate)).scalar_one())


def test_the_valid_rate_is_recorded(backend: Backend) -> None:
    assert rate_errors("EUR", "USD", Decimal("1.0823"), TODAY, "Bloomberg", TODAY) == []
    assert backend.open("uw").rates.record(valid()).rate == Decimal("1.0823")


@pytest.mark.validation_table("name")
@pytest.mark.parametrize("name", sorted(CASES))
def test_an_invalid_rate_is_refused_as_the_dialog_shows_it(backend: Backend, name: str) -> None:
    change, code = CASES[name]
    data = valid(**change)
    expected = {(e.field, e.line, e.code) for e in rate_errors(
        data.base, data.quote, data.rate, data.rate_date, data.source, TODAY)}
    assert code in {c for _, _, c in expected}
    before = rates_written(backend)
    with pytest.raises(ValidationFailed) as refused:
        backend.open("uw").rates.record(data)
    assert {(e.field, e.line, e.code) for e in refused.value.errors} == expected
    assert rates_written(backend) == before
