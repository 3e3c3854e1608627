"""Turnover declarations (issue 17, acceptance "Snapshots"): the declaration per debtor
(on sales, amounts typed and one unsaved) and per country (on outstanding, with the
outstanding column), the list of declarations in Tools, and the back-office tab."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from textual.pilot import Pilot

from cofatui.enums import TurnoverBreakdown
from cofatui.schemas_turnover import TurnoverLineIn, TurnoverUpdate
from cofatui.tui.navigation import open_screen
from tests.contract import dataset
from tests.tui.pilot import settle, wait_until
from tests.tui.products_env import themed
from tests.tui.test_turnover import (
    SIZE,
    engine,
    make_app,
    open_declaration,
    repo,
    request,
    sent_per_country,
    type_amount,
    utc,
)

__all__ = ["engine", "utc"]


@pytest.mark.parametrize("breakdown", [TurnoverBreakdown.DEBTOR, TurnoverBreakdown.COUNTRY])
def test_snapshot_declaration(snap_compare: Any, engine: tuple[Engine, dataset.Ids],
                              breakdown: TurnoverBreakdown) -> None:
    eng, ids = engine
    basis = "sales" if breakdown == TurnoverBreakdown.DEBTOR else "outstanding"
    made = request(eng, ids, breakdown, basis=basis)
    alice = repo(eng, "alice")
    first = alice.turnover.lines(made.id, 0, 50).items[0]
    key = ({"company_id": first.company_id} if breakdown == TurnoverBreakdown.DEBTOR
           else {"country": first.country})
    alice.turnover.update(made.id, TurnoverUpdate(version=made.version, lines=[
        TurnoverLineIn(**key, amount=Decimal("125000.50"), currency="USD")]))
    app = themed(make_app(eng), "cofatui-dark")

    async def run_before(pilot: Pilot[Any]) -> None:
        screen = await open_declaration(pilot, made.id)
        await type_amount(pilot, screen, 1, "4200")
        pilot.app.set_focus(None)  # no cursor blinking in a field
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_snapshot_list(snap_compare: Any, engine: tuple[Engine, dataset.Ids]) -> None:
    eng, ids = engine
    sent_per_country(eng, ids, "EUR")
    app = themed(make_app(eng), "cofatui-dark")

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        open_screen(pilot.app, "turnover_declarations")
        await wait_until(pilot, lambda: "Sent" in str(pilot.app.screen.query_one(
            "#tv-list").render_line(1).text) if pilot.app.screen.query("#tv-list") else False,
            what="the list")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_snapshot_back_office(snap_compare: Any, engine: tuple[Engine, dataset.Ids]) -> None:
    eng, ids = engine
    request(eng, ids, TurnoverBreakdown.DEBTOR)
    app = themed(make_app(eng, "uw"), "cofatui-dark")

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        pilot.app.switch_to("underwriter_queue")  # type: ignore[attr-defined]
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
