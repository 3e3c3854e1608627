"""Choices drawn from the reference tables (countries, their legal identifier types),
labelled in the UI language, for the Select fields of several features."""

from __future__ import annotations

from cofatui import reference
from cofatui.i18n import get_language


def country_options(blank_label: str | None = None) -> list[tuple[str, str]]:
    language = get_language()
    return [(f"{c.code} — {c.display_name(language)}", c.code) for c in reference.countries()]


def identifier_type_options(country_code: str | None) -> list[tuple[str, str]]:
    found = reference.country(country_code) if country_code else None
    if found is None:
        return []
    return [(f"{it.code} — {it.label}", it.code) for it in found.identifier_types]
