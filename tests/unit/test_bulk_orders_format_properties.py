"""Bulk orders, the pure part: generated files (issue 14, acceptance).

Two tests of ``COFATUI_BULK_FUZZ_EXAMPLES`` files each (300 by default, the quick mode CI
runs, as the claim CSV fuzz tests do), each in ``CHUNKS`` parts. The full run, 10 000
generated files for each test::

    COFATUI_BULK_FUZZ_EXAMPLES=10000 python -m pytest -p no:cacheprovider \
        tests/unit/test_bulk_orders_format_properties.py

What the tests check:

- **any bytes** (random, or text built from the characters that matter: ``;``, line
  ends, blanks, quotes, commas, NUL, accents, a BOM): the file is read or refused with a
  documented reason, the one an independent reading of the rules predicts; every
  non-blank line gets exactly one result, under its physical number; totals add up.
- **orders from a model**, some with one field broken in a known way: a valid line
  reads back as the model wrote it (country, product, action, Money amounts, operation,
  reference, identification); a broken one gets the broken field's code, because the
  fields before it are valid and the first failure sets the code.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cofatui import reference
from cofatui.errors import message_text
from cofatui.formats.bulk_orders import (
    MAX_FILE_BYTES,
    MAX_ORDER_LINES,
    REFUSALS,
    BulkFile,
    ImportRefused,
    OrderLine,
    RejectedLine,
    line_messages,
    read_orders,
    totals,
)
from cofatui.i18n.messages import has_entry
from cofatui.rules.money import Money

EXAMPLES = int(os.environ.get("COFATUI_BULK_FUZZ_EXAMPLES", "300"))
#: Each test runs in CHUNKS parametrized parts of EXAMPLES / CHUNKS examples (each part
#: its own random seed), which the test processes share out: the same EXAMPLES in all.
CHUNKS = 4
FUZZ = settings(max_examples=-(-EXAMPLES // CHUNKS), deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
IN_CHUNKS = pytest.mark.parametrize("chunk", range(CHUNKS))
LINE_END = re.compile(rb"\r\n|\r|\n")
KEYS = {m.key for m in line_messages()}
BULK_PRODUCTS = {p.code: p for p in reference.products() if p.bulk}
#: Breaks one field of a line's fields (by name) in a known way; returns the code
#: the line must then get. Arguments: the fields, the product, the action.
Breaker = Callable[[dict[str, str], str, str], str]


# --- an independent reading of the rules ------------------------------------------------

def physical_order_lines(data: bytes) -> list[tuple[int, bytes]]:
    """(number, bytes) of every line holding more than blanks and ``;``."""
    parts = LINE_END.split(data.removeprefix(b"\xef\xbb\xbf"))
    if parts and parts[-1] == b"":
        parts.pop()
    return [(n, part) for n, part in enumerate(parts, start=1) if part.strip(b" \t;")]


def expected_refusal(data: bytes) -> str | None:
    if len(data) > MAX_FILE_BYTES:
        return "data_too_large"
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08", b"\xff\xfe", b"\xfe\xff",
                        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")) or b"\x00" in data:
        return "not_text"
    lines = physical_order_lines(data)
    if not lines:
        return "no_order_line"
    if len(lines) > MAX_ORDER_LINES:
        return "too_many_lines"
    if not any(part.count(b";") == 9 for _, part in lines):
        return "wrong_file_format"
    return None


def check_file(data: bytes, currency: str) -> BulkFile | None:
    """Read ``data`` and check what holds for every file; the file, or None if refused."""
    predicted = expected_refusal(data)
    try:
        found = read_orders(data, currency)
    except ImportRefused as refused:
        assert refused.reason in REFUSALS and refused.reason in KEYS
        assert refused.reason == predicted
        for language in ("en", "fr"):
            assert has_entry(f"errors.{refused.code}", language)
            assert "{" not in refused.text(language)
        return None
    assert predicted is None
    lines = physical_order_lines(data)
    assert [entry.line_no for entry in found.lines] == [n for n, _ in lines]
    assert len(found.orders) + len(found.rejected) == found.total == len(lines)
    for entry, (_, raw) in zip(found.lines, lines, strict=True):
        assert "\n" not in entry.text and "\r" not in entry.text
        if raw.isascii():
            assert entry.text.encode() == raw
        if isinstance(entry, RejectedLine):
            check_rejected(entry)
        else:
            check_order(entry, currency)
    counted = totals("ok" if isinstance(e, OrderLine) else "error" for e in found.lines)
    assert (counted.lines, counted.ok, counted.errors) == (
        found.total, len(found.orders), len(found.rejected))
    return found


def check_rejected(entry: RejectedLine) -> None:
    error = entry.error
    assert error.key in KEYS
    for language in ("en", "fr"):
        assert error.message(language)
        text = message_text(error.detail.code, error.detail.params, language)
        assert text and "{" not in text and text != error.detail.code


def check_order(entry: OrderLine, currency: str) -> None:
    assert len(entry.fields) == 10 and entry.text.isascii() and len(entry.text) <= 512
    product = BULK_PRODUCTS[entry.product]
    assert entry.action in product.bulk_actions
    assert reference.country(entry.country) is not None
    if product.amount_required and entry.action in "CU":
        assert entry.amount is not None and entry.amount.currency == currency
        assert entry.amount.amount >= 1000
    else:
        assert entry.amount is None
    assert entry.outstanding is None or (entry.outstanding.currency == currency
                                         and entry.outstanding.amount >= 0)
    assert 0 <= entry.operation <= 9999 and (entry.operation == 0 or entry.product == "CRL")
    assert entry.client_reference is None or 0 < len(entry.client_reference) <= 35
    found = entry.identification
    assert found.easy_number is not None or found.identifier_type is not None
    if found.easy_number is not None:
        assert len(found.easy_number) in (14, 19) and found.easy_number.isdigit()


# --- any bytes ---------------------------------------------------------------------------

CHARACTERS = st.sampled_from(
    [";", ";", ";", ";", "\n", "\r\n", "\r", " ", "\t", ",", '"', "\x00", "\x0b", "é", "€",
     "\ufeff", "0", "1", "9", "FRA", "CCO", "C", "10000", "SIREN", "crscny", "-", ".", "a"])
TEXTS = st.lists(CHARACTERS, max_size=60).map("".join)
FIELD = st.sampled_from(["FRA", "", " 1 ", "CCO", "C", "10000", "x", "é", '"'])
TEN_FIELDS = st.lists(FIELD, min_size=10, max_size=10).map(";".join)


KIND = st.integers(0, 3)
RANDOM = st.binary(max_size=400)
PARTS = st.lists(st.one_of(TEN_FIELDS, TEXTS), max_size=6)
ENDS = st.sampled_from(["\n", "\r\n"])
ENCODINGS = st.sampled_from(["utf-8", "utf-8", "cp1252"])
PREFIXES = st.sampled_from([b"", b"", b"\xef\xbb\xbf", b"PK\x03\x04", b"\xff\xfe"])


@st.composite
def any_bytes(draw: st.DrawFn) -> bytes:
    kind = draw(KIND)
    if kind == 0:
        return draw(RANDOM)
    text = draw(TEXTS) if kind == 1 else draw(ENDS).join(draw(PARTS))
    return draw(PREFIXES) + text.encode(draw(ENCODINGS), "replace")


@IN_CHUNKS
@FUZZ
@given(any_bytes(), st.sampled_from(["EUR", "USD", "JPY"]))
def test_any_bytes_are_read_line_by_line_or_refused_with_a_documented_reason(
        chunk: int, data: bytes, currency: str) -> None:
    check_file(data, currency)


# --- orders from a model -----------------------------------------------------------------

COUNTRIES = ["FRA", "DEU", "BEL", "USA", "GBR", "ESP"]
#: Values for the reference and identifier fields (printable ASCII, no ``;`` or ``"``).
VALUES = ["41105654", "B41105654", "16587DO5", "HRB 97512", "657898456", "957 854 658",
          "x", "A-1/2", "R" * 35, "FR40303265045", "DE136695976", "a b  c", "0", "!#$%&'()*+"]
# Few draws per line (one integer for every blank, one for every letter case) and
# strategies built once: drawing is what costs in these tests, not reading.
BLANK_BITS = st.integers(0, 2**40 - 1)
BLANK_CHOICES = ("", " ", "  ", "\t")
CASE_BITS = st.integers(0, 7)
WHOLE = {low: st.integers(low, 10**9) for low in (0, 1000)}
DECIMALS = st.sampled_from(["", "5", "05", "50"])
WRITING = {c: st.sampled_from([(sep, suffix) for sep in ".," for suffix in
                               ("", "", f" {c}", c.lower())]) for c in ("EUR", "USD")}
COUNTRY = st.sampled_from(COUNTRIES)
PRODUCT = st.sampled_from(sorted(BULK_PRODUCTS))
ACTIONS = {code: st.sampled_from(p.bulk_actions) for code, p in BULK_PRODUCTS.items()}
OUTSTANDING_KIND = st.integers(0, 2)
OPERATION = st.sampled_from([0, 0, 1, 2, 9, 10, 42, 9999])
WIDTH = st.integers(1, 6)
REFERENCE = st.sampled_from(["", "", *VALUES])
VALUE = st.sampled_from(VALUES)
EASY = st.one_of(st.none(), st.integers(1, 10**14 - 1))
EASY_WIDTH = st.integers(0, 14)
TYPES = {code: st.sampled_from([*(t.code for t in reference.country(code).identifier_types),  # type: ignore[union-attr]
                                "CRScny"]) for code in COUNTRIES}
CRS = st.integers(100_000_000, 999_999_999).map(str)
BOOLEANS = st.booleans()


@dataclass(frozen=True)
class Written:
    """A line as the model wrote it, and what reading it must give."""

    text: str
    key: str | None  # the expected code; None: the line is valid
    country: str
    product: str
    action: str
    amount: Decimal | None
    outstanding: Decimal | None
    operation: int
    reference: str | None
    easy_number: str | None
    identifier: tuple[str, str] | None


def written_amount(draw: st.DrawFn, low: int, currency: str) -> tuple[str, Decimal]:
    whole = draw(WHOLE[low])
    decimals = draw(DECIMALS)
    separator, suffix = draw(WRITING[currency])
    text = str(whole) + (separator + decimals if decimals else "")
    return text + suffix, Decimal(f"{whole}.{decimals or 0}")


def cased(value: str, lower: bool) -> str:
    if value == "CRL" and lower:
        return "lcr"  # the alias, in lower case
    return value.lower() if lower else value


@st.composite
def written_line(draw: st.DrawFn, currency: str) -> Written:
    country = draw(COUNTRY)
    product = draw(PRODUCT)
    action = draw(ACTIONS[product])
    needs_amount = BULK_PRODUCTS[product].amount_required and action in "CU"
    amount_text, amount = written_amount(draw, 1000, currency) if needs_amount else ("", None)
    outstanding_kind = draw(OUTSTANDING_KIND)
    outstanding_text, outstanding = (
        ("", None) if outstanding_kind == 0 else ("0", Decimal(0)) if outstanding_kind == 1
        else written_amount(draw, 0, currency))
    operation = draw(OPERATION) if product == "CRL" else 0
    operation_text = "" if operation == 0 else str(operation).zfill(draw(WIDTH))
    reference_text = draw(REFERENCE)
    easy = draw(EASY)
    easy_text = "" if easy is None else str(easy).zfill(draw(EASY_WIDTH))
    identifier: tuple[str, str] | None = None
    if easy is None or draw(BOOLEANS):
        kind = draw(TYPES[country])
        identifier = (kind, draw(CRS) if kind == "CRScny" else draw(VALUE))
    case = draw(CASE_BITS)
    fields = {
        "country": cased(country, bool(case & 1)),
        "easy": easy_text,
        "type": identifier[0] if identifier else "",
        "value": identifier[1] if identifier else "",
        "reference": reference_text,
        "product": cased(product, bool(case & 2)),
        "action": cased(action, bool(case & 4)),
        "amount": amount_text, "outstanding": outstanding_text, "operation": operation_text,
    }
    key = None
    broken = draw(BROKEN)
    if broken != "none":
        key = BREAKS[broken](fields, product, action)
    blanks = draw(BLANK_BITS)
    text = ";".join(BLANK_CHOICES[(blanks >> 4 * i) & 3] + value
                    + BLANK_CHOICES[(blanks >> 4 * i + 2) & 3]
                    for i, value in enumerate(fields.values()))
    if broken == "quote":
        text = '"' + text
    elif broken == "accent":
        text += "é"
    elif broken == "extra_field":
        text += ";"
    return Written(text, key, country, product, action, amount, outstanding, operation,
                   reference_text or None,
                   None if easy is None else str(easy).zfill(14), identifier)


def _break(field: str, value: str, key: str) -> Breaker:
    def apply(fields: dict[str, str], product: str, action: str) -> str:
        fields[field] = value
        return key
    return apply


def _break_amount(fields: dict[str, str], product: str, action: str) -> str:
    if BULK_PRODUCTS[product].amount_required and action in "CU":
        fields["amount"] = "999,99"
        return "amount_below_minimum"
    fields["amount"] = "5000"
    return "invalid_amount"


def _break_operation(fields: dict[str, str], product: str, action: str) -> str:
    if product == "CRL":
        fields["operation"] = "10000"
        return "malformed_line"
    fields["operation"] = "7"
    return "product_not_allowed_on_operation"


def _break_action(fields: dict[str, str], product: str, action: str) -> str:
    forbidden = sorted(set("CDUS") - set(BULK_PRODUCTS[product].bulk_actions))
    fields["action"] = forbidden[0]
    return "action_not_allowed"


def _break_identification(fields: dict[str, str], product: str, action: str) -> str:
    fields.update(easy="", type="", value="")
    return "missing_mandatory_field"


def _no_break(key: str) -> Breaker:
    def apply(fields: dict[str, str], product: str, action: str) -> str:
        return key
    return apply


BREAKS: dict[str, Breaker] = {
    "quote": _no_break("malformed_line"),
    "accent": _no_break("non_ascii_line"),
    "extra_field": _no_break("wrong_field_count"),
    "country": _break("country", "QQQ", "invalid_country_code"),
    "product": _break("product", "ECL", "product_not_supported"),
    "action": _break_action,
    "action_code": _break("action", "Z", "invalid_action"),
    "amount": _break_amount,
    "outstanding": _break("outstanding", "-5", "invalid_amount"),
    "operation": _break_operation,
    "reference": _break("reference", "R" * 36, "client_reference_too_long"),
    "identification": _break_identification,
    "easy_number": _break("easy", "12A4", "malformed_line"),
    "type_case": _break("type", "crscny", "identifier_type_invalid"),
}
BROKEN = st.sampled_from(["none", "none", "none", *BREAKS])


FILE_CURRENCY = st.sampled_from(["EUR", "USD"])
LINES = {c: st.lists(written_line(c), min_size=1, max_size=6) for c in ("EUR", "USD")}
BLANK_LINES = st.lists(st.sampled_from(["", " ", ";;;;;;;;;", "\t;"]), max_size=2)
LINE_ENDS = st.sampled_from(["\n", "\r\n"])


@st.composite
def written_file(draw: st.DrawFn) -> tuple[bytes, str, list[Written]]:
    currency = draw(FILE_CURRENCY)
    lines = draw(LINES[currency])
    physical: list[str] = []
    for line in lines:
        physical.extend(draw(BLANK_LINES))
        physical.append(line.text)
    end = draw(LINE_ENDS)
    data = (end.join(physical) + (end if draw(BOOLEANS) else "")).encode()
    if draw(BOOLEANS):
        data = b"\xef\xbb\xbf" + data
    return data, currency, lines


@IN_CHUNKS
@FUZZ
@given(written_file())
def test_orders_written_from_a_model_read_back_or_fail_on_the_broken_field(
        chunk: int, case: tuple[bytes, str, list[Written]]) -> None:
    data, currency, lines = case
    found = check_file(data, currency)
    if found is None:  # only when no line kept 10 fields
        assert all(line.key is not None for line in lines)
        return
    assert len(found.lines) == len(lines)
    for entry, line in zip(found.lines, lines, strict=True):
        if line.key is not None:
            assert isinstance(entry, RejectedLine), (line, entry)
            assert entry.error.key == line.key, (line.text, entry.error)
            continue
        assert isinstance(entry, OrderLine), (line.text, entry)
        assert (entry.country, entry.product, entry.action, entry.operation) == (
            line.country, line.product, line.action, line.operation)
        assert entry.amount == (None if line.amount is None else Money(line.amount, currency))
        assert entry.outstanding == (None if line.outstanding is None
                                     else Money(line.outstanding, currency))
        assert entry.client_reference == line.reference
        assert entry.identification.easy_number == line.easy_number
        written = (entry.identification.identifier_type, entry.identification.identifier_value)
        assert written == (line.identifier or (None, None))
