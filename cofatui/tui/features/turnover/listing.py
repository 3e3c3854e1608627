"""Tools › Turnover declarations (seed "Liste des déclarations"): the contract's
declarations, newest period first, with period, basis, breakdown, status (New, Sent,
Cancelled), due date, sent date and totals. Enter opens one: a New one for editing, a
Sent one read-only."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Static

from cofatui.errors import CofaError
from cofatui.i18n import t
from cofatui.schemas_turnover import TurnoverDeclarationPublic
from cofatui.tui.features.turnover.columns import declaration_columns
from cofatui.tui.features.turnover.declaration import open_turnover_declaration
from cofatui.tui.kit.header import AppHeader
from cofatui.tui.kit.paged_source import PagedSource
from cofatui.tui.kit.products import cofa
from cofatui.tui.kit.virtual_list import VirtualList
from cofatui.tui.kit.wording import plural
from cofatui.tui.safe import clean


class DeclarationsScreen(Screen[None]):
    CSS_PATH = "turnover.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r", "reload", "turnover_ui.key.reload", id="turnover_list.reload",
                tooltip="turnover_ui.key.reload_tip"),
    ]

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static("", id="tv-list-title", markup=False)
        yield VirtualList(declaration_columns(), row_key=lambda d: d.id, id="tv-list")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "turnover_ui.list_title"
        self.query_one("#tv-list", VirtualList).focus()
        self.action_reload()

    async def on_language_changed(self, _event: object) -> None:
        await self.recompose()
        self.action_reload()

    def on_contract_changed(self, _event: object) -> None:
        self.action_reload()

    def action_reload(self) -> None:
        app = cofa(self.app)
        contract_id = app.current_contract_id
        title = self.query_one("#tv-list-title", Static)
        if contract_id is None:
            title.update(Text(t("shell.no_contract")))
            return
        title.update(Text(t("turnover_ui.list_contract",
                            policy=app.current_contract_label() or "-")))
        repo = app.repo
        self.query_one("#tv-list", VirtualList).set_source(PagedSource(
            lambda offset, limit: repo.turnover.declarations(contract_id, offset, limit),
            self._failed, fetch_seek=lambda seek, limit: repo.turnover.declarations(
                contract_id, 0, limit, seek)))

    def _failed(self, exc: CofaError) -> None:
        self.app.call_from_thread(self.query_one("#tv-list-title", Static).update,
                                  Text("⚠ " + clean(exc)))

    def on_virtual_list_count_changed(self, event: VirtualList.CountChanged) -> None:
        title = self.query_one("#tv-list-title", Static)
        if not str(title.render()).startswith("⚠"):
            title.update(Text(t("turnover_ui.list_contract",
                                policy=cofa(self.app).current_contract_label() or "-")
                              + " — " + plural("turnover_ui.declarations",
                                               count=event.total or 0)))

    def on_virtual_list_row_activated(self, event: VirtualList.RowActivated) -> None:
        row = event.row
        if isinstance(row, TurnoverDeclarationPublic):
            open_turnover_declaration(self.app, row.id, callback=lambda _: self.action_reload())


__all__ = ["DeclarationsScreen"]
