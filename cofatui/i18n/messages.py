"""Messages as data: a code and typed parameters, rendered in the reader's language.

A refusal (``RuleViolation("claims.deadline_passed", deadline=date(…))``) or a
notification (kind ``product.decision`` and its parameters) is stored and sent as a code
and parameters, never as a sentence; :func:`render` turns it into text in a language at
the moment someone reads it, with Babel formatting each parameter by its type:

- :class:`~cofatui.rules.money.Money` (or anything with ``amount`` and ``currency``) →
  ``€45,000.00`` / ``45 000,00 €``;
- ``Decimal`` → a number (``1,234.5`` / ``1 234,5``); ``date`` → ``22 Nov 2026`` /
  ``22/11/2026``;
- :class:`Term` → another catalog entry rendered in the same language (a product's name,
  a status, a field label);
- anything else → ``str()``.

A catalog entry may be a table of plural forms (``one``, ``other``; French also ``many``)
chosen by Babel's plural rule of the language for the ``count`` parameter, never by
"line(s)".

Parameters travel through JSON (the API's error body, a notification's row) with
:func:`encode_params` / :func:`decode_params`, which keep their types, so a refusal
rebuilt by the HTTP client renders exactly as it would have on the server.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from cofatui import i18n


@dataclass(frozen=True)
class Amount:
    """An amount and its currency as a message parameter rebuilt from JSON (rendering
    needs no more of :class:`~cofatui.rules.money.Money`, which sits above this layer)."""

    amount: Decimal
    currency: str


@dataclass(frozen=True)
class Term:
    """A parameter that is itself a catalog entry (``Term("products.name.CRL")``),
    rendered in the reader's language rather than stored as words."""

    key: str
    params: tuple[tuple[str, Any], ...] = ()

    @classmethod
    def of(cls, key: str, **params: object) -> Term:
        return cls(key, tuple(sorted(params.items())))


def render(key: str, params: Mapping[str, object] | None = None,
           language: str | None = None) -> str:
    """The text of catalog entry ``key`` in ``language`` (default: the UI's), its
    ``{placeholders}`` filled with ``params`` formatted for that language. An unknown
    key renders as itself, so a message that predates its code (or a stored sentence)
    still reads as it was written."""
    language = language or i18n.get_language()
    params = dict(params or {})
    text = _entry(language, key, params.get("count"))
    if text is None:
        return key
    if not params:
        return text
    shown = {name: format_param(value, language) for name, value in params.items()}
    try:
        return text.format(**shown)
    except (KeyError, IndexError, ValueError):
        return text


def has_entry(key: str, language: str = "en") -> bool:
    """Whether the catalog of ``language`` holds ``key`` (plain or as plural forms)."""
    own = i18n.catalog(language)
    return key in own or f"{key}.other" in own


def _entry(language: str, key: str, count: object) -> str | None:
    for lang in (language, "en"):
        own = i18n.catalog(lang) if lang in i18n.LANGUAGES else i18n.report_catalog(lang)
        text = own.get(key)
        if text is not None:
            return text
        if f"{key}.other" in own:
            form = plural_form(count, lang) if isinstance(count, (int, Decimal)) else "other"
            return own.get(f"{key}.{form}") or own[f"{key}.other"]
    return None


def plural_form(count: int | Decimal, language: str) -> str:
    """Babel's plural category of ``count`` in ``language`` (``one``, ``many``, ``other``…)."""
    return str(_plural_rule(language)(count))


@cache
def _plural_rule(language: str) -> Any:
    from babel import Locale

    return Locale.parse(i18n.locale_name(language)).plural_form


def format_param(value: object, language: str) -> str:
    """One parameter as the reader of ``language`` expects it."""
    if isinstance(value, Term):
        return render(value.key, dict(value.params), language)
    if _is_money(value):
        return i18n.format_amount(value.amount, value.currency, language)  # type: ignore[attr-defined]
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, datetime):
        return i18n.format_date(value, language) + value.strftime(" %H:%M")
    if isinstance(value, date):
        return i18n.format_date(value, language)
    if isinstance(value, (Decimal, int)):
        return i18n.format_number_in(value, language)
    if isinstance(value, (list, tuple)):
        return ", ".join(format_param(v, language) for v in value)
    return str(value)


def _is_money(value: object) -> bool:
    return hasattr(value, "currency") and isinstance(getattr(value, "amount", None), Decimal)


# --- JSON round trip ------------------------------------------------------------------
def encode_params(params: Mapping[str, object]) -> dict[str, Any]:
    """``params`` as JSON-able values that :func:`decode_params` turns back into the same
    types (a date stays a date, an amount keeps its currency)."""
    return {name: _encode(value) for name, value in params.items()}


def _encode(value: object) -> Any:
    if isinstance(value, Term):
        return {"$term": value.key, "params": encode_params(dict(value.params))}
    if _is_money(value):
        return {"$money": str(value.amount), "currency": str(value.currency)}  # type: ignore[attr-defined]
    if isinstance(value, bool) or value is None or isinstance(value, (int, str, float)):
        return value
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, (list, tuple)):
        return [_encode(v) for v in value]
    enum_value = getattr(value, "value", None)  # a StrEnum
    if isinstance(enum_value, str):
        return enum_value
    return str(value)


def decode_params(raw: object) -> dict[str, object]:
    """The parameters :func:`encode_params` wrote; anything malformed is kept as text
    (an old row or a hostile body never makes rendering fail)."""
    if not isinstance(raw, Mapping):
        return {}
    return {str(name): _decode(value) for name, value in raw.items()}


def _decode(value: object) -> object:
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if not isinstance(value, Mapping):
        return value
    try:
        if "$money" in value:
            return Amount(Decimal(str(value["$money"])), str(value.get("currency", "")))
        if "$decimal" in value:
            return Decimal(str(value["$decimal"]))
        if "$date" in value:
            return date.fromisoformat(str(value["$date"]))
        if "$datetime" in value:
            return datetime.fromisoformat(str(value["$datetime"]))
        if "$term" in value:
            inner = decode_params(value.get("params"))
            return Term(str(value["$term"]), tuple(sorted(inner.items())))
    except (ValueError, InvalidOperation, TypeError):
        pass
    return str(dict(value))
