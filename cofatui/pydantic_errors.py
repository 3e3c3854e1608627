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

#: The code prefix of one pydantic error type (``api.invalid.missing``).
TYPE_PREFIX = "api.invalid."
#: The code of a pydantic error type the catalog does not name.
FALLBACK = "api.invalid_value"


def field_name(loc: Sequence[Any]) -> str:
    """``("body", "invoices", 0, "amount")`` → ``invoices[0].amount``."""
    parts = list(loc)
    if parts and parts[0] in ("body", "query", "path", "header", "cookie"):
        parts = parts[1:]
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def field_errors(errors: Iterable[Mapping[str, Any]]) -> list[FieldError]:
    """One coded :class:`FieldError` per pydantic error (``exc.errors()``)."""
    return [field_error(e) for e in errors]


def field_error(error: Mapping[str, Any]) -> FieldError:
    kind = str(error.get("type", "value_error"))
    params = {name: _param(value) for name, value in (error.get("ctx") or {}).items()
              if name != "error"}
    if has_entry(CATALOG_PREFIX + TYPE_PREFIX + kind):
        return FieldError(field_name(error.get("loc", ())), TYPE_PREFIX + kind, params)
    return FieldError(field_name(error.get("loc", ())), FALLBACK, {**params, "type": kind})


def _param(value: object) -> object:
    # Keep what renders by type (numbers, dates); anything else as its text.
    if isinstance(value, (str, int, Decimal, date)) and not isinstance(value, bool):
        return value
    if isinstance(value, float):
        return Decimal(str(value))
    return str(value)
