"""WAP: DRA weighted by the active credit decision amount."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cofatui.errors import ValidationFailed
from cofatui.rules.wap import (
    DRA_BAND_LABELS,
    DRA_BANDS,
    compute_wap,
    dra_band,
    wap_distribution,
    wap_trend,
)

amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1e9"), places=2)
exposure = st.tuples(st.integers(min_value=0, max_value=10), amounts)


def test_wap_weights_each_dra_by_its_decision_amount() -> None:
    # (8 × 1000 + 2 × 3000) / 4000 = 3.5: the big weak exposure dominates.
    assert compute_wap([(8, Decimal(1000)), (2, Decimal(3000))]) == Decimal("3.5")


def test_wap_of_a_single_company_is_its_dra() -> None:
    assert compute_wap([(7, Decimal("250000"))]) == Decimal("7.0")


def test_wap_rounds_half_up_to_one_decimal() -> None:
    # (1 × 19 + 2 × 1) / 20 = 1.05 → 1.1 (banker's rounding would give 1.0)
    assert compute_wap([(1, Decimal(19)), (2, Decimal(1))]) == Decimal("1.1")
    # 2/3 of 6 + 1/3 of 7 = 6.333… → 6.3
    assert compute_wap([(6, Decimal(2)), (7, Decimal(1))]) == Decimal("6.3")


def test_wap_is_none_for_an_empty_or_zero_portfolio() -> None:
    assert compute_wap([]) is None
    assert compute_wap([(5, Decimal(0)), (9, Decimal("0.00"))]) is None
    assert compute_wap([(None, Decimal(5000))]) is None


def test_wap_skips_companies_without_dra_or_amount() -> None:
    assert compute_wap([(3, Decimal(100)), (None, Decimal(10**6)), (10, Decimal(0))]) == (
        Decimal("3.0"))


def test_wap_refuses_float_amounts() -> None:
    with pytest.raises(TypeError):
        compute_wap([(5, 1000.0)])  # type: ignore[list-item]


@pytest.mark.parametrize("dra", [-1, 11, 5.5])
def test_wap_refuses_a_dra_outside_0_to_10(dra: object) -> None:
    with pytest.raises(ValidationFailed, match="DRA"):
        compute_wap([(dra, Decimal(1))])  # type: ignore[list-item]


def test_wap_refuses_negative_amounts() -> None:
    with pytest.raises(ValidationFailed, match="amount"):
        compute_wap([(5, Decimal(-1))])


@given(st.lists(exposure, min_size=1, max_size=30))
def test_wap_lies_between_the_lowest_and_highest_weighted_dra(
    items: list[tuple[int, Decimal]]
) -> None:
    wap = compute_wap(items)
    assert wap is not None
    assert min(d for d, _ in items) <= wap <= max(d for d, _ in items)
    assert wap == wap.quantize(Decimal("0.1"))


@given(st.lists(exposure, min_size=1, max_size=30), st.integers(min_value=2, max_value=1000))
def test_wap_does_not_depend_on_order_or_on_the_unit_of_the_amounts(
    items: list[tuple[int, Decimal]], factor: int
) -> None:
    wap = compute_wap(items)
    assert compute_wap(list(reversed(items))) == wap
    assert compute_wap([(d, a * factor) for d, a in items]) == wap


@pytest.mark.parametrize(
    ("dra", "band"),
    [(0, "0"), (1, "1-3"), (3, "1-3"), (4, "4-5"), (5, "4-5"), (6, "6-7"), (7, "6-7"),
     (8, "8-10"), (10, "8-10")],
)
def test_dra_band_groups_each_dra(dra: int, band: str) -> None:
    assert dra_band(dra) == band


def test_dra_band_bands_cover_0_to_10_once_and_are_named() -> None:
    covered = [d for low, high in DRA_BANDS.values() for d in range(low, high + 1)]
    assert covered == list(range(11))
    assert set(DRA_BAND_LABELS) == set(DRA_BANDS)


def test_dra_band_of_a_wap_rounds_half_up_first() -> None:
    assert dra_band(Decimal("5.5")) == "6-7"
    assert dra_band(Decimal("5.4")) == "4-5"
    assert dra_band(Decimal("0.4")) == "0"
    with pytest.raises(ValidationFailed):
        dra_band(Decimal("10.1"))
    with pytest.raises(ValidationFailed):
        dra_band(11)


def test_wap_distribution_sums_amounts_per_band_with_every_band_present() -> None:
    result = wap_distribution([
        (2, Decimal("1000.50")), (3, Decimal(500)), (9, Decimal(200)), (0, Decimal(0)),
        (None, Decimal(999)),
    ])
    assert list(result) == list(DRA_BANDS)
    assert result == {"0": Decimal(0), "1-3": Decimal("1500.50"), "4-5": Decimal(0),
                      "6-7": Decimal(0), "8-10": Decimal(200)}


@given(st.lists(exposure, max_size=30))
def test_wap_distribution_total_equals_the_weighted_amounts(
    items: list[tuple[int, Decimal]]
) -> None:
    assert sum(wap_distribution(items).values()) == sum((a for _, a in items), Decimal(0))


def test_wap_trend_compares_at_the_displayed_precision() -> None:
    assert wap_trend(Decimal("5.9"), Decimal("6.1")) == "up"
    assert wap_trend(Decimal("6.1"), Decimal("5.9")) == "down"
    assert wap_trend(Decimal("6.0"), Decimal("6.04")) == "flat"
    assert wap_trend(Decimal("6.0"), Decimal("6.05")) == "up"
    assert wap_trend(None, Decimal("6.0")) == "flat"
    assert wap_trend(Decimal("6.0"), None) == "flat"
