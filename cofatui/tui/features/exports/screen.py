"""Tools › Exports (issue 15 item 7): one tab per category (cover portfolio, claims),
each with three parts — Generated files, Templates, Scenarios.

Keys: 1, 2, 3 show a part, c the other category; each part's own keys are in the
footer. Opened from the portfolio's "custom export" with a scenario prefilled
(``draft``): the Scenarios part of its category opens its form at once."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, TabbedContent, TabPane

from cofatui.enums import ExportCategory
from cofatui.i18n import t
from cofatui.schemas_exports import ExportScenarioIn
from cofatui.tui.features.exports.files import FilesPart
from cofatui.tui.features.exports.scenarios import RunStarted, ScenariosPart
from cofatui.tui.features.exports.templates import TemplatesPart
from cofatui.tui.kit.header import AppHeader
from cofatui.tui.kit.virtual_list import VirtualList

PARTS = ("files", "templates", "scenarios")


class ExportsScreen(Screen[None]):
    CSS_PATH = "exports.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "part('files')", "exports_ui.bind.files", id="exports.files"),
        Binding("2", "part('templates')", "exports_ui.bind.templates", id="exports.templates"),
        Binding("3", "part('scenarios')", "exports_ui.bind.scenarios", id="exports.scenarios"),
        Binding("c", "other_category", "exports_ui.bind.category", id="exports.category"),
    ]

    def __init__(self, category: ExportCategory | str = ExportCategory.PORTFOLIO,
                 part: str = "files", draft: ExportScenarioIn | None = None) -> None:
        super().__init__()
        self.category = ExportCategory(draft.category if draft is not None else category)
        self.part = "scenarios" if draft is not None else part
        self.draft = draft

    def compose(self) -> ComposeResult:
        yield AppHeader()
        with TabbedContent(initial=f"tab-{self.category.value}", id="exports-categories"):
            for category in ExportCategory:
                with (TabPane(t(f"exports_ui.category.{category.value}"),
                              id=f"tab-{category.value}"),
                      TabbedContent(initial=f"{category.value}-part-{self.part}",
                                    id=f"{category.value}-parts", classes="exports-parts")):
                    with TabPane(t("exports_ui.part.files"), id=f"{category.value}-part-files"):
                        yield FilesPart(category)
                    with TabPane(t("exports_ui.part.templates"),
                                 id=f"{category.value}-part-templates"):
                        yield TemplatesPart(category)
                    with TabPane(t("exports_ui.part.scenarios"),
                                 id=f"{category.value}-part-scenarios"):
                        yield ScenariosPart(category)
        yield Footer()

    def on_mount(self) -> None:
        self.title = "exports_ui.title"
        self.call_after_refresh(self._focus_part)
        if self.draft is not None:
            draft, self.draft = self.draft, None
            self.scenarios_part(self.category).open_form(None, draft)

    # --- the parts ----------------------------------------------------------------------
    def files_part(self, category: ExportCategory) -> FilesPart:
        return self.query_one(f"#{category.value}-files", FilesPart)

    def templates_part(self, category: ExportCategory) -> TemplatesPart:
        return self.query_one(f"#{category.value}-templates", TemplatesPart)

    def scenarios_part(self, category: ExportCategory) -> ScenariosPart:
        return self.query_one(f"#{category.value}-scenarios", ScenariosPart)

    def show(self, category: ExportCategory, part: str) -> None:
        self.category, self.part = category, part
        self.query_one("#exports-categories", TabbedContent).active = f"tab-{category.value}"
        self.query_one(f"#{category.value}-parts", TabbedContent).active = \
            f"{category.value}-part-{part}"
        self.call_after_refresh(self._focus_part)

    def _focus_part(self) -> None:
        pane = self.query_one(f"#{self.category.value}-part-{self.part}", TabPane)
        pane.query_one(VirtualList).focus()

    def action_part(self, part: str) -> None:
        if part in PARTS:
            self.show(self.category, part)

    def action_other_category(self) -> None:
        others = [c for c in ExportCategory if c != self.category]
        self.show(others[0], self.part)

    @on(TabbedContent.TabActivated)
    def _tab_activated(self, event: TabbedContent.TabActivated) -> None:
        """A tab clicked: remember where the user is (the keys do the same)."""
        pane_id = event.pane.id or ""
        if pane_id.startswith("tab-"):
            self.category = ExportCategory(pane_id.removeprefix("tab-"))
            active = self.query_one(f"#{self.category.value}-parts", TabbedContent).active
            self.part = active.rpartition("-")[2] or self.part
        elif "-part-" in pane_id:
            category, _, part = pane_id.partition("-part-")
            if category == self.category.value:
                self.part = part

    @on(RunStarted)
    def _run_started(self, event: RunStarted) -> None:
        self.show(event.category, "files")
        self.files_part(event.category).follow(event.run)
        self.notify(t("exports_ui.run_started"), markup=False)

    def action_reload(self) -> None:
        """Everything read again (the app calls it when the data is reachable again)."""
        for category in ExportCategory:
            self.files_part(category).reload()
            self.templates_part(category).reload()
            self.scenarios_part(category).reload()

    async def on_language_changed(self, _event: object) -> None:
        await self.recompose()


__all__ = ["ExportsScreen"]
