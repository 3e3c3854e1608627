"""Recorded exchange rates and the conversions they allow (SPEC §11 "Money").

A rate reads like the European Central Bank's reference rates: ``1 base = rate quote``
(``EUR → USD 1.0823``: one euro buys 1.0823 US dollars), with the date it is valid for
and its source (``"ECB"`` for an imported file, the claims handler's login for a rate
typed in). Amounts are converted only with such a rate, never with a guess:

- **which rate**: the one valid on the conversion date, or else the latest before it
  (ECB publishes none on weekends and holidays); among rates of the same pair and
  date, the one recorded last (a correction wins over what it corrects);
- **which pair**: the pair itself (``to → from``, as ECB quotes it, or ``from → to``),
  whichever has the later date; when neither was recorded, the cross rate through the
  euro (``EUR → from`` and ``EUR → to``, what an ECB file alone gives for USD and JPY);
- **precision**: the division and product are exact to 28 significant digits
  (``Decimal``'s default context); rounding is the caller's business and is done once,
  on the total (``rules.indemnity``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from cofatui.errors import FieldError
from cofatui.rules.currencies import currency_errors
from cofatui.rules.money import Money
from cofatui.rules.numbers import RATE_MAX, RATE_PLACES, DecimalKind, decimal_errors
from cofatui.rules.text import text_errors

__all__ = ["CROSS_CURRENCY", "FIRST_RATE_DAY", "MAX_RATE", "MAX_RATE_DECIMALS", "MAX_SOURCE",
           "Conversion",
           "ExchangeRate", "decimals", "find_conversion", "needed_pairs", "rate_errors"]

#: The currency cross rates go through: ECB files quote every currency against it.
CROSS_CURRENCY = "EUR"
# What the rate column holds (``rules.numbers``): below a hundred million (1 EUR = 26 000
# VND leaves room) with ten decimals (1 / 160.25 JPY ≈ 0.0062402496).
MAX_RATE = RATE_MAX
MAX_RATE_DECIMALS = RATE_PLACES
MAX_SOURCE = 80
# The ECB's first euro reference rates; no claim converts an amount from before the euro.
FIRST_RATE_DAY = date(1999, 1, 4)


@dataclass(frozen=True)
class ExchangeRate:
    """``1 base = rate quote`` on ``on``, from ``source``."""

    base: str
    quote: str
    rate: Decimal
    on: date
    source: str
    recorded_at: datetime | None = None

    def describe(self) -> str:
        """English, for the conditions kept on a claim: ``1 EUR = 1.0823 USD (2026-03-02,
        ECB)``."""
        return f"1 {self.base} = {self.rate.normalize():f} {self.quote} " \
               f"({self.on.isoformat()}, {self.source})"


@dataclass(frozen=True)
class Conversion:
    """How amounts in ``source_currency`` become amounts in ``target``: through one
    recorded rate (either way round) or two (the cross through the euro)."""

    source_currency: str
    target: str
    rates: tuple[ExchangeRate, ...]

    def convert(self, money: Money) -> Money:
        """``money`` in the target currency, unrounded."""
        if money.currency != self.source_currency:
            raise ValueError(f"{money.currency} is not converted by this {self.source_currency}"
                             f" conversion")
        amount = money.amount
        current = self.source_currency
        for rate in self.rates:
            if rate.base == current:
                amount, current = amount * rate.rate, rate.quote
            else:  # rate.quote == current
                amount, current = amount / rate.rate, rate.base
        return Money(amount, self.target)

    def describe(self) -> str:
        return " and ".join(rate.describe() for rate in self.rates)


def _newest(rates: Iterable[ExchangeRate], base: str, quote: str,
            on: date) -> ExchangeRate | None:
    found = [r for r in rates if r.base == base and r.quote == quote and r.on <= on]
    return max(found, key=lambda r: (r.on, r.recorded_at is not None,
                                     r.recorded_at or datetime.min), default=None)


def find_conversion(rates: Sequence[ExchangeRate], source: str, target: str,
                    on: date) -> Conversion | None:
    """The conversion of ``source`` amounts into ``target`` on ``on`` (see the module's
    docstring), or None when the rates recorded do not allow it."""
    if source == target:
        return Conversion(source, target, ())
    direct = [r for r in (_newest(rates, target, source, on), _newest(rates, source, target, on))
              if r is not None]
    if direct:
        # The later date wins; on the same date ECB's way round (target → source).
        best = max(direct, key=lambda r: r.on)
        return Conversion(source, target, (best,))
    if CROSS_CURRENCY in (source, target):
        return None
    to_source = _newest(rates, CROSS_CURRENCY, source, on)
    to_target = _newest(rates, CROSS_CURRENCY, target, on)
    if to_source is None or to_target is None:
        return None
    return Conversion(source, target, (to_source, to_target))


def needed_pairs(currencies: Iterable[str], target: str) -> list[tuple[str, str]]:
    """The (base, quote) pairs ``find_conversion`` may use to bring ``currencies`` into
    ``target``: what a repository reads, newest on or before the date, pair by pair."""
    pairs: list[tuple[str, str]] = []
    for currency in sorted(set(currencies) - {target}):
        for pair in ((target, currency), (currency, target), (CROSS_CURRENCY, currency),
                     (CROSS_CURRENCY, target)):
            if pair[0] != pair[1] and pair not in pairs:
                pairs.append(pair)
    return pairs


def decimals(value: Decimal) -> int:
    """Decimals a finite number needs (``1.50`` needs 1, ``100`` none)."""
    exponent = value.normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def rate_errors(base: str, quote: str, rate: Decimal, on: date, source: str,
                today: date) -> list[FieldError]:
    """Field errors of a rate someone records (typed in, or a line of a file): two
    different currencies in use on the rate's day, a storable rate above 0, a day from
    ``FIRST_RATE_DAY`` to today, and a source."""
    errors: list[FieldError] = []
    for name, code in (("base", base), ("quote", quote)):
        errors.extend(currency_errors(code, on, field=name))
    if base == quote:
        errors.append(FieldError("quote", "rates.same_currency"))
    # What the rate column cannot hold first, with the repository's input guard's refusal.
    storable = decimal_errors("rate", rate, DecimalKind.RATE)
    if storable:
        errors.extend(storable)
    elif rate <= 0:
        errors.append(FieldError("rate", "rates.not_positive"))
    if on > today:
        errors.append(FieldError("rate_date", "rates.future_date"))
    elif on < FIRST_RATE_DAY:
        errors.append(FieldError("rate_date", "rates.date_too_old", {"first": FIRST_RATE_DAY}))
    bad_text = text_errors("source", source.strip(), max_chars=MAX_SOURCE)
    if bad_text:
        errors.extend(bad_text)
    elif not source.strip():
        errors.append(FieldError("source", "rates.source_missing"))
    return errors
