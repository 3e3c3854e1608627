"""What Enter on a journal or ledger line opens, by the entry's source (OWNERS' shared
decision): a claim → its detail; a premium payment → the notices screen on that
payment's notices; a cover event → its cover (found in a worker: an entry names the
event, the covers screen takes the cover). Opened by name (features never import each
other); the opening entry has no source screen."""

from __future__ import annotations

from typing import Any

from textual.app import App

from cofatui.errors import CofaError
from cofatui.i18n import t
from cofatui.tui.kit.products import cofa
from cofatui.tui.navigation import open_screen

#: source kind → (registered screen name, keyword naming the id; None: positional)
SOURCE_SCREENS: dict[str, tuple[str, str | None]] = {
    "claim": ("claim_detail", None),
    "payment": ("premium_notices", "payment_id"),
    "cover_event": ("other_covers", "cover_id"),
}
#: Covers looked through for an event's cover (a contract has a handful).
COVERS_LOOKED = 500


def open_source(app: App[Any], source_kind: str, source_id: int) -> bool:
    """Open the source's screen; False (the user told) when there is none."""
    if source_kind == "cover_event":
        app.run_worker(lambda: _open_cover_of(app, source_id), thread=True,
                       group="accounting-cover-of", exclusive=True)
        return True
    return _open(app, source_kind, source_id)


def _open_cover_of(app: App[Any], event_id: int) -> None:
    covers = cofa(app).repo.covers
    try:
        for cover in covers.list(None, 0, COVERS_LOOKED).items:
            if any(event.id == event_id for event in covers.events(cover.id)):
                app.call_from_thread(_open, app, "cover_event", cover.id)
                return
    except CofaError:
        pass
    app.call_from_thread(_open, app, "", 0)


def _open(app: App[Any], source_kind: str, source_id: int) -> bool:
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
