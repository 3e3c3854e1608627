"""The claim wizard as a user drives it: every step to a registered reference with three
invoices and a partial payment, back and forth without losing anything, the draft
restored after the app was closed, leaving with or without the draft, the repository's
refusal routed to the step and line it concerns, and SVG snapshots of every step."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any, cast

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, RadioButton, TextArea

from cofatui.enums import ClaimStatus
from cofatui.schemas import InvoiceLine, PaymentLine
from cofatui.tui.app import CofaApp
from cofatui.tui.features.claims.detail import ClaimDetailScreen
from cofatui.tui.features.claims.wizard import (
    ClaimWizardScreen,
    draft_key,
)
from cofatui.tui.features.claims.wizard_steps import WizardState
from cofatui.tui.features.companies.detail import CompanyDetailScreen
from cofatui.tui.features.products.new_action import NewActionScreen
from cofatui.tui.kit.drafts import LeaveDialog
from cofatui.tui.kit.lines import RowsPanel
from tests.tui.claims_env import (
    add_invoice,
    add_payment,
    choose,
    day,
    fill_to_invoices,
    next_step,
    open_wizard,
    type_in,
)
from tests.tui.pilot import drafts_written
from tests.tui.products_env import SIZE, Env, make_env, pin_utc, screen_text, settle, themed

__all__ = ["pin_utc"]


@pytest.fixture
def env(tmp_path: Path) -> Env:
    return make_env(tmp_path)


async def test_whole_wizard_to_a_reference_with_three_invoices_and_a_partial_payment(
        env: Env) -> None:
    app = env.app("alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # From the company detail's NEW ACTION menu, as a user starts it.
        app.push_screen(CompanyDetailScreen(env.ids["beta"], env.ids["A"]))
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        menu = app.screen
        assert isinstance(menu, NewActionScreen)
        assert [i.code for i in menu.items][-2:] == ["EXTENSION", "CLAIM"]
        menu.dismiss("CLAIM")
        await settle(pilot)
        wizard = app.screen
        assert isinstance(wizard, ClaimWizardScreen) and wizard.state is not None
        assert "Step 1 of 10" in screen_text(app)

        await fill_to_invoices(pilot, intervention="no")
        assert wizard.step == "invoices"
        await next_step(pilot)  # no invoice yet: the step says so and stays
        assert wizard.step == "invoices" and "Add at least one invoice" in screen_text(app)
        await add_invoice(pilot, "1001", day(52), day(22), "1000.00", "200.00")
        # Grouped as the English UI writes it (a decimal comma is refused there).
        await add_invoice(pilot, "1002", day(40), day(10), "2,500.50", "500.10")
        await add_invoice(pilot, "1003", day(20), day(-10), "800")
        assert [i.number for i in wizard.state.invoices] == ["1001", "1002", "1003"]
        text = screen_text(app)
        assert "3 invoices" in text
        # The deadline: 150 days after the earliest invoice (52 days ago) → 98 days left.
        assert "98 days left" in text

        await next_step(pilot)  # → payments
        await add_payment(pilot, day(5), "600.00")
        assert wizard.state.payments[0].invoice_references == ["1001"]
        assert "claim amount" in screen_text(app)
        await next_step(pilot)  # → comments
        wizard.query_one("#comments", TextArea).insert("Three reminders sent.")
        await settle(pilot)
        assert "21 / 900 characters" in screen_text(app)
        await next_step(pilot)  # → review
        text = screen_text(app)
        assert "R-2026-17" in text and "IN 1002" in text and "Financial difficulties" in text
        await pilot.press("ctrl+s")
        await settle(pilot)

        claim = wizard.submitted
        assert claim is not None and claim.reference and claim.reference.startswith("DMS-")
        assert app.screen is wizard, app.screen_stack
        assert claim.reference in screen_text(app)
        assert claim.status == ClaimStatus.PENDING and claim.invoice_count == 3
        # 1200 + 3000.60 + 800 − 600
        assert claim.claim_amount == Decimal("4400.60")
        assert app.repo.drafts.load("claim", draft_key(env.ids["A"], env.ids["beta"])) is None
        detail = app.repo.claims.detail(claim.id)
        assert detail.declarations[0].comments == "Three reminders sent."
        assert detail.declarations[0].contact_email == "alice@example.test"
        # Enter opens the registered claim.
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ClaimDetailScreen)


async def test_going_back_keeps_what_was_typed(env: Env) -> None:
    app = env.app("alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        wizard = await open_wizard(pilot, env)
        await type_in(pilot, "#own_reference", "MY-REF")
        # Contract P-A has the uninsured-debt collection option: the first step offers it.
        assert "Uninsured debt (collection service only)" in screen_text(app)
        await choose(pilot, "insured-no")
        await next_step(pilot)
        await choose(pilot, "billing-different")
        await type_in(pilot, "#billing_address", "12 Hafenstraße")
        await type_in(pilot, "#billing_city", "Hamburg")
        await next_step(pilot)  # the country is missing
        assert wizard.step == "address" and "Mandatory" in screen_text(app)
        await type_in(pilot, "#billing_country", "DEU")
        await next_step(pilot)
        await next_step(pilot)
        assert wizard.step == "contact"
        await pilot.press("f7", "f7", "f7")
        await settle(pilot)
        assert wizard.step == "reference"
        assert wizard.query_one("#own_reference", Input).value == "MY-REF"
        assert wizard.query_one("#insured-no", RadioButton).value
        assert wizard.state is not None and wizard.state.insured == "no"
        await next_step(pilot)
        assert wizard.query_one("#billing_address", Input).value == "12 Hafenstraße"
        assert wizard.query_one("#billing_country", Input).value == "DEU"
        assert wizard.query_one("#billing-fields").display


async def test_a_draft_is_restored_after_the_app_was_closed(env: Env) -> None:
    app = env.app("alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_wizard(pilot, env)
        await fill_to_invoices(pilot, reference="CRASH-1", reason="insolvency",
                               intervention="yes")
        await add_invoice(pilot, "2001", day(30), day(1), "990")
        await drafts_written(pilot)
        await settle(pilot)
        app.exit()  # the terminal is closed: no leave dialog, nothing else saved

    again = env.app("alice")
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        wizard = await open_wizard(pilot, env)
        state = wizard.state
        assert state is not None and wizard.restored
        assert state.step == "invoices" and state.own_reference == "CRASH-1"
        assert state.reason == "insolvency" and state.intervention == "yes"
        assert [i.number for i in state.invoices] == ["2001"]
        assert "Draft restored" in screen_text(again)
        assert wizard.query_one("#invoices", RowsPanel).lines[0].number == "2001"
        # Intervention requested: a confirmation step follows the review.
        await next_step(pilot)  # → payments
        await next_step(pilot)  # → comments
        await next_step(pilot)  # → review
        await next_step(pilot)  # → confirm
        assert wizard.step == "confirm"
        assert "indemnity claim" in screen_text(again)
        await pilot.press("ctrl+s")  # not ticked yet
        await settle(pilot)
        assert wizard.submitted is None and "Tick the box" in screen_text(again)
        wizard.query_one("#confirmed").toggle()  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert wizard.submitted is not None and wizard.submitted.intervention_requested


async def test_leaving_asks_and_can_discard_the_draft(env: Env) -> None:
    app = env.app("alice")
    key = draft_key(env.ids["A"], env.ids["gamma"])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_wizard(pilot, env, "gamma")
        await type_in(pilot, "#own_reference", "KEEP-ME")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, LeaveDialog)
        await pilot.click("#keep")
        await settle(pilot)
        assert not isinstance(app.screen, ClaimWizardScreen)
        assert app.repo.drafts.load("claim", key)["own_reference"] == "KEEP-ME"  # type: ignore[index]

        await open_wizard(pilot, env, "gamma")
        await pilot.press("escape")
        await settle(pilot)
        await pilot.click("#stay")
        await settle(pilot)
        assert isinstance(app.screen, ClaimWizardScreen)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.click("#discard")
        await settle(pilot)
        assert not isinstance(app.screen, ClaimWizardScreen)
        assert app.repo.drafts.load("claim", key) is None


async def test_refusals_come_back_to_the_step_and_line(env: Env) -> None:
    app = env.app("alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        wizard = await _restored(pilot, env, _answers("invoices", app.principal.display_name))
        # A line typed in the dialog is checked as it is typed: the future date is refused.
        await pilot.press("n")
        await settle(pilot)
        await type_in(pilot, "#number", "3001")
        await type_in(pilot, "#invoice_date", "01/01/2031")
        await settle(pilot)
        assert "The invoice date is in the future" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        await add_invoice(pilot, "3001", day(400), day(370), "100")  # too late to declare
        assert wizard.state is not None and not wizard.state.invoices
        assert "Too late to declare" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        # One open claim per debtor: another claim on beta is refused at submission.
        from tests.tui.claims_env import submit_claim

        submit_claim(env, app)
        await add_invoice(pilot, "3002", day(10), day(1), "100")
        await next_step(pilot)
        await next_step(pilot)
        await next_step(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert wizard.submitted is None
        assert "still open" in screen_text(app)
        assert app.is_running


# --------------------------------------------------------------------------- snapshots

STEPS = ("reference", "address", "partner", "contact", "reason", "intervention", "invoices",
         "payments", "comments", "review", "confirm", "done")


#: The three invoices and the payment the whole-wizard walk types (``add_invoice``,
#: ``add_payment``), as the wizard's draft keeps them.
SNAPSHOT_INVOICES = [
    InvoiceLine(type="IN", number=number, invoice_date=day(issued), due_date=day(due),
                currency="EUR", amount_excl_tax=Decimal(amount), tax=Decimal(tax))
    for number, issued, due, amount, tax in (("1001", 52, 22, "1000.00", "200.00"),
                                             ("1002", 40, 10, "2500.50", "500.10"),
                                             ("1003", 20, -10, "800.00", "0.00"))]
SNAPSHOT_PAYMENTS = [PaymentLine(type="SE", invoice_references=["1001"], payment_date=day(5),
                                 currency="EUR", amount=Decimal("600.00"))]
#: The steps whose last line is typed in its dialog in the picture (the list's cursor on
#: it, the step's summary counting it), as after the walk.
TYPED_LAST = ("invoices", "payments")


def _answers(step: str, contact_name: str, **changes: Any) -> WizardState:
    """The first six steps answered as ``fill_to_invoices`` answers them, the wizard left
    at ``step``."""
    values: dict[str, Any] = {
        "own_reference": "R-2026-17", "contact_name": contact_name,
        "contact_email": "alice@example.test", "reason": "financial_difficulties",
        "intervention": "no", **changes}
    return WizardState(step=step, **values)


async def _restored(pilot: Pilot[Any], env: Env, state: WizardState) -> ClaimWizardScreen:
    """The wizard on beta opened on ``state`` as its draft (as after the app was closed):
    where a test's subject is a later step, the earlier ones are not typed again (the
    whole walk types them)."""
    app = cast(CofaApp, pilot.app)
    app.repo.drafts.save("claim", draft_key(env.ids["A"], env.ids["beta"]), state.to_payload())
    wizard = await open_wizard(pilot, env)
    assert wizard.restored and wizard.step == state.step
    return wizard


def _typed_before(step: str, contact_name: str) -> WizardState:
    """What a user has typed when the wizard shows ``step``, left at the step from which
    they reach it (the steps before the invoices are reached from the invoices step,
    backwards with F7)."""
    at = STEPS.index(step)
    start = "invoices" if at < STEPS.index("invoices") else (
        step if step in TYPED_LAST else "confirm" if step == "done" else STEPS[at - 1])
    state = _answers(start, contact_name, reason="commercial_dispute",
                     intervention="yes" if step in ("confirm", "done") else "no")
    if at >= STEPS.index("invoices"):
        state.invoices = list(SNAPSHOT_INVOICES[:-1] if step == "invoices" else SNAPSHOT_INVOICES)
    if at > STEPS.index("payments"):
        state.payments = list(SNAPSHOT_PAYMENTS)
    if at > STEPS.index("comments"):
        state.comments = "Three reminders sent."
    return state


async def _walk_to(pilot: Pilot[Any], env: Env, step: str) -> None:
    """The wizard showing ``step`` as a user who typed everything up to it sees it. The
    whole walk is test_whole_wizard_to_a_reference_with_three_invoices_and_a_partial_payment's:
    here the answers are the draft the wizard restores (as after the app was closed), at
    the step before, and the last move is made with the keys (F8, F7, the last line or
    the comment typed, Ctrl+S), so the step is entered, focused and its draft written as
    after the walk: the pictures are the walk's."""
    await settle(pilot)
    if step == "reference":
        wizard = await open_wizard(pilot, env)
        await type_in(pilot, "#own_reference", "R-2026-17")
        await _still(pilot, wizard)
        return
    wizard = await _restored(pilot, env, _typed_before(
        step, cast(CofaApp, pilot.app).principal.display_name))
    _steady(wizard)
    if STEPS.index(step) < STEPS.index("invoices"):
        for _ in range(STEPS.index("invoices") - STEPS.index(step)):
            await pilot.press("f7")
        await settle(pilot)
    elif step == "invoices":
        await add_invoice(pilot, "1003", day(20), day(-10), "800")
    elif step == "payments":
        await add_payment(pilot, day(5), "600.00")
    elif step == "done":
        wizard.query_one("#confirmed").toggle()  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await settle(pilot)
    else:
        await next_step(pilot)
    if step == "comments":
        wizard.query_one("#comments", TextArea).insert("Three reminders sent.")
        await settle(pilot)
    assert wizard.step == step or (step == "done" and wizard.submitted is not None)
    await _still(pilot, wizard)


def _steady(wizard: ClaimWizardScreen) -> None:
    """The comment's cursor does not blink (as tests/tui/conftest.py steadies the
    Inputs'): stopped only at the picture, a blink that had hidden it before (half a
    second, often passed under load) could leave it undrawn in the picture."""
    for area in wizard.query(TextArea):
        area.cursor_blink = False


async def _still(pilot: Pilot[Any], wizard: ClaimWizardScreen) -> None:
    """Deterministic pictures: the draft written, no toast left."""
    await drafts_written(pilot)
    pilot.app.clear_notifications()
    _steady(wizard)  # a blinking cursor is drawn or not at the snapshot
    await pilot.pause()


@pytest.mark.parametrize("step", STEPS)
def test_snapshot_wizard_step(snap_compare: Any, env: Env, step: str) -> None:
    app = themed(env.app("alice"), "cofatui-dark")

    async def run_before(pilot: Pilot[Any]) -> None:
        await _walk_to(pilot, env, step)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_snapshot_wizard_light(snap_compare: Any, env: Env) -> None:
    app = themed(env.app("alice"), "cofatui-light")

    async def run_before(pilot: Pilot[Any]) -> None:
        await _walk_to(pilot, env, "invoices")

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


async def test_french_names_shown_literally_and_language_switch_keeps_values(env: Env) -> None:
    app = env.app("alice", language="fr")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        wizard = await open_wizard(pilot, env, "foo")
        text = screen_text(app)
        assert "Étape 1 sur 10" in text and "Votre référence — Foo [UK] Ltd" in text
        await type_in(pilot, "#own_reference", "[bold]R-1[/]")
        await next_step(pilot)
        assert "Foo [UK] Ltd" in screen_text(app)  # the debtor's address block
        app.set_language("en")
        await settle(pilot)
        assert "Step 2 of 10" in screen_text(app) and "The debtor's address" in screen_text(app)
        await pilot.press("f7")
        await settle(pilot)
        assert wizard.query_one("#own_reference", Input).value == "[bold]R-1[/]"


async def test_alternative_contact_is_its_own_field_not_part_of_the_comments(env: Env) -> None:
    app = env.app("alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        wizard = await _restored(pilot, env, _answers("invoices", app.principal.display_name,
                                                      reason="insolvency"))
        await pilot.press("f7")  # back to the intervention step
        await settle(pilot)
        assert wizard.step == "intervention"
        await choose(pilot, "intervention-yes")
        await type_in(pilot, "#alt_contact_name", "Zoé [bold]Martin[/]")
        await type_in(pilot, "#alt_contact_email", "zoe.example.test")
        await next_step(pilot)  # the e-mail is refused at its field
        assert wizard.step == "intervention"
        assert "Not an e-mail address" in screen_text(app)
        await type_in(pilot, "#alt_contact_email", "zoe@example.test")
        await type_in(pilot, "#alt_contact_phone", "+33 1 23 45 67 89")
        await next_step(pilot)
        assert wizard.step == "invoices"
        await add_invoice(pilot, "4001", day(30), day(1), "990")
        await next_step(pilot)  # → payments
        await next_step(pilot)  # → comments
        wizard.query_one("#comments", TextArea).insert("Two reminders.")
        await settle(pilot)
        # The counter counts the comment only.
        assert "14 / 900 characters" in screen_text(app)
        await next_step(pilot)  # → review
        text = screen_text(app)
        assert "Alternative contact: Zoé [bold]Martin[/] · zoe@example.test · " \
               "+33 1 23 45 67 89" in text
        await next_step(pilot)  # → confirm
        wizard.query_one("#confirmed").toggle()  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await settle(pilot)
        claim = wizard.submitted
        assert claim is not None
        declaration = app.repo.claims.detail(claim.id).declarations[0]
        assert declaration.comments == "Two reminders."
        assert (declaration.alt_contact_name, declaration.alt_contact_email,
                declaration.alt_contact_phone) == ("Zoé [bold]Martin[/]", "zoe@example.test",
                                                   "+33 1 23 45 67 89")
        # The claim detail's Declaration tab shows it, literally.
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        text = screen_text(app)
        assert "Alternative contact: Zoé [bold]Martin[/] · zoe@example.test" in text
        assert "Two reminders." in text
