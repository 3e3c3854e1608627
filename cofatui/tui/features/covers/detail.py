"""One cover: its facts, its events (oldest first) and, for an exchange cover, its
covered receivables; read in a worker once shown."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label, Static

from cofatui.enums import CoverKind
from cofatui.errors import CofaError
from cofatui.i18n import t
from cofatui.schemas_accounting import CoverEventPublic, CoverPublic, ReceivablePublic
from cofatui.tui.features.covers.wording import cover_facts, event_columns, receivable_columns
from cofatui.tui.kit.dialog import Dialog
from cofatui.tui.kit.list_source import ListSource
from cofatui.tui.kit.products import cofa
from cofatui.tui.kit.styles import DIALOGS_TCSS
from cofatui.tui.kit.virtual_list import VirtualList
from cofatui.tui.safe import clean, plain


class CoverDetailDialog(Dialog[None]):
    CSS_PATH = [DIALOGS_TCSS, "covers.tcss"]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "covers_ui.key.close", id="covers.detail.close"),
    ]

    def __init__(self, cover: CoverPublic) -> None:
        super().__init__()
        self.cover = cover

    def compose(self) -> ComposeResult:
        cover = self.cover
        with Vertical(classes="dialog", id="cover-dialog"):
            title = Text(t("covers_ui.detail_title") + " ")
            title.append_text(plain(cover.reference))
            yield Label(title, classes="dialog-title")
            yield Static(cover_facts(cover), id="cover-facts")
            yield Label(Text(t("covers_ui.section.events")), classes="section-title")
            yield VirtualList(event_columns(), id="cover-events")
            if cover.kind == CoverKind.EXCHANGE:
                yield Label(Text(t("covers_ui.section.receivables")), classes="section-title")
                yield VirtualList(receivable_columns(cover.currency), id="cover-receivables")
            yield Static("", id="dialog-error", classes="form-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("covers_ui.button.close"), id="close")

    def on_mount(self) -> None:
        self.query_one("#close", Button).focus()
        self._load()

    @work(thread=True, exclusive=True, group="cover-detail")
    def _load(self) -> None:
        covers = cofa(self.app).repo.covers
        try:
            events = covers.events(self.cover.id)
            receivables = covers.receivables(self.cover.id) \
                if self.cover.kind == CoverKind.EXCHANGE else []
        except CofaError as exc:
            self.app.call_from_thread(
                self.query_one("#dialog-error", Static).update, Text("⚠ " + clean(exc)))
            return
        self.app.call_from_thread(self._show, events, receivables)

    def _show(self, events: list[CoverEventPublic], receivables: list[ReceivablePublic]) -> None:
        self.query_one("#cover-events", VirtualList).set_source(ListSource(events))
        if self.cover.kind == CoverKind.EXCHANGE:
            self.query_one("#cover-receivables", VirtualList).set_source(
                ListSource(receivables))


__all__ = ["CoverDetailDialog"]
