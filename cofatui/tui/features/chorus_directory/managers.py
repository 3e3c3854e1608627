"""Manager activities (seed 004 "Activités du gestionnaire"; issue 18 item 2), for one of
the structures I manage: the pending attachment requests (Enter: approve with spaces or
refuse with a comment), and the structure's attachments, where a manager names a
secondary manager or makes one a user again (2), hands over the main role (h), creates
a colleague's account (c) and removes several attachments of one user (r)."""

from __future__ import annotations

from typing import ClassVar, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Label, Select, Static

from cofatui.enums import ChorusAttachmentStatus, ChorusRole
from cofatui.errors import CofaError
from cofatui.i18n import t
from cofatui.schemas_chorus import ChorusAttachmentChange, ChorusAttachmentPublic, MyChorusStructure
from cofatui.tui.features.chorus_directory.decisions import (
    ColleagueDialog,
    DecisionDialog,
    RemovalDialog,
)
from cofatui.tui.features.chorus_directory.wording import MANAGERS, attachment_columns
from cofatui.tui.kit.dialog import ConfirmScreen
from cofatui.tui.kit.header import AppHeader
from cofatui.tui.kit.paged_source import PagedSource
from cofatui.tui.kit.products import cofa
from cofatui.tui.kit.virtual_list import VirtualList
from cofatui.tui.safe import clean


class ManagerActivitiesScreen(Screen[None]):
    CSS_PATH = "chorus_directory.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "2",
            "secondary",
            "chorus_directory_ui.key.secondary",
            id="chorus.managers.secondary",
            tooltip="chorus_directory_ui.key.secondary_tip",
        ),
        Binding(
            "h", "hand_over", "chorus_directory_ui.key.hand_over", id="chorus.managers.hand_over"
        ),
        Binding(
            "c", "colleague", "chorus_directory_ui.key.colleague", id="chorus.managers.colleague"
        ),
        Binding("r", "remove", "chorus_directory_ui.key.remove", id="chorus.managers.remove"),
        Binding("ctrl+r", "reload", "chorus_directory_ui.key.reload", id="chorus.managers.reload"),
    ]

    def __init__(self, structure_id: int | None = None) -> None:
        super().__init__()
        self.structure_id = structure_id
        self.managed: list[MyChorusStructure] = []

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static(
            Text(t("chorus_directory_ui.managers.title")),
            classes="section-title",
            id="managers-title",
        )
        yield Select(
            [],
            id="managers-structure",
            compact=True,
            allow_blank=True,
            prompt=t("chorus_directory_ui.managers.structure"),
        )
        yield Static("", id="managers-error", classes="form-error", markup=False)
        yield Label(Text(t("chorus_directory_ui.managers.pending")), classes="section-title")
        yield VirtualList(attachment_columns(), id="pending-list")
        yield Label(Text(t("chorus_directory_ui.managers.attachments")), classes="section-title")
        yield VirtualList(attachment_columns(), id="attachments-list")
        yield Footer()

    def on_mount(self) -> None:
        self.title = t("chorus_directory_ui.managers.title")
        self._load()

    def on_screen_resume(self) -> None:
        if self.structure_id is not None:
            self.reload()

    @work(thread=True, exclusive=True, group="chorus-managers-mine")
    def _load(self) -> None:
        try:
            mine = cofa(self.app).repo.chorus_directory.mine()
        except CofaError as exc:
            self.app.call_from_thread(self._error, clean(exc))
            return
        self.app.call_from_thread(self._mine, mine)

    def _mine(self, mine: list[MyChorusStructure]) -> None:
        self.managed = [m for m in mine if m.role in MANAGERS]
        if not self.managed:
            self._error(t("chorus_directory_ui.managers.none"))
            return
        if self.structure_id not in {m.structure.id for m in self.managed}:
            self.structure_id = self.managed[0].structure.id
        select = self.query_one("#managers-structure", Select)
        select.set_options(
            [(f"{m.structure.name} — {m.structure.siret}", m.structure.id) for m in self.managed]
        )
        select.value = self.structure_id
        self.query_one("#pending-list", VirtualList).focus()
        self.reload()

    def _error(self, message: str) -> None:
        self.query_one("#managers-error", Static).update(Text("⚠ " + message if message else ""))

    @on(Select.Changed, "#managers-structure")
    def _structure(self, event: Select.Changed) -> None:
        if isinstance(event.value, int) and event.value != self.structure_id:
            self.structure_id = event.value
            self.reload()

    def reload(self) -> None:
        structure_id = self.structure_id
        if structure_id is None:
            return
        self._error("")
        area = cofa(self.app).repo.chorus_directory
        self.query_one("#pending-list", VirtualList).set_source(
            PagedSource(
                lambda offset, limit: area.attachments(structure_id, True, offset, limit),
                self._failed,
                fetch_seek=lambda seek, limit: area.attachments(structure_id, True, 0, limit,
                                                                seek),
            )
        )
        self.query_one("#attachments-list", VirtualList).set_source(
            PagedSource(
                lambda offset, limit: area.attachments(structure_id, False, offset, limit),
                self._failed,
                fetch_seek=lambda seek, limit: area.attachments(structure_id, False, 0, limit,
                                                                seek),
            )
        )

    def _failed(self, exc: CofaError) -> None:
        self.app.call_from_thread(self._error, clean(exc))

    def action_reload(self) -> None:
        self.reload()

    def _structure_public(self) -> bool:
        return any(m.structure.public for m in self.managed if m.structure.id == self.structure_id)

    def _my_role(self) -> ChorusRole | None:
        return next((m.role for m in self.managed if m.structure.id == self.structure_id), None)

    def _attachment(self) -> ChorusAttachmentPublic | None:
        row = self.query_one("#attachments-list", VirtualList).cursor_row
        return cast(ChorusAttachmentPublic | None, row)

    # --- requests -----------------------------------------------------------------------
    @on(VirtualList.RowActivated, "#pending-list")
    def _decide(self, event: VirtualList.RowActivated) -> None:
        a = cast(ChorusAttachmentPublic, event.row)
        if a.status is ChorusAttachmentStatus.PENDING:
            self.app.push_screen(DecisionDialog(a), lambda _d: self.reload())

    # --- attachments --------------------------------------------------------------------
    def action_secondary(self) -> None:
        a = self._attachment()
        if (
            a is None
            or a.status is not ChorusAttachmentStatus.APPROVED
            or a.role is ChorusRole.MAIN_MANAGER
        ):
            self.notify(t("chorus_directory_ui.managers.pick_approved"), severity="warning")
            return
        role = (
            ChorusRole.USER
            if a.role is ChorusRole.SECONDARY_MANAGER
            else ChorusRole.SECONDARY_MANAGER
        )
        self._change(
            a,
            ChorusAttachmentChange(
                version=a.version, role=role, spaces=a.spaces, valid_until=a.valid_until
            ),
        )

    @work(thread=True, exclusive=True, group="chorus-managers-change")
    def _change(self, a: ChorusAttachmentPublic, data: ChorusAttachmentChange) -> None:
        try:
            cofa(self.app).repo.chorus_directory.change_attachment(a.id, data)
        except CofaError as exc:
            self.app.call_from_thread(self.notify, clean(exc), severity="error", markup=False)
            return
        self.app.call_from_thread(
            self.notify, t("chorus_directory_ui.managers.changed", user=clean(a.login))
        )
        self.app.call_from_thread(self.reload)

    def action_hand_over(self) -> None:
        a = self._attachment()
        structure_id = self.structure_id
        if (
            structure_id is None
            or a is None
            or a.status is not ChorusAttachmentStatus.APPROVED
            or a.role is ChorusRole.MAIN_MANAGER
        ):
            self.notify(t("chorus_directory_ui.managers.pick_approved"), severity="warning")
            return
        if self._my_role() is not ChorusRole.MAIN_MANAGER:
            self.notify(t("chorus_directory_ui.managers.main_only"), severity="warning")
            return

        def chosen(yes: bool | None) -> None:
            if yes:
                self._hand_over(structure_id, a)

        self.app.push_screen(
            ConfirmScreen(
                t("chorus_directory_ui.managers.hand_over_question", user=clean(a.login))
            ),
            chosen,
        )

    @work(thread=True, exclusive=True, group="chorus-managers-change")
    def _hand_over(self, structure_id: int, a: ChorusAttachmentPublic) -> None:
        try:
            cofa(self.app).repo.chorus_directory.hand_over_main(structure_id, a.id)
        except CofaError as exc:
            self.app.call_from_thread(self.notify, clean(exc), severity="error", markup=False)
            return
        self.app.call_from_thread(
            self.notify, t("chorus_directory_ui.managers.handed_over", user=clean(a.login))
        )
        self.app.call_from_thread(self._load)

    def action_colleague(self) -> None:
        if self.structure_id is not None:
            self.app.push_screen(
                ColleagueDialog(self.structure_id, self._structure_public()),
                lambda _a: self.reload(),
            )

    def action_remove(self) -> None:
        if self.structure_id is not None:
            self.app.push_screen(RemovalDialog(self.structure_id), lambda _n: self.reload())


__all__ = ["ManagerActivitiesScreen"]
