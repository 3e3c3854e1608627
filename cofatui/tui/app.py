"""The Textual application: composition and global bindings only. Screens live in
``tui/screens``; the app receives the Repository and settings from the CLI.

What screens may rely on (``self.app`` cast to :class:`CofaApp`):
- ``repo``: the Repository (call it only from worker threads);
- ``settings`` and ``save_settings(new)``;
- ``current_contract_id`` (reactive) and the :class:`ContractChanged` message posted
  to the active screen when the user switches contract;
- ``principal``: who is logged in (loaded once at start).
"""

from __future__ import annotations

from pathlib import Path

from textual.app import App
from textual.message import Message
from textual.reactive import reactive

from cofatui import i18n
from cofatui.config import Settings, save_settings
from cofatui.repository.base import Repository
from cofatui.schemas import Principal


class ContractChanged(Message):
    def __init__(self, contract_id: int) -> None:
        super().__init__()
        self.contract_id = contract_id


class CofaApp(App[None]):
    TITLE = "cofatui"
    current_contract_id: reactive[int | None] = reactive(None)

    def __init__(self, repo: Repository, settings: Settings,
                 config_path: Path | None = None, principal: Principal | None = None) -> None:
        super().__init__()
        self.repo = repo
        self.settings = settings
        self.config_path = config_path
        i18n.set_language(settings.language)
        self.principal = principal or repo.whoami()
        self.current_contract_id = self._initial_contract()

    def _initial_contract(self) -> int | None:
        contracts = self.principal.contracts
        wanted = self.settings.default_contract
        for access in contracts:
            if wanted and access.policy_number == wanted:
                return access.contract_id
        if self.principal.default_contract_id in {c.contract_id for c in contracts}:
            return self.principal.default_contract_id
        return contracts[0].contract_id if contracts else None

    def save_settings(self, new: Settings) -> None:
        """Validate-and-save, then apply live (language now; theme/keymap by the shell)."""
        save_settings(new, self.config_path)
        self.settings = new
        i18n.set_language(new.language)

    def watch_current_contract_id(self, contract_id: int | None) -> None:
        if contract_id is not None and self.is_running and self.screen_stack:
            self.screen.post_message(ContractChanged(contract_id))

    def on_mount(self) -> None:
        from cofatui.tui.screens.home import HomeScreen

        self.push_screen(HomeScreen())
