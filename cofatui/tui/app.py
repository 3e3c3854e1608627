"""The Textual application: composition and global bindings only. Screens live in
``tui/screens``; the app receives the Repository and settings from the CLI."""

from __future__ import annotations

from pathlib import Path

from textual.app import App

from cofatui.config import Settings
from cofatui.repository.base import Repository


class CofaApp(App[None]):
    TITLE = "cofatui"

    def __init__(self, repo: Repository, settings: Settings,
                 config_path: Path | None = None) -> None:
        super().__init__()
        self.repo = repo
        self.settings = settings
        self.config_path = config_path

    def on_mount(self) -> None:
        from cofatui.tui.screens.home import HomeScreen

        self.push_screen(HomeScreen())
