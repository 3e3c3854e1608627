"""The amount and outstanding fields of a bulk-order line: text → Money.

An amount is written with digits, optionally a ``.`` or a ``,`` and at most 2 decimals
(``10000``, ``10000.50``, ``10000,5``), and optionally the contract's currency after it
(``10000 EUR``, ``10000eur``). No sign, no thousands separator: ``1.000`` is refused
(3 decimals) rather than guessed to be a thousand. A leading ``-`` is read so that a
negative amount is told "must be > 0" rather than "not an amount".
"""

from __future__ import annotations

import re
from decimal import Decimal

from cofatui.formats.bulk_orders.messages import LineError, field_term
from cofatui.rules.money import Money, currency_decimals, is_currency
from cofatui.rules.products import MAX_AMOUNT

__all__ = ["MAX_DECIMALS", "parse_amount"]

#: The seed's rule: at most 2 decimals, whatever the currency allows.
MAX_DECIMALS = 2

_AMOUNT = re.compile(r"(-?)([0-9]+)(?:[.,]([0-9]+))?(?:[ \t]*([A-Za-z]+))?")


def parse_amount(field: str, raw: str, currency: str) -> Money | LineError:
    """``raw`` (not empty) read as an amount in ``currency``, or why it cannot be.

    The errors are ``invalid_amount`` (not an amount, too many decimals, too large) and
    ``invalid_currency`` (a currency code other than ``currency``).
    """
    match = _AMOUNT.fullmatch(raw)
    if match is None or len(match.group(3) or "") > MAX_DECIMALS:
        return LineError.of("invalid_amount", "bulk.amount_format", field,
                            field=field_term(field), value=raw, currency=currency)
    sign, whole, decimals, code = match.groups()
    if code:
        found = code.upper()
        if not is_currency(found):
            return LineError.of("invalid_currency", "bulk.currency_unknown", field,
                                field=field_term(field), found=code, currency=currency)
        if found != currency:
            return LineError.of("invalid_currency", "bulk.currency_other", field,
                                field=field_term(field), found=found, currency=currency)
    if len(decimals or "") > currency_decimals(currency):
        return LineError.of("invalid_amount", "bulk.amount_decimals", field,
                            field=field_term(field), value=raw, currency=currency,
                            decimals=currency_decimals(currency))
    value = Decimal(f"{whole}.{decimals}" if decimals else whole)
    if value > MAX_AMOUNT:
        return LineError.of("invalid_amount", "bulk.amount_too_large", field,
                            field=field_term(field), value=raw,
                            max=Money(MAX_AMOUNT, currency))
    # "-0" is zero, not a negative amount.
    return Money(-value if sign and value else value, currency)
