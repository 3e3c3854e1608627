"""A known database for the portfolio, company and underwriter screens: the contract
suite's dataset on a SQLite file, a fixed clock, and apps opened as any of its users."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from cofatui import migrations
from cofatui.clock import FixedClock
from cofatui.config import Settings
from cofatui.models import UnderwritingRule
from cofatui.repository.sql import SqlRepository, make_engine
from cofatui.tui.app import CofaApp
from tests.contract import dataset

SIZE = (120, 40)


@dataclass
class Env:
    engine: Engine
    ids: dataset.Ids
    clock: FixedClock

    def app(self, login: str = "alice", language: str = "en") -> CofaApp:
        repo = SqlRepository(self.engine, login, self.clock)
        return CofaApp(repo, Settings(language=language), clock=self.clock)  # type: ignore[arg-type]


def make_env(tmp_path: Path, with_rule: bool = True) -> Env:
    engine = make_engine(f"sqlite:///{tmp_path / 'screens.sqlite'}")
    migrations.upgrade(engine)
    ids = dataset.build(engine)
    if with_rule:
        add_rule(engine, ids["A"])
    return Env(engine, ids, FixedClock(dataset.NOW))


def add_rule(engine: Engine, contract_id: int, max_amount: int = 50_000) -> None:
    """Agréments up to ``max_amount`` are decided at once (the dataset has no rule)."""
    with Session(engine) as s:
        s.add(UnderwritingRule(contract_id=contract_id, product_code="CRL", name="small-crl",
                               min_dra=0, max_amount=Decimal(max_amount), decision="granted",
                               response_hours=48))
        s.commit()


async def settle(pilot) -> None:  # type: ignore[no-untyped-def]
    """Let workers finish and the screen repaint (twice: a worker may start another)."""
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    await pilot.pause(0.05)  # one more refresh, so the compositor shows the new layout


def screen_text(app: CofaApp) -> str:
    """What the terminal shows, as plain text (for assertions on what users read)."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(seg.text for seg in strip) for strip in strips)


SNAP_THEMES = ["cofatui-dark", "cofatui-light"]


def themed(app: CofaApp, theme: str) -> CofaApp:
    """The shipped theme, or Textual's own before the shell registers it."""
    fallback = "textual-light" if "light" in theme else "textual-dark"
    app.theme = theme if theme in app.available_themes else fallback
    return app


@pytest.fixture(autouse=True)
def pin_utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Times are shown in local time: pin it so texts and snapshots are stable.
    (Import this fixture into a test module to use it there.)"""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()
