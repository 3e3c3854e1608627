"""Translations and locale-aware formatting.

Catalogs are TOML files, one per area, in ``i18n/<lang>/<area>.toml``; a key is
``"<area>.<key>"`` (``t("home.wap_title")``). Both languages must have the same keys (a
unit test checks it). ``{name}`` placeholders are filled from keyword arguments.

Numbers, amounts and dates are formatted with Babel for the current language.

A delivered report is read in the language it was ordered in (English, French, German
or Spanish), whatever the UI language: ``t_in(language, key)`` looks a key up in that
language without changing the UI's. English and French come from the app's catalogs;
German and Spanish, which the UI does not offer, from a report-only catalog
(``i18n/reports/<lang>.toml``, holding the report's keys only; a unit test checks it has
all of them). ``format_date`` and ``format_amount`` take the language the same way.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import sys
import tomllib
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

LANGUAGES = ("fr", "en")
HERE = Path(__file__).parent
#: Languages a report may be delivered in that the UI does not offer.
REPORT_ONLY_LANGUAGES = ("de", "es")
_LOCALES = {"fr": "fr_FR", "en": "en_GB", "de": "de_DE", "es": "es_ES"}
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
    return load_catalog(HERE / language, _compiled_dir())


def load_catalog(root: Path, compiled: Path | None) -> dict[str, str]:
    """The TOML files below ``root``, flattened; kept compiled in ``compiled`` (None:
    not kept) and read from there while no file changed. Parsing the ~130 files took
    35-40 ms a language, and a French start reads both (issue 21 item 1: start fast)."""
    paths = sorted(root.rglob("*.toml"))
    stamp = [(str(p.relative_to(root)), *_stat(p)) for p in paths]
    kept = compiled / f"i18n-{root.name}.marshal" if compiled is not None else None
    if kept is not None:
        try:
            saved_stamp, saved = marshal.loads(kept.read_bytes())
            if saved_stamp == stamp and isinstance(saved, dict):
                return saved
        except (OSError, EOFError, ValueError, TypeError):
            pass  # none yet, or unreadable: parse the files
    out: dict[str, str] = {}
    for path in paths:
        # ``en/errors/claims.toml`` holds the keys ``errors.claims.*``.
        prefix = ".".join((*path.relative_to(root).parent.parts, path.stem))
        with path.open("rb") as fh:
            _flatten(prefix, tomllib.load(fh), out)
    if kept is not None:
        _keep(kept, marshal.dumps((stamp, out)))
    return out


def _stat(path: Path) -> tuple[int, int]:
    st = path.stat()
    return st.st_mtime_ns, st.st_size


def _compiled_dir() -> Path | None:
    """Where the compiled catalogues go: beside the bytecode, as Python keeps it
    (``PYTHONPYCACHEPREFIX`` or ``__pycache__``); None when bytecode is not written."""
    if sys.dont_write_bytecode:
        return None
    if sys.pycache_prefix:
        return Path(sys.pycache_prefix) / HERE.relative_to(HERE.anchor)
    return HERE / "__pycache__"


def _keep(path: Path, data: bytes) -> None:
    """Write atomically (another process may read it meanwhile); a read-only install
    just parses the files each start."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)


@cache
def report_catalog(language: str) -> dict[str, str]:
    """The report-only catalog of a language the UI does not offer (``de``, ``es``):
    full keys (``report.address``, ``company.field.city``), as its tables spell them."""
    out: dict[str, str] = {}
    path = HERE / "reports" / f"{language}.toml"
    if language in REPORT_ONLY_LANGUAGES and path.is_file():
        with path.open("rb") as fh:
            _flatten("", tomllib.load(fh), out)
    return out


def _flatten(prefix: str, table: dict[str, Any], out: dict[str, str]) -> None:
    for key, value in table.items():
        name = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            _flatten(name, value, out)
        else:
            out[name] = str(value)


def t(key: str, /, **params: object) -> str:
    """The text of ``key`` in the current language (English, then the key itself, as
    fallbacks, so a missing translation shows up without crashing)."""
    text = catalog(_current).get(key) or catalog("en").get(key) or key
    return _fill(text, params)


def t_in(language: str, key: str, /, **params: object) -> str:
    """The text of ``key`` in ``language`` (a UI language or a report-only one), the UI
    language untouched; English, then the key itself, as fallbacks."""
    own = catalog(language) if language in LANGUAGES else report_catalog(language)
    return _fill(own.get(key) or catalog("en").get(key) or key, params)


def _fill(text: str, params: dict[str, object]) -> str:
    if params:
        try:
            return text.format(**params)
        except (KeyError, IndexError, ValueError):
            return text
    return text


def _locale(language: str | None = None) -> str:
    return _LOCALES.get(language or _current, _LOCALES["en"])


def locale_name(language: str | None = None) -> str:
    """The Babel locale of ``language`` (default: the UI's), ``en_GB`` or ``fr_FR``: what
    is typed is read in the same locale amounts are shown in."""
    return _locale(language)


def format_number(value: int | Decimal | float, decimals: int | None = None) -> str:
    """``babel.numbers.format_decimal``, with the locale and the pattern parsed once
    (a list paints dozens of amounts a frame; parsing them was most of the cost)."""
    locale, pattern = _number_pattern(_locale(), decimals)
    return str(pattern.apply(value, locale))


def format_number_in(value: int | Decimal, language: str | None = None) -> str:
    """``value`` in the locale of ``language`` (default: the UI's), with the decimals it
    has (``Decimal("1500.30")`` → ``1,500.30`` / ``1 500,30``; an int has none)."""
    exponent = value.as_tuple().exponent if isinstance(value, Decimal) else 0
    decimals = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    locale, pattern = _number_pattern(_locale(language), decimals)
    return str(pattern.apply(value, locale))


@cache
def _number_pattern(locale_name: str, decimals: int | None) -> tuple[Any, Any]:
    from babel import Locale
    from babel.numbers import parse_pattern

    locale = Locale.parse(locale_name)
    fmt = "#,##0." + "0" * decimals if decimals else "#,##0"
    return locale, parse_pattern(locale.decimal_formats[None] if decimals is None else fmt)


def format_amount(value: Decimal | None, currency: str = "EUR",
                  language: str | None = None) -> str:
    """``value`` in ``currency``, in the locale of ``language`` (default: the UI's)."""
    if value is None:
        return ""
    from babel.numbers import format_currency

    try:
        return str(format_currency(value, currency, locale=_locale(language)))
    except Exception:  # an unknown currency code still shows the amount
        locale, pattern = _number_pattern(_locale(language), 2)
        return f"{pattern.apply(value, locale)} {currency}"


def format_date(value: date | datetime | None, language: str | None = None) -> str:
    """``22/11/2026`` in French, ``22 Nov 2026`` in English; a report-only language
    (German, Spanish) in its locale's medium form (``22.11.2026``, ``22 nov 2026``)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    language = language or _current
    if language == "fr":
        return value.strftime("%d/%m/%Y")
    if language in _LOCALES and language != "en":
        from babel.dates import format_date as babel_date

        return str(babel_date(value, "medium", locale=_locale(language)))
    return value.strftime("%d %b %Y")


def format_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    local = value.astimezone()
    return local.strftime("%d/%m/%Y %H:%M") if _current == "fr" \
        else local.strftime("%d %b %Y %H:%M")
