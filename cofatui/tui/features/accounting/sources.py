"""What Enter on a journal or ledger line opens, by the entry's source (OWNERS' shared
decision): a claim → its detail; a premium payment → the notices screen on that
payment's notices; a cover event → the cover. Opened by name (features never import
each other); the opening entry has no source screen."""

from __future__ import annotations

from typing import Any

from textual.app import App

from cofatui.i18n import t
from cofatui.tui.navigation import open_screen

#: source kind → (registered screen name, keyword naming the id; None: positional)
SOURCE_SCREENS: dict[str, tuple[str, str | None]] = {
    "claim": ("claim_detail", None),
    "payment": ("premium_notices", "payment_id"),
    "cover_event": ("other_covers", "cover_event_id"),
}


def open_source(app: App[Any], source_kind: str, source_id: int) -> bool:
    """Open the source's screen; False (the user told) when there is none."""
    target = SOURCE_SCREENS.get(source_kind)
    if target is not None:
        name, keyword = target
        try:
            if keyword is None:
                open_screen(app, name, source_id)
            else:
                kwargs: dict[str, Any] = {keyword: source_id}
                open_screen(app, name, **kwargs)
            return True
        except (KeyError, ImportError, AttributeError):  # a screen this build lacks
            pass
    app.notify(t("accounting_ui.no_source"), markup=False)
    return False


__all__ = ["SOURCE_SCREENS", "open_source"]
