"""The back office's Turnover tab (issue 17 items 2 and 7): the requests across
contracts, latest due first, with their status and days late; ``n`` issues a request,
``x`` cancels one not sent, Enter opens it (read-only: a Sent one with its totals)."""

from __future__ import annotations

from typing import ClassVar, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Checkbox, Select, Static

from cofatui.enums import TurnoverStatus
from cofatui.errors import CofaError
from cofatui.i18n import t
from cofatui.schemas_turnover import TurnoverDeclarationPublic, TurnoverFilter
from cofatui.tui.features.turnover.columns import declaration_columns
from cofatui.tui.features.turnover.declaration import open_turnover_declaration
from cofatui.tui.features.turnover.request_form import RequestDialog
from cofatui.tui.features.turnover.wording import period_text, status_text
from cofatui.tui.kit.dialog import ConfirmScreen
from cofatui.tui.kit.paged_source import PagedSource
from cofatui.tui.kit.products import cofa
from cofatui.tui.kit.virtual_list import VirtualList
from cofatui.tui.kit.wording import plural
from cofatui.tui.safe import clean


class TurnoverPane(Vertical):
    DEFAULT_CSS = """
    TurnoverPane #tvb-bar { height: 3; }
    TurnoverPane #tvb-status { width: 30; }
    TurnoverPane #tvb-count { height: 1; padding: 0 1; color: $text-muted; }
    TurnoverPane #tvb-list { height: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "request", "turnover_ui.key.new_request", id="turnover_bo.request",
                tooltip="turnover_ui.key.new_request_tip"),
        Binding("x", "cancel_request", "turnover_ui.key.cancel_request",
                id="turnover_bo.cancel", tooltip="turnover_ui.key.cancel_request_tip"),
        Binding("ctrl+r", "reload", "turnover_ui.key.reload", id="turnover_bo.reload",
                tooltip="turnover_ui.key.reload_tip"),
    ]

    def compose(self) -> ComposeResult:
        with Horizontal(id="tvb-bar"):
            yield Select([(status_text(s), s.value) for s in TurnoverStatus],
                         prompt=t("turnover_ui.all_statuses"), id="tvb-status",
                         classes="pane-filter")
            yield Checkbox(t("turnover_ui.late_only"), id="tvb-late")
        yield Static("", id="tvb-count", markup=False)
        yield VirtualList(declaration_columns(back_office=True), row_key=lambda d: d.id,
                          id="tvb-list")

    def on_mount(self) -> None:
        self.reload()

    def focus_content(self) -> None:
        self.query_one("#tvb-list", VirtualList).focus()

    def current_filter(self) -> TurnoverFilter:
        status = self.query_one("#tvb-status", Select).value
        return TurnoverFilter(status=TurnoverStatus(status) if isinstance(status, str) else None,
                              late_only=self.query_one("#tvb-late", Checkbox).value)

    def reload(self, keep_position: bool = False) -> None:
        lst = self.query_one("#tvb-list", VirtualList)
        cursor = lst.cursor
        repo, flt = cofa(self.app).repo, self.current_filter()
        self.query_one("#tvb-count", Static).update("")
        lst.set_source(PagedSource(
            lambda offset, limit: repo.turnover.requests(flt, offset, limit), self._failed,
            fetch_seek=lambda seek, limit: repo.turnover.requests(flt, 0, limit, seek)))
        if keep_position:
            lst.cursor = cursor

    def _failed(self, exc: CofaError) -> None:
        self.app.call_from_thread(self.query_one("#tvb-count", Static).update,
                                  Text("⚠ " + clean(exc)))

    def on_virtual_list_count_changed(self, event: VirtualList.CountChanged) -> None:
        count = self.query_one("#tvb-count", Static)
        if not str(count.render()).startswith("⚠"):
            count.update(Text(plural("turnover_ui.requests_count", count=event.total or 0)))

    @on(Select.Changed, "#tvb-status")
    @on(Checkbox.Changed, "#tvb-late")
    def _filter_changed(self) -> None:
        self.reload()

    def on_virtual_list_row_activated(self, event: VirtualList.RowActivated) -> None:
        event.stop()
        row = cast(TurnoverDeclarationPublic, event.row)
        open_turnover_declaration(self.app, row.id,
                                  callback=lambda _: self.reload(keep_position=True))

    def action_request(self) -> None:
        def made(declaration: TurnoverDeclarationPublic | None) -> None:
            if declaration is not None:
                self.reload()

        self.app.push_screen(RequestDialog(), made)

    def action_cancel_request(self) -> None:
        row = self.query_one("#tvb-list", VirtualList).cursor_row
        if not isinstance(row, TurnoverDeclarationPublic):
            return
        if row.status != TurnoverStatus.NEW:
            self.app.notify(t("turnover_ui.cannot_cancel", status=status_text(row.status)),
                            severity="warning", markup=False)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._cancel(row)

        self.app.push_screen(ConfirmScreen(
            t("turnover_ui.cancel_question", policy=row.policy_number,
              period=period_text(row)), yes=t("turnover_ui.cancel_request"), danger=True),
            answered)

    @work(thread=True, exclusive=True, group="turnover-cancel")
    def _cancel(self, row: TurnoverDeclarationPublic) -> None:
        try:
            cofa(self.app).repo.turnover.cancel(row.id, row.version)
        except CofaError as exc:
            self.app.call_from_thread(self.app.notify, clean(exc), severity="error",
                                      markup=False)
            self.app.call_from_thread(self.reload, True)
            return
        self.app.call_from_thread(self.app.notify, t("turnover_ui.cancelled_done"),
                                  markup=False)
        self.app.call_from_thread(self.reload, True)

    def action_reload(self) -> None:
        self.reload(keep_position=True)


__all__ = ["TurnoverPane"]
