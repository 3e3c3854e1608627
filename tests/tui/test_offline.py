"""Remote sessions recover (issue 13, item 6): the data unreachable → an offline badge in
the header and the error in every list in place of "Loading…"; the data back → the
current screen reloads by itself (a health probe), without a key."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from cofatui import i18n
from cofatui.errors import Unavailable
from cofatui.repository.areas import AREAS
from cofatui.tui.app import CofaApp
from cofatui.tui.features.home.home import HomeScreen
from cofatui.tui.features.notifications.notifications import NotificationsScreen
from cofatui.tui.kit.connection import ConnectionState, next_probe_delay
from cofatui.tui.kit.virtual_list import VirtualList
from tests.contract import dataset
from tests.tui.pilot import screen_text, settle, wait_until
from tests.tui.test_notifications import build_app, open_database, pin_utc

URL = "http://127.0.0.1:8765"


@pytest.fixture(autouse=True)
def utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    yield from pin_utc(monkeypatch)


@pytest.fixture(autouse=True)
def language_restored() -> Iterator[None]:
    """The app sets the process-wide language: put it back for the tests that follow."""
    before = i18n.get_language()
    yield
    i18n.set_language(before)


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[tuple[Engine, dataset.Ids]]:
    yield from open_database(tmp_path)


class Outage:
    """A switch: while ``down``, every area call raises Unavailable, as the HTTP
    repository does when the server is stopped."""

    def __init__(self) -> None:
        self.down = False
        self.calls_while_down = 0


class FlakyRepo:
    def __init__(self, inner: Any, outage: Outage, area: bool = False) -> None:
        self._inner = inner
        self._outage = outage
        self._area = area

    def __getattr__(self, name: str) -> Any:
        target = getattr(self._inner, name)
        if not self._area and name in AREAS:
            return FlakyRepo(target, self._outage, area=True)
        if not self._area or not callable(target):
            return target

        def call(*args: Any, **kwargs: Any) -> Any:
            if self._outage.down:
                self._outage.calls_while_down += 1
                raise Unavailable("api.client.unreachable", url=URL,
                                  reason="Connection refused")
            return target(*args, **kwargs)

        return call


def offline_app(engine: Engine, outage: Outage, **settings: Any) -> CofaApp:
    """The app with the outage watched (its repository wrapped as the shell wraps it)."""
    app = build_app(engine, **settings)
    watched = app.repo
    watched._repo = FlakyRepo(watched._repo, outage)  # type: ignore[attr-defined]
    return app


@pytest.mark.parametrize(("language", "offline", "unreachable", "wap"), [
    ("en", "offline since", "Cannot reach the server", "WAP  6.1 / 10"),
    ("fr", "hors ligne depuis", "Impossible de joindre le serveur", "6,1 / 10"),
])
async def test_home_offline_then_back_reloads_by_itself(
        engine: tuple[Engine, dataset.Ids], language: str, offline: str, unreachable: str,
        wap: str) -> None:
    outage = Outage()
    outage.down = True
    app = offline_app(engine[0], outage, language=language)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        await wait_until(pilot, lambda: app.offline_since is not None, what="offline")
        await settle(pilot)
        text = screen_text(app)
        assert offline in text
        # The WAP and every list say why, not "Loading…".
        assert unreachable in text
        assert "Loading…" not in text and "Chargement" not in text
        assert wap not in text
        # The server answers again: no key pressed, the probe finds it and Home reloads.
        outage.down = False
        await wait_until(pilot, lambda: app.offline_since is None, what="back online")
        await wait_until(pilot, lambda: wap in screen_text(app), what="the WAP reloaded")
        await settle(pilot)
        text = screen_text(app)
        assert offline not in text
        assert unreachable not in text


@pytest.mark.parametrize(("language", "offline", "unreachable"), [
    ("en", "offline since", "Cannot reach the server"),
    ("fr", "hors ligne depuis", "Impossible de joindre le serveur"),
])
async def test_notifications_show_the_error_then_reload(
        engine: tuple[Engine, dataset.Ids], language: str, offline: str,
        unreachable: str) -> None:
    outage = Outage()
    app = offline_app(engine[0], outage, language=language)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        outage.down = True
        app.switch_to("notifications")
        await settle(pilot)
        assert isinstance(app.screen, NotificationsScreen)
        lst = app.screen.query_one(VirtualList)
        await wait_until(pilot, lambda: lst.error is not None, what="the list's error")
        await settle(pilot)
        text = screen_text(app)
        assert offline in text and unreachable in text
        assert "Loading…" not in text and "Chargement" not in text
        outage.down = False
        await wait_until(pilot, lambda: app.offline_since is None, what="back online")
        await wait_until(pilot, lambda: lst.total is not None and lst.error is None,
                         what="the list reloaded")
        await settle(pilot)
        text = screen_text(app)
        assert offline not in text and unreachable not in text
        assert lst.total


def test_connection_state_reports_changes_only() -> None:
    state = ConnectionState(lambda: datetime(2026, 12, 5, 1, 52, tzinfo=UTC))
    assert not state.record(None)
    failure = Unavailable("api.client.unreachable", url=URL, reason="refused")
    assert state.record(failure)
    assert not state.record(failure)
    assert state.record(None)


def test_probe_backoff_doubles_up_to_a_ceiling() -> None:
    delays: list[float] = []
    delay: float | None = None
    for _ in range(6):
        delay = next_probe_delay(delay, 2.0, 20.0)
        delays.append(delay)
    assert delays == [2.0, 4.0, 8.0, 16.0, 20.0, 20.0]
