"""Extensions of due date through the screens: one within the DMC granted at once, one
beyond it pending, decided by an underwriter with another plan and seen by the
policyholder; the plan's total checked live against the invoices'; cancel a pending one,
a new plan for an active one; snapshots of the form and the decision."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, Input, Select

from cofatui.enums import ExtensionStatus
from cofatui.schemas import NotificationFilter
from cofatui.tui.features.companies.detail import CompanyDetailScreen
from cofatui.tui.features.extensions.form import (
    ExtensionFormScreen,
    ExtensionInvoiceDialog,
    PlanLineDialog,
    draft_key,
)
from cofatui.tui.features.extensions.lists import (
    ExtensionDecisionScreen,
    ExtensionQueueScreen,
    ExtensionsScreen,
)
from cofatui.tui.features.products.new_action import NewActionScreen
from cofatui.tui.kit.drafts import LeaveDialog
from tests.contract.dataset import TODAY
from tests.tui.claims_env import choose, dmy, toasts, type_in
from tests.tui.pilot import drafts_written, wait_until
from tests.tui.products_env import SIZE, Env, make_env, pin_utc, screen_text, settle, themed

__all__ = ["pin_utc"]

INVOICE_DATE = TODAY - timedelta(days=30)
DUE = TODAY + timedelta(days=15)  # the DMC (90 days) ends 60 days from today


@pytest.fixture
def env(tmp_path: Path) -> Env:
    return make_env(tmp_path)


async def open_form(pilot: Pilot[Any], env: Env, company: str) -> ExtensionFormScreen:
    """From the company detail's NEW ACTION menu: the form opens on the list at once."""
    pilot.app.push_screen(CompanyDetailScreen(env.ids[company], env.ids["A"]))
    await settle(pilot)
    await pilot.press("a")
    await settle(pilot)
    menu = pilot.app.screen
    assert isinstance(menu, NewActionScreen)
    menu.dismiss("EXTENSION")
    await settle(pilot)
    form = pilot.app.screen
    assert isinstance(form, ExtensionFormScreen)
    return form


async def add_line(pilot: Pilot[Any], dialog: type, **values: str) -> None:
    await pilot.press("n")
    await settle(pilot)
    assert isinstance(pilot.app.screen, dialog)
    for name, value in values.items():
        await type_in(pilot, f"#{name}", value)
    await pilot.press("ctrl+s")
    await settle(pilot)


async def fill(pilot: Pilot[Any], form: ExtensionFormScreen, *plan: tuple[int, str]) -> None:
    form.query_one("#reason", Select).value = "cash_flow"
    form.query_one("#ext-invoices").query_one(".rows-list").focus()
    await add_line(pilot, ExtensionInvoiceDialog, number="F-1", invoice_date=dmy(INVOICE_DATE),
                   due_date=dmy(DUE), amount="600.00")
    await add_line(pilot, ExtensionInvoiceDialog, number="F-2", invoice_date=dmy(INVOICE_DATE),
                   due_date=dmy(DUE), amount="400.50")
    form.query_one("#ext-plan").query_one(".rows-list").focus()
    for days, amount in plan:
        await add_line(pilot, PlanLineDialog, due_date=dmy(DUE + timedelta(days=days)),
                       amount=amount)


async def test_within_the_dmc_it_is_granted_at_once(env: Env) -> None:
    app = env.app("alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        form = await open_form(pilot, env, "beta")
        text = screen_text(app)
        assert "Add the invoices and the plan" in text
        await fill(pilot, form, (20, "1000.00"))
        text = screen_text(app)
        # The totals and their difference, live; the plan is 0.50 short.
        assert "Invoices €1,000.50 · payment plan €1,000.00" in text
        assert "difference -€0.50" in text
        assert "within the maximum credit duration" in text and "no request is needed" in text
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form and "missing" in screen_text(app)
        # Correct the plan line: Enter edits it.
        form.query_one("#ext-plan").query_one(".rows-list").focus()
        await pilot.press("enter")
        await settle(pilot)
        await type_in(pilot, "#amount", "1000.50")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "the plan equals the invoices" in screen_text(app)
        await pilot.press("ctrl+s")
        await settle(pilot)
        listing = app.screen
        assert isinstance(listing, ExtensionsScreen)
        assert [e.status for e in listing.items] == [ExtensionStatus.ACTIVE]
        # The toast mounts a frame after notify: wait for it as for the list.
        await wait_until(pilot, lambda: "Extension granted at once" in toasts(app),
                         what="the grant's notice")
        assert "active" in screen_text(app)
        # One per buyer: no second request; a new plan for the active one instead.
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is listing
        await pilot.press("m")
        await settle(pilot)
        modify = app.screen
        assert isinstance(modify, ExtensionFormScreen) and modify.existing is not None
        assert modify.query_one("#reason", Select).disabled
        assert "€1,000.50" in screen_text(app)


async def test_beyond_the_dmc_pending_then_decided_by_the_underwriter(env: Env) -> None:
    app = env.app("alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        form = await open_form(pilot, env, "gamma")
        await fill(pilot, form, (60, "500.50"), (90, "500.00"))
        text = screen_text(app)
        assert "beyond the maximum credit duration" in text and "the insurer must approve" in text
        await pilot.press("ctrl+s")
        await settle(pilot)
        listing = app.screen
        assert isinstance(listing, ExtensionsScreen)
        assert [e.status for e in listing.items] == [ExtensionStatus.PENDING]
        assert "waits for the insurer's decision" in toasts(app)
        before = listing.items[0].declaration_deadline

    handler = env.app("uw")
    async with handler.run_test(size=SIZE) as pilot:
        await settle(pilot)
        handler.switch_to("extension_queue")
        await settle(pilot)
        assert isinstance(handler.screen, ExtensionQueueScreen)
        text = screen_text(handler)
        assert "1 extension request" in text and "Gamma Tessile SpA" in text
        await pilot.press("enter")
        await settle(pilot)
        decision = handler.screen
        assert isinstance(decision, ExtensionDecisionScreen)
        await choose(pilot, "d-refuse")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Say why the extension is refused" in screen_text(handler)
        await choose(pilot, "d-accept_other_plan")
        await settle(pilot)
        assert decision.query_one("#other-plan").display
        panel = decision.query_one("#decision-plan")
        panel.query_one(".rows-list").focus()
        await pilot.press("delete")  # the proposed plan is the starting point: keep one line
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await type_in(pilot, "#due_date", dmy(DUE + timedelta(days=45)))
        await type_in(pilot, "#amount", "1000.50")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "the plan equals the invoices" in screen_text(handler)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(handler.screen, ExtensionQueueScreen)
        assert "0 extension requests" in screen_text(handler)

    again = env.app("alice")
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        notes = again.repo.notifications.rows(NotificationFilter(text="gamma")).items
        assert any("Extension of due date active" in n.title for n in notes)
        ext = again.repo.extensions.rows(env.ids["A"], env.ids["gamma"])[0]
        assert ext.status == ExtensionStatus.ACTIVE
        assert ext.declaration_deadline == before + timedelta(days=45)


async def test_a_pending_request_can_be_cancelled(env: Env) -> None:
    app = env.app("alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        form = await open_form(pilot, env, "gamma")
        await fill(pilot, form, (100, "1000.50"))
        form.query_one("#submit", Button).press()
        await settle(pilot)
        listing = app.screen
        assert isinstance(listing, ExtensionsScreen)
        await pilot.press("c")
        await settle(pilot)
        assert [e.status for e in listing.items] == [ExtensionStatus.CANCELLED]
        assert "cancelled" in screen_text(app)


def test_snapshot_extension_form(snap_compare: Any, env: Env) -> None:
    app = themed(env.app("alice"), "cofatui-dark")

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        form = await open_form(pilot, env, "gamma")
        await fill(pilot, form, (60, "500.50"), (90, "400.00"))
        await drafts_written(pilot)  # deterministic: the draft written
        pilot.app.clear_notifications()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


async def test_invoices_imported_with_the_claim_csv_format(env: Env, tmp_path: Path) -> None:
    path = tmp_path / "deliveries.csv"
    issued, due = INVOICE_DATE.strftime("%d/%m/%Y"), DUE.strftime("%d/%m/%Y")
    path.write_text(f"IN;9001;{issued};{due};EUR;500.00;100.00\n"
                    f"IN;9002;{issued};{due};EUR;400.50;0\n", encoding="utf-8")
    app = env.app("alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        form = await open_form(pilot, env, "beta")
        form.query_one("#ext-invoices").query_one(".rows-list").focus()
        await pilot.press("i")
        await settle(pilot)
        await type_in(pilot, "#path", str(path))
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("ctrl+s")  # every line is valid: add them
        await settle(pilot)
        assert app.screen is form
        # The file's amount includes its tax (seed 000): 500.00, not 500.00 + 100.00.
        assert [(i.number, str(i.amount)) for i in form.invoices] == [("9001", "500.00"),
                                                                       ("9002", "400.50")]
        assert "Invoices €900.50" in screen_text(app)


async def test_a_draft_of_the_form_survives_a_closed_app(env: Env) -> None:
    app = env.app("alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        form = await open_form(pilot, env, "beta")
        await type_in(pilot, "#detail", "Seasonal shortfall")
        await fill(pilot, form, (20, "700.00"))
        await drafts_written(pilot)
        await settle(pilot)
        assert "Draft saved" in screen_text(app)
        app.exit()  # the terminal is closed: nothing sent, no question asked

    again = env.app("alice")
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        form = await open_form(pilot, env, "beta")
        await settle(pilot)
        assert form.restored and "Draft restored" in screen_text(again)
        assert form.query_one("#reason", Select).value == "cash_flow"
        assert form.query_one("#detail", Input).value == "Seasonal shortfall"
        assert [i.number for i in form.invoices] == ["F-1", "F-2"]
        assert [str(p.amount) for p in form.plan] == ["700.00"]
        assert "Invoices €1,000.50 · payment plan €700.00" in screen_text(again)
        # Leaving asks: keep, discard or stay. Discarded, the next form starts blank.
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(again.screen, LeaveDialog)
        await pilot.click("#discard")
        await settle(pilot)
        assert not isinstance(again.screen, ExtensionFormScreen)
        assert again.repo.drafts.load("extension", draft_key(env.ids["A"], env.ids["beta"])) \
            is None
        form = await open_form(pilot, env, "beta")
        await settle(pilot)
        assert not form.restored and form.invoices == []
        await pilot.press("escape")  # nothing typed: no question
        await settle(pilot)
        assert not isinstance(again.screen, (ExtensionFormScreen, LeaveDialog))


async def test_a_sent_request_leaves_no_draft(env: Env) -> None:
    app = env.app("alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        form = await open_form(pilot, env, "beta")
        await fill(pilot, form, (20, "1000.50"))
        await drafts_written(pilot)
        await settle(pilot)
        key = draft_key(env.ids["A"], env.ids["beta"])
        assert app.repo.drafts.load("extension", key) is not None
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ExtensionsScreen)
        assert app.repo.drafts.load("extension", key) is None
