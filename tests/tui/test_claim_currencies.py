"""A claim with EUR and USD invoices, as the policyholder and the claims handler see it:
totals per currency (never "€1,935.50"), the indemnity waiting for an exchange rate and
naming the line, the handler recording the rate and the indemnity appearing in euros."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from textual.widgets import Input

from cofatui.schemas import ClaimCreate, ClaimPublic, InvoiceLine
from cofatui.tui.app import CofaApp
from cofatui.tui.features.claims.actions import IndemnityDialog
from cofatui.tui.features.claims.rates import ExchangeRateDialog
from cofatui.tui.features.claims.wizard_steps import invoices_summary
from tests.tui.claims_env import day, type_in
from tests.tui.products_env import SIZE, Env, make_env, pin_utc, screen_text, settle
from tests.tui.test_claims_portfolio import open_detail

__all__ = ["pin_utc"]


@pytest.fixture
def env(tmp_path: Path) -> Env:
    return make_env(tmp_path)


def line(number: str, amount: str, currency: str = "EUR") -> InvoiceLine:
    return InvoiceLine(type="IN", number=number, invoice_date=day(40), due_date=day(10),
                       currency=currency, amount_excl_tax=Decimal(amount), tax=Decimal(0))


THE_ISSUE = [line("1001", "1400.00"), line("1002", "35.50"), line("1003", "500.00", "USD")]


def declare(env: Env, app: CofaApp) -> ClaimPublic:
    return app.repo.claims.submit(ClaimCreate(
        contact_name="Alice", contact_email="alice@example.test",
        contract_id=env.ids["A"], company_id=env.ids["beta"], reason="insolvency",
        invoices=THE_ISSUE))


async def test_claim_with_eur_and_usd_invoices_shows_totals_per_currency(env: Env) -> None:
    app = env.app("alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        claim = declare(env, app)
        app.switch_to("claims_portfolio")
        await settle(pilot)
        text = screen_text(app)
        assert "€1,435.50 + US$500.00" in text
        assert "1,935.50" not in text
        await open_detail(pilot, claim.id)
        text = screen_text(app)
        assert "Claim amount €1,435.50 + US$500.00 · 3 invoices" in text
        assert "1 invoice in USD waits for an exchange rate" in text
        assert "claims department converts them" in text
        assert "Exchange rate" not in text  # the handler's key only
        assert "1,935.50" not in text


async def test_handler_records_a_rate_and_the_indemnity_appears(env: Env) -> None:
    alice = env.app("alice")
    async with alice.run_test(size=SIZE) as pilot:
        await settle(pilot)
        claim = declare(env, alice)

    handler = env.app("uw")
    async with handler.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_detail(pilot, claim.id)
        assert "X: record the exchange rate" in screen_text(handler)
        # Setting the indemnity now is refused: the USD line has no rate.
        await pilot.press("i")
        await settle(pilot)
        assert isinstance(handler.screen, IndemnityDialog)
        assert "Not computable yet: 1 invoice in USD waits" in screen_text(handler)
        await pilot.press("escape")
        await settle(pilot)

        await pilot.press("x")
        await settle(pilot)
        dialog = handler.screen
        assert isinstance(dialog, ExchangeRateDialog)
        assert dialog.query_one("#rate_date", Input).value == "22/11/2026"  # declared then
        await type_in(pilot, "#rate", "1,25")  # English: a lone comma is not a decimal
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert handler.screen is dialog
        await type_in(pilot, "#rate", "1.25")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert handler.screen is screen
        assert screen.detail is not None
        text = screen_text(handler)
        assert "Claim amount €1,435.50 + US$500.00 = €1,835.50" in text
        assert "€1,651.95" in text  # covered: 90 % of 1 835.50, within the credit limit
        assert "1 EUR = 1.25 USD (22 Nov 2026, uw)" in text
        assert "waits for an exchange rate" not in text

        await pilot.press("i")
        await settle(pilot)
        assert isinstance(handler.screen, IndemnityDialog)
        await pilot.press("ctrl+s")  # blank: computed at the recorded rate
        await settle(pilot)
        assert handler.screen is screen
        assert screen.detail.claim.claim_amount == Decimal("1835.50")
        assert screen.detail.claim.calculated_indemnity == Decimal("1651.95")


async def test_wizard_review_totals_invoices_per_currency(env: Env) -> None:
    app = env.app("alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert str(invoices_summary(THE_ISSUE)) == (
            "3 invoices · total including tax €1,435.50 + US$500.00")
