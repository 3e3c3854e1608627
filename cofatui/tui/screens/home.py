"""Home: who I am, my contract, the WAP and what waits for me."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from cofatui.errors import CofaError

if TYPE_CHECKING:
    from cofatui.tui.app import CofaApp


class HomeScreen(Screen[None]):
    BINDINGS = [("q", "app.quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="summary", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.load()

    @work(thread=True, exclusive=True)
    def load(self) -> None:
        app = cast("CofaApp", self.app)
        try:
            me = app.repo.whoami()
            lines = [f"{me.display_name} ({me.login})"]
            for access in me.contracts:
                wap = app.repo.wap(access.contract_id)
                pending = app.repo.pending_requests(access.contract_id)
                lines.append(f"Contract {access.policy_number}: WAP {wap.wap} ({wap.trend}), "
                             f"{wap.companies} companies, {len(pending)} pending requests")
            text = Text("\n".join(lines))
        except CofaError as exc:
            text = Text(str(exc))
        self.app.call_from_thread(self.query_one("#summary", Static).update, text)
