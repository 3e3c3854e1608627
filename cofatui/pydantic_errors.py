"""Pydantic's validation errors as coded field refusals.

The API's request validation (FastAPI) and a job's parameters (``jobs.queue``) are
checked by pydantic, whose messages are English sentences. Each of its errors becomes a
:class:`~cofatui.errors.FieldError` with the code ``api.invalid.<pydantic type>`` when
the catalog has that entry (``api.invalid.string_too_long`` with ``max_length``…), else
``api.invalid_value`` with the type as a parameter; the ``ctx`` values pydantic gives
(limits, the expected values) are the parameters, so the TUI shows them in the user's
language. Nothing here imports pydantic: it reads the ``errors()`` dictionaries.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from cofatui.errors import CATALOG_PREFIX, FieldError
from cofatui.i18n.messages import has_entry
from cofatui.rules.text import text_refusal

#: The code prefix of one pydantic error type (``api.invalid.missing``).
TYPE_PREFIX = "api.invalid."
#: The code of a pydantic error type the catalog does not name.
FALLBACK = "api.invalid_value"
#: Pydantic error types that are one of the input guard's refusals: the same code
#: whether pydantic (API request, HTTP backend) or the guard (embedded) finds it.
SAME_AS_GUARD = {"finite_number": "input.not_finite", "string_unicode": "input.invalid_unicode"}
#: The longest part of a location kept in a field name.
MAX_PART = 100


def field_name(loc: Sequence[Any]) -> str:
    """``("body", "invoices", 0, "amount")`` → ``invoices[1].amount``: list items count
    from 1, as the rules name them (``rules.claims``: ``invoices[1].number``, line 1).

    A part of the location that is not clean text (a dict key the client sent, holding
    a NUL or a lone surrogate, or one too long) is written ``?``: the field name goes
    back in the answer, which must stay valid JSON and readable."""
    parts = list(loc)
    if parts and parts[0] in ("body", "query", "path", "header", "cookie"):
        parts = parts[1:]
    out = ""
    for part in parts:
        if isinstance(part, int) and not isinstance(part, bool):
            out += f"[{part + 1}]"
        else:
            out += ("." if out else "") + _clean(str(part))
    return out


def first_line(loc: Sequence[Any]) -> int | None:
    """The line (list item, from 1) the location is in: its first list index."""
    for part in loc:
        if isinstance(part, int) and not isinstance(part, bool):
            return part + 1
    return None


def _clean(part: str) -> str:
    return part if text_refusal(part, max_chars=MAX_PART) is None else "?"


def field_errors(errors: Iterable[Mapping[str, Any]]) -> list[FieldError]:
    """One coded :class:`FieldError` per pydantic error (``exc.errors()``)."""
    return [field_error(e) for e in errors]


def field_error(error: Mapping[str, Any]) -> FieldError:
    kind = str(error.get("type", "value_error"))
    params = {name: _param(value) for name, value in (error.get("ctx") or {}).items()
              if name != "error"}
    loc = error.get("loc", ())
    field, line = field_name(loc), first_line(loc)
    if kind in SAME_AS_GUARD:
        return FieldError(field, SAME_AS_GUARD[kind], {}, line=line)
    if has_entry(CATALOG_PREFIX + TYPE_PREFIX + kind):
        return FieldError(field, TYPE_PREFIX + kind, params, line=line)
    return FieldError(field, FALLBACK, {**params, "type": kind}, line=line)


def _param(value: object) -> object:
    # Keep what renders by type (numbers, dates); anything else as its text, unless
    # that text could not travel back in the answer (a lone surrogate of the input).
    if isinstance(value, (int, Decimal, date)) and not isinstance(value, bool):
        return value
    if isinstance(value, float):
        return Decimal(str(value))
    text = str(value)
    return text if text_refusal(text, multiline=True) is None else "?"
