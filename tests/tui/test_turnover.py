"""The turnover declaration in the TUI (issue 17 item 3, acceptance "Pilot"): opened
from its notification (through the opener the notifications route Enter to), a grid of
9 pages walked to page 3 with PgDn, amounts typed and saved (only the changed lines),
"nothing to declare" refused while an amount is set, Send asking first (the lines
without amount named) then freezing the form; the list in Tools; the back-office tab."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session
from textual.pilot import Pilot
from textual.widgets import Checkbox, Input

from cofatui.clock import FixedClock
from cofatui.config import Settings
from cofatui.enums import TurnoverBreakdown, TurnoverStatus
from cofatui.models import Company
from cofatui.repository.sql import SqlRepository
from cofatui.schemas_turnover import (
    TurnoverDeclarationPublic,
    TurnoverLineIn,
    TurnoverRequestIn,
    TurnoverUpdate,
)
from cofatui.repository.sql.companies import name_key
from cofatui.tui.app import CofaApp
from cofatui.tui.features.turnover.declaration import DeclarationScreen
from cofatui.tui.kit.dialog import ConfirmScreen
from cofatui.tui.navigation import open_screen
from tests.contract import dataset
from tests.tui.pilot import screen_text, settle, wait_until
from tests.tui.products_env import copied_database
from tests.tui.test_notifications import pin_utc

SIZE = (120, 40)
#: Companies added so that a per-debtor declaration spans 9 pages of 50.
EXTRA_DEBTORS = 420
PERIOD = (date(2026, 8, 1), date(2026, 10, 31))


@pytest.fixture(autouse=True)
def utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    yield from pin_utc(monkeypatch)


def _build(engine: Engine) -> dataset.Ids:
    ids = dataset.build(engine)
    with Session(engine) as s:
        for n in range(EXTRA_DEBTORS):
            name = f"Zeta Debtor {n:03d}"
            company = Company(name=name, name_key=name_key(name), country="FR",
                              easy_number=f"9{n:013d}", city="Lyon", address="2 rue Z",
                              postal_code="69001", updated_at=dataset.NOW)
            s.add(company)
            s.flush()
            ids[f"zeta{n}"] = company.id  # type: ignore[assignment]
        s.commit()
    return ids


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[tuple[Engine, dataset.Ids]]:
    eng, ids = copied_database(tmp_path / "tv.sqlite", "turnover_tui", _build)
    yield eng, ids
    eng.dispose()


def repo(engine: Engine, login: str) -> SqlRepository:
    return SqlRepository(engine, login, FixedClock(dataset.NOW))


def make_app(engine: Engine, login: str = "alice", **settings: Any) -> CofaApp:
    settings.setdefault("language", "en")
    clock = FixedClock(dataset.NOW)
    app = CofaApp(SqlRepository(engine, login, clock), Settings(**settings))
    app.clock = clock
    return app


def request(engine: Engine, ids: dataset.Ids, breakdown: TurnoverBreakdown,
            basis: str = "sales", many: bool = False) -> TurnoverDeclarationPublic:
    """A request by the underwriter; ``many``: 420 more debtors added (9 pages)."""
    made = repo(engine, "uw").turnover.request(TurnoverRequestIn(
        contract_id=ids["A"], period_start=PERIOD[0], period_end=PERIOD[1],
        label="Q3 2026", basis=basis, breakdown=breakdown))  # type: ignore[arg-type]
    alice = repo(engine, "alice")
    alice.turnover.lines(made.id, 0, 50)  # the pre-fill
    if many:
        made = alice.turnover.get(made.id)
        alice.turnover.update(made.id, TurnoverUpdate(version=made.version, lines=[
            TurnoverLineIn(company_id=ids[f"zeta{n}"]) for n in range(EXTRA_DEBTORS)]))
    return alice.turnover.get(made.id)


async def open_declaration(pilot: Pilot[Any], declaration_id: int) -> DeclarationScreen:
    await settle(pilot)
    open_screen(pilot.app, "turnover_declaration", declaration_id)
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, DeclarationScreen),
                     what="the declaration")
    await settle(pilot)
    assert isinstance(pilot.app.screen, DeclarationScreen)
    return pilot.app.screen


async def test_opened_from_its_notification_with_nine_pages(
        engine: tuple[Engine, dataset.Ids]) -> None:
    eng, ids = engine
    made = request(eng, ids, TurnoverBreakdown.DEBTOR, many=True)
    assert made.notification_id is not None
    app = make_app(eng)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_declaration(pilot, made.id)
        text = screen_text(app)
        assert "Q3 2026" in text and "P-A" in text and "Per debtor" in text
        assert f"no. {made.notification_id}" in text
        assert "page 1/9" in text
        await pilot.press("pagedown", "pagedown")
        await wait_until(pilot, lambda: screen.page == 2, what="page 3")
        await settle(pilot)
        assert "page 3/9" in screen_text(app)
        names = [row.line.company_name for row in screen.query_one("#tv-grid").rows()
                 if row.line is not None]
        assert len(names) == 50 and names == sorted(names)
        await pilot.press("pageup")
        await wait_until(pilot, lambda: screen.page == 1, what="page 2")
        assert "page 2/9" in screen_text(app)
