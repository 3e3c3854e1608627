"""Notification thresholds (issue 16 item 9), pure: which product types take one, what
a threshold's amount is, which changes it hides.

A user sets, per contract, product type and direction (increase / decrease), the
smallest change they want to hear about. Amounts are in the contract's currency for the
covers, the custom opinion, the @rating monitored opinion and the claim indemnity; RSM
(the @rating score) counts in DRA points. A threshold applies only to the change of a
standing decision or evaluation, never to the answer to one's own request.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Literal

from cofatui.errors import FieldError

Direction = Literal["increase", "decrease"]
DIRECTIONS: tuple[Direction, ...] = ("increase", "decrease")

#: The indemnity of a claim: what its notifications carry as ``product_code``.
CLAIM = "CLAIM"
#: Product types with a threshold in the contract's currency, in the order shown.
AMOUNT_CODES: tuple[str, ...] = ("CRL", "ECL", "RLI", "TOPLINER", "CCO", "ROM", CLAIM)
#: Product types with a threshold in DRA points.
POINT_CODES: tuple[str, ...] = ("RSM",)
CODES: tuple[str, ...] = AMOUNT_CODES + POINT_CODES
MAX_AMOUNT = Decimal("999999999999.99")
MAX_POINTS = 10  # a DRA runs from 0 to 10


@dataclass(frozen=True)
class Change:
    """What a notification reports as a change: its direction and its size (> 0)."""

    direction: Direction
    size: Decimal


def change_of(before: Decimal | int | None, after: Decimal | int | None) -> Change | None:
    """The change from ``before`` to ``after``; None when either is unknown or they are
    equal (nothing a threshold could apply to)."""
    if before is None or after is None:
        return None
    delta = Decimal(after) - Decimal(before)
    if delta == 0:
        return None
    return Change("increase" if delta > 0 else "decrease", abs(delta))


def in_points(code: str) -> bool:
    """Whether the threshold of ``code`` counts DRA points (else an amount)."""
    return code in POINT_CODES


def threshold_errors(field: str, code: str, direction: str,
                     amount: Decimal | None) -> list[FieldError]:
    """Why a threshold is refused (empty: accepted). ``field`` names it in the errors."""
    if code not in CODES:
        return [FieldError(field, "preferences.unknown_product", {"code": code})]
    if direction not in DIRECTIONS:
        return [FieldError(field, "preferences.unknown_direction", {"direction": direction})]
    if amount is None:
        return [FieldError(field, "preferences.amount_missing", {})]
    try:
        value = Decimal(amount)
    except (InvalidOperation, TypeError, ValueError):
        return [FieldError(field, "preferences.amount_invalid", {})]
    if not value.is_finite() or value < 0:
        return [FieldError(field, "preferences.amount_negative", {})]
    if in_points(code):
        if value != value.to_integral_value() or value > MAX_POINTS:
            return [FieldError(field, "preferences.points_range", {"max": MAX_POINTS})]
    elif value > MAX_AMOUNT or value.as_tuple().exponent < -2:  # type: ignore[operator]
        return [FieldError(field, "preferences.amount_range", {})]
    return []


def hidden(change: Change | None, threshold: Decimal | None, *, own_answer: bool) -> bool:
    """Whether a change is left out for a user with ``threshold`` for its product type
    and direction: smaller than it, and not the answer to the user's own request."""
    if change is None or threshold is None or own_answer:
        return False
    return change.size < threshold


__all__ = ["AMOUNT_CODES", "CLAIM", "CODES", "DIRECTIONS", "MAX_AMOUNT", "MAX_POINTS",
           "POINT_CODES", "Change", "Direction", "change_of", "hidden", "in_points",
           "threshold_errors"]
