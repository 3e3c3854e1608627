"""The shell's header line and its contract switcher.

Every screen yields ``AppHeader()`` first (and ``Footer()`` last). The header shows the
screen title (``Screen.TITLE``/``title`` holding a catalog key), the current contract
(click it or press the contract key to switch), the unread notification count and the
user. It follows the app by itself: contract, unread count and language.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar, cast

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from cofatui.i18n import t
from cofatui.tui.bindings import translate
from cofatui.tui.kit.dialog import Dialog
from cofatui.tui.kit.wording import plural
from cofatui.tui.safe import plain

if TYPE_CHECKING:
    # Annotations only: the header of the first frame shows the early read's plain
    # principal, before pydantic is imported (issue 21 item 1).
    from cofatui.schemas import ContractAccess
    from cofatui.tui.app import CofaApp

SEPARATOR = " │ "


class ContractLabel(Static):
    """The current contract; a click opens the switcher."""

    async def on_click(self, event: events.Click) -> None:
        event.stop()
        await self.run_action("app.switch_contract")


class AppHeader(Widget):
    """One line: app · screen title │ contract │ unread │ user."""

    DEFAULT_CSS = """
    AppHeader {
        dock: top;
        height: 1;
        layout: horizontal;
        background: $panel;
        color: $foreground;
    }
    AppHeader > Static { width: auto; height: 1; }
    AppHeader > #header-title { width: 1fr; text-style: bold; }
    AppHeader > #header-contract:hover { text-style: underline; }
    """

    @property
    def cofa(self) -> CofaApp:
        return cast("CofaApp", self.app)

    def compose(self) -> ComposeResult:
        yield Static(id="header-title", markup=False)
        yield ContractLabel(id="header-contract", markup=False)
        yield Static(id="header-offline", markup=False)
        yield Static(id="header-unread", markup=False)
        yield Static(id="header-user", markup=False)

    def on_mount(self) -> None:
        self.watch(self.app, "current_contract_id", lambda _v: self.refresh_texts(),
                   init=False)
        self.watch(self.app, "unread_count", lambda _v: self.refresh_texts(), init=False)
        self.watch(self.app, "offline_since", lambda _v: self.refresh_texts(), init=False)
        self.watch(self.screen, "title", lambda _v: self.refresh_texts(), init=False)
        self.cofa.language_signal.subscribe(self, lambda _lang: self.refresh_texts())
        self.refresh_texts()

    def screen_title(self) -> str:
        title = self.screen.title or ""
        return translate(title) if title else ""

    def refresh_texts(self) -> None:
        if not self.query("#header-title"):
            # Its screen is being closed (the app shutting down) while it mounts: its
            # children are gone already, there is nothing to write.
            return
        app = self.cofa
        title = Text(t("common.app_title"), style="bold")
        screen_title = self.screen_title()
        if screen_title:
            title.append(" · ")
            title.append_text(plain(screen_title))
        self.query_one("#header-title", Static).update(title)
        contract = app.current_contract_label()
        contract_text = Text(SEPARATOR)
        if contract:
            contract_text.append(t("shell.header.contract") + " ")
            contract_text.append_text(plain(contract, style="bold"))
            if len(app.principal.contracts) > 1:
                contract_text.append(" ▾")
        else:
            contract_text.append(t("shell.no_contract"))
        self.query_one("#header-contract", ContractLabel).update(contract_text)
        offline = Text()
        if app.offline_since is not None:
            offline.append(SEPARATOR)
            since = app.offline_since.astimezone().strftime("%H:%M")
            offline.append(t("shell.header.offline", time=since), style="bold reverse")
        self.query_one("#header-offline", Static).update(offline)
        count = app.unread_count
        unread = Text(SEPARATOR)
        unread.append(plural("shell.header.unread", count="?" if count is None else count),
                      style="bold" if count else "")
        self.query_one("#header-unread", Static).update(unread)
        user = Text(SEPARATOR)
        user.append_text(plain(app.principal.display_name))
        user.append(" ")
        self.query_one("#header-user", Static).update(user)


class ContractPicker(Dialog[int | None]):
    """The list of the user's contracts; Enter chooses, Esc keeps the current one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "common.cancel", id="contract_picker.cancel"),
    ]
    DEFAULT_CSS = """
    ContractPicker { align: center middle; }
    ContractPicker > Vertical {
        width: 60; max-width: 100%; height: auto; max-height: 80%;
        border: round $primary; background: $surface; padding: 0 1;
    }
    ContractPicker OptionList { height: auto; max-height: 20; border: none; }
    ContractPicker #picker-hint { color: $text-muted; }
    """

    def __init__(self, contracts: Sequence[ContractAccess], current: int | None) -> None:
        super().__init__()
        self.contracts = list(contracts)
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = t("shell.contract_picker.title")
            yield OptionList(*[self._option(c) for c in self.contracts], id="contracts",
                             compact=True)
            yield Label(t("shell.contract_picker.hint"), id="picker-hint", markup=False)

    def _option(self, access: ContractAccess) -> Option:
        marker = "● " if access.contract_id == self.current else "  "
        text = Text(marker)
        text.append_text(plain(access.policy_number, style="bold"))
        text.append("  ")
        text.append(t(f"shell.rights.{access.rights.value}"))
        return Option(text, id=str(access.contract_id))

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        for index, access in enumerate(self.contracts):
            if access.contract_id == self.current:
                options.highlighted = index
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(int(event.option.id) if event.option.id else None)

