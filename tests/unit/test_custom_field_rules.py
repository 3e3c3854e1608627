"""Custom-field values against their definition's format (issue 13 item 4)."""

from __future__ import annotations

import pytest

from cofatui.rules.custom_fields import custom_field_value_errors


@pytest.mark.parametrize(("fmt", "value"), [
    ("date", "2026-12-31"), ("date", ""), ("date", "  "), ("number", "12"),
    ("number", "-3.5"), ("text", "31/12/2026"), ("text", "anything"), ("colour", "red"),
])
def test_values_of_their_format_are_accepted(fmt: str, value: str) -> None:
    assert custom_field_value_errors(3, value, fmt) == []


@pytest.mark.parametrize(("fmt", "value", "code"), [
    ("date", "31/12/2026", "custom_fields.not_a_date"),
    ("date", "2026-02-30", "custom_fields.not_a_date"),
    ("date", "2026-1-5", "custom_fields.not_a_date"),
    ("date", "２０２６-01-05", "custom_fields.not_a_date"),  # full-width digits
    ("number", "1,5", "custom_fields.not_a_number"),
    ("number", "1 000", "custom_fields.not_a_number"),
    ("number", "NaN", "custom_fields.not_a_number"),
    ("number", "1e400", "custom_fields.not_a_number"),
    ("number", "１２", "custom_fields.not_a_number"),  # full-width digits
])
def test_values_not_of_their_format_are_refused_at_the_field(fmt: str, value: str,
                                                             code: str) -> None:
    [error] = custom_field_value_errors(3, value, fmt)
    assert (error.field, error.code, error.params) == ("custom_field_3", code, {"value": value})
    assert value in error.text("fr") and "n’est pas" in error.text("fr")
