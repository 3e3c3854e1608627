"""What people type in a form or a filter, read one way everywhere (DESIGN: "What people
type is parsed by one locale-aware module (Babel)"; issue 10 item 5).

Amounts are read by ``babel.numbers.parse_decimal`` in the UI locale, strict: "50,000" is
fifty thousand in English; in French "50 000,50" (ordinary, no-break or narrow no-break
spaces) is 50 000.50 and "50,000" is *refused* with a hint, because a French reader
writes fifty thousand "50 000" and the value 50 would be a silent guess (the bug of
issue 10: "50,000" requested as €50.00). What we refuse is explained with the reading
the user most likely meant, written the way this language writes it.

An amount has at most its currency's decimals (JPY none, BHD three): the number of
decimals *typed* counts, so "50,000" in French is not accepted as EUR 50.000 = 50. The
currency may be typed around the number ("US$50,000", "50 000 $US", "USD 50000") when it
is the form's currency; another currency is refused, never converted.

Dates are typed in the user's date order (settings ``date_order``, the same one the CSV
imports use) or as ISO ``yyyy-mm-dd``.

Every refusal is a :class:`TypedInputError` (a ``ValueError``) whose text is the field's
message in the UI language. The CSV imports keep their own stricter rules
(``formats/claim_cells.py``): a file is not typed by a person in a locale.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from functools import cache

from babel import Locale
from babel.numbers import (
    NumberFormatError,
    format_decimal,
    get_decimal_symbol,
    get_group_symbol,
    parse_decimal,
)

from cofatui.config import DateOrder
from cofatui.i18n import format_amount, get_language, locale_name, t
from cofatui.i18n.messages import render
from cofatui.rules.money import Money, currency_decimals, is_currency

__all__ = ["MAX_WHOLE_DIGITS", "TypedInputError", "amount_echo", "date_pattern",
           "parse_amount", "parse_date", "parse_money", "parse_rounded_amount",
           "parse_whole_number", "typed_amount",
           "typed_date"]

#: Digits before the decimal separator: the money columns hold 999 999 999 999.99.
MAX_WHOLE_DIGITS = 12
#: How other languages group and separate decimals: what a refused amount is read with,
#: to tell the user what they probably meant ("50,000" in French: 50 000 in English).
_OTHER_READINGS = ("en_GB", "fr_FR", "de_DE")
#: Locales whose currency symbols are accepted around an amount ("US$", "$US", "$", "€").
_SYMBOL_LOCALES = ("en_GB", "en_US", "fr_FR", "de_DE")
# A sign, a currency before or after, and the number (digits, separators, spaces).
_AFFIX = r"[^\d\s.,+\-]*"
_AMOUNT = re.compile(rf"(?P<sign1>[+-]?)\s*(?P<pre>{_AFFIX})\s*(?P<sign2>[+-]?)\s*"
                     rf"(?P<num>[\d.,][\d.,\s]*?)\s*(?P<post>{_AFFIX})")
_SPACES = re.compile(r"\s+")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_TYPED_DATE = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})")


class TypedInputError(ValueError):
    """What was typed is refused; ``str()`` is the field's message in the UI language,
    ``code`` its catalog key (stable: what a caller may test or log), ``params`` what
    fills it."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(render(code, params))
        self.code = code
        self.params = params


# --- amounts ---------------------------------------------------------------------------


def parse_amount(text: str, currency: str | None = None, *, decimals: int | None = None,
                 negative: bool = False, language: str | None = None) -> Decimal | None:
    """The amount typed in ``text`` (``None`` when empty), read in the UI locale.

    At most ``decimals`` decimals (default: the currency's, else 2). A currency typed
    around the number must be ``currency``. Negative amounts are refused unless
    ``negative``. The value keeps the decimals typed (``Decimal("50000")``).
    """
    raw = text.strip()
    if not raw:
        return None
    places = decimals if decimals is not None else _decimals_of(currency)
    found = _AMOUNT.fullmatch(raw)
    if found is None or (found["pre"] and found["post"]) \
            or len(found["sign1"] + found["sign2"]) > 1:
        raise _not_an_amount(places, language)
    affix = found["pre"] or found["post"]
    if affix:
        _check_currency(affix, currency, places, language)
    value = _read_number(found["num"].strip(), places, language)
    if "-" in found["sign1"] + found["sign2"]:
        value = -value
        if not negative and value:
            raise TypedInputError("typed.amount.negative")
    return value


def parse_money(text: str, currency: str, *, negative: bool = False,
                language: str | None = None) -> Money | None:
    """:func:`parse_amount` in ``currency``, as :class:`Money`."""
    value = parse_amount(text, currency, negative=negative, language=language)
    return None if value is None else Money(value, currency)


def parse_whole_number(text: str, *, language: str | None = None) -> int | None:
    """A count, a number of days, a whole threshold: digits, grouped or not ("1 000 000",
    "1,000,000" in English); empty → None. Refuses decimals, signs and letters."""
    raw = text.strip()
    if not raw:
        return None
    refused = TypedInputError("typed.number.whole",
                              example=_example(Decimal(30), 0, language))
    if not raw[0].isdigit() or not raw[-1].isdigit():
        raise refused
    try:
        value = _read_number(raw, 0, language)
    except TypedInputError:
        raise refused from None
    return int(value)


def _decimals_of(currency: str | None) -> int:
    """The currency's decimals; 2 while a currency is not chosen or not yet a known code
    (a form where the currency is typed too reads the amount meanwhile)."""
    return currency_decimals(currency) if currency and is_currency(currency) else 2


def _read_number(number: str, places: int, language: str | None) -> Decimal:
    """``number`` (no sign, no currency) in the UI locale, with at most ``places``
    decimals typed; refusals say what the user probably meant."""
    here = locale_name(language)
    suggestions: list[str] = []
    try:
        value: Decimal | None = _parse(number, here)
    except NumberFormatError as exc:
        value = None
        suggestions = list(getattr(exc, "suggestions", None) or [])
    if value is None or _decimals_typed(value) > places:
        meant = _other_reading(number, here, places, value)
        if meant is not None:
            raise _separator_hint(meant, places, language)
        if value is None:
            if suggestions:
                raise TypedInputError("typed.amount.grouping",
                                      example=_readable(suggestions[0]))
            raise _not_an_amount(places, language)
        if places == 0:
            raise TypedInputError("typed.amount.no_decimals")
        raise TypedInputError("typed.amount.decimals", count=places)
    if len(str(int(abs(value)))) > MAX_WHOLE_DIGITS:
        raise TypedInputError("typed.amount.too_large", n=MAX_WHOLE_DIGITS)
    return value


def _parse(number: str, locale: str) -> Decimal:
    """Babel's strict reading. Spaces between digits group thousands in every language
    (the usual typed form of the French narrow no-break space, and of SI grouping);
    Babel's strict mode would refuse them, so they become the locale's group symbol
    unless the locale groups with something else that is already there."""
    group = get_group_symbol(locale)
    if group.isspace() or group not in number:
        number = _SPACES.sub(group, number)
    value = parse_decimal(number, locale=locale, strict=True)
    if not value.is_finite():
        raise NumberFormatError(f"{number!r} is not a finite number")
    return value


def _decimals_typed(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _other_reading(number: str, here: str, places: int,
                   value: Decimal | None) -> Decimal | None:
    """The value ``number`` has in another language's writing, when that reading is a
    valid amount and differs from this language's: what the user most likely meant."""
    for other in _OTHER_READINGS:
        if other == here:
            continue
        try:
            meant = _parse(number, other)
        except NumberFormatError:
            continue
        if _decimals_typed(meant) <= places and meant != value:
            return meant
    return None


def _separator_hint(meant: Decimal, places: int, language: str | None) -> TypedInputError:
    """"In French … write 50 000 or 50000,00": ``meant`` written as this language does."""
    example = _example(meant, places, language)
    if meant == meant.to_integral_value() and places:
        decimal_symbol = get_decimal_symbol(locale_name(language))
        plain = f"{int(meant)}{decimal_symbol}{'0' * places}"
        return TypedInputError("typed.amount.separators_or", example=example, plain=plain)
    return TypedInputError("typed.amount.separators", example=example)


def _example(value: Decimal, places: int, language: str | None) -> str:
    """``value`` grouped as this language writes it, whole when it is whole, else with
    ``places`` decimals; spaces made plain so the message reads the same in a terminal."""
    whole = value == value.to_integral_value()
    pattern = "#,##0" if whole or not places else "#,##0." + "0" * places
    return _readable(format_decimal(value, format=pattern, locale=locale_name(language)))


def _readable(text: str) -> str:
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def _not_an_amount(places: int, language: str | None) -> TypedInputError:
    sample = Decimal("50000.5") if places else Decimal(50000)
    return TypedInputError("typed.amount.not_an_amount",
                           example=_example(sample, places, language))


# --- the currency typed around an amount -----------------------------------------------


def _check_currency(affix: str, currency: str | None, places: int,
                    language: str | None) -> None:
    if currency is not None and (affix.upper() == currency or affix in _symbols(currency)):
        return
    other = _currency_of(affix)
    if other is not None and currency is not None:
        named = other if affix.upper() == other else f"{affix} ({other})"
        raise TypedInputError("typed.amount.other_currency", currency=currency,
                              typed=named)
    raise _not_an_amount(places, language)


@cache
def _symbols(currency: str) -> frozenset[str]:
    symbols = {Locale.parse(name).currency_symbols.get(currency) for name in _SYMBOL_LOCALES}
    return frozenset(s for s in symbols if s)


@cache
def _symbol_owners() -> dict[str, str]:
    owners: dict[str, str] = {}
    for name in _SYMBOL_LOCALES:
        for code, symbol in Locale.parse(name).currency_symbols.items():
            owners.setdefault(symbol, code)
    return owners


def _currency_of(affix: str) -> str | None:
    """The currency a typed code or symbol names (``"eur"``, ``"€"``), if any."""
    if is_currency(affix.upper()):
        return affix.upper()
    return _symbol_owners().get(affix)


# --- what a form shows back ------------------------------------------------------------


def amount_echo(value: Decimal | None, currency: str, language: str | None = None) -> str:
    """What the form understood, shown under the field before it is sent:
    ``= US$50,000.00`` (Babel's currency format in the UI locale)."""
    if value is None:
        return ""
    return t("typed.echo", amount=format_amount(value, currency, language or get_language()))


def typed_amount(value: Decimal | int | None, language: str | None = None) -> str:
    """An amount put back into a field, written as the user would type it in this
    language, with the decimals the value carries (``60,000`` for a typed 60000,
    ``400.00`` for a stored 400.00; ``60 000`` / ``400,00`` in French): it reads back to
    the same value."""
    if value is None:
        return ""
    amount = Decimal(value)
    places = _decimals_typed(amount)
    pattern = "#,##0." + "0" * places if places else "#,##0"
    return str(format_decimal(amount, format=pattern, locale=locale_name(language)))


# --- dates -----------------------------------------------------------------------------


def date_pattern(order: DateOrder | str) -> str:
    """``DD/MM/YYYY`` (``JJ/MM/AAAA`` in French) or ``MM/DD/YYYY``, for labels and
    placeholders."""
    return t(f"typed.date.pattern.{'MDY' if order == 'MDY' else 'DMY'}")


def parse_date(text: str, order: DateOrder | str = "DMY") -> date | None:
    """A date typed in the user's order (``31/12/2026`` for DMY, ``12/31/2026`` for MDY;
    ``/``, ``.`` or ``-`` between) or as ISO ``2026-12-31``; empty → None."""
    raw = text.strip()
    if not raw:
        return None
    iso = _ISO_DATE.fullmatch(raw)
    typed = None if iso else _TYPED_DATE.fullmatch(raw)
    if iso is not None:
        year, month, day = (int(g) for g in iso.groups())
    elif typed is not None:
        first, second, year = (int(g) for g in typed.groups())
        day, month = (second, first) if order == "MDY" else (first, second)
    else:
        raise TypedInputError("typed.date.format", pattern=date_pattern(order))
    try:
        return date(year, month, day)
    except ValueError:
        raise TypedInputError("typed.date.impossible", text=raw,
                              pattern=date_pattern(order)) from None


def typed_date(value: date | None, order: DateOrder | str = "DMY") -> str:
    """A date put back into a field, in the user's order."""
    if value is None:
        return ""
    return value.strftime("%m/%d/%Y" if order == "MDY" else "%d/%m/%Y")


def parse_rounded_amount(text: str, currency: str) -> Decimal | None:
    """An amount typed in the UI language with at most the currency's decimals (2 for EUR,
    0 for JPY; 2 while the line's currency is not yet a known code), rounded to them."""
    value = parse_amount(text, currency)
    if value is None:
        return None
    return value.quantize(Decimal(1).scaleb(-currency_decimals(currency))) \
        if is_currency(currency) else value


def money_text(value: Decimal) -> str:
    """An amount put back into a field, as the user types it in this language."""
    return typed_amount(value)
