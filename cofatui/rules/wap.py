"""WAP — Weighted Assessment of the Portfolio.

The home screen summarises the risk of a contract's portfolio in one figure: the DRA
(0 = defaulted … 10 = best) of each company, weighted by the amount of its active
credit decision, so a large exposure on a weak buyer pulls the figure down more than a
small one. The same exposures, grouped into DRA bands, give the distribution chart.

Inputs are ``(dra, amount)`` pairs produced by the repository: one per company with an
active credit decision. Amounts are ``Decimal`` (never float, so totals are exact);
a company whose DRA is unknown (``None``) or whose decided amount is zero carries no
weight and is skipped.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from cofatui.errors import ValidationFailed

__all__ = [
    "DRA_BANDS",
    "DRA_BAND_LABELS",
    "DRA_MAX",
    "DRA_MIN",
    "Trend",
    "compute_wap",
    "dra_band",
    "wap_distribution",
    "wap_trend",
]

DRA_MIN = 0
DRA_MAX = 10

#: Bands of the distribution chart, from worst to best. The keys are what the
#: functions return (stable, used in exports and as i18n keys); the ranges are
#: inclusive.
DRA_BANDS: dict[str, tuple[int, int]] = {
    "0": (0, 0),
    "1-3": (1, 3),
    "4-5": (4, 5),
    "6-7": (6, 7),
    "8-10": (8, 10),
}

#: English names of the bands: 0 is a company in default; 1-3 high risk; 4-5 medium
#: risk; 6-7 low risk; 8-10 very low risk.
DRA_BAND_LABELS: dict[str, str] = {
    "0": "Default",
    "1-3": "High risk",
    "4-5": "Medium risk",
    "6-7": "Low risk",
    "8-10": "Very low risk",
}

Trend = Literal["up", "down", "flat"]

_ONE_DECIMAL = Decimal("0.1")


def _check_dra(dra: int) -> int:
    if isinstance(dra, bool) or not isinstance(dra, int) or not DRA_MIN <= dra <= DRA_MAX:
        raise ValidationFailed.at("dra", "wap.dra_range", min=DRA_MIN, max=DRA_MAX,
                                  value=repr(dra))
    return dra


def _check_amount(amount: Decimal) -> Decimal:
    # A float here would make the WAP depend on binary rounding: refuse it loudly.
    if isinstance(amount, bool) or not isinstance(amount, Decimal | int):
        raise TypeError(f"amount must be a Decimal, got {type(amount).__name__}")
    value = Decimal(amount)
    if not value.is_finite() or value < 0:
        raise ValidationFailed.at("amount", "wap.amount_not_negative", value=str(amount))
    return value


def _weighted(exposures: Iterable[tuple[int | None, Decimal]]) -> Iterable[tuple[int, Decimal]]:
    for dra, amount in exposures:
        value = _check_amount(amount)
        if dra is None or value == 0:
            continue
        yield _check_dra(dra), value


def compute_wap(exposures: Iterable[tuple[int | None, Decimal]]) -> Decimal | None:
    """The portfolio's WAP, rounded half-up to one decimal; None when nothing weighs.

    None (rather than 0) for an empty or all-zero portfolio because 0 would read as
    "every buyer is in default".
    """
    total = Decimal(0)
    weighted = Decimal(0)
    for dra, amount in _weighted(exposures):
        total += amount
        weighted += amount * dra
    if total == 0:
        return None
    return (weighted / total).quantize(_ONE_DECIMAL, rounding=ROUND_HALF_UP)


def dra_band(dra: int | Decimal) -> str:
    """The band key ("0", "1-3", "4-5", "6-7", "8-10") a DRA falls into.

    A company's DRA is an integer. A WAP (one decimal) is first rounded half-up to the
    nearest integer, so 5.5 counts as "6-7": it is the band its colour comes from.
    """
    if isinstance(dra, Decimal):
        if not dra.is_finite() or not DRA_MIN <= dra <= DRA_MAX:
            raise ValidationFailed.at("dra", "wap.dra_range", min=DRA_MIN, max=DRA_MAX,
                                      value=str(dra))
        value = int(dra.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    else:
        value = _check_dra(dra)
    for key, (low, high) in DRA_BANDS.items():
        if low <= value <= high:
            return key
    raise AssertionError(f"DRA_BANDS does not cover {value}")  # pragma: no cover


def wap_distribution(exposures: Iterable[tuple[int | None, Decimal]]) -> dict[str, Decimal]:
    """Total decided amount per DRA band, every band present (zero when empty), worst first.

    Every band is always there so a chart keeps the same bars from one day to the next.
    """
    totals = {key: Decimal(0) for key in DRA_BANDS}
    for dra, amount in _weighted(exposures):
        totals[dra_band(dra)] += amount
    return totals


def wap_trend(previous: Decimal | None, current: Decimal | None) -> Trend:
    """Direction of the WAP since the previous computation: "up" means less risk.

    Compared at the displayed precision (one decimal) so the arrow never contradicts
    the two figures shown; unknown on either side is "flat".
    """
    if previous is None or current is None:
        return "flat"
    before = previous.quantize(_ONE_DECIMAL, rounding=ROUND_HALF_UP)
    after = current.quantize(_ONE_DECIMAL, rounding=ROUND_HALF_UP)
    if after > before:
        return "up"
    if after < before:
        return "down"
    return "flat"
