"""Amounts typed in forms, per UI language and contract currency (issue 10 items 4-5): on
a USD contract the credit-limit form says "Amount (USD)", echoes what it understood
before Ctrl+S, and "50,000" typed in English is a request for 50 000 USD — not €50.00."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from sqlmodel import col
from textual.pilot import Pilot
from textual.widgets import Static

from cofatui.clock import FixedClock
from cofatui.config import Settings
from cofatui.models import Contract, Product
from cofatui.repository.sql import SqlRepository
from cofatui.schemas import PortfolioCriteria
from cofatui.tui.app import CofaApp
from cofatui.tui.features.companies.detail import CompanyDetailScreen
from cofatui.tui.features.companies.fields import CustomFieldsScreen
from cofatui.tui.features.portfolio.criteria import PortfolioCriteriaScreen
from cofatui.tui.features.products.forms import ProductFormScreen
from cofatui.tui.kit.amount_field import AmountField
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

NNBSP, NBSP = "\u202f", "\u00a0"


@pytest.fixture
def env(tmp_path: Path) -> Env:
    """The dataset with contract B (Bob's) in US dollars."""
    env = make_env(tmp_path)
    with Session(env.engine) as s:
        s.execute(update(Contract).where(col(Contract.id) == env.ids["B"]).values(currency="USD"))
        s.commit()
    return env


async def credit_limit_form(pilot: Pilot[Any], company_id: int) -> ProductFormScreen:
    detail = await open_detail(pilot, company_id)
    detail.order("CRL")
    await settle(pilot)
    form = pilot.app.screen
    assert isinstance(form, ProductFormScreen)
    return form


def requested(env: Env, company: str) -> Product:
    with Session(env.engine) as s:
        return s.execute(select(Product).where(
            col(Product.contract_id) == env.ids["B"], col(Product.company_id) == env.ids[company],
            col(Product.code) == "CRL")).scalars().one()


@pytest.mark.parametrize(("language", "label", "typed", "echo"), [
    ("en", "Amount (USD)", "50,000", "= US$50,000.00"),
    ("fr", "Montant (USD)", "50 000", f"= 50{NNBSP}000,00{NBSP}$US"),
])
async def test_usd_credit_limit_typed_as_the_language_writes_it(
        env: Env, language: str, label: str, typed: str, echo: str) -> None:
    app = env.app("bob", language)
    async with app.run_test(size=SIZE) as pilot:
        form = await credit_limit_form(pilot, env.ids["gamma"])
        assert form.query_one("#amount-field", AmountField).currency == "USD"
        assert label in screen_text(app) and "EUR" not in screen_text(app)
        await type_into(pilot, "#amount", typed)
        assert echo in screen_text(app)  # understood before Ctrl+S
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, ProductFormScreen)
    product = requested(env, "gamma")
    assert (product.requested_amount, product.currency) == (Decimal(50000), "USD")


async def test_english_grouping_is_refused_in_french_not_read_as_fifty(env: Env) -> None:
    app = env.app("bob", "fr")
    async with app.run_test(size=SIZE) as pilot:
        form = await credit_limit_form(pilot, env.ids["gamma"])
        await type_into(pilot, "#amount", "50,000")
        text = screen_text(app)
        assert "virgule" in text and "50 000" in text and "50000,00" in text
        assert str(form.query_one("#amount-echo", Static).render()) == ""
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form  # nothing was sent
    with Session(env.engine) as s:
        assert s.execute(select(Product).where(
            col(Product.contract_id) == env.ids["B"],
            col(Product.company_id) == env.ids["gamma"])).first() is None


async def test_custom_field_amounts_are_in_the_contracts_currency(env: Env) -> None:
    app = env.app("bob", "en")
    async with app.run_test(size=SIZE) as pilot:
        await open_detail(pilot, env.ids["epsilon"])
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, CustomFieldsScreen)
        await type_into(pilot, "#outstanding_amount", "12,500")
        text = screen_text(app)
        assert "Total outstanding amount (USD)" in text and "= US$12,500.00" in text
        assert "€" not in text
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CompanyDetailScreen)
        assert app.screen.detail is not None
        assert app.screen.detail.outstanding_amount == Decimal(12500)
        assert "US$12,500.00" in screen_text(app)


async def test_portfolio_criteria_in_the_contracts_currency_and_the_users_date_order(
        env: Env) -> None:
    repo = SqlRepository(env.engine, "bob", env.clock)
    app = CofaApp(repo, Settings(language="en", date_order="MDY"),
                  clock=FixedClock(env.clock.now()))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        chosen: list[PortfolioCriteria | None] = []
        app.push_screen(PortfolioCriteriaScreen(), chosen.append)
        await settle(pilot)
        panel = app.screen
        assert isinstance(panel, PortfolioCriteriaScreen)
        text = screen_text(app)
        assert "Decision amount from (USD)" in text and "mm/dd/yyyy" in text
        await type_into(pilot, "#amount_min", "50,000")
        await type_into(pilot, "#date_from", "12/31/2026")
        await type_into(pilot, "#date_to", "31/12/2026")  # day first: not this user's order
        text = screen_text(app)
        assert "= US$50,000.00" in text and "not a real date (mm/dd/yyyy)" in text
        await type_into(pilot, "#date_to", "2027-01-31")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, PortfolioCriteriaScreen)
    criteria = chosen[0]
    assert criteria is not None and criteria.amount_min == Decimal(50000)
    assert (criteria.date_from, criteria.date_to) == (date(2026, 12, 31), date(2027, 1, 31))
