"""The money rule of issue 20 item 5: lines are EUR; a foreign-currency source's lines
carry Montantdevise (positive) and Idevise; a rate is the bank's (its EUR amount) or the
latest recorded one at most 31 days old; a total is converted once and the rounding
goes to the last line. Also the signed-amount helper every builder uses to make lines.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from cofatui.rules.exchange_rates import ExchangeRate, find_conversion
from cofatui.rules.ledger_model import CENT, PostingLine
from cofatui.rules.money import Money

__all__ = ["EUR", "MAX_RATE_AGE", "NO_RATE", "Amount", "allocate", "cents", "eur_of",
           "lines_of"]

EUR = "EUR"
#: A recorded rate older than this is not used: the event waits for a newer one.
MAX_RATE_AGE = timedelta(days=31)
NO_RATE = "accounting.no_rate"


def cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def allocate(total: Decimal, parts: Sequence[Decimal]) -> list[Decimal]:
    """``total`` (whole cents) spread over ``parts`` pro rata, each rounded to the cent
    and the rounding left to the last part, so the result sums to ``total`` exactly.
    Parts summing to zero: each part keeps its own (rounded) amount."""
    if not parts:
        return []
    whole = sum(parts, Decimal(0))
    if whole == 0:
        return [cents(p) for p in parts]
    shares = [cents(total * p / whole) for p in parts[:-1]]
    return [*shares, total - sum(shares, Decimal(0))]


def eur_of(amount: Decimal, currency: str, on: date,
           rates: Sequence[ExchangeRate]) -> Decimal | None:
    """``amount`` of ``currency`` in EUR on ``on``, unrounded, with the latest recorded
    rate(s) at most 31 days old; None when there is none (the event waits)."""
    if currency == EUR:
        return amount
    fresh = [r for r in rates if on - MAX_RATE_AGE <= r.on <= on]
    conversion = find_conversion(fresh, currency, EUR, on)
    if conversion is None:
        return None
    return conversion.convert(Money(amount, currency)).amount


@dataclass(frozen=True)
class Amount:
    """One signed line before it becomes a ``PostingLine``: ``eur`` > 0 is a debit;
    ``currency_amount`` is signed the same way (Montantdevise of a foreign source)."""

    account: str
    eur: Decimal
    label: str
    aux_num: str = ""
    aux_label: str = ""
    currency_amount: Decimal | None = None
    currency: str = ""


def lines_of(amounts: Iterable[Amount]) -> tuple[PostingLine, ...]:
    """The posting lines of ``amounts``: merged per (account, auxiliary, currency) in
    first-seen order, zero nets dropped, a positive net a debit and a negative one a
    credit. EUR-only lines carry no currency."""
    merged: dict[tuple[str, str, str], Amount] = {}
    for a in amounts:
        currency = "" if a.currency == EUR else a.currency
        key = (a.account, a.aux_num, currency)
        seen = merged.get(key)
        if seen is None:
            merged[key] = Amount(a.account, a.eur, a.label, a.aux_num, a.aux_label,
                                 a.currency_amount if currency else None, currency)
        else:
            cur = None
            if currency:
                cur = (seen.currency_amount or Decimal(0)) + (a.currency_amount or Decimal(0))
            merged[key] = Amount(seen.account, seen.eur + a.eur, seen.label, seen.aux_num,
                                 seen.aux_label, cur, currency)
    lines: list[PostingLine] = []
    for a in merged.values():
        if a.eur == 0:
            continue
        cur_amount = abs(a.currency_amount) if a.currency_amount else None
        lines.append(PostingLine(
            account=a.account, debit=a.eur if a.eur > 0 else Decimal(0),
            credit=-a.eur if a.eur < 0 else Decimal(0), label=a.label, aux_num=a.aux_num,
            aux_label=a.aux_label, currency_amount=cur_amount,
            currency=a.currency if cur_amount is not None else ""))
    return tuple(lines)
