"""One order line → a checked order, or the first reason it cannot run.

The per-line checks of issue 14, item 3, in the issue's order; the first failure sets
the line's code (a key of ``bulk_errors.json``) and its detail:

1. the line: non-ASCII (``non_ascii_line``), over 512 characters (``line_too_long``),
   a double quote or a control character (``malformed_line``; a tab is a blank around a
   field but not inside one), not 10 fields (``wrong_field_count``);
2. country, in any case (``invalid_country_code``);
3. product, in any case, ``LCR`` for ``CRL``; one of the seed's seven bulk products
   (``product_not_supported``);
4. action C, D, U or S (``invalid_action``), allowed on the product
   (``action_not_allowed``, the ``bulk_actions`` of ``reference/products.json``);
5. amount: mandatory for CRL and CCO on C and U (``missing_mandatory_field``), refused
   anywhere else (``invalid_amount``); read by :mod:`.amounts`; > 0
   (``amount_not_positive``) and ≥ 1000 (``amount_below_minimum``);
6. outstanding: empty means unchanged, else an amount ≥ 0 (``invalid_amount``);
7. operation number: empty means 0, else 0–9999 (``malformed_line``); non-zero on CRL
   lines only (``product_not_allowed_on_operation``);
8. client reference: at most 35 characters (``client_reference_too_long``);
9. identification: an EasyNumber (leading zeros may be left out; ``malformed_line``
   when it is not one) and/or an identifier type and value; none at all, or half of
   one, is ``missing_mandatory_field``; a type that is not one of the country's
   (written exactly: ``CRScny``, ``Akcny``) is ``identifier_type_invalid``. The value
   is not checked against its type (the seed's SIRENs fail their check digit): that
   is the resolution's part.

Fields are trimmed of spaces and tabs around them, never inside (``HRB 97512``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from cofatui import reference
from cofatui.formats.bulk_orders.amounts import parse_amount
from cofatui.formats.bulk_orders.identification import Identification, check_identification
from cofatui.formats.bulk_orders.messages import FIELDS, LineError, field_term
from cofatui.formats.bulk_orders.reading import TextLine
from cofatui.rules.money import Money

__all__ = ["MAX_CLIENT_REFERENCE", "MAX_LINE_CHARS", "MAX_OPERATION", "MINIMUM_AMOUNT",
           "Identification", "OrderLine", "RejectedLine", "check_line"]

MAX_LINE_CHARS = 512
MAX_CLIENT_REFERENCE = 35
MAX_OPERATION = 9999
#: The seed's "Le montant doit être >= 1000"; it does not say where, so it applies to
#: both products that carry an amount (CRL and CCO), in the contract's currency.
MINIMUM_AMOUNT = Decimal(1000)
#: The actions whose CRL or CCO line carries the amount (order, update).
AMOUNT_ACTIONS = frozenset({"C", "U"})
#: The only product whose lines may carry an operation number other than 0.
OPERATION_PRODUCT = "CRL"

_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")  # a tab (\x09) is a blank
_SUSPECT = re.compile(r'["\x00-\x08\x0a-\x1f\x7f]')  # a quote or a control character
_BLANKS = " \t"


@dataclass(frozen=True, slots=True)
class OrderLine:
    """A line that passed every format check, ready to be resolved and run.

    ``text`` is the line as written; ``fields`` its ten fields, trimmed. ``country``,
    ``product`` (``LCR`` read as ``CRL``) and ``action`` are canonical codes.
    ``amount`` is None on lines that carry none; ``outstanding`` None means unchanged;
    ``client_reference`` None means none given.
    """

    line_no: int
    text: str
    fields: tuple[str, ...]
    country: str
    product: str
    action: str
    amount: Money | None
    outstanding: Money | None
    operation: int
    client_reference: str | None
    # The identification, kept as its three strings: one object less per line (a
    # file holds 10 000, which the garbage collector walks).
    easy_number: str | None
    identifier_type: str | None
    identifier_value: str | None

    @property
    def identification(self) -> Identification:
        """How the line names its company, checked but not resolved."""
        return Identification(self.easy_number, self.identifier_type,
                              self.identifier_value)


@dataclass(frozen=True, slots=True)
class RejectedLine:
    """A line refused by the format checks: it is not resolved and never runs.

    ``fields`` are the line's ``;``-separated fields, trimmed (any number of them).
    """

    line_no: int
    text: str
    fields: tuple[str, ...]
    error: LineError


def check_line(line: TextLine, currency: str) -> OrderLine | RejectedLine:
    """Check one order line of a file whose contract is in ``currency`` (ISO 4217)."""
    return check_text(line.line_no, line.text, currency)


def check_text(line_no: int, text: str, currency: str) -> OrderLine | RejectedLine:
    """:func:`check_line` on a line given by its number and text (a file's lines are
    checked so, without a :class:`TextLine` each)."""
    shown = text if text.isascii() else TextLine(line_no, text).shown
    fields = tuple([field.strip(_BLANKS) for field in shown.split(";")])
    found = _check(text, fields, currency)
    if isinstance(found, LineError):
        return RejectedLine(line_no, shown, fields, found)
    return OrderLine(line_no, shown, fields, *found)


_Checked = tuple[str, str, str, Money | None, Money | None, int, str | None, str | None,
                 str | None, str | None]


def _check(text: str, fields: tuple[str, ...], currency: str) -> _Checked | LineError:
    problem = _check_text(text) or _check_fields(text, fields)
    if problem is not None:
        return problem
    (country_code, easy_number, type_code, value, client_reference, product_code,
     action_code, amount_text, outstanding_text, operation_text) = fields
    country = reference.country(country_code)
    if country is None:
        code = "bulk.country_unknown" if country_code else "bulk.country_missing"
        return LineError.of("invalid_country_code", code, "country", value=country_code)
    product = _product(product_code)
    if isinstance(product, LineError):
        return product
    action = _action(action_code, product)
    if isinstance(action, LineError):
        return action
    amount = _amount(amount_text, product, action, currency)
    if isinstance(amount, LineError):
        return amount
    outstanding = _outstanding(outstanding_text, currency)
    if isinstance(outstanding, LineError):
        return outstanding
    operation = _operation(operation_text, product)
    if isinstance(operation, LineError):
        return operation
    if len(client_reference) > MAX_CLIENT_REFERENCE:
        return LineError.of("client_reference_too_long", "bulk.client_reference_too_long",
                            "client_reference", length=len(client_reference),
                            max=MAX_CLIENT_REFERENCE)
    identification = check_identification(country, easy_number, type_code, value)
    if isinstance(identification, LineError):
        return identification
    return (country.code, product.code, action, amount, outstanding, operation,
            client_reference or None, identification.easy_number,
            identification.identifier_type, identification.identifier_value)


def _check_text(text: str) -> LineError | None:
    if not text.isascii():
        at = next(i for i, ch in enumerate(text) if not ch.isascii())
        point = ord(text[at])
        if 0xDC80 <= point <= 0xDCFF:  # a byte that is not UTF-8 (surrogateescape)
            return LineError.of("non_ascii_line", "bulk.not_utf8", position=at + 1,
                                byte=f"0x{point - 0xDC00:02X}")
        return LineError.of("non_ascii_line", "bulk.non_ascii", position=at + 1,
                            character=text[at], point=f"U+{point:04X}")
    if len(text) > MAX_LINE_CHARS:
        return LineError.of("line_too_long", "bulk.line_too_long", length=len(text),
                            max=MAX_LINE_CHARS)
    if _SUSPECT.search(text) is None:
        return None  # most lines: one scan
    quote = text.find('"')
    if quote >= 0:
        return LineError.of("malformed_line", "bulk.quote", position=quote + 1)
    control = _CONTROL.search(text)
    if control is not None:
        return LineError.of("malformed_line", "bulk.control_character",
                            position=control.start() + 1,
                            point=f"U+{ord(control.group()):04X}")
    return None


def _check_fields(text: str, fields: tuple[str, ...]) -> LineError | None:
    if len(fields) != len(FIELDS):
        return LineError.of("wrong_field_count", "bulk.field_count", count=len(fields),
                            separators=len(fields) - 1)
    if "\t" in text:  # rare: look for the field only then
        for name, value in zip(FIELDS, fields, strict=True):
            if "\t" in value:
                return LineError.of("malformed_line", "bulk.tab_in_field", name,
                                    field=field_term(name))
    return None


def _bulk_products() -> list[str]:
    return [p.code for p in reference.products() if p.bulk]


def _product(value: str) -> reference.Product | LineError:
    found = reference.product(value) if value else None
    if found is None or not found.bulk:
        code = ("bulk.product_missing" if not value
                else "bulk.product_unknown" if found is None else "bulk.product_not_bulk")
        return LineError.of("product_not_supported", code, "product", value=value,
                            allowed=_bulk_products())
    return found


@cache
def _actions() -> frozenset[str]:
    return frozenset(action.code for action in reference.product_actions())


def _action(value: str, product: reference.Product) -> str | LineError:
    code = value.upper()
    if code not in _actions():
        return LineError.of("invalid_action",
                            "bulk.action_unknown" if value else "bulk.action_missing",
                            "action", value=value)
    if code not in product.bulk_actions:
        return LineError.of("action_not_allowed", "bulk.action_not_allowed", "action",
                            action=code, product=product.code, allowed=list(product.bulk_actions))
    return code


def _amount(raw: str, product: reference.Product, action: str,
            currency: str) -> Money | LineError | None:
    if not (product.amount_required and action in AMOUNT_ACTIONS):
        if raw:
            return LineError.of("invalid_amount", "bulk.amount_not_expected", "amount",
                                product=product.code, action=action)
        return None
    if not raw:
        return LineError.of("missing_mandatory_field", "bulk.amount_missing", "amount",
                            product=product.code, action=action)
    amount = parse_amount("amount", raw, currency)
    if isinstance(amount, LineError):
        return amount
    if amount.amount <= 0:
        return LineError.of("amount_not_positive", "bulk.amount_not_positive", "amount",
                            amount=amount)
    if amount.amount < MINIMUM_AMOUNT:
        return LineError.of("amount_below_minimum", "bulk.amount_below_minimum", "amount",
                            amount=amount, minimum=Money(MINIMUM_AMOUNT, currency))
    return amount


def _outstanding(raw: str, currency: str) -> Money | LineError | None:
    if not raw:
        return None
    outstanding = parse_amount("outstanding", raw, currency)
    if isinstance(outstanding, Money) and outstanding.amount < 0:
        return LineError.of("invalid_amount", "bulk.outstanding_negative", "outstanding",
                            amount=outstanding)
    return outstanding


def _operation(raw: str, product: reference.Product) -> int | LineError:
    if not raw:
        return 0
    if not (raw.isdigit() and raw.isascii()) or int(raw) > MAX_OPERATION:
        return LineError.of("malformed_line", "bulk.operation_format", "operation",
                            value=raw, max=str(MAX_OPERATION))
    number = int(raw)
    if number and product.code != OPERATION_PRODUCT:
        return LineError.of("product_not_allowed_on_operation", "bulk.operation_not_crl",
                            "operation", operation=str(number), product=product.code)
    return number
