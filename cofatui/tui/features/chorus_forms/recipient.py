"""Pick the recipient from the directory of public structures (seed 004 "L'annuaire des
structures publiques"): search by SIRET or name, read the highlighted structure's
parameters and services, Enter picks it."""

from __future__ import annotations

from typing import ClassVar, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Static

from cofatui.errors import CofaError
from cofatui.i18n import t
from cofatui.schemas_chorus import ChorusDirectoryFilter, ChorusStructurePublic
from cofatui.tui.features.chorus_forms.wording import structure_facts
from cofatui.tui.kit.dialog import Dialog
from cofatui.tui.kit.paged_source import PagedSource
from cofatui.tui.kit.products import cofa
from cofatui.tui.kit.styles import DIALOGS_TCSS
from cofatui.tui.kit.virtual_list import Column, VirtualList
from cofatui.tui.safe import clean, plain


def directory_columns() -> list[Column]:
    return [Column("siret", t("chorus_forms_ui.col.siret"), 15),
            Column("name", t("chorus_forms_ui.col.name"), 0, render=lambda s: plain(s.name)),
            Column("city", t("chorus_forms_ui.col.city"), 16, render=lambda s: plain(s.city)),
            Column("active", t("chorus_forms_ui.col.status"), 9,
                   render=lambda s: t("chorus_forms_ui.active" if s.active
                                      else "chorus_forms_ui.inactive"))]


class RecipientPicker(Dialog[ChorusStructurePublic | None]):
    CSS_PATH = DIALOGS_TCSS
    DEFAULT_CSS = """
    RecipientPicker > #picker { width: 110; max-width: 100%; height: 30; }
    RecipientPicker #picker-lists { height: 1fr; }
    RecipientPicker VirtualList { width: 3fr; }
    RecipientPicker #picker-facts { width: 2fr; padding: 0 1; overflow-y: auto; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "common.cancel", id="chorus.recipient.cancel"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="picker"):
            yield Label(Text(t("chorus_forms_ui.picker.title")), classes="dialog-title")
            yield Input(id="picker-text", placeholder=t("chorus_forms_ui.picker.placeholder"),
                        compact=True, max_length=200)
            with Horizontal(id="picker-lists"):
                yield VirtualList(directory_columns(), id="picker-list")
                yield Static("", id="picker-facts")
            yield Static("", id="picker-error", classes="form-error", markup=False)

    def on_mount(self) -> None:
        self.query_one("#picker-text", Input).focus()
        self.watch(self.query_one(VirtualList), "cursor", lambda _v: self._facts(), init=False)
        self._search("")

    @on(Input.Changed, "#picker-text")
    def _typed(self, event: Input.Changed) -> None:
        self._search(event.value.strip())

    @on(Input.Submitted, "#picker-text")
    def _to_list(self) -> None:
        self.query_one(VirtualList).focus()

    def _search(self, text: str) -> None:
        repo = cofa(self.app).repo
        flt = ChorusDirectoryFilter(text=text, public=True)
        self.query_one(VirtualList).set_source(PagedSource(
            lambda offset, limit: repo.chorus_directory.structures(flt, offset, limit),
            self._failed, fetch_seek=lambda seek, limit: repo.chorus_directory.structures(
                flt, 0, limit, seek)))

    def _failed(self, exc: CofaError) -> None:
        self.app.call_from_thread(self._show_error, clean(exc))

    def _show_error(self, message: str) -> None:
        self.query_one("#picker-error", Static).update(Text("⚠ " + message))

    @on(VirtualList.CountChanged, "#picker-list")
    def _counted(self) -> None:
        self._facts()

    def _facts(self) -> None:
        row = self.query_one(VirtualList).cursor_row
        facts = self.query_one("#picker-facts", Static)
        facts.update(structure_facts(cast(ChorusStructurePublic, row)) if row else "")

    @on(VirtualList.RowActivated, "#picker-list")
    def _picked(self, event: VirtualList.RowActivated) -> None:
        self.dismiss(cast(ChorusStructurePublic, event.row))


__all__ = ["RecipientPicker", "directory_columns"]
