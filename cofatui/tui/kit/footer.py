"""Textual's Footer, rebuilding its keys once per refresh.

Opening a screen announces its bindings several times in a row (the push, the screen
stack, the focus, the descriptions translated by the shell); Textual's Footer rebuilds
every key widget for each announcement. This one coalesces them: one rebuild, after
the refresh, with the bindings as they are then. Same look, same keys.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import Footer

if TYPE_CHECKING:
    from textual.screen import Screen

__all__ = ["KeysFooter"]


class KeysFooter(Footer):
    _rebuild_pending = False

    def bindings_changed(self, screen: Screen[object]) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen and not self._rebuild_pending:
            self._rebuild_pending = True
            self.call_after_refresh(self._rebuild)

    async def _rebuild(self) -> None:
        self._rebuild_pending = False
        await self.recompose()
