"""The Tools hub: one screen listing the tools that exist (no placeholders for those
SPEC §3.10 plans and that are not built yet). Reached from the palette and from every
screen with the app's Tools key."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.screen import Screen
from textual.widgets import Footer, OptionList
from textual.widgets.option_list import Option

from cofatui.i18n import t
from cofatui.tui.kit.header import AppHeader

#: (screen name for ``app.switch_to``, catalog key of its label, of its description)
TOOLS: tuple[tuple[str, str, str], ...] = (
    ("jobs", "tools.jobs", "tools.jobs_help"),
    ("import_results", "tools.imports", "tools.imports_help"),
    ("bulk_orders", "bulk_ui.hub", "bulk_ui.hub_help"),
    ("exports", "exports_ui.hub", "exports_ui.hub_help"),
)


class ToolsScreen(Screen[None]):
    CSS_PATH = "tools.tcss"
    BINDINGS: ClassVar[list[BindingType]] = []

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield OptionList(*[Option(f"{t(label)} — {t(hint)}", id=name)
                           for name, label, hint in TOOLS], id="tools-list")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "tools.title"
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected, "#tools-list")
    def _open(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.app.switch_to(event.option.id)  # type: ignore[attr-defined]

    async def on_language_changed(self, _event: object) -> None:
        await self.recompose()
