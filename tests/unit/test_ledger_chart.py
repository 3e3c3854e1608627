"""The account mapping (issue 20 item 4): one version per chart by the year's opening
date, every rule with its source, the 2025 changes of ANC 2022-06."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from cofatui.enums import AccountingEventKind, ChartVersion
from cofatui.rules.ledger_chart import chart_version, load_chart


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)))
def test_the_chart_follows_the_years_opening_date(start: date) -> None:
    chart = load_chart(chart_version(start))
    expected = "791" if start < date(2025, 1, 1) else "7587"
    assert chart.account("indemnity_income") == expected


def test_a_year_opened_in_2024_books_791_and_one_opened_in_2025_books_7587() -> None:
    assert load_chart(chart_version(date(2024, 1, 1))).account("indemnity_income") == "791"
    assert load_chart(chart_version(date(2024, 12, 31))).version is ChartVersion.PCG_2014
    assert load_chart(chart_version(date(2025, 1, 1))).account("indemnity_income") == "7587"
    # A year opened in mid-2024 stays on the old chart even when it closes in 2025.
    assert chart_version(date(2024, 7, 1)) is ChartVersion.PCG_2014


def test_2025_removes_transfer_accounts_and_7718_and_moves_exchange_results() -> None:
    old, new = load_chart("2014"), load_chart(ChartVersion.PCG_2025)
    numbers = {a.number for a in new.accounts()}
    assert not numbers & {"791", "796", "797", "7718"}
    assert {"791", "796", "7718"} <= {a.number for a in old.accounts()}
    assert new.label("7587") == "Indemnités d'assurance"
    assert (old.account("exchange_loss"), old.account("exchange_gain")) == ("666", "766")
    assert (new.account("exchange_loss"), new.account("exchange_gain")) == ("656", "756")
    assert new.account("prospection_balance_income") == "7587"
    assert new.account("exchange_cover_income") == "7587"
    # Exceptional accounts of 2025 are limited to 678/687/778/787: none used here.
    assert not {n for n in numbers if n.startswith(("67", "77"))} - {"678", "687", "778", "787"}


def test_every_account_and_rule_names_its_source() -> None:
    for version in ChartVersion:
        chart = load_chart(version)
        assert all(a.source and a.label for a in chart.accounts())
        kinds = {r.kind for r in chart.rules()}
        assert kinds == {k.value for k in AccountingEventKind} - {"reversal"}
        assert all(r.source for r in chart.rules())
    source = load_chart("2025").rule("indemnity_agreed").source
    assert "ANC 2022-06" in source and "https://" in source


def test_an_unknown_account_has_an_empty_label_and_charts_are_shared() -> None:
    chart = load_chart("2025")
    assert chart.label("51210000") == ""
    assert load_chart("2025") is chart
    assert chart_version(date(2025, 1, 1) - timedelta(days=1)) is ChartVersion.PCG_2014
