"""Reading one cell of a claim import: codes, references, currencies, amounts, dates.

Each reader takes the stripped cell text and returns the value or raises
:class:`CellError` with the refusal shown at that cell (an error code ``imports.*`` and
its parameters). Dates are special: a date such
as ``03/04/2015`` reads two ways, so :func:`read_date` returns every reading and the
file decides the order (``claim_csv``).

Amounts (SPEC §6: "no thousands separators"):

- digits with at most one decimal separator, ``.`` or ``,`` (``1526.23`` and
  ``1526,23`` are the same amount); no sign, exponent, currency symbol or blank inside;
- a blank, an apostrophe or both ``.`` and ``,`` inside the number, or the same
  separator twice (``1 526,23``, ``1,526.23``, ``1.526,23``, ``1.526.000``) is a
  thousands separator: an error at the cell, with the number to write instead;
- a single separator followed by exactly three digits after 1–3 digits (``1,526``,
  ``2.500``) reads as a thousands separator — an error — unless the currency has three
  decimals (KWD, BHD, TND…), where it is the decimal separator: that is what
  "accepted when unambiguous" means here;
- at most as many decimals as the currency has (2 for EUR, 0 for JPY, 3 for KWD).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Literal

from babel.numbers import get_currency_precision, list_currencies

from cofatui.errors import message_text
from cofatui.i18n.messages import Term

__all__ = ["MAX_AMOUNT_DIGITS", "CellError", "DateOrder", "DateReading", "currency_precision",
           "read_amount", "read_currency", "read_date", "read_digits", "read_reference_list",
           "read_type"]

DateOrder = Literal["DMY", "MDY"]
ORDER_PATTERN: dict[DateOrder, str] = {"DMY": "dd/mm/yyyy", "MDY": "mm/dd/yyyy"}
MAX_AMOUNT_DIGITS = 12  # digits before the decimal separator (the store keeps 15)
MIN_YEAR, MAX_YEAR = 1900, 2199  # plausibility: outside it a year is mistyped

_AMOUNT = re.compile(r"(\d+)(?:([.,])(\d+))?", re.ASCII)
_DAY_MONTH = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{2,4})", re.ASCII)
_YEAR_FIRST = re.compile(r"(\d{4})([/.-])(\d{1,2})\2(\d{1,2})", re.ASCII)
_GROUPED = re.compile(r"\d{1,3}(?:[ '\u00a0\u202f.,]\d{3})+(?:[.,]\d+)?", re.ASCII)
_SEVERAL_SEPARATORS = re.compile(r"\d+[.,]\d+(?:[.,]\d+)+", re.ASCII)
_WITH_CURRENCY = re.compile(r"[€$£¥]|[A-Za-z]{3}")
_NOT_CURRENCIES = frozenset({"XXX", "XTS"})  # "no currency" and "testing" codes


class CellError(ValueError):
    """The cell's value is refused: an error code and its parameters; ``str()`` is the
    refusal in the UI language."""

    def __init__(self, code: str, /, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params: dict[str, object] = params

    def __str__(self) -> str:
        return message_text(self.code, self.params)


#: What a cell holds, as the refusals name it.
INVOICE_REFERENCE = Term("errors.imports.what.invoice_reference")
AMOUNT = Term("errors.imports.what.amount")
TAX = Term("errors.imports.what.tax")


def read_type(text: str, codes: tuple[str, ...], names: Term) -> str:
    """A type code, case-insensitive (the seed writes ``In`` for ``IN``); ``names``:
    the types allowed, as the refusals list them."""
    if not text:
        raise CellError("imports.type_missing", types=names)
    code = text.upper()
    if not text.isascii() or code not in codes:
        raise CellError("imports.type_unknown", value=text, types=names)
    return code


def read_digits(text: str, what: Term, max_length: int) -> str:
    """An invoice reference: ASCII digits only (seed 000), leading zeros kept."""
    if not text:
        raise CellError("imports.cell_missing", what=what)
    if not (text.isascii() and text.isdigit()):
        wrong = next(c for c in text if not ("0" <= c <= "9"))
        if wrong.isspace():
            raise CellError("imports.digits_only_blank", what=what)
        raise CellError("imports.digits_only", what=what, found=wrong)
    if len(text) > max_length:
        raise CellError("imports.too_many_digits", max=max_length, length=len(text))
    return text


def read_reference_list(text: str, max_length: int) -> tuple[str, ...]:
    """Invoice references of a payment, separated by commas (``1234, 1235``)."""
    if not text:
        raise CellError("imports.references_missing")
    refs: list[str] = []
    for position, part in enumerate(text.split(","), start=1):
        ref = part.strip()
        if not ref:
            raise CellError("imports.reference_empty", position=position)
        ref = read_digits(ref, INVOICE_REFERENCE, max_length)
        if ref in refs:
            raise CellError("imports.reference_twice", reference=ref)
        refs.append(ref)
    return tuple(refs)


@cache
def _currencies() -> frozenset[str]:
    return frozenset(list_currencies()) - _NOT_CURRENCIES


@cache
def currency_precision(code: str) -> int:
    """Decimals of a currency's minor unit (2 when unknown)."""
    return int(get_currency_precision(code)) if code in _currencies() else 2


def read_currency(text: str, default_currency: str) -> str:
    """An ISO 4217 code; lower case is accepted and upper-cased."""
    if not text:
        raise CellError("imports.currency_missing", example=default_currency)
    code = text.upper()
    if not (len(code) == 3 and code.isascii() and code.isalpha()):
        raise CellError("imports.currency_not_code", value=text, example=default_currency)
    if code not in _currencies():
        raise CellError("money.unknown_currency", code=code)
    return code


def read_amount(text: str, precision: int, currency: str | None, what: Term) -> Decimal:
    """An amount as a Decimal, or a refusal saying what to write instead."""
    if not text:
        if what == TAX:
            raise CellError("imports.tax_missing")
        raise CellError("imports.cell_missing", what=what)
    body = text[1:] if text[0] in "+-" else text
    match = _AMOUNT.fullmatch(body)
    if match is None:
        raise _not_a_number(body, text)
    whole, sep, decimals = match.groups()
    unit = (Term.of("errors.imports.unit.currency", currency=currency) if currency
            else Term("errors.imports.unit.any"))
    if sep and len(decimals) == 3 and len(whole) <= 3 and whole[0] != "0" and precision < 3:
        raise CellError("imports.thousands_or_decimals", write=f"{whole}{decimals}", value=text,
                        unit=unit, count=precision)
    if len(whole.lstrip("0")) > MAX_AMOUNT_DIGITS:
        raise CellError("imports.amount_too_large", max=MAX_AMOUNT_DIGITS)
    if decimals and len(decimals) > precision:
        raise CellError("imports.too_many_decimals", unit=unit, count=precision,
                        typed=len(decimals))
    value = Decimal(f"{whole}.{decimals}" if decimals else whole)
    return -value if text[0] == "-" else value


def _not_a_number(body: str, text: str) -> CellError:
    if _GROUPED.fullmatch(body):
        return CellError("imports.thousands_separator", write=_ungroup(body), value=text)
    if _SEVERAL_SEPARATORS.fullmatch(body) or (
            "." in body and "," in body and not body.strip("0123456789.,")):
        return CellError("imports.several_separators", value=text)
    if _WITH_CURRENCY.search(body) and any("0" <= c <= "9" for c in body):
        return CellError("imports.amount_with_currency", value=text)
    return CellError("imports.not_an_amount", value=text)


def _ungroup(body: str) -> str:
    """``1 526,23`` → ``1526.23``: a final separator followed by 1 or 2 digits is the
    decimal one, every other one groups thousands."""
    m = re.fullmatch(r"(.*?)(?:[.,](\d{1,2}))?", body)
    whole = "".join(c for c in (m.group(1) if m else body) if "0" <= c <= "9")
    return f"{whole}.{m.group(2)}" if m and m.group(2) else whole


class DateReading:
    """What a date cell may mean: one date per order it can be read in."""

    __slots__ = ("by_order", "either")

    def __init__(self, by_order: dict[DateOrder, date], either: bool) -> None:
        self.by_order = by_order  # the readings, per order that gives a real date
        self.either = either  # true for year-first (ISO) dates: the order does not matter

    def in_order(self, order: DateOrder) -> date | None:
        return self.by_order.get(order)

    @property
    def only(self) -> DateOrder | None:
        """The one order this cell can be read in, when only one can (a day over 12)."""
        if self.either or len(self.by_order) != 1:
            return None
        return next(iter(self.by_order))

    @property
    def ambiguous(self) -> bool:
        """Both orders give a real and different date (``03/04/2015``)."""
        return (not self.either and len(self.by_order) == 2
                and self.by_order["DMY"] != self.by_order["MDY"])


def read_date(text: str) -> DateReading:
    """dd/mm/yyyy, mm/dd/yyyy (``/``, ``.`` or ``-``) or year first (``2015-08-22``)."""
    if not text:
        raise CellError("imports.date_missing")
    m = _YEAR_FIRST.fullmatch(text)
    if m:
        year, month, day = int(m.group(1)), int(m.group(3)), int(m.group(4))
        value = _real_date(year, month, day)
        if value is None:
            raise CellError("imports.not_a_real_date_iso", value=text)
        _check_year(value.year, text)
        return DateReading({"DMY": value, "MDY": value}, either=True)
    m = _DAY_MONTH.fullmatch(text)
    if m is None:
        raise CellError("imports.not_a_date", value=text)
    first, second, year_text = int(m.group(1)), int(m.group(3)), m.group(4)
    if len(year_text) != 4:
        raise CellError("imports.year_two_digits", value=text)
    year = int(year_text)
    _check_year(year, text)
    readings: dict[DateOrder, date] = {}
    dmy = _real_date(year, second, first)
    if dmy is not None:
        readings["DMY"] = dmy
    mdy = _real_date(year, first, second)
    if mdy is not None:
        readings["MDY"] = mdy
    if not readings:
        raise CellError("imports.not_a_real_date", value=text)
    return DateReading(readings, either=False)


def _check_year(year: int, text: str) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise CellError("imports.year_mistyped", year=str(year), value=text)


def _real_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None
