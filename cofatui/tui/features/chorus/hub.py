"""Tools › Chorus Pro: the hub. Two dashboards, "Factures émises" and "Factures
reçues" (seed 003 §X), each a count per state for one of my structures or all of
them; Enter on a count opens the list of those invoices. Beside them, the ways in:
search, anomalies, entry and deposit, the directory, my structures, the managers'
activities and my account (the last five are the forms' screens, opened by name).

A user with no contract opens cofatui here (issue 18 item 3, our choice)."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Select, Static, Tab, Tabs
from textual.widgets.option_list import Option

from cofatui.enums import ChorusSpace, ChorusState
from cofatui.errors import CofaError
from cofatui.i18n import format_number, t
from cofatui.schemas_chorus import ChorusDashboard, ChorusInvoiceSearch, MyChorusStructure
from cofatui.tui.features.chorus.links import open_link
from cofatui.tui.features.chorus.wording import state_text
from cofatui.tui.kit.header import AppHeader
from cofatui.tui.kit.products import cofa
from cofatui.tui.kit.wording import plural
from cofatui.tui.navigation import open_screen
from cofatui.tui.safe import clean

#: The hub's links: (id, catalog key). Each opens a screen by name.
LINKS: tuple[tuple[str, str], ...] = (
    ("chorus_search", "chorus_ui.link.search"),
    ("chorus_anomalies", "chorus_ui.link.anomalies"),
    ("chorus_entry", "chorus_ui.link.entry"),
    ("chorus_deposit", "chorus_ui.link.deposit"),
    ("chorus_directory", "chorus_ui.link.directory"),
    ("chorus_my_structures", "chorus_ui.link.structures"),
    ("chorus_managers", "chorus_ui.link.managers"),
    ("chorus_account", "chorus_ui.link.account"),
    # issue 19: received Factur-X, offered on the received side
    ("chorus_facturx_import", "chorus_facturx_ui.link.import"),
)
ALL = "all"


def _title(structure: MyChorusStructure) -> str:
    s = structure.structure
    return clean(f"{s.name} — {s.siret}")


class ChorusHubScreen(Screen[None]):
    CSS_PATH = "chorus.tcss"
    TITLE = "chorus_ui.hub_title"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "side('issued')", "chorus_ui.key.issued", id="chorus.hub.issued"),
        Binding("2", "side('received')", "chorus_ui.key.received", id="chorus.hub.received"),
        Binding("f", "search", "chorus_ui.key.search", id="chorus.hub.search",
                tooltip="chorus_ui.key.search_tip"),
        Binding("a", "anomalies", "chorus_ui.key.anomalies", id="chorus.hub.anomalies"),
        Binding("ctrl+r", "reload", "chorus_ui.key.reload", id="chorus.hub.reload"),
    ]

    def __init__(self, side: ChorusSpace | None = None) -> None:
        super().__init__()
        self.away = False
        self.side = side or ChorusSpace.ISSUED
        self.side_chosen = side is not None
        self.mine: list[MyChorusStructure] = []
        self.structure_id: int | None = None

    def compose(self) -> ComposeResult:
        yield AppHeader()
        with Horizontal(id="chorus-hub"):
            with Vertical(id="chorus-dashboard"):
                yield Tabs(Tab(t("chorus_ui.side.issued"), id="side-issued"),
                           Tab(t("chorus_ui.side.received"), id="side-received"),
                           id="chorus-sides")
                yield Select[str]([(t("chorus_ui.all_structures"), ALL)], value=ALL,
                                  allow_blank=False, id="chorus-structure", compact=True)
                yield Static("", id="chorus-total", markup=False)
                yield OptionList(id="chorus-counts")
            yield OptionList(*[Option(t(key), id=name) for name, key in LINKS],
                             id="chorus-links")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#chorus-counts", OptionList).focus()
        self._load_structures()

    def on_screen_suspend(self) -> None:
        self.away = True

    def on_screen_resume(self) -> None:
        # Back from an invoice or a form (not the first showing): a move may have
        # changed what is counted and listed.
        if self.away:
            self.away = False
            self.reload()

    async def on_language_changed(self, _event: object) -> None:
        await self.recompose()
        self._structures_loaded(self.mine)

    # --- loading ------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="chorus-hub-mine")
    def _load_structures(self) -> None:
        try:
            mine = cofa(self.app).repo.chorus_directory.mine()
        except CofaError as exc:
            self.app.call_from_thread(self._failed, exc)
            return
        self.app.call_from_thread(self._structures_loaded, mine)

    def _structures_loaded(self, mine: list[MyChorusStructure]) -> None:
        self.mine = mine
        if not self.side_chosen:  # a recipient only: open on what they receive
            sides = {space for s in mine for space in s.spaces}
            if ChorusSpace.ISSUED not in sides and ChorusSpace.RECEIVED in sides:
                self.side = ChorusSpace.RECEIVED
            self.side_chosen = True
        self.query_one("#chorus-sides", Tabs).active = f"side-{self.side.value}"
        self._fill_structures()
        self.reload()

    def _fill_structures(self) -> None:
        links = self.query_one("#chorus-links", OptionList)
        if self.side is ChorusSpace.RECEIVED:
            links.enable_option("chorus_facturx_import")
        else:
            links.disable_option("chorus_facturx_import")
        options = [(t("chorus_ui.all_structures"), ALL)] + [
            (_title(s), str(s.structure.id)) for s in self.mine if self.side in s.spaces]
        select = self.query_one("#chorus-structure", Select)
        with select.prevent(Select.Changed):
            select.set_options(options)
            wanted = str(self.structure_id) if self.structure_id is not None else ALL
            select.value = wanted if wanted in {v for _l, v in options} else ALL
        if select.value == ALL:
            self.structure_id = None

    def reload(self) -> None:
        self._load_dashboard(self.side, self.structure_id)

    @work(thread=True, exclusive=True, group="chorus-hub-dashboard")
    def _load_dashboard(self, side: ChorusSpace, structure_id: int | None) -> None:
        try:
            board = cofa(self.app).repo.chorus_invoices.dashboard(side, structure_id)
        except CofaError as exc:
            self.app.call_from_thread(self._failed, exc)
            return
        self.app.call_from_thread(self._show, board)

    def _show(self, board: ChorusDashboard) -> None:
        if board.side != self.side or board.structure_id != self.structure_id:
            return  # an older answer, for a side or structure left since
        self.query_one("#chorus-total", Static).update(
            Text(plural("chorus_ui.total_count", count=board.total)))
        counts = self.query_one("#chorus-counts", OptionList)
        highlighted = counts.highlighted
        counts.clear_options()
        for count in board.counts:
            # The count first, right-aligned: the states' names differ widely in length.
            line = Text(format_number(count.count).rjust(9) + "  ",
                        style="bold" if count.count else "dim")
            line.append_text(state_text(count.state, with_code=True))
            counts.add_option(Option(line, id=count.state.value))
        if board.counts:
            counts.highlighted = min(highlighted or 0, len(board.counts) - 1)

    def _failed(self, exc: CofaError) -> None:
        self.query_one("#chorus-total", Static).update(Text("⚠ " + clean(exc)))

    # --- choices ------------------------------------------------------------------------
    @on(Tabs.TabActivated, "#chorus-sides")
    def _side(self, event: Tabs.TabActivated) -> None:
        side = ChorusSpace((event.tab.id or "side-issued").removeprefix("side-"))
        if side != self.side:
            self.side = side
            self._fill_structures()
            self.reload()

    @on(Select.Changed, "#chorus-structure")
    def _structure(self, event: Select.Changed) -> None:
        value = str(event.value)
        structure_id = None if value == ALL else int(value)
        if structure_id != self.structure_id:  # options refilled: no change, no reload
            self.structure_id = structure_id
            self.reload()

    @on(OptionList.OptionSelected, "#chorus-counts")
    def _open_state(self, event: OptionList.OptionSelected) -> None:
        state = ChorusState(event.option.id or ChorusState.MADE_AVAILABLE.value)
        open_screen(self.app, "chorus_invoices", self._criteria(states=[state]))

    @on(OptionList.OptionSelected, "#chorus-links")
    def _open_link(self, event: OptionList.OptionSelected) -> None:
        name = event.option.id or ""
        if name == "chorus_search":
            self.action_search()
        elif name == "chorus_anomalies":
            self.action_anomalies()
        else:  # the forms' screens: told, not raised, if missing
            open_link(self.app, name)

    def _criteria(self, **more: Any) -> ChorusInvoiceSearch:
        return ChorusInvoiceSearch(side=self.side, structure_id=self.structure_id, **more)

    def action_side(self, side: str) -> None:
        self.query_one("#chorus-sides", Tabs).active = f"side-{side}"

    def action_search(self) -> None:
        def searched(criteria: ChorusInvoiceSearch | None) -> None:
            if criteria is not None:
                open_screen(self.app, "chorus_invoices", criteria)

        open_screen(self.app, "chorus_search", self._criteria(), callback=searched)

    def action_anomalies(self) -> None:
        open_screen(self.app, "chorus_anomalies")

    def action_reload(self) -> None:
        self._load_structures()


__all__ = ["ChorusHubScreen"]
