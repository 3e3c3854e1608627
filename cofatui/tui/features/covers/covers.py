"""The other covers of seed 002 (issue 20 item 3): prospection insurance (§3) and
exchange insurance (§4) of the contracts I may read. Enter shows a cover with its
events (and, for an exchange cover, its covered receivables); N creates a cover, E
records an event (the final balance before the amortisation ends is refused at its
field), R adds a covered receivable to an exchange cover.

Opened by name: ``other_covers`` (Tools), or with ``cover_id`` from the journal: that
cover's detail opens over the list."""

from __future__ import annotations

from typing import Any, ClassVar, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Select, Static

from cofatui.enums import CoverKind, Section
from cofatui.errors import CofaError
from cofatui.i18n import t
from cofatui.schemas_accounting import CoverPublic
from cofatui.tui.features.covers.detail import CoverDetailDialog
from cofatui.tui.features.covers.forms import CoverCreateDialog, CoverEventDialog, ReceivableDialog
from cofatui.tui.features.covers.wording import cover_columns
from cofatui.tui.kit.header import AppHeader
from cofatui.tui.kit.paged_source import PagedSource
from cofatui.tui.kit.products import cofa
from cofatui.tui.kit.rights import write_refused
from cofatui.tui.kit.virtual_list import VirtualList
from cofatui.tui.safe import clean


class CoversScreen(Screen[None]):
    CSS_PATH = "covers.tcss"
    TITLE = "covers_ui.title"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "covers_ui.key.back", id="covers.back"),
        Binding("n", "create", "covers_ui.key.create", id="covers.create",
                tooltip="covers_ui.key.create_tip"),
        Binding("e", "event", "covers_ui.key.event", id="covers.event",
                tooltip="covers_ui.key.event_tip"),
        Binding("r", "receivable", "covers_ui.key.receivable", id="covers.receivable",
                tooltip="covers_ui.key.receivable_tip"),
        Binding("ctrl+r", "reload", "covers_ui.key.reload", id="covers.reload"),
    ]

    def __init__(self, cover_id: int | None = None) -> None:
        super().__init__()
        self.cover_id = cover_id

    def compose(self) -> ComposeResult:
        yield AppHeader()
        contracts = cofa(self.app).principal.contracts
        with Horizontal(id="cover-filters"):
            yield Select([(t("covers_ui.filter.any"), 0),
                          *[(c.policy_number, c.contract_id) for c in contracts]],
                         allow_blank=False, value=0, id="filter-contract", compact=True)
        yield Static("", id="cover-count", markup=False)
        yield VirtualList(cover_columns(), id="covers")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(VirtualList).focus()
        self.reload()
        if self.cover_id is not None:
            self._open_id(self.cover_id)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action not in ("create", "event", "receivable"):
            return True
        # Shown, greyed, when the rights forbid writing (read-only: reads only).
        cover = self._current() if action != "create" else None
        contract = cover.contract_id if cover is not None else (
            self.contract_id() or cofa(self.app).current_contract_id)
        refused = write_refused(cofa(self.app).principal, contract, Section.ACCOUNTING)
        return None if refused else True

    def contract_id(self) -> int | None:
        value = self.query_one("#filter-contract", Select).value
        return value if isinstance(value, int) and value else None

    def reload(self) -> None:
        self.query_one("#cover-count", Static).update("")
        contract, repo = self.contract_id(), cofa(self.app).repo
        self.query_one(VirtualList).set_source(PagedSource(
            lambda offset, limit: repo.covers.list(contract, offset, limit), self._failed,
            fetch_seek=lambda seek, limit: repo.covers.list(contract, 0, limit, seek)))

    def _failed(self, exc: CofaError) -> None:
        self.app.call_from_thread(self._failed_now, str(exc))

    def _failed_now(self, message: str) -> None:
        self.query_one("#cover-count", Static).update(Text("⚠ " + clean(message)))

    @on(VirtualList.CountChanged, "#covers")
    def _counted(self, event: VirtualList.CountChanged) -> None:
        count = self.query_one("#cover-count", Static)
        if str(count.render()).startswith("⚠"):
            return
        total = event.total or 0
        count.update(Text(t("covers_ui.count", count=total) if total else t("covers_ui.none")))

    @on(Select.Changed, "#filter-contract")
    def _filtered(self) -> None:
        if self.is_mounted:
            self.reload()

    # --- actions ------------------------------------------------------------------------
    def _current(self) -> CoverPublic | None:
        return cast(CoverPublic | None, self.query_one(VirtualList).cursor_row)

    def _after(self, result: Any) -> None:
        if result is not None:
            self.notify(t("covers_ui.done"))
            self.reload()

    def _open_id(self, cover_id: int) -> None:
        def fetch() -> None:
            try:
                cover = cofa(self.app).repo.covers.get(cover_id)
            except CofaError as exc:
                self.app.call_from_thread(self.notify, clean(exc), severity="error",
                                          markup=False)
                return
            self.app.call_from_thread(self.app.push_screen, CoverDetailDialog(cover))

        self.run_worker(fetch, thread=True, exclusive=True, group="cover-open",
                        exit_on_error=False)

    @on(VirtualList.RowActivated, "#covers")
    def _open(self, event: VirtualList.RowActivated) -> None:
        self.app.push_screen(CoverDetailDialog(cast(CoverPublic, event.row)), self._after)

    def action_create(self) -> None:
        self.app.push_screen(CoverCreateDialog(self.contract_id()
                                               or cofa(self.app).current_contract_id),
                             self._after)

    def action_event(self) -> None:
        cover = self._current()
        if cover is not None:
            self.app.push_screen(CoverEventDialog(cover), self._after)

    def action_receivable(self) -> None:
        cover = self._current()
        if cover is not None and cover.kind == CoverKind.EXCHANGE:
            self.app.push_screen(ReceivableDialog(cover), self._after)

    def action_reload(self) -> None:
        self.reload()

    def action_close(self) -> None:
        if len(self.app.screen_stack) > 1:  # opened from another screen: back to it
            self.app.pop_screen()


__all__ = ["CoversScreen"]
