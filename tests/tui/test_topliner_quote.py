"""A TopLiner through the screens (SPEC §5; seed 001 "Garantie TopLiner"): Bob orders one
on Beta (its Agrément was reduced), the quote shows the amount requested, the validity
period, the amount granted and the premium; "New simulation" records a refusal and opens
the form again with the same values; "Buy" makes it the active TopLiner. A quote left
unanswered is answered later from the product's actions. A bought TopLiner is listed
among the guarantees ending within 30 days, and alerts five days before its end (one
notification a day, raised when Home loads)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session
from textual.pilot import Pilot
from textual.widgets import Input

from cofatui.enums import NotificationType, ProductStatus
from cofatui.models import Product
from cofatui.schemas import NotificationFilter, ProductRequest
from cofatui.tui.features.companies.detail import CompanyDetailScreen
from cofatui.tui.features.products.actions import ProductActionsScreen
from cofatui.tui.features.products.forms import ProductFormScreen
from cofatui.tui.features.products.quote import QuoteScreen
from cofatui.tui.kit.typed_input import parse_amount
from tests.tui.products_env import (  # noqa: F401  (pin_utc is an autouse fixture)
    SIZE,
    SNAP_THEMES,
    Env,
    make_env,
    pin_utc,
    screen_text,
    settle,
    themed,
)


@pytest.fixture
def env(tmp_path: Path) -> Env:
    # Contract B's tables quote a TopLiner at once (rule topliner-online, DRA 3+ up to
    # 100,000; Beta's DRA 4 is in the 1.80 %-a-year band): an online simulation.
    return make_env(tmp_path, with_rule=False)


async def open_beta(pilot: Pilot[Any], env: Env) -> CompanyDetailScreen:
    await settle(pilot)
    pilot.app.push_screen(CompanyDetailScreen(env.ids["beta"]))
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, CompanyDetailScreen) and screen.detail is not None
    return screen


async def ask_topliner(pilot: Pilot[Any], detail: CompanyDetailScreen, amount: str,
                       days: str) -> None:
    detail.order("TOPLINER")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ProductFormScreen)
    for selector, text in (("#amount", amount), ("#duration_days", days)):
        widget = pilot.app.screen.query_one(selector, Input)
        widget.focus()
        await pilot.press(*text)
    await pilot.press("ctrl+s")
    await settle(pilot)


def topliners(env: Env) -> list[tuple[ProductStatus, Any, Any]]:
    repo = env.app("bob").repo
    return [(p.status, p.requested_amount, p.duration_days)
            for p in repo.products.of_company(env.ids["B"],
                                              env.ids["beta"]) if p.code == "TOPLINER"]


async def test_quote_new_simulation_keeps_the_values_then_buy(env: Env) -> None:
    app = env.app("bob")
    async with app.run_test(size=SIZE) as pilot:
        detail = await open_beta(pilot, env)
        await ask_topliner(pilot, detail, "60000", "60")
        assert isinstance(app.screen, QuoteScreen)
        text = screen_text(app)
        assert "TopLiner quote — Beta Maschinenbau GmbH" in text
        assert "Amount requested:" in text and "Amount granted:" in text
        assert "Amount requested:          €60,000.00" in text
        assert "Validity period:" in text and "(60 days)" in text
        assert "Amount invoiced (premium): €177.53" in text  # DRA 4: 1.80 %, 60 days
        assert "valid until" in text

        await pilot.press("n")  # New simulation
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ProductFormScreen) and form.code == "TOPLINER"
        assert parse_amount(form.query_one("#amount", Input).value) == 60000  # as typed
        assert form.query_one("#duration_days", Input).value == "60"
        assert topliners(env) == [(ProductStatus.REFUSED, 60000, 60)]

        # The same values, one more day: a new quote.
        form.query_one("#duration_days", Input).value = "61"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, QuoteScreen)
        assert "(61 days)" in screen_text(app)
        await pilot.press("b")  # Buy
        await settle(pilot)
        assert isinstance(app.screen, CompanyDetailScreen)
        assert "TopLiner bought" in " ".join(str(n.message) for n in app._notifications)
        assert sorted(topliners(env)) == sorted([(ProductStatus.REFUSED, 60000, 60),
                                                 (ProductStatus.GRANTED, 60000, 61)])


async def test_quote_answered_later_from_the_product_actions(env: Env) -> None:
    app = env.app("bob")
    async with app.run_test(size=SIZE) as pilot:
        detail = await open_beta(pilot, env)
        await ask_topliner(pilot, detail, "40000", "30")
        assert isinstance(app.screen, QuoteScreen)
        await pilot.press("escape")  # answer later: the quote waits
        await settle(pilot)
        assert isinstance(app.screen, CompanyDetailScreen)
        assert "quote" in screen_text(app)
        pilot.app.screen.query_one("#products").focus()
        await pilot.press("home", "enter")  # the most recent product: the quote
        await settle(pilot)
        actions = app.screen
        assert isinstance(actions, ProductActionsScreen)
        text = screen_text(app)
        assert "Quote valid until:" in text and "Premium:" in text
        assert "Delete" not in text
        await pilot.press("n")  # New simulation, from the actions
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ProductFormScreen)
        assert parse_amount(form.query_one("#amount", Input).value) == 40000  # as typed
        assert topliners(env) == [(ProductStatus.REFUSED, 40000, 30)]


async def test_bought_topliner_alerts_five_days_before_its_end(env: Env) -> None:
    repo = env.app("bob").repo
    quote = repo.products.request(ProductRequest(
        contract_id=env.ids["B"], company_id=env.ids["beta"], code="TOPLINER",
        amount=Decimal(30000), duration_days=30))
    bought = repo.products.answer_topliner_quote(quote.id, "buy", quote.version)
    ending = repo.products.ending_guarantees(env.ids["B"], 30).items
    assert any(g.product_id == bought.id for g in ending)
    alert = "TopLiner ends in 4 days (26 Nov 2026)"

    def alerts() -> list[str]:
        ends = NotificationFilter(type=NotificationType.END_OF_COVER.value)
        notes = repo.notifications.rows(ends)
        return [n.title for n in notes.items if n.title.startswith(alert)]

    app = env.app("bob")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
    assert alerts() == []  # 30 days left: no alert yet
    with Session(env.engine) as s:  # time passes: four days are left
        s.execute(update(Product).where(Product.id == bought.id).values(  # type: ignore[arg-type]
            end_date=env.clock.today() + timedelta(days=4)))
        s.commit()
    for _ in range(2):  # Home raises the day's alert once, as a notification
        app = env.app("bob")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
    assert len(alerts()) == 1


@pytest.mark.parametrize("theme", SNAP_THEMES)
def test_snapshot_topliner_quote(snap_compare: Any, env: Env, theme: str) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        detail = await open_beta(pilot, env)
        await ask_topliner(pilot, detail, "60000", "60")
        assert isinstance(pilot.app.screen, QuoteScreen)

    assert snap_compare(themed(env.app("bob"), theme), terminal_size=SIZE,
                        run_before=run_before)
