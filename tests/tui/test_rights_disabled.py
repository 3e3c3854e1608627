"""Screens offer what the rights allow (issue 16 item 5, Pilot "actions disabled for
reader"): the NEW ACTION menu shows what the user's rights forbid disabled, with the
reason, instead of a form refused at Ctrl+S."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from cofatui.rules.products import NEW_ACTION_CODES
from cofatui.tui.features.bulk.import_screen import BulkOrdersScreen
from cofatui.tui.features.companies.detail import CompanyDetailScreen
from cofatui.tui.features.products.new_action import NewActionScreen
from tests.tui.pilot import settle, toasts
from tests.tui.products_env import (  # noqa: F401  (pin_utc is an autouse fixture)
    SIZE,
    Env,
    make_env,
    pin_utc,
    screen_text,
)


@pytest.fixture
def env(tmp_path: Path) -> Env:
    return make_env(tmp_path)


async def _menu(pilot: Pilot[Any], company_id: int) -> NewActionScreen:
    await settle(pilot)
    pilot.app.push_screen(CompanyDetailScreen(company_id))
    await settle(pilot)
    await pilot.press("a")
    await settle(pilot)
    menu = pilot.app.screen
    assert isinstance(menu, NewActionScreen)
    return menu


async def test_actions_disabled_for_reader(env: Env) -> None:
    app = env.app("reader")
    async with app.run_test(size=SIZE) as pilot:
        menu = await _menu(pilot, env.ids["alpha"])
        assert [i.code for i in menu.items if i.code in NEW_ACTION_CODES] == \
            list(NEW_ACTION_CODES)
        assert not any(i.allowed for i in menu.items)  # claims and extensions too
        assert "✗ Read-only access to contract P-A" in screen_text(app)
        await pilot.press("enter")  # nothing to choose: the menu stays
        await settle(pilot)
        assert app.screen is menu


async def test_customised_rights_disable_their_sections_only(env: Env) -> None:
    app = env.app("carol", language="fr")  # cover: full; information and claims: none
    async with app.run_test(size=SIZE) as pilot:
        menu = await _menu(pilot, env.ids["gamma"])
        allowed = {i.code: i.allowed for i in menu.items}
        assert not allowed["CCO"] and not allowed["REPORT_FULL"] and not allowed["CLAIM"]
        assert any(allowed[c] for c in ("CRL", "RLI", "ECL", "TOPLINER"))
        assert "✗ Pas de droit d’écriture sur la rubrique « information » du contrat P-A" \
            in screen_text(app)
        reasons = {i.code: i.reason for i in menu.items}
        assert "information" in reasons["CCO"] and "sinistres" in reasons["CLAIM"]


async def test_bulk_orders_refused_at_the_key_for_reader(env: Env, tmp_path: Path) -> None:
    app = env.app("reader")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.switch_to("bulk_orders")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, BulkOrdersScreen)
        screen.path = tmp_path / "orders.csv"  # never read: nothing is sent
        for key in ("c", "i"):
            await pilot.press(key)
            await settle(pilot)
            assert app.screen is screen  # no confirmation, no picker
        assert toasts(app).count("Read-only access to contract P-A") == 2
