"""The generic input rules (issue 13 item 4): what a text may hold
(``rules/text.py``), the numbers a column can store (``rules/numbers.py``), the JSON
documents that can be read back (``rules/json_depth.py``), and the guard that applies
them to every argument of the SQL repository (``repository/sql/input_guard.py``)."""

from __future__ import annotations

import json
import unicodedata
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, TypeAdapter

from cofatui.errors import FieldError, ValidationFailed
from cofatui.pydantic_errors import field_error, field_name
from cofatui.repository.sql.input_guard import guarded, input_errors
from cofatui.rules.json_depth import MAX_JSON_DEPTH, json_errors
from cofatui.rules.numbers import (
    AMOUNT_DIGITS,
    INT_MAX,
    INT_MIN,
    DecimalKind,
    amount_errors,
    decimal_errors,
    decimal_places,
    float_errors,
    integer_errors,
)
from cofatui.rules.text import MAX_TEXT_CHARS, text_errors
from cofatui.schemas import (
    AdditionalDeclaration,
    ClaimCreate,
    CompanyCreate,
    ExchangeRateCreate,
    InvoiceLine,
    PortfolioCriteria,
    PortfolioEntryUpdate,
)


def codes(errors: list[FieldError]) -> list[str]:
    return [e.code for e in errors]


# --- text -------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "code", "character"), [
    ("a\x00b", "input.control_character", "U+0000"),
    ("a\x07b", "input.control_character", "U+0007"),
    ("a\x1bb", "input.control_character", "U+001B"),
    ("a\x7fb", "input.control_character", "U+007F"),
    ("a\x9bb", "input.control_character", "U+009B"),
    ("a\ud800b", "input.invalid_unicode", "U+D800"),
    ("a\udfffb", "input.invalid_unicode", "U+DFFF"),
    ("a\u202eb", "input.direction_control", "U+202E"),
    ("a\u2066b", "input.direction_control", "U+2066"),
    ("a\nb", "input.line_break", "U+000A"),
    ("a\r\nb", "input.line_break", "U+000D"),
    ("a\u2028b", "input.line_break", "U+2028"),
    ("a\tb", "input.control_character", "U+0009"),
])
def test_a_single_line_text_refuses(value: str, code: str, character: str) -> None:
    assert text_errors("name", value) == [
        FieldError("name", code, {"position": 2, "character": character})]


@pytest.mark.parametrize("value", ["a\nb", "a\r\nb", "a\tb", "line 1\n\tline 2\r\n"])
def test_a_multi_line_text_takes_newlines_and_tabs(value: str) -> None:
    assert text_errors("comments", value, multiline=True) == []


@pytest.mark.parametrize(("value", "code"), [
    ("a\rb", "input.control_character"),  # a lone CR overwrites the line on a terminal
    ("a\x00b", "input.control_character"),
    ("a\u2029b", "input.control_character"),
    ("a\ud800", "input.invalid_unicode"),
    ("a\u202db", "input.direction_control"),
])
def test_a_multi_line_text_still_refuses(value: str, code: str) -> None:
    assert codes(text_errors("comments", value, multiline=True)) == [code]


@pytest.mark.parametrize("value", [
    "Müller & Söhne GmbH", "Société Générale", "東京海上", "شركة الاتصالات",
    "\u0645\u200c\u0627",  # Persian with a zero-width non-joiner
    "👩\u200d💻 Ltd",  # emoji joined by a zero-width joiner
    "\u200fعربي\u200e (FR)",  # right-to-left and left-to-right marks
    "co\u00adoperative",  # soft hyphen
    "",
])
def test_real_names_pass(value: str) -> None:
    assert text_errors("name", value) == []


def test_the_first_problem_is_named_with_its_position() -> None:
    assert text_errors("name", "abc\x01d\x00", line=3) == [
        FieldError("name", "input.control_character", {"position": 4, "character": "U+0001"},
                   line=3)]


def test_length_is_bounded() -> None:
    assert text_errors("name", "x" * MAX_TEXT_CHARS) == []
    assert text_errors("name", "x" * (MAX_TEXT_CHARS + 1)) == [
        FieldError("name", "common.too_long", {"max": MAX_TEXT_CHARS,
                                               "length": MAX_TEXT_CHARS + 1})]
    assert codes(text_errors("name", "abcd", max_chars=3)) == ["common.too_long"]


def _is_refused(char: str, multiline: bool) -> bool:
    """The rule, spelt out character by character from Unicode's own data."""
    if "\ud800" <= char <= "\udfff" or "\u202a" <= char <= "\u202e" \
            or "\u2066" <= char <= "\u2069":
        return True
    if multiline and char in "\n\t":
        return False
    return unicodedata.category(char) == "Cc" or char in "\u2028\u2029"


@given(st.text(st.characters(codec=None, exclude_categories=()), max_size=40),
       st.booleans())
def test_the_rule_matches_unicode_categories(value: str, multiline: bool) -> None:
    found = text_errors("f", value, multiline=multiline)
    normalised = value.replace("\r\n", "\n") if multiline else value
    refused = [i for i, c in enumerate(normalised) if _is_refused(c, multiline)
               or (c == "\r")]
    assert bool(found) == bool(refused)
    if found:
        position = found[0].params["position"]
        assert isinstance(position, int)
        assert _is_refused(value[position - 1], multiline) or value[position - 1] == "\r"


@given(st.text(max_size=60))
def test_an_accepted_text_travels_as_json_and_utf8(value: str) -> None:
    if not text_errors("f", value, multiline=True):
        assert json.loads(json.dumps(value, ensure_ascii=False).encode().decode()) == value


# --- numbers ----------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "code"), [
    (Decimal("NaN"), "input.not_finite"),
    (Decimal("sNaN"), "input.not_finite"),
    (Decimal("Infinity"), "input.not_finite"),
    (Decimal("-Infinity"), "input.not_finite"),
    (Decimal("1e308"), "input.number_too_large"),
    (Decimal("-1e15"), "input.number_too_large"),
    (Decimal("1000000000000000"), "input.number_too_large"),
    (Decimal("0.0001"), "common.max_decimals"),
    (Decimal("12.3456"), "common.max_decimals"),
])
def test_an_amount_refuses(value: Decimal, code: str) -> None:
    assert codes(amount_errors("amount", value)) == [code]


@pytest.mark.parametrize("value", [
    Decimal("0"), Decimal("0E+400"), Decimal("-0"), Decimal("999999999999999.999"),
    Decimal("-999999999999999.999"), Decimal("12.5000000"), Decimal("1E+3"),
    Decimal("0.001"),
])
def test_an_amount_that_fits_passes(value: Decimal) -> None:
    assert amount_errors("amount", value) == []


def test_the_refusals_name_their_limits() -> None:
    assert amount_errors("amount", Decimal("1e20"), line=2) == [
        FieldError("amount", "input.number_too_large", {"max": Decimal(10) ** AMOUNT_DIGITS},
                   line=2)]
    assert amount_errors("amount", Decimal("1.2345")) == [
        FieldError("amount", "common.max_decimals", {"count": 3})]


def test_a_rate_has_ten_decimals_below_a_hundred_million() -> None:
    assert decimal_errors("rate", Decimal("0.0062402496"), DecimalKind.RATE) == []
    assert codes(decimal_errors("rate", Decimal("0.00624024961"), DecimalKind.RATE)) == [
        "common.max_decimals"]
    assert codes(decimal_errors("rate", Decimal("1e8"), DecimalKind.RATE)) == [
        "input.number_too_large"]


@given(st.decimals(allow_nan=False, allow_infinity=False))
def test_an_accepted_amount_survives_the_money_column(value: Decimal) -> None:
    """What the guard lets through is stored exactly (``models.types.Money``: a 64-bit
    count of thousandths)."""
    if not amount_errors("amount", value):
        units = value * 1000
        assert units == units.to_integral_value()
        assert -(2**63) <= int(units) < 2**63


def test_decimal_places_ignore_trailing_zeros() -> None:
    assert [decimal_places(Decimal(v)) for v in ("12.50", "1E+3", "7", "0.125", "1E-5")] == [
        1, 0, 0, 3, 5]


@given(st.integers())
def test_whole_numbers_fit_a_32_bit_column(value: int) -> None:
    refused = integer_errors("id", value)
    assert bool(refused) == (not INT_MIN <= value <= INT_MAX)
    if refused:
        assert refused[0].params == {"min": INT_MIN, "max": INT_MAX}


def test_a_float_must_be_finite() -> None:
    assert float_errors("x", 1.5) == []
    for value in (float("nan"), float("inf"), float("-inf")):
        assert codes(float_errors("x", value)) == ["input.not_finite"]


# --- JSON documents ---------------------------------------------------------------------


def nested(depth: int) -> dict[str, Any]:
    doc: dict[str, Any] = {}
    inner = doc
    for _ in range(depth - 1):
        inner["a"] = {}
        inner = inner["a"]
    return doc


class _Draft(BaseModel):
    payload: dict[str, Any] | None = None


def test_a_document_at_the_limit_is_read_back_and_one_deeper_is_refused() -> None:
    assert json_errors("payload", nested(MAX_JSON_DEPTH)) == []
    adapter = TypeAdapter(_Draft)  # what the API answers the draft with
    assert adapter.dump_json(_Draft(payload=nested(MAX_JSON_DEPTH)))
    refused = json_errors("payload", nested(MAX_JSON_DEPTH + 1))
    assert codes(refused) == ["input.too_deep"]
    assert refused[0].params == {"limit": MAX_JSON_DEPTH}


def test_a_very_deep_document_is_refused_without_recursion() -> None:
    doc: list[Any] = []
    for _ in range(100_000):
        doc = [doc]
    assert codes(json_errors("payload", doc)) == ["input.too_deep"]


def test_a_document_s_values_are_checked_by_path() -> None:
    doc = {"lines": [{"number": "A\x00"}, {"amount": float("nan")}],
           "big": 2**70, "comment": "two\nlines", "bad\ud800key": 1, "ok": [True, None, 1.5]}
    assert [(e.field, e.code) for e in json_errors("payload", doc)] == [
        ("payload", "input.invalid_unicode"),  # the key: reported on its object
        ("payload.lines[1].number", "input.control_character"),
        ("payload.lines[2].amount", "input.not_finite"),
        ("payload.big", "input.number_out_of_range"),
    ]


# --- the guard --------------------------------------------------------------------------


def test_a_model_argument_is_named_by_its_fields() -> None:
    data = CompanyCreate(name="a\x00", address="1 rue\n2", city="Paris", postal_code="75001",
                         country="FRA", head_office_id=2**40)
    assert [(e.field, e.code) for e in input_errors("data", data)] == [
        ("name", "input.control_character"), ("address", "input.line_break"),
        ("head_office_id", "input.number_out_of_range")]


def test_list_items_are_numbered_from_one_with_their_line() -> None:
    line = InvoiceLine(type="IN", number="1", invoice_date=date(2026, 1, 1),
                       due_date=date(2026, 2, 1), currency="EUR", amount_excl_tax=Decimal("1e20"))
    bad = line.model_copy(update={"number": "\x07"})
    claim = ClaimCreate(contract_id=1, company_id=2, reason="r", invoices=[line, bad],
                        comments="line\none\ttab")
    assert [(e.field, e.code, e.line) for e in input_errors("data", claim)] == [
        ("invoices[1].amount_excl_tax", "input.number_too_large", 1),
        ("invoices[2].number", "input.control_character", 2),
        ("invoices[2].amount_excl_tax", "input.number_too_large", 2)]


def test_multi_line_fields_are_marked_on_the_schema() -> None:
    declaration = AdditionalDeclaration(comments="a\nb", contact_name="x\ny")
    assert [(e.field, e.code) for e in input_errors("data", declaration)] == [
        ("contact_name", "input.line_break")]


def test_a_rate_is_a_rate_and_criteria_are_named_as_query_parameters() -> None:
    rate = ExchangeRateCreate(base="EUR", quote="JPY", rate=Decimal("0.0062402496"),
                              rate_date=date(2026, 1, 1))
    assert input_errors("data", rate) == []
    criteria = PortfolioCriteria(text="a\x00", amount_min=Decimal("1e308"),
                                 product_codes=["CRL", "\ud800"])
    assert [(e.field, e.code) for e in input_errors("criteria", criteria)] == [
        ("text", "input.control_character"), ("product_codes[2]", "input.invalid_unicode"),
        ("amount_min", "input.number_too_large")]


def test_a_map_of_custom_fields_is_single_line() -> None:
    update = PortfolioEntryUpdate(custom_fields={1: "ok", 2: "two\nlines"})
    assert [(e.field, e.code) for e in input_errors("changes", update)] == [
        ("custom_fields.2", "input.line_break")]


class _Area:
    def __init__(self) -> None:
        self.calls: list[tuple[Any, ...]] = []

    @guarded
    def write(self, text: str, amount: Decimal, comment: str = "", *,
              limit: int = 10) -> str:
        self.calls.append((text, amount, comment, limit))
        return "done"


def test_a_guarded_method_runs_only_with_clean_arguments() -> None:
    area = _Area()
    assert area.write("ok", Decimal("1.5"), comment="a\nb") == "done"
    with pytest.raises(ValidationFailed) as refused:
        area.write("a\x00", Decimal("NaN"), "x\ny", limit=2**40)
    assert [(e.field, e.code) for e in refused.value.errors] == [
        ("text", "input.control_character"), ("amount", "input.not_finite"),
        ("limit", "input.number_out_of_range")]
    assert len(area.calls) == 1


def test_the_guard_keeps_the_signature() -> None:
    import inspect

    assert list(inspect.signature(_Area.write).parameters) == [
        "self", "text", "amount", "comment", "limit"]


# --- pydantic's errors ------------------------------------------------------------------


def test_pydantic_locations_count_list_items_from_one() -> None:
    assert field_name(("body", "invoices", 0, "amount")) == "invoices[1].amount"
    error = field_error({"type": "missing", "loc": ("body", "invoices", 2, "number")})
    assert (error.field, error.line) == ("invoices[3].number", 3)


def test_a_hostile_location_is_not_echoed() -> None:
    assert field_name(("body", "custom_fields", "\ud800", "[key]")) == "custom_fields.?.[key]"
    assert field_name(("body", "x" * 500)) == "?"
    error = field_error({"type": "literal_error", "loc": ("body", "a"),
                         "ctx": {"expected": "a\ud800"}})
    assert error.params == {"expected": "?"}


def test_an_id_in_a_body_is_never_a_boolean() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError) as refused:
        CompanyCreate(name="n", address="a", city="c", postal_code="p", country="FRA",
                      head_office_id=True)
    assert [field_error(e).code for e in refused.value.errors()] == ["api.invalid.int_type"]
    assert CompanyCreate(name="n", address="a", city="c", postal_code="p", country="FRA",
                         head_office_id=12).head_office_id == 12


@pytest.mark.parametrize(("kind", "code"), [("finite_number", "input.not_finite"),
                                            ("string_unicode", "input.invalid_unicode")])
def test_pydantic_s_refusals_of_the_guard_s_kind_have_the_guard_s_code(kind: str,
                                                                       code: str) -> None:
    error = field_error({"type": kind, "loc": ("body", "amount")})
    assert (error.field, error.code) == ("amount", code)
