"""Issue 10 item 6 as a user meets it: a claim declared through the wizard within the
deadline an active extension of due date moved (an invoice the extension did not move
is refused at its line); the claims handler opens the claims queue from the underwriting
queue, filters it, and opens a claim with Enter; the palette offers the queue to the
handler only."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Select

from cofatui.schemas import (
    ClaimCreate,
    ExtensionCreate,
    ExtensionInvoiceLine,
    InvoiceLine,
    PlanLineInput,
)
from cofatui.tui.app import CofaApp
from cofatui.tui.features.claims.detail import ClaimDetailScreen
from cofatui.tui.features.claims.line_dialogs import InvoiceLineDialog
from cofatui.tui.features.claims.queue import ClaimsQueueScreen
from cofatui.tui.features.underwriter.queue import UnderwriterQueueScreen
from cofatui.tui.kit.line_import import ImportFileDialog, ImportGridScreen
from cofatui.tui.kit.virtual_list import VirtualList
from tests.tui.claims_env import (
    add_invoice,
    day,
    fill_to_invoices,
    next_step,
    open_wizard,
    type_in,
)
from tests.tui.products_env import SIZE, Env, make_env, pin_utc, screen_text, settle
from tests.tui.test_handler_navigation import palette

__all__ = ["pin_utc"]


@pytest.fixture
def env(tmp_path: Path) -> Env:
    return make_env(tmp_path)


def flat(app: CofaApp) -> str:
    """The screen's text with its lines joined (a long message wraps)."""
    return " ".join(screen_text(app).split())


def extension_moving_1001(env: Env, app: CofaApp) -> None:
    """Invoice 1001, 160 days old (its deadline passed 10 days ago), its due date moved
    10 days: within the DMC, so the extension is active at once."""
    invoice_date, due = day(160), day(130)
    extension = app.repo.extensions.request(ExtensionCreate(
        contract_id=env.ids["A"], company_id=env.ids["beta"], reason="Cash flow",
        invoices=[ExtensionInvoiceLine(number="1001", invoice_date=invoice_date, due_date=due,
                                       amount=Decimal("1200.00"))],
        plan=[PlanLineInput(due_date=due + timedelta(days=10), amount=Decimal("1200.00"))]))
    assert extension.status == "active"


async def test_claim_declared_within_an_extensions_moved_deadline_through_the_wizard(
        env: Env) -> None:
    app = env.app("alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        extension_moving_1001(env, app)
        wizard = await open_wizard(pilot, env)
        await fill_to_invoices(pilot)
        assert "An active extension of due date moves the deadline of invoice 1001." in \
            flat(app)
        # An invoice of the same date the extension did not move: too late, at its line.
        await add_invoice(pilot, "1003", day(160), day(130), "1000.00", "200.00")
        dialog = app.screen
        assert isinstance(dialog, InvoiceLineDialog)
        assert "Too late to declare" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        await add_invoice(pilot, "1001", day(160), day(130), "1000.00", "200.00")
        assert app.screen is wizard and wizard.state is not None
        assert [i.number for i in wizard.state.invoices] == ["1001"]
        text = flat(app)
        assert "Declare by 22 Nov 2026: 0 days left" in text
        assert "moved 10 days by the extension of due date" in text
        await next_step(pilot)  # → payments
        await next_step(pilot)  # → comments
        await next_step(pilot)  # → review
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert wizard.submitted is not None and wizard.submitted.invoice_count == 1
        assert "DMS-2026-" in screen_text(app)


def declare(env: Env, app: CofaApp, contract: str, company: str, amount: str,
            intervention: bool = False) -> int:
    claim = app.repo.claims.submit(ClaimCreate(
        contact_name="Alice", contact_email="alice@example.test",
        contract_id=env.ids[contract], company_id=env.ids[company], reason="insolvency",
        intervention_requested=intervention,
        invoices=[InvoiceLine(type="IN", number="7", invoice_date=day(40), due_date=day(10),
                              currency="EUR", amount_excl_tax=Decimal(amount),
                              tax=Decimal(0))]))
    env.clock.advance(hours=1)  # declared an hour apart: the queue's order is known
    return claim.id


def rows(screen: ClaimsQueueScreen) -> list[str]:
    """The debtors of the list's rows, as its source (the repository's pages) gives them."""
    source = screen.query_one("#claims-queue", VirtualList)._source
    assert source is not None
    return [row.company_name for row in source.fetch(0, max(1, source.count()))]


async def choose(pilot: Pilot[Any], selector: str, value: object) -> None:
    pilot.app.screen.query_one(selector, Select).value = value
    await settle(pilot)


async def test_claims_queue_opened_from_the_underwriting_queue_filtered_enter_opens_a_claim(
        env: Env) -> None:
    async with env.app("alice").run_test(size=SIZE) as pilot:
        await settle(pilot)
        alice = pilot.app
        assert isinstance(alice, CofaApp)
        gamma = declare(env, alice, "A", "gamma", "5000", intervention=True)
        declare(env, alice, "A", "beta", "300")
    async with env.app("bob").run_test(size=SIZE) as pilot:
        await settle(pilot)
        bob = pilot.app
        assert isinstance(bob, CofaApp)
        declare(env, bob, "B", "epsilon", "900")

    uw = env.app("uw")
    async with uw.run_test(size=SIZE) as pilot:
        await settle(pilot)
        uw.switch_to("underwriter_queue")
        await settle(pilot)
        assert isinstance(uw.screen, UnderwriterQueueScreen)
        await pilot.press("c")
        await settle(pilot)
        screen = uw.screen
        assert isinstance(screen, ClaimsQueueScreen)
        text = screen_text(uw)
        assert "3 claims, oldest first" in text
        assert rows(screen) == ["Gamma Tessile SpA", "Beta Maschinenbau GmbH",
                                "Epsilon Transports"]
        assert "P-B" in text and "Holder B" in text and "€900.00" in text

        await choose(pilot, "#cq-intervention", "yes")
        assert rows(screen) == ["Gamma Tessile SpA"]
        await choose(pilot, "#cq-intervention", Select.NULL)
        # An amount needs a currency or a contract: said at the field, the rows stay.
        await type_in(pilot, "#cq-min", "500")
        await settle(pilot)
        assert "Choose a currency or a contract to filter by amount" in screen_text(uw)
        assert len(rows(screen)) == 3
        await choose(pilot, "#cq-contract", env.ids["A"])
        assert rows(screen) == ["Gamma Tessile SpA"]
        assert "Choose a currency" not in screen_text(uw)
        await choose(pilot, "#cq-contract", Select.NULL)
        await choose(pilot, "#cq-currency", "EUR")
        assert rows(screen) == ["Gamma Tessile SpA", "Epsilon Transports"]
        await choose(pilot, "#filter", "closed")
        assert rows(screen) == [] and "0 claims" in screen_text(uw)
        await choose(pilot, "#filter", Select.NULL)

        lst = screen.query_one("#claims-queue", VirtualList)
        lst.focus()
        lst.cursor = 0
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(uw.screen, ClaimDetailScreen) and uw.screen.claim_id == gamma
        assert "Gamma Tessile SpA" in screen_text(uw)
        await pilot.press("escape")
        await settle(pilot)
        assert uw.screen is screen


async def test_the_palette_offers_the_claims_queue_to_the_handler_only(env: Env) -> None:
    async with env.app("alice").run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "Open the claims queue (claims handler)" not in await palette(pilot, "claims q")
    uw = env.app("uw")
    async with uw.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "Open the claims queue (claims handler)" in await palette(pilot, "claims q")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(uw.screen, ClaimsQueueScreen)


async def test_the_same_payments_file_imported_twice_is_flagged_not_counted_twice(
        env: Env, tmp_path: Path) -> None:
    path = tmp_path / "payments.csv"
    paid = day(3).strftime("%d/%m/%Y")
    path.write_text(f"SE;1001;{paid};EUR;100\nCN;1001;{paid};EUR;50\n", encoding="utf-8")
    app = env.app("alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        wizard = await open_wizard(pilot, env)
        await fill_to_invoices(pilot)
        await add_invoice(pilot, "1001", day(52), day(22), "1000.00", "200.00")
        await next_step(pilot)  # → payments
        for attempt in (1, 2):
            await pilot.press("i")
            await settle(pilot)
            assert isinstance(app.screen, ImportFileDialog)
            await type_in(pilot, "#path", str(path))
            await pilot.press("enter")
            await settle(pilot)
            grid = app.screen
            assert isinstance(grid, ImportGridScreen)
            await pilot.press("ctrl+s")
            await settle(pilot)
            if attempt == 2:
                # Both lines are in the declaration already: said at the line, nothing added.
                assert app.screen is grid
                assert [(e.line, e.field, e.message) for e in grid.all_errors()] == [
                    (n, "amount", "Already in the declaration (same type, references, date "
                                  "and amount)") for n in (1, 2)]
                assert "Already in the declaration" in flat(app)
                await pilot.press("escape")
                await settle(pilot)
        assert app.screen is wizard and wizard.state is not None
        assert [(p.type, p.amount) for p in wizard.state.payments] == [
            ("SE", Decimal(100)), ("CN", Decimal(50))]
        assert "claim amount €1,050.00" in flat(app)
