"""Translations and locale-aware formatting.

Catalogs are TOML files, one per area, in ``i18n/<lang>/<area>.toml``; a key is
``"<area>.<key>"`` (``t("home.wap_title")``). Both languages must have the same keys (a
unit test checks it). ``{name}`` placeholders are filled from keyword arguments.

Numbers, amounts and dates are formatted with Babel for the current language.
"""

from __future__ import annotations

import tomllib
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

LANGUAGES = ("fr", "en")
HERE = Path(__file__).parent
_LOCALES = {"fr": "fr_FR", "en": "en_GB"}
_current = "en"


def set_language(language: str) -> None:
    global _current
    if language not in LANGUAGES:
        raise ValueError(f"Unsupported language {language!r}")
    _current = language


def get_language() -> str:
    return _current


@cache
def catalog(language: str) -> dict[str, str]:
    """Every key of a language, flattened to ``area.key`` (nested tables add dots)."""
    out: dict[str, str] = {}
    for path in sorted((HERE / language).glob("*.toml")):
        with path.open("rb") as fh:
            _flatten(path.stem, tomllib.load(fh), out)
    return out


def _flatten(prefix: str, table: dict[str, Any], out: dict[str, str]) -> None:
    for key, value in table.items():
        name = f"{prefix}.{key}"
        if isinstance(value, dict):
            _flatten(name, value, out)
        else:
            out[name] = str(value)


def t(key: str, /, **params: object) -> str:
    """The text of ``key`` in the current language (English, then the key itself, as
    fallbacks, so a missing translation shows up without crashing)."""
    text = catalog(_current).get(key) or catalog("en").get(key) or key
    if params:
        try:
            return text.format(**params)
        except (KeyError, IndexError, ValueError):
            return text
    return text


def _locale() -> str:
    return _LOCALES[_current]


def format_number(value: int | Decimal | float, decimals: int | None = None) -> str:
    """``babel.numbers.format_decimal``, with the locale and the pattern parsed once
    (a list paints dozens of amounts a frame; parsing them was most of the cost)."""
    locale, pattern = _number_pattern(_locale(), decimals)
    return str(pattern.apply(value, locale))


@cache
def _number_pattern(locale_name: str, decimals: int | None) -> tuple[Any, Any]:
    from babel import Locale
    from babel.numbers import parse_pattern

    locale = Locale.parse(locale_name)
    fmt = "#,##0." + "0" * decimals if decimals else "#,##0"
    return locale, parse_pattern(locale.decimal_formats[None] if decimals is None else fmt)


def format_amount(value: Decimal | None, currency: str = "EUR") -> str:
    if value is None:
        return ""
    from babel.numbers import format_currency

    try:
        return str(format_currency(value, currency, locale=_locale()))
    except Exception:  # an unknown currency code still shows the amount
        return f"{format_number(value, 2)} {currency}"


def format_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    return value.strftime("%d/%m/%Y") if _current == "fr" else value.strftime("%d %b %Y")


def format_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    local = value.astimezone()
    return local.strftime("%d/%m/%Y %H:%M") if _current == "fr" \
        else local.strftime("%d %b %Y %H:%M")
