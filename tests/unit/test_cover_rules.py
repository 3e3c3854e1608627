"""Rules of the other covers (issue 20 item 3, seed 002 §3 and §4)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from cofatui.errors import message_text
from cofatui.rules.covers import balance_allowed, cover_errors, event_errors

D = Decimal
TODAY = date(2026, 6, 30)


@dataclass(frozen=True)
class Cover:
    kind: str = "prospection"
    start: date = date(2022, 1, 1)
    end: date = date(2027, 12, 31)
    guarantee_end: date | None = date(2024, 12, 31)
    amortisation_end: date | None = date(2026, 6, 30)


@given(st.dates(date(2020, 1, 1), date(2030, 1, 1)))
def test_the_final_balance_waits_for_the_end_of_amortisation(on: date) -> None:
    cover = Cover()
    assert balance_allowed(cover, on) == (on >= date(2026, 6, 30))
    codes = [e.code for e in event_errors(cover, "prospection_balance", on, D("10.00"), None,
                                          None, date(2030, 1, 1))]
    assert ("accounting.balance_too_early" in codes) == (on < date(2026, 6, 30))
    assert not balance_allowed(Cover(amortisation_end=None), on)


def test_the_guarantee_period_lasts_one_to_four_years() -> None:
    def codes(guarantee_end: date | None) -> list[str]:
        return [e.code for e in cover_errors("prospection", date(2022, 1, 1), date(2030, 1, 1),
                                             guarantee_end, date(2029, 1, 1), None, D(100))]
    assert codes(date(2023, 1, 1)) == [] and codes(date(2026, 1, 1)) == []
    assert codes(date(2022, 12, 31)) == ["accounting.guarantee_period"]
    assert codes(date(2026, 1, 2)) == ["accounting.guarantee_period"]
    assert codes(None) == ["accounting.guarantee_end_needed"]
    late = cover_errors("prospection", date(2022, 1, 1), date(2030, 1, 1), date(2024, 1, 1),
                        date(2023, 6, 1), None, D(100))
    assert [e.field for e in late] == ["amortisation_end"]


def test_exchange_cover_needs_a_rate_and_a_share() -> None:
    ok = cover_errors("exchange", date(2026, 1, 1), date(2026, 12, 31), None, None,
                      D("1.08"), D(100))
    assert ok == []
    bad = cover_errors("exchange", date(2026, 1, 1), date(2025, 12, 31), None, None, None,
                       D("100.5"))
    assert [e.field for e in bad] == ["end", "guaranteed_rate", "covered_share"]
    for e in bad:
        assert "EUR" not in e.field
        assert message_text(e.code, e.params, "fr") != message_text(e.code, e.params, "en")


def test_settlement_checks() -> None:
    cover = Cover(kind="exchange", guarantee_end=None, amortisation_end=None)
    assert event_errors(cover, "exchange_settlement", TODAY, D("900.00"), D("1000.00"), False,
                        TODAY) == []
    errors = event_errors(cover, "exchange_settlement", date(2026, 7, 1), D(0), None, True, TODAY)
    assert [e.code for e in errors] == ["accounting.date_in_future", "accounting.amount_invalid",
                                        "accounting.receivable_settled",
                                        "accounting.amount_invalid"]
    assert [e.code for e in event_errors(cover, "prospection_indemnity", TODAY, D(1), None,
                                         None, TODAY)] == ["accounting.event_kind"]
    after = event_errors(Cover(), "prospection_indemnity", date(2025, 3, 1), D("5.00"), None,
                         None, TODAY)
    assert [e.code for e in after] == ["accounting.indemnity_after_guarantee"]
    assert "31/12/2024" in after[0].text("fr")
