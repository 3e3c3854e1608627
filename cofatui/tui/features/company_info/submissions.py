"""The contract's company information sent (seed: the tab « Informations sur les
entreprises »), newest first, with each outcome; on the company page, filtered to that
company. ``n`` sends more (for that company, or any company found by the search), ``d``
opens the documents sent (« Consulter les documents téléchargés »), Enter a submission."""

from __future__ import annotations

from typing import ClassVar, cast

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Static

from cofatui.errors import CofaError
from cofatui.i18n import t
from cofatui.schemas_company_info import CompanyInfoFilter, CompanyInfoPublic
from cofatui.tui.features.company_info.detail import SubmissionDetailScreen
from cofatui.tui.features.company_info.send import send_company_information, send_for_any_company
from cofatui.tui.features.company_info.wording import submission_columns
from cofatui.tui.kit.footer import KeysFooter
from cofatui.tui.kit.header import AppHeader
from cofatui.tui.kit.list_source import ListSource
from cofatui.tui.kit.paged_source import PagedSource
from cofatui.tui.kit.products import cofa
from cofatui.tui.kit.styles import DIALOGS_TCSS
from cofatui.tui.kit.virtual_list import VirtualList
from cofatui.tui.kit.wording import plural
from cofatui.tui.navigation import open_screen
from cofatui.tui.safe import clean


class SubmissionsScreen(Screen[None]):
    CSS_PATH = [DIALOGS_TCSS, "company_info.tcss"]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "send", "company_info_ui.key.send_new", id="company_info.list.send"),
        Binding("d", "documents", "company_info_ui.key.documents",
                id="company_info.list.documents", tooltip="company_info_ui.key.documents_tip"),
        Binding("ctrl+r", "reload", "company_info_ui.key.reload", id="company_info.list.reload"),
    ]

    def __init__(self, company_id: int | None = None, company_name: str = "", *,
                 send_first: bool = False) -> None:
        """``send_first``: Tools' "send company information" opens the list and, at once,
        the search for the company to send about."""
        super().__init__()
        self.company_id = company_id
        self.company_name = company_name
        self.send_first = send_first

    def compose(self) -> ComposeResult:
        yield AppHeader()
        intro = t("company_info_ui.list_for", company=clean(self.company_name)) \
            if self.company_id is not None else t("company_info_ui.list_intro")
        yield Static(Text(intro), id="ci-intro", classes="form-info")
        yield Static("", id="ci-count", markup=False)
        yield VirtualList(submission_columns(), row_key=lambda s: s.id, id="ci-list")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.title = "company_info_ui.title"
        self.query_one("#ci-list", VirtualList).focus()
        self.load()
        if self.send_first:
            self.send_first = False
            self.action_send()

    async def on_language_changed(self, _message: object) -> None:
        await self.recompose()
        self.load()

    def on_contract_changed(self, _message: object) -> None:
        self.load()

    def load(self, keep_position: bool = False) -> None:
        lst = self.query_one("#ci-list", VirtualList)
        contract_id = cofa(self.app).current_contract_id
        if contract_id is None:
            lst.set_source(ListSource([]))
            return
        cursor = lst.cursor
        repo = cofa(self.app).repo
        flt = CompanyInfoFilter(contract_id=contract_id, company_id=self.company_id)
        lst.set_source(PagedSource(
            lambda offset, limit: repo.company_info.submissions(flt, offset, limit),
            self._failed,
            fetch_seek=lambda seek, limit: repo.company_info.submissions(flt, 0, limit, seek)))
        if keep_position:
            lst.cursor = cursor

    def _failed(self, exc: CofaError) -> None:
        self.app.call_from_thread(self.query_one("#ci-count", Static).update,
                                  Text("⚠ " + clean(exc)))

    def on_virtual_list_count_changed(self, event: VirtualList.CountChanged) -> None:
        count = self.query_one("#ci-count", Static)
        if not str(count.render()).startswith("⚠"):
            count.update(Text(plural("company_info_ui.count", count=event.total or 0)))

    def on_virtual_list_row_activated(self, event: VirtualList.RowActivated) -> None:
        self.app.push_screen(SubmissionDetailScreen(cast(CompanyInfoPublic, event.row)))

    def action_send(self) -> None:
        if self.company_id is not None:
            send_company_information(self.app, self.company_id, callback=self._sent)
        else:
            send_for_any_company(self.app, callback=self._sent)

    def _sent(self, sent: CompanyInfoPublic | None) -> None:
        if sent is not None:
            self.load()

    def action_documents(self) -> None:
        open_screen(self.app, "documents_sent", company_id=self.company_id,
                    company_name=self.company_name)

    def action_reload(self) -> None:
        self.load(keep_position=True)


def send_from_tools() -> SubmissionsScreen:
    """Tools › Send company information: the list, and the company search at once."""
    return SubmissionsScreen(send_first=True)


__all__ = ["SubmissionsScreen", "send_from_tools"]
