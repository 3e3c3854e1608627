"""Products decided by the contract's tables, through the screens (issue 10 item 3): a DRA
flash shows the DRA it delivered and its date; an @rating cover on a DRA 2 buyer is
refused with the reason, on a DRA 8 buyer granted with the grid's amount; a guarantor
cannot be the buyer (said at the field); the underwriter's form refuses an end date
before the effective date at the field and shows a TopLiner's requested duration."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session
from textual.pilot import Pilot

from cofatui.models import Company
from cofatui.schemas import ProductRequest, QueueFilter
from cofatui.tui.features.companies.detail import CompanyDetailScreen
from cofatui.tui.features.products.actions import ProductActionsScreen
from cofatui.tui.features.products.forms import ProductFormScreen
from cofatui.tui.features.underwriter.queue import DecisionScreen
from tests.tui.pilot import type_into
from tests.tui.products_env import (  # noqa: F401  (pin_utc is an autouse fixture)
    SIZE,
    Env,
    make_env,
    pin_utc,
    screen_text,
    settle,
)
from tests.tui.test_company import open_detail


@pytest.fixture
def env(tmp_path: Path) -> Env:
    env = make_env(tmp_path, with_rule=False)
    with Session(env.engine) as s:  # when the insurer assessed the buyers used here
        s.execute(update(Company).where(Company.id.in_(  # type: ignore[union-attr]
            [env.ids["alpha"], env.ids["epsilon"]])).values(
            dra_updated_at=datetime(2026, 11, 2, 9, tzinfo=UTC)))
        s.commit()
    return env


async def order(pilot: Pilot[Any], detail: CompanyDetailScreen, code: str) -> None:
    detail.order(code)
    await settle(pilot)
    assert isinstance(pilot.app.screen, ProductFormScreen)
    await pilot.press("ctrl+s")
    await settle(pilot)


async def test_dra_flash_shows_its_value_and_date(env: Env) -> None:
    app = env.app("alice")
    async with app.run_test(size=SIZE) as pilot:
        detail = await open_detail(pilot, env.ids["alpha"])
        await order(pilot, detail, "RSC")
        assert isinstance(app.screen, CompanyDetailScreen)
        assert "DRA 7" in screen_text(app)  # the product line shows what was delivered
        flash = next(p for p in detail.detail.products if p.code == "RSC")  # type: ignore[union-attr]
        assert flash.delivered_dra == 7
        app.screen.query_one("#products").focus()
        await pilot.press("home", "enter")  # the most recent product: the DRA flash
        await settle(pilot)
        assert isinstance(app.screen, ProductActionsScreen)
        text = screen_text(app)
        assert "DRA delivered: 7 (assessed on 02 Nov 2026)" in text
        assert "Decided by: rule:dra-flash" in text


async def test_rating_cover_refused_on_dra_2_with_the_reason(env: Env) -> None:
    with Session(env.engine) as s:
        s.execute(update(Company).where(Company.id == env.ids["epsilon"]).values(dra=2))  # type: ignore[arg-type]
        s.commit()
    app = env.app("alice")
    async with app.run_test(size=SIZE) as pilot:
        detail = await open_detail(pilot, env.ids["epsilon"])
        await order(pilot, detail, "RLI")
        assert "@rating cover: refused" in " ".join(str(n.message) for n in app._notifications)
        app.screen.query_one("#products").focus()
        await pilot.press("home", "enter")
        await settle(pilot)
        text = screen_text(app)
        assert "Reason: An @rating cover needs a DRA of 3 or more." in text
        assert "Effective from" not in text  # a refusal covers nothing
        assert "Decided by: rule:rating-threshold" in text


async def test_rating_cover_on_dra_8_granted_with_the_grid_amount(env: Env) -> None:
    app = env.app("alice")
    async with app.run_test(size=SIZE) as pilot:
        detail = await open_detail(pilot, env.ids["gamma"])
        await order(pilot, detail, "RLI")
        rli = next(p for p in detail.detail.products if p.code == "RLI")  # type: ignore[union-attr]
        assert rli.decided_amount == Decimal(50000)
        assert "€50,000.00" in screen_text(app)


async def test_guarantor_cannot_be_the_buyer_itself(env: Env) -> None:
    app = env.app("alice")
    async with app.run_test(size=SIZE) as pilot:
        detail = await open_detail(pilot, env.ids["epsilon"])
        detail.order("CRL")
        await settle(pilot)
        await type_into(pilot, "#amount", "10000")
        await type_into(pilot, "#guarantor", "00000000000006")  # Epsilon's own EasyNumber
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ProductFormScreen)
        assert "The guarantor cannot be the buyer itself" in screen_text(app)


async def test_decision_form_end_date_and_topliner_duration(env: Env) -> None:
    pending = env.app("bob").repo.products.request(ProductRequest(
        contract_id=env.ids["B"], company_id=env.ids["beta"], code="TOPLINER",
        amount=Decimal(250000), duration_days=45))  # beyond the online limit: pending
    uw = env.app("uw")
    async with uw.run_test(size=SIZE) as pilot:
        await settle(pilot)
        item = next(i for i in uw.repo.underwriting.queue(QueueFilter(code="TOPLINER")).items
                    if i.product_id == pending.id)
        uw.push_screen(DecisionScreen(item))
        await settle(pilot)
        text = screen_text(uw)
        assert "Duration asked for: 45 d" in text
        await type_into(pilot, "#end_date", "21/11/2026")  # the day before today
        assert "The end date cannot be before the effective date (22 Nov 2026)" in \
            screen_text(uw)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(uw.screen, DecisionScreen)  # not sent
        await type_into(pilot, "#end_date", "31/12/2026")
        assert "cannot be before" not in screen_text(uw)
