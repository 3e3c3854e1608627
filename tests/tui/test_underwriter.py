"""The full path of issue 5 through the screens: a policyholder finds a company by its
SIREN, orders an Agrément decided at once and one that goes pending (with its
countdown), an underwriter decides the pending one from the queue, and back as the
policyholder the notification is there and the portfolio shows the decision."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from sqlalchemy import update
from textual.widgets import RadioButton, Select

from cofatui.enums import ProductStatus
from cofatui.models import DecisionRequest
from cofatui.schemas import NotificationFilter, UnderwriterDecisionInput
from cofatui.tui.features.companies.detail import CompanyDetailScreen
from cofatui.tui.features.portfolio.portfolio import PortfolioScreen
from cofatui.tui.features.products.actions import PendingScreen
from cofatui.tui.features.products.forms import ProductFormScreen
from cofatui.tui.features.products.new_action import NewActionScreen
from cofatui.tui.features.underwriter.queue import DecisionScreen, DraScreen, UnderwriterQueueScreen
from tests.tui.pilot import type_into, wait_until
from tests.tui.products_env import SIZE, Env, make_env, screen_text, settle


async def order_agrement(pilot, env: Env, amount: str) -> None:  # type: ignore[no-untyped-def]
    """From a company detail: NEW ACTION → Agrément → amount → confirm."""
    await pilot.press("a")
    await settle(pilot)
    assert isinstance(pilot.app.screen, NewActionScreen)
    await pilot.press("enter")  # the first product allowed: the Agrément
    await settle(pilot)
    form = pilot.app.screen
    assert isinstance(form, ProductFormScreen) and form.code == "CRL"
    await pilot.press(*amount)
    await pilot.press("ctrl+s")
    await settle(pilot)


async def test_search_by_siren_order_decide_and_see_the_decision(tmp_path: Path) -> None:
    env = make_env(tmp_path)
    app = env.app("alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.switch_to("company_search")
        await settle(pilot)
        screen = app.screen
        screen.query_one("#identifier_type", Select).value = "SIREN"
        await type_into(pilot, "#identifier_value", "552 100 554")
        await pilot.press("enter")
        await settle(pilot)
        assert "Epsilon Transports" in screen_text(app)
        assert "SIREN 552100554" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        detail = app.screen
        assert isinstance(detail, CompanyDetailScreen)
        assert "Not in this contract's portfolio yet" in screen_text(app)

        # Decided at once: 20 000 is within the contract's automatic rule.
        await order_agrement(pilot, env, "20000")
        assert detail.is_current and detail.detail is not None
        crl = next(p for p in detail.detail.products if p.code == "CRL")
        assert crl.status == ProductStatus.GRANTED and crl.decided_amount == Decimal(20000)
        assert "granted" in screen_text(app)
        app.push_screen(PortfolioScreen())
        await settle(pilot)
        first = app.screen.shown[0]  # type: ignore[attr-defined]
        assert first.company_name == "Epsilon Transports"
        assert first.cover_amount == Decimal(20000)
        await pilot.press("escape", "escape", "escape")  # portfolio, detail, search
        await settle(pilot)

        # Pending: 80 000 is above the rule; Gamma has no cover yet.
        app.switch_to("company_search")
        await settle(pilot)
        app.screen.query_one("#country", Select).value = "ITA"
        await type_into(pilot, "#name", "gamma")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CompanyDetailScreen)
        await order_agrement(pilot, env, "80 000")
        pending = app.screen
        assert isinstance(pending, PendingScreen)
        assert "Estimated response in 2 d 00:00:00" in screen_text(app)
        env.clock.advance(seconds=1)  # the next tick shows it (the countdown's own timer)
        await wait_until(pilot, lambda: "Estimated response in 1 d 23:59:59" in screen_text(app),
                         what="the countdown's tick")
        await pilot.press("escape")
        await settle(pilot)
        # The company page reads its products again on its return, a turn or more after
        # the pending screen closes (CI, under load).
        await wait_until(
            pilot, lambda: "pending, estimated response in 1 d 23:59" in screen_text(app),
            what="the company page's pending line")
        # The countdown goes on in the detail (no repository call) and ends with "done".
        env.clock.advance(hours=48)
        await wait_until(pilot, lambda: "pending, estimated response in done" in screen_text(app),
                         what="the countdown's tick")

    # The underwriter finds it in the queue, oldest first, and decides.
    uw = env.app("uw")
    async with uw.run_test(size=SIZE) as pilot:
        await settle(pilot)
        uw.switch_to("underwriter_queue")
        await settle(pilot)
        queue = uw.screen
        assert isinstance(queue, UnderwriterQueueScreen)
        text = screen_text(uw)
        assert text.index("Foo [UK] Ltd") < text.index("Gamma Tessile")  # oldest first
        await type_into(pilot, "#filter", "gamma")
        await settle(pilot)
        await pilot.press("enter")  # leaves the filter for the list
        await pilot.press("enter")
        await settle(pilot)
        form = uw.screen
        assert isinstance(form, DecisionScreen)
        form.query_one("#decision-refuse", RadioButton).value = True
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Say why the request is refused" in screen_text(uw)  # at the field
        form.query_one("#decision-partial", RadioButton).value = True
        await type_into(pilot, "#amount", "60000")
        await type_into(pilot, "#comment", "Half the exposure")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert uw.screen is queue
        assert "Gamma Tessile" not in screen_text(uw)

    # Back as the policyholder: the notification, and the decision in the portfolio.
    app = env.app("alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        notes = app.repo.notifications.rows(NotificationFilter(text="gamma")).items
        assert any("partially granted" in n.title for n in notes)
        app.switch_to("notifications")
        await settle(pilot)
        text = screen_text(app)
        assert "Gamma Tessile SpA" in text and "Credit limit partially" in text
        app.switch_to("portfolio")
        await settle(pilot)
        row = app.screen.shown[0]  # type: ignore[attr-defined]
        assert row.company_name == "Gamma Tessile SpA"
        assert row.cover_status == ProductStatus.PARTIALLY_GRANTED
        assert row.cover_amount == Decimal(60000)
        text = screen_text(app)
        assert "60,000 EUR" in text and "partially gr" in text


async def test_decision_conflict_and_dra_change(tmp_path: Path) -> None:
    env = make_env(tmp_path)
    uw = env.app("uw")
    async with uw.run_test(size=SIZE) as pilot:
        await settle(pilot)
        uw.push_screen(UnderwriterQueueScreen())
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        form = uw.screen
        assert isinstance(form, DecisionScreen)
        # Someone else decided meanwhile: the stale decision is refused with a message.
        other = env.app("uw").repo
        other.underwriting.decide(form.item.product_id, _grant(), form.item.version)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "changed by someone else" in screen_text(uw)
        await pilot.press("escape")
        await settle(pilot)

        await pilot.press("d")
        await settle(pilot)
        assert isinstance(uw.screen, DraScreen) or "DRA" in screen_text(uw)


def _grant() -> UnderwriterDecisionInput:
    return UnderwriterDecisionInput(decision="grant")


async def test_a_request_older_than_its_time_column_shows_no_1970_date(tmp_path: Path) -> None:
    """A request without its time (rows older than the column) sorts first, at EPOCH,
    but the queue and the decision dialog show no date for it, not 1 Jan 1970 and an
    age of twenty thousand days."""
    env = make_env(tmp_path)
    with env.engine.begin() as conn:
        conn.execute(update(DecisionRequest).values(requested_at=None))
    uw = env.app("uw")
    async with uw.run_test(size=(150, 40)) as pilot:
        await settle(pilot)
        uw.switch_to("underwriter_queue")
        await settle(pilot)
        text = screen_text(uw)
        assert "Foo [UK] Ltd" in text  # still listed
        assert "1970" not in text
        assert re.search(r"\b\d{5} d\b", text) is None  # no age counted from 1970
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(uw.screen, DecisionScreen)
        assert "1970" not in screen_text(uw)
