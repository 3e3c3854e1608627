"""Insurer staff reach their work from the keyboard: the underwriter opens the pending
extensions from the command palette and decides one; the claims handler opens the
claims portfolio from the palette, sees the policyholder's pending claim and opens it.
A policyholder's palette offers neither queue."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from textual.command import Command, CommandList, CommandPalette
from textual.pilot import Pilot

from cofatui.schemas import ExtensionCreate, ExtensionInvoiceLine, PlanLineInput
from cofatui.tui.app import CofaApp
from cofatui.tui.features.claims.claims_portfolio import ClaimsPortfolioScreen
from cofatui.tui.features.claims.detail import ClaimDetailScreen
from cofatui.tui.features.extensions.lists import ExtensionDecisionScreen, ExtensionQueueScreen
from tests.contract.dataset import TODAY
from tests.tui.claims_env import submit_claim
from tests.tui.products_env import SIZE, Env, make_env, pin_utc, screen_text, settle

__all__ = ["pin_utc"]


@pytest.fixture
def env(tmp_path: Path) -> Env:
    return make_env(tmp_path)


async def palette(pilot: Pilot[Any], typed: str) -> set[str]:
    """Open the palette, type ``typed``; what it offers."""
    await pilot.press("ctrl+p")
    await pilot.pause(0.3)
    await settle(pilot)
    assert CommandPalette.is_open(pilot.app)
    await pilot.press(*typed)
    await pilot.pause(0.5)
    options = pilot.app.screen.query_one(CommandList)
    return {str(option.hit.text) for i in range(options.option_count)
            if isinstance(option := options.get_option_at_index(i), Command)}


def pending_extension(env: Env, app: CofaApp) -> None:
    """Beyond the DMC (90 days): it waits for the underwriter."""
    app.repo.extensions.request(ExtensionCreate(
        contract_id=env.ids["A"], company_id=env.ids["beta"], reason="Cash flow",
        invoices=[ExtensionInvoiceLine(number="F-9", invoice_date=TODAY - timedelta(days=30),
                                       due_date=TODAY + timedelta(days=15),
                                       amount=Decimal("500.00"))],
        plan=[PlanLineInput(due_date=TODAY + timedelta(days=120), amount=Decimal("500.00"))]))


async def test_underwriter_opens_the_pending_extensions_from_the_palette(env: Env) -> None:
    alice = env.app("alice")
    async with alice.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pending_extension(env, alice)
        claim = submit_claim(env, alice)
        offered = await palette(pilot, "pending")
        assert "Open the pending extensions of due date" not in offered

    uw = env.app("uw")
    async with uw.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "Open the pending extensions of due date" in await palette(pilot, "pending ext")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(uw.screen, ExtensionQueueScreen)
        assert "Beta Maschinenbau GmbH" in screen_text(uw)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(uw.screen, ExtensionDecisionScreen)
        await pilot.press("escape")
        await settle(pilot)

        # The claims handler: the claims portfolio, the pending claim, its detail.
        assert "Go to the claims portfolio" in await palette(pilot, "claims portfolio")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(uw.screen, ClaimsPortfolioScreen)
        assert claim.reference is not None and claim.reference in screen_text(uw)
        await pilot.press("enter")
        await settle(pilot)
        detail = uw.screen
        assert isinstance(detail, ClaimDetailScreen) and detail.claim_id == claim.id
        assert "Validate lines" in screen_text(uw)
