"""Shared TUI fixtures: a CofaApp on a small deterministic demo database.

The demo database (60 companies, seed 1, fixed clock) is generated once per session
and copied for each test, so tests may write to it. Settings are isolated by
``tests/conftest.py`` (COFATUI_CONFIG_DIR per test).

``make_app(**settings)`` builds the real app; ``probe_app`` has a small test screen as
its base screen (a filter, a selection, one binding) so the shell can be tested
without depending on what the home screen shows.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

import pytest
import textual._wait as _textual_wait
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from cofatui import migrations
from cofatui.clock import FixedClock
from cofatui.config import Settings
from cofatui.repository.sql import SqlRepository, make_engine
from cofatui.tui import navigation
from cofatui.tui.app import CofaApp, ContractChanged, LanguageChanged
from cofatui.tui.kit.delays import DELAYS
from cofatui.tui.kit.header import AppHeader

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
LOGIN = "demo"


#: The app's delays in tests: no debounce, no count delay, drafts written at once (a
#: timer cannot be 0: tests/tui/pilot.py drafts_written waits for them), a
#: followed job looked at often. (The header's unread poll and the countdown ticks stay:
#: nothing waits on them but the tests that set them.)
QUICK_DELAYS = {"filter_debounce": 0.0, "count": 0.0, "draft": 0.001, "job_poll": 0.02,
                "probe_first": 0.02, "probe_max": 0.1}


@pytest.fixture(autouse=True)
def quick_delays(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests wait for what they expect (``tests/tui/pilot.py``: settle, wait_until),
    never through a delay made for people typing."""
    for name, seconds in QUICK_DELAYS.items():
        monkeypatch.setattr(DELAYS, name, seconds)


@pytest.fixture(autouse=True)
def steady_cursor(monkeypatch: pytest.MonkeyPatch) -> None:
    """Text cursors do not blink in tests: a snapshot taken mid-blink would differ from
    one taken a moment later, whatever the code does."""
    original = Input.__init__

    def init(self: Input, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        self.cursor_blink = False

    monkeypatch.setattr(Input, "__init__", init)


@pytest.fixture(scope="session")
def demo_db_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from cofatui.demo.generator import generate_demo

    path = tmp_path_factory.mktemp("demo-db") / "demo.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    try:
        migrations.upgrade(engine)
        generate_demo(engine, companies=60, seed=1, clock=FixedClock(NOW))
    finally:
        engine.dispose()
    return path


@pytest.fixture
def demo_db(demo_db_template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "demo.sqlite"
    shutil.copyfile(demo_db_template, path)
    return path


@pytest.fixture
def repo(demo_db: Path) -> Iterator[SqlRepository]:
    engine = make_engine(f"sqlite:///{demo_db}")
    try:
        yield SqlRepository(engine, LOGIN, FixedClock(NOW))
    finally:
        engine.dispose()


@pytest.fixture
def make_app(repo: SqlRepository) -> Callable[..., CofaApp]:
    """``make_app(theme=..., language=...)``: the app with these settings (English and
    the dark theme unless told otherwise)."""

    def build(**settings: Any) -> CofaApp:
        settings.setdefault("language", "en")
        return CofaApp(repo, Settings(**settings), clock=FixedClock(NOW))

    return build


class ProbeScreen(Screen[None]):
    """A base screen with the conventions the shell relies on."""

    TITLE = "probe.title"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "reload", "probe.reload", id="probe.reload"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.reloads = 0
        self.events: list[Message] = []

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Input(id="filter")
        yield SelectionProbe("Foo [UK] Ltd\x1b[2J", id="probe", markup=False)
        yield Footer()

    def action_reload(self) -> None:
        self.reloads += 1

    def on_contract_changed(self, event: ContractChanged) -> None:
        self.events.append(event)

    def on_language_changed(self, event: LanguageChanged) -> None:
        self.events.append(event)


class SelectionProbe(Static, can_focus=True):
    def selection_text(self) -> str:
        return "Foo [UK] Ltd\x1b[2J\t42"


@pytest.fixture
def probe_app(make_app: Callable[..., CofaApp],
              monkeypatch: pytest.MonkeyPatch) -> Callable[..., CofaApp]:
    monkeypatch.setitem(navigation.SCREENS_BY_NAME, "home", ProbeScreen)
    return make_app


@pytest.fixture
def shell_only_app(probe_app: Callable[..., CofaApp],
                   monkeypatch: pytest.MonkeyPatch) -> Callable[..., CofaApp]:
    """The probe app with only the shell's screens registered: what it shows (the
    keymap list of the settings) does not change when other screens are added. For
    snapshots."""
    registry = {name: navigation.SCREENS_BY_NAME[name] for name in ("home", "settings", "help")}
    monkeypatch.setattr(navigation, "SCREENS_BY_NAME", registry)
    monkeypatch.setattr(navigation, "SCREENS", {})
    monkeypatch.setattr(navigation, "OPENERS", {})
    return probe_app


# Textual's pilot waits for the app to be idle after every key it presses and every
# pause: it sleeps in steps of ``SLEEP_GRANULARITY`` (20 ms) until a step passes with
# almost no CPU used (``SLEEP_IDLE``, a twentieth of a step), twice per key. A test that
# types a path or an e-mail spent most of its time asleep there (a 20-second claim-import
# test used 6 s of CPU; 30 keys took 1.9 s). Steps of 5 ms keep the same test of
# idleness (under a twentieth of the step busy) and cut the TUI tests' time by about a
# third; 2 ms steps judged the app idle between a worker's reads and a test failed.
IDLE_STEP_SECONDS = 0.005
_textual_wait.SLEEP_GRANULARITY = IDLE_STEP_SECONDS
_textual_wait.SLEEP_IDLE = IDLE_STEP_SECONDS / 20.0
