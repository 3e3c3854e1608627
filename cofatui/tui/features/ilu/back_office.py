"""The back office's ILU pane (issue 17 item 6): the ILUs issued across contracts,
newest first, with their answers; a view filter (every ILU, active, closed); Enter
opens one read-only (an open one shows its facts: it is the policyholder's to answer)."""

from __future__ import annotations

from typing import ClassVar, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Select, Static

from cofatui.enums import IluView
from cofatui.errors import CofaError
from cofatui.i18n import t
from cofatui.schemas_ilu import IluPublic
from cofatui.tui.features.ilu.form import IluFormScreen
from cofatui.tui.features.ilu.wording import ilu_columns
from cofatui.tui.kit.paged_source import PagedSource
from cofatui.tui.kit.products import cofa
from cofatui.tui.kit.virtual_list import VirtualList
from cofatui.tui.safe import clean


class IluPane(Vertical):
    DEFAULT_CSS = """
    IluPane { height: 1fr; }
    IluPane #ilu-bo-bar { height: auto; }
    IluPane #ilu-bo-view { width: 40; }
    IluPane #ilu-bo-count { height: 1; margin: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r", "reload", "ilu_ui.key.reload", id="ilu.backoffice.reload"),
    ]

    def compose(self) -> ComposeResult:
        with Horizontal(id="ilu-bo-bar"):
            yield Select([(t(f"ilu_ui.view.{v.value}"), v.value) for v in IluView],
                         prompt=t("ilu_ui.backoffice.any_view"), id="ilu-bo-view")
        yield Static("", id="ilu-bo-count", markup=False)
        yield VirtualList(ilu_columns(back_office=True), id="ilu-bo-list")

    def on_mount(self) -> None:
        self.reload()

    def focus_content(self) -> None:
        self.query_one("#ilu-bo-list", VirtualList).focus()

    def reload(self, keep_position: bool = False) -> None:
        lst = self.query_one("#ilu-bo-list", VirtualList)
        cursor = lst.cursor
        chosen = self.query_one("#ilu-bo-view", Select).value
        view = IluView(chosen) if isinstance(chosen, str) else None
        repo = cofa(self.app).repo
        self.query_one("#ilu-bo-count", Static).update("")
        lst.set_source(PagedSource(
            lambda offset, limit: repo.ilus.issued(offset, limit, view), self._failed,
            fetch_seek=lambda seek, limit: repo.ilus.issued(0, limit, view, seek)))
        if keep_position:
            lst.cursor = cursor

    def _failed(self, exc: CofaError) -> None:
        self.app.call_from_thread(self.query_one("#ilu-bo-count", Static).update,
                                  Text("⚠ " + clean(exc)))

    @on(VirtualList.CountChanged, "#ilu-bo-list")
    def _counted(self, event: VirtualList.CountChanged) -> None:
        count = self.query_one("#ilu-bo-count", Static)
        if not str(count.render()).startswith("⚠"):
            count.update(Text(t("ilu_ui.backoffice.count", count=event.total or 0)))

    @on(Select.Changed, "#ilu-bo-view")
    def _view(self) -> None:
        self.reload()

    @on(VirtualList.RowActivated, "#ilu-bo-list")
    def _open(self, event: VirtualList.RowActivated) -> None:
        ilu = cast(IluPublic, event.row)
        self.app.push_screen(IluFormScreen(ilu, read_only=True))

    def action_reload(self) -> None:
        self.reload(keep_position=True)


__all__ = ["IluPane"]
