"""Openers for the notifications' Chorus Pro targets that lead to the forms' screens
(issue 18 item 10): an attachment request or decision opens the managers' activities,
a structure opens My structures. Those screens belong to the forms' feature; they are
imported by name, and a missing one is told, never raised."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import App

from cofatui.i18n import t
from cofatui.tui.navigation import open_screen

Done = Callable[[Any], Any] | None


def _open(app: App[Any], name: str, *args: Any, callback: Done = None,
          **kwargs: Any) -> None:
    try:
        open_screen(app, name, *args, callback=callback, **kwargs)
    except (ImportError, AttributeError):
        app.notify(t("chorus_ui.unavailable"), severity="warning", markup=False)


def open_attachment(app: App[Any], _attachment_id: int, *, callback: Done = None) -> None:
    _open(app, "chorus_managers", callback=callback)


def open_structure(app: App[Any], structure_id: int, *, callback: Done = None) -> None:
    _open(app, "chorus_my_structures", callback=callback)


def open_link(app: App[Any], name: str, *args: Any, callback: Done = None,
              **kwargs: Any) -> None:
    """A hub link, an invoice's correction or a draft's entry form: the forms' screen
    registered as ``name``."""
    _open(app, name, *args, callback=callback, **kwargs)


__all__ = ["open_attachment", "open_link", "open_structure"]
