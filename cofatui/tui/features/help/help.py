"""``?``: every key of the screen the user came from, and the global ones, as they are
now (after keymap remapping), generated from the bindings themselves."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, cast

from rich import box
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from cofatui.i18n import t
from cofatui.tui.bindings import BindingInfo, collect, screen_nodes, translate
from cofatui.tui.kit.header import AppHeader
from cofatui.tui.navigation import BASE_DEPTH
from cofatui.tui.safe import plain

if TYPE_CHECKING:
    from cofatui.tui.app import CofaApp, LanguageChanged


class HelpScreen(Screen[None]):
    TITLE = "help.title"
    CSS_PATH = "help.tcss"
    BINDINGS: ClassVar[list[BindingType]] = []

    @property
    def cofa(self) -> CofaApp:
        return cast("CofaApp", self.app)

    def source_screen(self) -> Screen[Any] | None:
        """The screen this help is about: the one under it in the stack."""
        stack = self.app.screen_stack
        index = stack.index(self) if self in stack else len(stack)
        return stack[index - 1] if index >= BASE_DEPTH else None

    def sections(self) -> list[tuple[str, list[BindingInfo]]]:
        keymap = self.cofa.settings.keymap
        out: list[tuple[str, list[BindingInfo]]] = []
        source = self.source_screen()
        if source is not None:
            rows = collect(screen_nodes(source), keymap)
            title = translate(source.title or "") if source.title else ""
            heading = t("help.section.screen", title=title) if title \
                else t("help.section.screen_untitled")
            out.append((heading, rows))
        out.append((t("help.section.global"), collect([self.app], keymap)))
        return out

    def compose(self) -> ComposeResult:
        yield AppHeader()
        with VerticalScroll(id="help-body"):
            yield Static(t("help.intro"), id="help-intro", markup=False)
            sections = self.sections()
            every = [info for _heading, rows in sections for info in rows]
            # The same column widths in every section, so they line up.
            keys_width = max([len(t("help.col.keys")),
                              *(len(i.key_display(self.app)) for i in every)])
            id_width = max([len(t("help.col.id")), *(len(i.binding_id or "") for i in every)])
            for heading, rows in sections:
                yield Static(Text(heading, style="bold"), classes="help-heading")
                yield Static(self._table(rows, keys_width, id_width), classes="help-table")
        yield Footer()

    def _table(self, rows: list[BindingInfo], keys_width: int, id_width: int) -> Table:
        table = Table(box=box.SIMPLE_HEAD, expand=True, show_edge=False, pad_edge=False)
        table.add_column(t("help.col.keys"), no_wrap=True, width=keys_width)
        table.add_column(t("help.col.action"), ratio=1)
        table.add_column(t("help.col.id"), no_wrap=True, style="dim", overflow="ellipsis",
                         width=id_width)
        if not rows:
            table.add_row("", plain(t("help.none")), "")
        for info in rows:
            table.add_row(plain(info.key_display(self.app), style="bold"),
                          plain(info.description), plain(info.binding_id or ""))
        return table

    async def on_language_changed(self, _event: LanguageChanged) -> None:
        await self.recompose()
