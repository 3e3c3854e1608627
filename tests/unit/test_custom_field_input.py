"""A custom field's value typed and shown per format and language (issue 16 item 8,
acceptance "hypothesis on value parsing per format and language"): what is shown reads
back to what is stored, in every date order and language; what is not a date or a
number is refused with the typed-input message, never stored."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cofatui.rules.custom_fields import number_text, value_fits
from cofatui.tui.kit.custom_field_input import shown_value, typed_value
from cofatui.tui.kit.typed_input import TypedInputError

ORDERS = st.sampled_from(["DMY", "MDY"])
LANGUAGES = st.sampled_from(["en", "fr"])


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=date(1000, 1, 1)), ORDERS)
def test_a_date_shown_in_the_users_order_reads_back_as_stored(day: date, order: str) -> None:
    stored = day.isoformat()
    shown = shown_value(stored, "date", order)
    assert typed_value(shown, "date", order) == stored
    assert typed_value(stored, "date", order) == stored  # ISO is read in any order


@settings(max_examples=200, deadline=None)
@given(st.decimals(min_value=Decimal("-999999999999"), max_value=Decimal("999999999999"),
                   places=6, allow_nan=False),
       LANGUAGES)
def test_a_number_shown_in_the_language_reads_back_as_stored(value: Decimal,
                                                             language: str) -> None:
    stored = number_text(value)
    assert value_fits(stored, "number")
    shown = shown_value(stored, "number", "DMY", language)
    assert typed_value(shown, "number", "DMY", language) == stored


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30), st.sampled_from(["date", "number"]), ORDERS, LANGUAGES)
def test_anything_typed_is_stored_only_when_it_fits(text: str, fmt: str, order: str,
                                                    language: str) -> None:
    try:
        sent = typed_value(text, fmt, order, language)
    except TypedInputError as exc:
        assert exc.code.startswith("typed.")
        return
    assert sent == "" or value_fits(sent, fmt)


@pytest.mark.parametrize(("text", "fmt", "order", "language", "sent"), [
    ("31/12/2026", "date", "DMY", "en", "2026-12-31"),
    ("12/31/2026", "date", "MDY", "en", "2026-12-31"),
    ("2026-12-31", "date", "MDY", "fr", "2026-12-31"),
    ("1,234.5", "number", "DMY", "en", "1234.5"),
    ("1 234,5", "number", "DMY", "fr", "1234.5"),
    ("-3", "number", "DMY", "fr", "-3"),
    ("  Retail  ", "text", "DMY", "en", "  Retail  "),
    ("", "date", "DMY", "en", ""),
])
def test_examples(text: str, fmt: str, order: str, language: str, sent: str) -> None:
    assert typed_value(text, fmt, order, language) == sent


@pytest.mark.parametrize("fmt", ["date", "number"])
def test_banana_is_refused(fmt: str) -> None:
    with pytest.raises(TypedInputError):
        typed_value("banana", fmt, "DMY", "en")


def test_a_value_that_no_longer_fits_is_shown_as_it_is() -> None:
    assert shown_value("31/12/2026", "date", "MDY") == "31/12/2026"
    assert shown_value("n/a", "number", "DMY", "fr") == "n/a"
