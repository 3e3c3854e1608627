"""My structures (issue 18 items 1–3): the structures I am attached to today, with my
role and spaces. A manager edits the structure (e or Enter), its services (s), signs or
withdraws the billing mandate (m: the prerequisite of entry by form, seed 004) and opens
the manager activities (g); anyone creates their company's private structure (n) or
opens the directory (d) to request an attachment."""

from __future__ import annotations

from typing import ClassVar, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Static

from cofatui.errors import CofaError
from cofatui.i18n import t
from cofatui.schemas_chorus import ChorusMandate, ChorusStructurePublic, MyChorusStructure
from cofatui.tui.features.chorus_directory.directory import DirectoryScreen
from cofatui.tui.features.chorus_directory.managers import ManagerActivitiesScreen
from cofatui.tui.features.chorus_directory.services import ServicesDialog
from cofatui.tui.features.chorus_directory.structure_form import StructureDialog
from cofatui.tui.features.chorus_directory.wording import (
    MANAGERS,
    mine_columns,
    structure_text,
)
from cofatui.tui.kit.dialog import ConfirmScreen
from cofatui.tui.kit.header import AppHeader
from cofatui.tui.kit.list_source import ListSource
from cofatui.tui.kit.products import cofa
from cofatui.tui.kit.virtual_list import VirtualList
from cofatui.tui.kit.wording import plural
from cofatui.tui.navigation import open_screen
from cofatui.tui.safe import clean


class MyStructuresScreen(Screen[None]):
    CSS_PATH = "chorus_directory.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e", "edit", "chorus_directory_ui.key.edit", id="chorus.mine.edit"),
        Binding("s", "services", "chorus_directory_ui.key.services", id="chorus.mine.services"),
        Binding(
            "m",
            "mandate",
            "chorus_directory_ui.key.mandate",
            id="chorus.mine.mandate",
            tooltip="chorus_directory_ui.key.mandate_tip",
        ),
        Binding("g", "managers", "chorus_directory_ui.key.managers", id="chorus.mine.managers"),
        # issue 19: the structure's connector to the real Chorus Pro (its managers)
        Binding("c", "connector", "chorus_facturx_ui.key.connector", id="chorus.mine.connector"),
        Binding(
            "n",
            "create",
            "chorus_directory_ui.key.create",
            id="chorus.mine.create",
            tooltip="chorus_directory_ui.key.create_tip",
        ),
        Binding("d", "directory", "chorus_directory_ui.key.directory", id="chorus.mine.directory"),
        Binding("ctrl+r", "reload", "chorus_directory_ui.key.reload", id="chorus.mine.reload"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.mine: list[MyChorusStructure] = []

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static(
            Text(t("chorus_directory_ui.mine.title")), classes="section-title", id="mine-title"
        )
        yield Static("", id="mine-count", markup=False)
        with Horizontal(id="mine-panes"):
            yield VirtualList(mine_columns(), row_key=lambda m: m.attachment_id, id="mine-list")
            yield Static("", id="mine-facts")
        yield Footer()

    def on_mount(self) -> None:
        self.title = t("chorus_directory_ui.mine.title")
        lst = self.query_one(VirtualList)
        self.watch(lst, "cursor", lambda _v: self._facts(), init=False)
        lst.focus()
        self.reload()

    def on_screen_resume(self) -> None:
        if self.mine:
            self.reload()

    @work(thread=True, exclusive=True, group="chorus-mine")
    def reload(self) -> None:
        try:
            mine = cofa(self.app).repo.chorus_directory.mine()
        except CofaError as exc:
            self.app.call_from_thread(self._count, "⚠ " + clean(exc))
            return
        self.app.call_from_thread(self._loaded, mine)

    def _loaded(self, mine: list[MyChorusStructure]) -> None:
        self.mine = mine
        lst = self.query_one(VirtualList)
        cursor = lst.cursor
        lst.set_source(ListSource(mine))
        lst.cursor = min(cursor, max(0, len(mine) - 1))
        self._count(
            plural("chorus_directory_ui.mine.count", len(mine))
            if mine
            else t("chorus_directory_ui.mine.none")
        )
        self._facts()

    def _count(self, text: str) -> None:
        self.query_one("#mine-count", Static).update(Text(text))

    def _facts(self) -> None:
        row = self.selected()
        self.query_one("#mine-facts", Static).update(
            structure_text(row.structure) if row is not None else ""
        )

    def selected(self) -> MyChorusStructure | None:
        return cast(MyChorusStructure | None, self.query_one(VirtualList).cursor_row)

    def managed(self) -> MyChorusStructure | None:
        """The highlighted structure when I manage it (else said, and None)."""
        row = self.selected()
        if row is None:
            return None
        if row.role not in MANAGERS:
            self.notify(t("chorus_directory_ui.mine.not_manager"), severity="warning")
            return None
        return row

    def action_reload(self) -> None:
        self.reload()

    @on(VirtualList.RowActivated, "#mine-list")
    def _activated(self) -> None:
        self.action_edit()

    def action_edit(self) -> None:
        row = self.managed()
        if row is not None:
            self.app.push_screen(StructureDialog(row.structure), self._changed)

    def _changed(self, structure: ChorusStructurePublic | None) -> None:
        if structure is not None:
            self.reload()

    def action_services(self) -> None:
        row = self.managed()
        if row is not None:
            self.app.push_screen(ServicesDialog(row.structure), self._services_closed)

    def _services_closed(self, _result: None) -> None:
        self.reload()

    def action_mandate(self) -> None:
        row = self.managed()
        if row is None:
            return
        s = row.structure
        signing = s.billing_mandate_at is None
        question = t(
            "chorus_directory_ui.mandate.sign"
            if signing
            else "chorus_directory_ui.mandate.withdraw",
            name=clean(s.name),
        )

        def chosen(yes: bool | None) -> None:
            if yes:
                self._mandate(s, signing)

        self.app.push_screen(ConfirmScreen(question, danger=not signing), chosen)

    @work(thread=True, exclusive=True, group="chorus-mandate")
    def _mandate(self, s: ChorusStructurePublic, signed: bool) -> None:
        try:
            cofa(self.app).repo.chorus_directory.set_billing_mandate(
                s.id, ChorusMandate(version=s.version, signed=signed)
            )
        except CofaError as exc:
            self.app.call_from_thread(self.notify, clean(exc), severity="error", markup=False)
            return
        self.app.call_from_thread(
            self.notify,
            t(
                "chorus_directory_ui.mandate.signed"
                if signed
                else "chorus_directory_ui.mandate.withdrawn"
            ),
        )
        self.reload()

    def action_managers(self) -> None:
        row = self.managed()
        if row is not None:
            self.app.push_screen(ManagerActivitiesScreen(row.structure.id))

    def action_connector(self) -> None:
        row = self.managed()
        if row is not None:
            open_screen(self.app, "chorus_connector", row.structure.id)

    def action_create(self) -> None:
        self.app.push_screen(StructureDialog(None), self._changed)

    def action_directory(self) -> None:
        self.app.push_screen(DirectoryScreen())


__all__ = ["MyStructuresScreen"]
