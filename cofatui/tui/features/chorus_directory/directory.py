"""The directory of public structures (seed 004 "L'annuaire des structures publiques";
issue 18 item 1): search by SIRET or name, read a structure's parameters and services
beside the list, request an attachment to it (a), or create my company's private
structure (n; a SIRET already known offers the attachment request instead)."""

from __future__ import annotations

from typing import ClassVar, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from cofatui.errors import CofaError
from cofatui.i18n import t
from cofatui.schemas_chorus import ChorusDirectoryFilter, ChorusStructurePublic
from cofatui.tui.features.chorus_directory.attachment import (
    AttachmentRequestDialog,
    Requested,
)
from cofatui.tui.features.chorus_directory.structure_form import StructureDialog
from cofatui.tui.features.chorus_directory.wording import structure_columns, structure_text
from cofatui.tui.kit.header import AppHeader
from cofatui.tui.kit.paged_source import PagedSource
from cofatui.tui.kit.products import cofa
from cofatui.tui.kit.virtual_list import VirtualList
from cofatui.tui.kit.wording import plural
from cofatui.tui.safe import clean


class DirectoryScreen(Screen[None]):
    CSS_PATH = "chorus_directory.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "a",
            "request",
            "chorus_directory_ui.key.request",
            id="chorus.directory.request",
            tooltip="chorus_directory_ui.key.request_tip",
        ),
        Binding(
            "n",
            "create",
            "chorus_directory_ui.key.create",
            id="chorus.directory.create",
            tooltip="chorus_directory_ui.key.create_tip",
        ),
        Binding("ctrl+r", "reload", "chorus_directory_ui.key.reload", id="chorus.directory.reload"),
    ]

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static(
            Text(t("chorus_directory_ui.directory.title")), classes="section-title", id="dir-title"
        )
        yield Input(
            id="dir-search",
            placeholder=t("chorus_directory_ui.directory.placeholder"),
            max_length=200,
            compact=True,
        )
        yield Static("", id="dir-count", markup=False)
        with Horizontal(id="dir-panes"):
            yield VirtualList(structure_columns(), id="dir-list")
            yield Static("", id="dir-facts")
        yield Footer()

    def on_mount(self) -> None:
        self.title = t("chorus_directory_ui.directory.title")
        self.watch(self.query_one(VirtualList), "cursor", lambda _v: self._facts(), init=False)
        self.query_one("#dir-search", Input).focus()
        self.reload()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Letters typed in the search field are text, not keys.
        return not (action in {"request", "create"} and isinstance(self.focused, Input))

    # --- the list -----------------------------------------------------------------------
    def reload(self) -> None:
        text = self.query_one("#dir-search", Input).value.strip()
        repo = cofa(self.app).repo
        flt = ChorusDirectoryFilter(text=text, public=True)
        self.query_one(VirtualList).set_source(
            PagedSource(
                lambda offset, limit: repo.chorus_directory.structures(flt, offset, limit),
                self._failed,
                fetch_seek=lambda seek, limit: repo.chorus_directory.structures(flt, 0, limit,
                                                                                seek),
            )
        )

    def action_reload(self) -> None:
        self.reload()

    @on(Input.Changed, "#dir-search")
    def _typed(self) -> None:
        self.reload()

    @on(Input.Submitted, "#dir-search")
    def _to_list(self) -> None:
        self.query_one(VirtualList).focus()

    def _failed(self, exc: CofaError) -> None:
        self.app.call_from_thread(self._show_count, "⚠ " + clean(exc))

    def _show_count(self, text: str) -> None:
        self.query_one("#dir-count", Static).update(Text(text))

    @on(VirtualList.CountChanged, "#dir-list")
    def _counted(self, event: VirtualList.CountChanged) -> None:
        self._show_count(plural("chorus_directory_ui.directory.count", event.total or 0))
        self.call_after_refresh(self._facts)

    def _facts(self) -> None:
        row = self.query_one(VirtualList).cursor_row
        self.query_one("#dir-facts", Static).update(
            structure_text(cast(ChorusStructurePublic, row)) if row is not None else ""
        )

    def selected(self) -> ChorusStructurePublic | None:
        return cast(ChorusStructurePublic | None, self.query_one(VirtualList).cursor_row)

    # --- actions ------------------------------------------------------------------------
    @on(VirtualList.RowActivated, "#dir-list")
    def _activated(self) -> None:
        self.action_request()

    def action_request(self) -> None:
        structure = self.selected()
        if structure is not None:
            self.app.push_screen(AttachmentRequestDialog(structure), self._requested)

    def _requested(self, result: Requested | None) -> None:
        if result is not None and result.another:
            # "Submit and attach to another structure": back to the search.
            search = self.query_one("#dir-search", Input)
            search.value = ""
            search.focus()

    def action_create(self) -> None:
        self.app.push_screen(StructureDialog(None))


__all__ = ["DirectoryScreen"]
