"""The two increase stories of issue 10 through the screens: a pending increase
cancelled leaves the credit limit as it was; an increase refused by the underwriter
leaves it too, and the notification says so."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from textual.widgets import Button, Input, RadioButton

from cofatui.enums import ProductStatus
from cofatui.schemas import ProductRequest, UnderwriterDecisionInput
from cofatui.tui.features.companies.detail import CompanyDetailScreen, open_company_detail
from cofatui.tui.features.portfolio.portfolio import PortfolioScreen
from cofatui.tui.features.products.actions import (
    PendingScreen,
    ProductActionsScreen,
)
from cofatui.tui.features.underwriter.queue import DecisionScreen, UnderwriterQueueScreen
from cofatui.tui.kit.dialog import ConfirmScreen
from cofatui.tui.kit.virtual_list import VirtualList
from tests.tui.pilot import wait_until
from tests.tui.products_env import SIZE, Env, make_env, screen_text, settle


def granted_limit(env: Env, amount: int) -> int:
    """Epsilon's credit limit of ``amount``, asked by Alice and granted by an
    underwriter (no rule decides a credit limit in this contract)."""
    alice, uw = env.app("alice").repo, env.app("uw").repo
    asked = alice.products.request(ProductRequest(
        contract_id=env.ids["A"], company_id=env.ids["epsilon"], code="CRL",
        amount=Decimal(amount)))
    assert asked.status == ProductStatus.PENDING
    decided = uw.underwriting.decide(asked.id, UnderwriterDecisionInput(decision="grant"),
                                asked.version)
    assert decided.decided_amount == Decimal(amount)
    return decided.id


async def open_actions(pilot) -> ProductActionsScreen:  # type: ignore[no-untyped-def]
    """From the company detail: Enter on its (only) product."""
    detail = pilot.app.screen
    assert isinstance(detail, CompanyDetailScreen)
    detail.query_one("#products", VirtualList).focus()
    await pilot.press("enter")
    await settle(pilot)
    actions = pilot.app.screen
    assert isinstance(actions, ProductActionsScreen)
    return actions


async def test_increase_pending_then_cancelled_keeps_the_credit_limit(tmp_path: Path) -> None:
    env = make_env(tmp_path, with_rule=False)
    product_id = granted_limit(env, 75000)
    app = env.app("alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        open_company_detail(app, env.ids["epsilon"], env.ids["A"])
        await settle(pilot)
        await open_actions(pilot)
        app.screen.query_one("#amount", Input).focus()
        await pilot.press(*"90000")
        await pilot.click("#modify")
        await settle(pilot)
        assert isinstance(app.screen, PendingScreen)
        assert "Estimated response in 2 d 00:00:00" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        text = screen_text(app)
        assert "€75,000.00 granted · €90,000.00 requested, 2 d 00:00:00" in text

        actions = await open_actions(pilot)
        assert actions.query_one("#delete", Button).disabled  # with the reason shown
        assert "not possible while a request is pending" in screen_text(app)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, CompanyDetailScreen)
        text = screen_text(app)
        assert "€75,000.00" in text and "requested" not in text
        kept = next(p for p in app.repo.products.of_company(env.ids["A"], env.ids["epsilon"])
                    if p.id == product_id)
        assert kept.status == ProductStatus.GRANTED
        assert kept.decided_amount == Decimal(75000) and kept.pending_request is None


async def test_underwriter_refuses_the_increase_and_the_credit_limit_stays(
        tmp_path: Path) -> None:
    env = make_env(tmp_path, with_rule=False)
    product_id = granted_limit(env, 40000)
    alice = env.app("alice").repo
    standing = next(p for p in alice.products.of_company(env.ids["A"], env.ids["epsilon"])
                    if p.id == product_id)
    alice.products.modify(product_id, Decimal(45000), standing.version)

    uw = env.app("uw")
    async with uw.run_test(size=SIZE) as pilot:
        await settle(pilot)
        uw.push_screen(UnderwriterQueueScreen())
        await settle(pilot)
        uw.screen.query_one("#filter", Input).focus()
        await pilot.press(*"epsilon")
        await settle(pilot)
        await pilot.press("enter", "enter")
        await settle(pilot)
        form = uw.screen
        assert isinstance(form, DecisionScreen)
        assert form.item.standing_amount == Decimal(40000)
        form.query_one("#decision-refuse", RadioButton).value = True
        form.query_one("#comment", Input).value = "Exposure too high"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(uw.screen, DecisionScreen)

    app = env.app("alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.switch_to("notifications")
        await settle(pilot)
        assert "Increase to €45,000.00 refused; your" in screen_text(app)  # the newest
        await pilot.press("enter")  # its detail: the whole title
        whole = "Increase to €45,000.00 refused; your credit limit of €40,000.00 remains"
        await wait_until(pilot, lambda: whole in screen_text(app))
        assert whole in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        open_company_detail(app, env.ids["epsilon"], env.ids["A"])
        await settle(pilot)
        text = screen_text(app)
        assert "€40,000.00" in text and "granted" in text and "requested" not in text


async def test_enter_in_the_new_amount_asks_for_it_and_transform_into_rating_warns(
        tmp_path: Path) -> None:
    """Enter in the new-amount field sends the request (as its button does); before a
    credit limit becomes an @rating cover the window says the amount will come from the
    buyer's DRA, not from the credit limit."""
    env = make_env(tmp_path, with_rule=False)
    granted_limit(env, 40000)
    app = env.app("alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        open_company_detail(app, env.ids["epsilon"], env.ids["A"])
        await settle(pilot)
        await open_actions(pilot)
        await pilot.click("#transform")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        words = " ".join(screen_text(app).replace("█", " ").split())  # the text wraps
        assert "will come from the buyer's DRA" in words
        await pilot.press("n")
        await settle(pilot)
        app.screen.query_one("#amount", Input).focus()
        await pilot.press(*"45000", "enter")
        await settle(pilot)
        assert isinstance(app.screen, PendingScreen)


async def test_portfolio_shows_the_amount_asked_beside_the_standing_decision(
        tmp_path: Path) -> None:
    """A pending increase reads in the portfolio row beside the decision in force: the
    amount column keeps €40,000 and the status says "granted ⧗ 45k"."""
    env = make_env(tmp_path, with_rule=False)
    product_id = granted_limit(env, 40000)
    alice = env.app("alice").repo
    [product] = [p for p in alice.products.of_company(env.ids["A"], env.ids["epsilon"])
                 if p.id == product_id]
    alice.products.modify(product_id, Decimal(45000), product.version)
    app = env.app("alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(PortfolioScreen())
        await settle(pilot)
        [line] = [ln for ln in screen_text(app).splitlines() if "Epsilon" in ln]
        assert "granted ⧗ 45k" in line and "40,000 EUR" in line


async def test_a_new_amount_below_the_minimum_is_refused_at_the_field(tmp_path: Path) -> None:
    """The repository's rule (a credit limit of at least 1 000) shows at the field, in
    the UI's words, and nothing is asked."""
    env = make_env(tmp_path, with_rule=False)
    product_id = granted_limit(env, 75000)
    app = env.app("alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        open_company_detail(app, env.ids["epsilon"], env.ids["A"])
        await settle(pilot)
        actions = await open_actions(pilot)
        actions.query_one("#amount", Input).focus()
        await pilot.press(*"500")
        await pilot.click("#modify")
        await settle(pilot)
        assert app.screen is actions
        assert "The amount must be at least" in screen_text(app)
    kept = next(p for p in app.repo.products.of_company(env.ids["A"], env.ids["epsilon"])
                if p.id == product_id)
    assert kept.pending_request is None and kept.decided_amount == Decimal(75000)
