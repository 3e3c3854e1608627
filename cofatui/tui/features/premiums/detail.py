"""One premium notice: its facts and its lines (read-only)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label, Static

from cofatui.i18n import t
from cofatui.schemas_accounting import NoticePublic
from cofatui.tui.features.premiums.wording import line_columns, notice_facts
from cofatui.tui.kit.dialog import Dialog
from cofatui.tui.kit.list_source import ListSource
from cofatui.tui.kit.styles import DIALOGS_TCSS
from cofatui.tui.kit.virtual_list import VirtualList
from cofatui.tui.safe import plain


class NoticeDetailDialog(Dialog[None]):
    CSS_PATH = [DIALOGS_TCSS, "premiums.tcss"]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "premiums_ui.key.close", id="premiums.detail.close"),
    ]

    def __init__(self, notice: NoticePublic) -> None:
        super().__init__()
        self.notice = notice

    def compose(self) -> ComposeResult:
        notice = self.notice
        with Vertical(classes="dialog", id="notice-dialog"):
            title = Text(t("premiums_ui.detail_title") + " ")
            title.append_text(plain(notice.number))
            yield Label(title, classes="dialog-title")
            yield Static(notice_facts(notice), id="notice-facts")
            yield VirtualList(line_columns(notice.currency),
                              ListSource(notice.lines), row_key=lambda ln: ln.line_no,
                              id="notice-lines")
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("premiums_ui.button.close"), id="close")

    def on_mount(self) -> None:
        self.query_one("#close", Button).focus()


__all__ = ["NoticeDetailDialog"]
