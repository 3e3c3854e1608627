"""A known database for the portfolio, company and underwriter screens: the contract
suite's dataset on a SQLite file, a fixed clock, and apps opened as any of its users."""

from __future__ import annotations

import atexit
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
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
from tests.tui.pilot import settle
from tests.tui.pilot import top_screen_text as screen_text

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
    def build(engine: Engine) -> dataset.Ids:
        ids = dataset.build(engine)
        if with_rule:
            add_rule(engine, ids["A"])
        return ids

    engine, ids = copied_database(tmp_path / "screens.sqlite", f"screens-{with_rule}", build)
    return Env(engine, ids, FixedClock(dataset.NOW))


_BUILT: dict[str, tuple[Path, dataset.Ids]] = {}


def copied_database(path: Path, name: str,
                    build: Callable[[Engine], dataset.Ids]) -> tuple[Engine, dataset.Ids]:
    """A fresh copy at ``path`` of the database ``build`` fills on a migrated SQLite
    file: built once per test process under ``name``, then copied (a copy costs
    milliseconds, migrating and filling it a good part of a second)."""
    if name not in _BUILT:
        folder = Path(tempfile.mkdtemp(prefix="cofatui-tui-db-"))
        atexit.register(shutil.rmtree, folder, True)
        template = folder / f"{name}.sqlite"
        engine = make_engine(f"sqlite:///{template}")
        try:
            migrations.upgrade(engine)
            ids = build(engine)
        finally:
            engine.dispose()
        _BUILT[name] = (template, ids)
    template, ids = _BUILT[name]
    shutil.copyfile(template, path)
    return make_engine(f"sqlite:///{path}"), dataset.Ids(ids)


def add_rule(engine: Engine, contract_id: int, max_amount: int = 50_000) -> None:
    """Agréments up to ``max_amount`` are decided at once (the dataset has no rule)."""
    with Session(engine) as s:
        s.add(UnderwritingRule(contract_id=contract_id, product_code="CRL", name="small-crl",
                               min_dra=0, max_amount=Decimal(max_amount), decision="granted",
                               response_hours=48))
        s.commit()


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


__all__ = ["SIZE", "SNAP_THEMES", "Env", "add_rule", "copied_database", "make_env", "pin_utc",
           "screen_text", "settle", "themed"]
