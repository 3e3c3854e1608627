"""CRS off (issue 16 item 9): a delivered report shows the company's Coface reference
only when the account's "Show Coface reference" preference is on, as the company page
does."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.models import Company
from cofatui.repository.sql import SqlRepository
from cofatui.schemas_preferences import PreferencesUpdate
from cofatui.tui.features.products.report import ReportScreen
from tests.tui.products_env import (  # noqa: F401  (pin_utc is an autouse fixture)
    SIZE,
    Env,
    make_env,
    pin_utc,
    screen_text,
    settle,
)

CRS = "CRS-4242"


@pytest.fixture
def env(tmp_path: Path) -> Env:
    env = make_env(tmp_path)
    with Session(env.engine) as s:
        s.execute(update(Company).where(col(Company.id) == env.ids["alpha"])
                  .values(coface_reference=CRS))
        s.commit()
    return env


async def _report_text(env: Env) -> str:
    app = env.app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        detail = app.repo.products.company_detail(env.ids["A"], env.ids["alpha"])
        report = detail.products[0].model_copy(update={"code": "REPORT_INSTANT",
                                                       "language": "en"})
        app.push_screen(ReportScreen(detail, report))
        await settle(pilot)
        return screen_text(app)


@pytest.mark.parametrize("shown", [False, True])
async def test_the_coface_reference_follows_the_accounts_preference(env: Env,
                                                                   shown: bool) -> None:
    repo = SqlRepository(env.engine, "alice", env.clock)
    version = repo.notifications.preferences().version
    repo.notifications.save_preferences(PreferencesUpdate(version=version,
                                                          show_crs_number=shown))
    text = await _report_text(env)
    assert "Easy number" in text or "EasyNumber" in text
    assert (CRS in text) is shown
