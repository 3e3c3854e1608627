"""Remote sessions recover, against a real server (issue 13, item 6; acceptance "Pilot:
server stopped → offline badge and errors in the lists → server started → the screen
reloads without a key").

The app runs over ``--api`` (an :class:`HttpRepository` to a ``cofatui serve`` process
on a SQLite file with the contract dataset). The server is stopped: the screen opened
then shows the offline badge and the error in its list; the server is started again on
the same port: the health probe finds it and the screen reloads, no key pressed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from cofatui import i18n, migrations
from cofatui.clock import FixedClock
from cofatui.config import Language, Settings
from cofatui.repository.http import HttpRepository
from cofatui.repository.sql import SqlRepository, identity, make_engine
from cofatui.tui.app import CofaApp
from cofatui.tui.features.notifications.notifications import NotificationsScreen
from cofatui.tui.features.portfolio.portfolio import PortfolioScreen
from cofatui.tui.kit.virtual_list import VirtualList
from tests import server as server_module
from tests.contract import dataset
from tests.server import ServerProcess
from tests.tui.pilot import screen_text, settle, wait_until

#: Seconds a server may take to start: on a loaded machine importing the app takes a while.
START_TIMEOUT = 120.0


@dataclass
class RemoteSite:
    """A server that can be stopped and started again on the same port."""

    engine: Engine
    server: ServerProcess
    token: str
    ids: dataset.Ids
    port: int

    async def stop(self) -> None:
        await asyncio.to_thread(self.server.stop)

    async def kill(self) -> None:
        await asyncio.to_thread(self.server.kill)

    async def start(self) -> None:
        await asyncio.to_thread(self.server.start, START_TIMEOUT)
        assert self.server.port == self.port

    def app(self, language: Language = "en", url: str | None = None) -> CofaApp:
        """The TUI as ``cofatui --api URL --token-file F`` builds it (``url``: another
        way to the server, a proxy)."""
        # A long timeout: on a loaded machine a slow answer is not the outage under test.
        repo = HttpRepository(url or self.server.url, self.token, timeout=30.0,
                              backoff=0.05)
        return CofaApp(repo, Settings(language=language), clock=FixedClock(dataset.NOW))

    def repo(self) -> SqlRepository:
        """Straight to the database, to see what the server wrote."""
        return SqlRepository(self.engine, "alice", FixedClock(dataset.NOW))


def open_remote(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[RemoteSite]:
    """A server on a SQLite file with the contract dataset and a token for alice."""
    engine = make_engine(f"sqlite:///{tmp_path / 'api.sqlite'}")
    migrations.upgrade(engine)
    ids = dataset.build(engine)
    token, _ = identity.create_token(engine, "alice", clock=FixedClock(dataset.NOW))
    port = server_module.free_port()
    # Started again, the server takes the same port: the app keeps its URL.
    monkeypatch.setattr(server_module, "free_port", lambda: port)
    server = ServerProcess(str(engine.url), tmp_path, clock=dataset.NOW.isoformat())
    server.start(START_TIMEOUT)
    try:
        yield RemoteSite(engine, server, token, ids, port)
    finally:
        server.stop()
        engine.dispose()


@pytest.fixture
def remote(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[RemoteSite]:
    yield from open_remote(tmp_path, monkeypatch)


@pytest.fixture(autouse=True)
def language_restored() -> Iterator[None]:
    before = i18n.get_language()
    yield
    i18n.set_language(before)


async def back_online(pilot: Any, app: CofaApp) -> None:
    await wait_until(pilot, lambda: app.offline_since is None, timeout=20,
                     what="the probe to find the server (or database) again")


async def offline_then_back(pilot: Any, app: CofaApp, lst: VirtualList, offline: str,
                            unreachable: str, restart: Callable[[], Awaitable[None]]) -> None:
    """The list of the current screen says why in place of its rows and the header says
    offline; ``restart`` brings the data back; then, no key pressed, the screen reloads
    and both messages go."""
    screen = app.screen
    await wait_until(pilot, lambda: lst.error is not None, timeout=20,
                     what="the list's error")
    await wait_until(pilot, lambda: app.offline_since is not None, what="offline")
    await settle(pilot)
    text = screen_text(app)
    assert offline in text
    assert unreachable in text
    assert "Loading…" not in text and "Chargement" not in text
    assert lst.row_at(0) is None
    await restart()
    await back_online(pilot, app)
    await wait_until(pilot, lambda: lst.error is None and lst.row_at(0) is not None,
                     timeout=20, what="the list reloaded")
    await settle(pilot)
    assert app.screen is screen
    text = screen_text(app)
    assert offline not in text and unreachable not in text


@pytest.mark.parametrize(("language", "offline", "unreachable"), [
    ("en", "offline since", "Cannot reach the server"),
    ("fr", "hors ligne depuis", "Impossible de joindre le serveur"),
])
async def test_notifications_offline_then_reloaded_when_the_server_is_back(
        remote: RemoteSite, language: Language, offline: str, unreachable: str) -> None:
    app = remote.app(language)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        assert app.offline_since is None
        await remote.stop()
        app.switch_to("notifications")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, NotificationsScreen)
        lst = screen.query_one(VirtualList)
        # The server back on the same port; no key pressed from then on.
        await offline_then_back(pilot, app, lst, offline, unreachable, remote.start)
        assert lst.total


async def test_portfolio_shows_the_error_in_its_list_then_reloads(remote: RemoteSite) -> None:
    app = remote.app("en")
    async with app.run_test(size=(150, 40)) as pilot:
        await settle(pilot)
        await remote.kill()  # no goodbye: connections refused from now on
        app.switch_to("portfolio")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PortfolioScreen)
        lst = screen.query_one(VirtualList)
        await offline_then_back(pilot, app, lst, "offline since", "Cannot reach the server",
                                remote.start)
        assert screen.rows
        assert lst.row_count == len(screen.rows)
        assert screen.rows[0].company_name in screen_text(app)
