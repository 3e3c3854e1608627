"""A record's facts as a detail dialog shows them: one per line, the label dimmed, the
value as literal text (it comes from data); empty values are left out."""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text

from cofatui.i18n import t
from cofatui.tui.safe import plain


def facts_text(rows: Iterable[tuple[str, str]]) -> Text:
    out = Text()
    for label, value in rows:
        if value:
            out.append(t("common.label.colon", label=label), style="dim")
            out.append_text(plain(value))
            out.append("\n")
    out.rstrip()
    return out


__all__ = ["facts_text"]
