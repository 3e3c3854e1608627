"""Tools › Documents sent (seed 001 « Documents téléchargés »), also reached from the
company page (« Consulter les documents téléchargés », filtered to that company).

One tab per kind of document the contract has — claims, company information,
turnover declarations — shown only when there are some ("selon votre contrat"). The
list is virtual (pages read as it scrolls), sorted (``s`` the next column, ``o``
reverses, or a click on a column's title) and filtered as you type. Enter opens what
the document belongs to (the claim, the submission, the declaration); ``c`` saves a
copy of the file."""

from __future__ import annotations

from typing import ClassVar, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Input, Static, Tab, Tabs

from cofatui.enums import DocumentSource
from cofatui.errors import CofaError
from cofatui.i18n import t
from cofatui.schemas_documents import DocumentFilter, DocumentRow
from cofatui.tui.features.documents.wording import SORTS, document_columns
from cofatui.tui.kit.debounce import Debounce
from cofatui.tui.kit.footer import KeysFooter
from cofatui.tui.kit.header import AppHeader
from cofatui.tui.kit.list_source import ListSource
from cofatui.tui.kit.paged_source import PagedSource
from cofatui.tui.kit.products import cofa
from cofatui.tui.kit.sortable_list import SortableList
from cofatui.tui.kit.virtual_list import VirtualList
from cofatui.tui.kit.wording import plural
from cofatui.tui.navigation import OPENERS, SCREENS, open_screen
from cofatui.tui.safe import clean

#: What Enter opens for each kind: the registered name, called with the owner's id.
OWNERS = {DocumentSource.CLAIMS: "claim_detail",
          DocumentSource.COMPANY_INFORMATION: "company_information",
          DocumentSource.TURNOVER: "turnover_declaration"}


class DocumentsSentScreen(Screen[None]):
    CSS_PATH = "documents.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "save_copy", "documents_ui.key.save_copy", id="documents.save_copy",
                tooltip="documents_ui.key.save_copy_tip"),
        Binding("s", "next_sort", "documents_ui.key.sort", id="documents.sort"),
        Binding("o", "reverse", "documents_ui.key.order", id="documents.order"),
        Binding("ctrl+r", "reload", "documents_ui.key.reload", id="documents.reload"),
    ]

    def __init__(self, company_id: int | None = None, company_name: str = "") -> None:
        super().__init__()
        self.company_id = company_id
        self.company_name = company_name
        self.sources: list[DocumentSource] | None = None  # None: not read yet
        self.source: DocumentSource | None = None
        self.sort = "created_at"
        self.descending = True
        self.text = ""
        self._filter = Debounce(self, self.load)

    def compose(self) -> ComposeResult:
        yield AppHeader()
        intro = t("documents_ui.intro_company", company=clean(self.company_name)) \
            if self.company_id is not None else t("documents_ui.intro")
        yield Static(Text(intro), id="documents-intro")
        yield Tabs(id="documents-tabs")
        yield Input(self.text, id="filter", placeholder=t("documents_ui.filter_placeholder"))
        yield Static("", id="documents-count", markup=False)
        yield SortableList(document_columns(DocumentSource.CLAIMS, self.sort, self.descending),
                           sorts=SORTS, id="documents")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.title = "documents_ui.title"
        self.query_one("#documents", VirtualList).focus()
        self.load_sources()

    async def on_language_changed(self, _message: object) -> None:
        await self.recompose()
        self.load_sources()

    def on_contract_changed(self, _message: object) -> None:
        self.load_sources()

    # --- the tabs ------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="documents-sources")
    def load_sources(self) -> None:
        contract_id = cofa(self.app).current_contract_id
        if contract_id is None:
            self.app.call_from_thread(self._show_sources, [])
            return
        try:
            sources = cofa(self.app).repo.documents.sources(contract_id)
        except CofaError as exc:
            self.app.call_from_thread(self._say, "⚠ " + clean(exc))
            return
        self.app.call_from_thread(self._show_sources, sources)

    def _show_sources(self, sources: list[DocumentSource]) -> None:
        self.sources = [s for s in DocumentSource if s in sources]  # always the same order
        tabs = self.query_one("#documents-tabs", Tabs)
        tabs.clear()
        for source in self.sources:
            tabs.add_tab(Tab(t(f"documents_ui.tab.{source}"), id=f"tab-{source}"))
        if not self.sources:
            self.source = None
            self.query_one("#documents", VirtualList).set_source(ListSource([]))
            self._say(t("documents_ui.none"))
            return
        keep = self.source if self.source in self.sources else self.sources[0]
        tabs.active = f"tab-{keep}"
        self.source = keep
        self.load()

    @on(Tabs.TabActivated, "#documents-tabs")
    def _tab(self, event: Tabs.TabActivated) -> None:
        source = DocumentSource((event.tab.id or "").removeprefix("tab-"))
        if source != self.source:
            self.source = source
            self.load()

    # --- the list ------------------------------------------------------------------------
    def load(self, keep_position: bool = False) -> None:
        contract_id = cofa(self.app).current_contract_id
        lst = self.query_one("#documents", VirtualList)
        if self.source is None or contract_id is None:
            return
        lst.columns = document_columns(self.source, self.sort, self.descending)
        cursor = lst.cursor
        repo = cofa(self.app).repo
        flt = DocumentFilter(source=self.source, company_id=self.company_id,
                             text=self.text or None, sort=self.sort, descending=self.descending)
        self._say("")
        lst.set_source(PagedSource(
            lambda offset, limit: repo.documents.rows(contract_id, flt, offset, limit),
            self._failed,
            fetch_seek=lambda seek, limit: repo.documents.rows(contract_id, flt, 0, limit,
                                                               seek)))
        if keep_position:
            lst.cursor = cursor
        lst.refresh()

    def _say(self, text: str) -> None:
        self.query_one("#documents-count", Static).update(Text(text))

    def _failed(self, exc: CofaError) -> None:
        self.app.call_from_thread(self._say, "⚠ " + clean(exc))

    @on(VirtualList.CountChanged, "#documents")
    def _counted(self, event: VirtualList.CountChanged) -> None:
        count = self.query_one("#documents-count", Static)
        if self.source is not None and not str(count.render()).startswith("⚠"):
            self._say(plural("documents_ui.count", count=event.total or 0))

    def action_next_sort(self) -> None:
        self.sort = SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)]
        self.descending = self.sort in ("created_at", "size")  # newest, largest first
        self.load()

    def action_reverse(self) -> None:
        self.descending = not self.descending
        self.load()

    @on(SortableList.SortClicked, "#documents")
    def _sort_clicked(self, event: SortableList.SortClicked) -> None:
        if event.key == self.sort:
            self.action_reverse()
        else:
            self.sort, self.descending = event.key, event.key in ("created_at", "size")
            self.load()

    @on(Input.Changed, "#filter")
    def _filter_typed(self, event: Input.Changed) -> None:
        self.text = event.value.strip()
        self._filter.typed()

    @on(Input.Submitted, "#filter")
    def _filter_done(self) -> None:
        self.query_one("#documents", VirtualList).focus()

    def action_reload(self) -> None:
        self.load_sources()

    # --- one document --------------------------------------------------------------------
    def _current(self) -> DocumentRow | None:
        return cast(DocumentRow | None, self.query_one("#documents", VirtualList).cursor_row)

    @on(VirtualList.RowActivated, "#documents")
    def _open(self, event: VirtualList.RowActivated) -> None:
        row = cast(DocumentRow, event.row)
        name = OWNERS[row.source]
        if name not in OPENERS and name not in SCREENS:
            self.notify(t("documents_ui.owner_unavailable"), severity="warning", markup=False)
            return
        open_screen(self.app, name, row.owner_id)

    def action_save_copy(self) -> None:
        row = self._current()
        if row is None:
            self.notify(t("documents_ui.no_document"), markup=False)
            return
        open_screen(self.app, "document_save_copy", row.id, row.filename)


__all__ = ["DocumentsSentScreen"]
