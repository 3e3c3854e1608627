"""Texts that count something: the catalog entry is a table of plural forms
(``{ one = "…", other = "…" }``), chosen for ``count`` by Babel's plural rules of the UI
language (French says "0 ligne", English "0 lines"), never "line(s)"."""

from __future__ import annotations

from cofatui.i18n.messages import render


def plural(key: str, /, count: int | str, **params: object) -> str:
    """The entry ``key`` in the UI language, in the plural form of ``count``, with
    ``{count}`` and the other placeholders filled (numbers and amounts as the language
    writes them). A ``count`` that is not a number ("?") takes the ``other`` form."""
    return render(key, {"count": count, **params})


__all__ = ["plural"]
