"""Which currency codes a form may take: ISO 4217 currencies in use (SPEC §11).

``rules.money.is_currency`` answers "is this an ISO 4217 code at all" (so a stored
amount in French francs can still be shown); a form that records new money needs more:
the currency must be **in use** on the day it is about — legal tender in at least one
territory on that date, from Babel's CLDR data, never a hand-kept list. So ``XYZ`` is
refused as unknown, ``FRF`` (withdrawn in 2002) as no longer in use for a 2026 invoice,
and ``XAU`` (gold), ``XDR`` (an IMF unit) or ``XXX`` as unknown (they are no money one
is owed), while a 2001 invoice in ``FRF`` stays acceptable where a form takes it.

Codes are matched as typed: ``eur`` is not ``EUR`` (the forms upper-case what is typed,
the API must send codes as ISO 4217 writes them).
"""

from __future__ import annotations

from datetime import date
from functools import cache

from babel.core import get_global
from babel.numbers import get_territory_currencies

from cofatui.errors import FieldError
from cofatui.rules.money import is_currency

__all__ = ["active_currencies", "currency_errors", "is_active_currency"]

UNKNOWN = "money.unknown_currency"
NOT_IN_USE = "currencies.not_in_use"


@cache
def _territories() -> tuple[str, ...]:
    return tuple(sorted(get_global("territory_currencies")))


@cache
def active_currencies(on: date) -> frozenset[str]:
    """ISO 4217 codes legal tender somewhere on ``on`` (about 150 in 2026)."""
    codes: set[str] = set()
    for territory in _territories():
        codes.update(get_territory_currencies(territory, start_date=on, end_date=on,
                                              tender=True))
    # A territory's currency list can name a code CLDR holds no name for; keep only
    # what ``Money`` accepts, so a valid form always builds its amounts.
    return frozenset(code for code in codes if is_currency(code))


@cache
def _ever_in_use() -> frozenset[str]:
    """Codes that were legal tender somewhere at some time (FRF, DEM, and BGN once the
    euro replaced it): what tells a withdrawn currency from a code that never was money."""
    codes: set[str] = set()
    for territory in _territories():
        codes.update(get_territory_currencies(territory, start_date=date.min,
                                              end_date=date.max, tender=True))
    return frozenset(code for code in codes if is_currency(code))


def is_active_currency(code: str, on: date) -> bool:
    """``code`` is an ISO 4217 currency in use on ``on``."""
    return code in active_currencies(on)


def currency_errors(code: str, on: date, field: str = "currency",
                    line: int | None = None) -> list[FieldError]:
    """The field error of a currency a form records for a day ``on`` (none when fine):
    ``money.unknown_currency`` for a code ISO 4217 does not have (or a metal, a unit of
    account), ``currencies.not_in_use`` for one withdrawn by then."""
    if is_active_currency(code, on):
        return []
    if code in _ever_in_use():
        return [FieldError(field, NOT_IN_USE, {"code": code, "day": on}, line=line)]
    return [FieldError(field, UNKNOWN, {"code": code}, line=line)]

