"""The company page as the preferences want it (issue 16 item 9): the Coface reference
only with "Show Coface reference" on; with "Show non-Latin names" on, the name, address
and city in the company's own script beside the Latin ones, aligned whatever the
characters' width (snapshots: a Chinese and a Greek company)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len
from sqlalchemy import update
from sqlmodel import col
from textual.pilot import Pilot

from cofatui.config import Settings
from cofatui.models import Company
from cofatui.repository.sql import SqlRepository
from cofatui.schemas_preferences import PreferencesUpdate
from cofatui.tui.app import CofaApp
from tests.tui.products_env import (  # noqa: F401  (pin_utc is an autouse fixture)
    SIZE,
    Env,
    make_env,
    pin_utc,
    screen_text,
    settle,
)
from tests.tui.test_company import open_detail

LOCAL = {
    "chinese": ("宝利实业有限公司", "中山路160号", "深圳", "No. 160 Zhongshan Road", "Shenzhen"),
    "greek": ("Τρόφιμα Αθηνά Α.Ε.", "Εγνατία 89", "Πάτρα", "Egnatia 89", "Patra"),
}


@pytest.fixture
def env(tmp_path: Path) -> Env:
    return make_env(tmp_path)


def localised(env: Env, script: str) -> int:
    name, address_local, city_local, address, city = LOCAL[script]
    company_id = env.ids["alpha"]
    with env.engine.begin() as conn:
        conn.execute(update(Company).where(col(Company.id) == company_id).values(
            name_local=name, address_local=address_local, city_local=city_local,
            address=address, city=city, coface_reference="000ABC123"))
    return company_id


def app_with(env: Env, **settings: Any) -> CofaApp:
    repo = SqlRepository(env.engine, "alice", env.clock)
    return CofaApp(repo, Settings(language="en", **settings), clock=env.clock)


async def test_crs_off_hides_the_coface_reference(env: Env) -> None:
    company_id = localised(env, "greek")
    async with app_with(env).run_test(size=SIZE) as pilot:
        await open_detail(pilot, company_id)
        text = screen_text(pilot.app)
        assert "000ABC123" not in text and "Τρόφιμα" not in text
    # The account holds the preference (the settings file was imported at the first
    # start): switched on there, the next start shows the reference.
    repo = SqlRepository(env.engine, "alice", env.clock)
    prefs = repo.notifications.preferences()
    repo.notifications.save_preferences(PreferencesUpdate(
        **{**prefs.model_dump(), "show_crs_number": True}))
    async with app_with(env).run_test(size=SIZE) as pilot:
        await open_detail(pilot, company_id)
        assert "000ABC123" in screen_text(pilot.app)


async def test_non_latin_on_shows_the_local_script_aligned(env: Env) -> None:
    company_id = localised(env, "chinese")
    async with app_with(env, show_non_latin_names=True).run_test(size=SIZE) as pilot:
        screen = await open_detail(pilot, company_id)
        assert "宝利实业有限公司" in screen_text(pilot.app)
        assert screen.detail is not None
        lines = [line for line in screen._info(screen.detail).plain.splitlines()
                 if "│" in line]
        assert len(lines) == 3  # name, address and city, each beside its Latin form
        bars = {cell_len(line[:line.index("│")]) for line in lines}
        assert len(bars) == 1  # the local column starts at the same cell on each line


@pytest.mark.parametrize("script", sorted(LOCAL))
def test_snapshot_company_page_in_its_own_script(snap_compare: Any, env: Env,
                                                 script: str) -> None:
    company_id = localised(env, script)

    async def run_before(pilot: Pilot[Any]) -> None:
        await open_detail(pilot, company_id)

    app = app_with(env, show_non_latin_names=True, show_crs_number=True)
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
