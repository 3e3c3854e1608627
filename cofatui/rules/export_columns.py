"""The columns a custom export may hold (issue 15), per category: the catalogue of
``cofatui/reference/export_columns.json``.

Each column has a stable key (what scripts, the API and the templates store), an
English and a French label, a type saying how its values are written
(:class:`cofatui.enums.ExportColumnType`: ``code`` is text that looks like a number, an
EasyNumber or a policy number, written as text so leading zeros stay) and a group,
for reading only.

The default templates: for ``portfolio`` the columns of today's simple export
(``jobs/exports.portfolio_export_columns``; the favourite star has no column here),
for ``claims`` the claims portfolio's (``tui/features/claims/claims_portfolio``: its
flags are two columns, intervention and insured debt, and its amounts come with their
currency).

A custom-field column (``custom_field_1`` … ``custom_field_5``) is labelled with the
contracts' name for that field when every exported contract that names it gives the
same name, and with the generic label ("Custom field 3") otherwise.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

from cofatui.enums import ExportCategory, ExportColumnType

__all__ = [
    "ColumnSpec",
    "catalogue",
    "column",
    "column_label",
    "custom_field_slot",
    "default_columns",
    "group_label",
    "headers",
    "is_known",
]

_CUSTOM_FIELD = re.compile(r"custom_field_([1-9][0-9]*)")


@dataclass(frozen=True)
class ColumnSpec:
    key: str
    type: ExportColumnType
    label_en: str
    label_fr: str
    group: str

    def label(self, language: str) -> str:
        """The catalogue's label (French for ``fr``, English otherwise)."""
        return self.label_fr if language == "fr" else self.label_en


@cache
def _document() -> Mapping[str, Any]:
    text = resources.files("cofatui.reference").joinpath("export_columns.json").read_text(
        encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return MappingProxyType(loaded)


@cache
def _columns(category: ExportCategory) -> tuple[ColumnSpec, ...]:
    items = _document()["categories"][category.value]["columns"]
    return tuple(ColumnSpec(key=c["key"], type=ExportColumnType(c["type"]), label_en=c["en"],
                            label_fr=c["fr"], group=c["group"]) for c in items)


@cache
def _by_key(category: ExportCategory) -> Mapping[str, ColumnSpec]:
    return MappingProxyType({c.key: c for c in _columns(category)})


def catalogue(category: ExportCategory) -> list[ColumnSpec]:
    """Every column of ``category``, in the catalogue's order."""
    return list(_columns(ExportCategory(category)))


def column(category: ExportCategory, key: str) -> ColumnSpec:
    """The column ``key`` of ``category``; KeyError when there is none."""
    return _by_key(ExportCategory(category))[key]


def is_known(category: ExportCategory, key: str) -> bool:
    return key in _by_key(ExportCategory(category))


def default_columns(category: ExportCategory) -> list[str]:
    """The keys of the predefined default template of ``category``, in order."""
    return list(_document()["categories"][ExportCategory(category).value]["default"])


def group_label(group: str, language: str) -> str:
    """The label of a group of columns (``company``, ``products``…)."""
    labels = _document()["groups"].get(group)
    if labels is None:
        return group
    return str(labels["fr" if language == "fr" else "en"])


def custom_field_slot(key: str) -> int | None:
    """``custom_field_3`` → 3; None for any other key."""
    found = _CUSTOM_FIELD.fullmatch(key)
    return int(found.group(1)) if found else None


def column_label(spec: ColumnSpec, language: str,
                 custom_field_names: Mapping[int, Iterable[str]]) -> str:
    """The header of ``spec`` in ``language``. ``custom_field_names`` maps a slot to
    the names the exported contracts give that field (blank: unnamed, ignored); one
    name → that name, none or several → the generic label."""
    slot = custom_field_slot(spec.key)
    if slot is not None:
        names = {name.strip() for name in custom_field_names.get(slot, ()) if name.strip()}
        if len(names) == 1:
            return next(iter(names))
    return spec.label(language)


def headers(category: ExportCategory, keys: Iterable[str], language: str,
            custom_field_names: Mapping[int, Iterable[str]] | None = None) -> list[str]:
    """The headers of the columns ``keys`` (KeyError for an unknown key), in order."""
    names = custom_field_names or {}
    return [column_label(column(category, key), language, names) for key in keys]
