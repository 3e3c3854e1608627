"""The ILU tab (seed 001 "RETROUVER VOS DEMANDES D'ENGAGEMENT"): the **active** view
lists the ILUs waiting for an answer (soonest deadline first), the **closed** view
those answered, expired or closed; Enter opens one (to answer it, or read-only). Opened
from the portfolio for the contract, or from a company page for that company's own
ILUs, where an underwriter may issue one."""

from __future__ import annotations

from typing import ClassVar, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Static, Tab, Tabs

from cofatui.enums import IluView, Role
from cofatui.errors import CofaError
from cofatui.i18n import t
from cofatui.schemas_ilu import IluPublic
from cofatui.tui.features.ilu.wording import ilu_columns
from cofatui.tui.kit.header import AppHeader
from cofatui.tui.kit.paged_source import PagedSource
from cofatui.tui.kit.products import cofa
from cofatui.tui.kit.virtual_list import VirtualList
from cofatui.tui.navigation import open_screen
from cofatui.tui.safe import clean


class IluListScreen(Screen[None]):
    CSS_PATH = "ilu.tcss"
    TITLE = "ilu_ui.list_title"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "view('active')", "ilu_ui.key.active", id="ilu.list.active",
                tooltip="ilu_ui.key.views_tip"),
        Binding("c", "view('closed')", "ilu_ui.key.closed", id="ilu.list.closed",
                tooltip="ilu_ui.key.views_tip"),
        Binding("n", "issue", "ilu_ui.key.issue", id="ilu.list.issue",
                tooltip="ilu_ui.key.issue_tip"),
        Binding("ctrl+r", "reload", "ilu_ui.key.reload", id="ilu.list.reload"),
    ]

    def __init__(self, company_id: int | None = None, company_name: str = "",
                 contract_id: int | None = None) -> None:
        super().__init__()
        self.company_id = company_id
        self.company_name = company_name
        self.contract_id = contract_id
        self.view = IluView.ACTIVE
        self.loaded = False

    def compose(self) -> ComposeResult:
        yield AppHeader()
        if self.company_name:
            yield Static(Text(t("ilu_ui.company_title", company=clean(self.company_name))),
                         id="ilu-company", classes="section-title")
        yield Tabs(Tab(t("ilu_ui.view.active"), id="view-active"),
                   Tab(t("ilu_ui.view.closed"), id="view-closed"), id="ilu-tabs")
        yield Static("", id="ilu-count", markup=False)
        yield VirtualList(ilu_columns(), id="ilu-views")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(VirtualList).focus()
        self.reload()

    def on_screen_resume(self) -> None:
        if self.loaded:  # back from a form: its answer moved it to the closed view
            self.reload(keep_position=True)

    def on_contract_changed(self, _message: object) -> None:
        self.reload()

    def _contract(self) -> int | None:
        return self.contract_id if self.contract_id is not None \
            else cofa(self.app).current_contract_id

    def _underwriter(self) -> bool:
        return bool(cofa(self.app).principal.role == Role.UNDERWRITER)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "issue":  # underwriters, on a company's page only
            return self.company_id is not None and self._underwriter()
        return True

    # --- loading ------------------------------------------------------------------------
    def reload(self, keep_position: bool = False) -> None:
        lst = self.query_one(VirtualList)
        cursor = lst.cursor
        contract_id, company_id, view = self._contract(), self.company_id, self.view
        self.query_one("#ilu-count", Static).update("")
        if contract_id is None:
            self._failed_now(t("portfolio.no_contract"))
            return
        repo = cofa(self.app).repo
        lst.set_source(PagedSource(
            lambda offset, limit: repo.ilus.ilus(contract_id, view, company_id, offset, limit),
            self._failed, fetch_seek=lambda seek, limit: repo.ilus.ilus(
                contract_id, view, company_id, 0, limit, seek)))
        self.loaded = True
        if keep_position:
            lst.cursor = cursor

    def _failed(self, exc: CofaError) -> None:
        self.app.call_from_thread(self._failed_now, str(exc))

    def _failed_now(self, message: str) -> None:
        self.query_one("#ilu-count", Static).update(Text("⚠ " + clean(message)))

    @on(VirtualList.CountChanged, "#ilu-views")
    def _counted(self, event: VirtualList.CountChanged) -> None:
        count = self.query_one("#ilu-count", Static)
        if str(count.render()).startswith("⚠"):
            return
        total = event.total or 0
        count.update(Text(t("ilu_ui.count", count=total) if total else t(
            "ilu_ui.none_active" if self.view == IluView.ACTIVE else "ilu_ui.none_closed")))

    # --- views and actions --------------------------------------------------------------
    def action_view(self, view: str) -> None:
        self.query_one(Tabs).active = f"view-{view}"

    @on(Tabs.TabActivated, "#ilu-tabs")
    def _tab(self, event: Tabs.TabActivated) -> None:
        view = IluView((event.tab.id or "view-active").removeprefix("view-"))
        if view != self.view:
            self.view = view
            self.reload()

    @on(VirtualList.RowActivated, "#ilu-views")
    def _open(self, event: VirtualList.RowActivated) -> None:
        open_screen(self.app, "ilu", cast(IluPublic, event.row).id)

    def action_issue(self) -> None:
        if self.company_id is None or not self._underwriter():
            return
        open_screen(self.app, "ilu_issue", self._contract(), self.company_id,
                    self.company_name, callback=lambda _made: self.reload())

    def action_reload(self) -> None:
        self.reload(keep_position=True)


__all__ = ["IluListScreen"]
