"""The ILU form and lists as alice uses them (issue 17 item 6, acceptance "Pilot": an
ILU need above the cover leading to Modify): the need above the cover shows the seed's
warning and, once validated, leads to the cover's Modify form pre-filled; a refused
deletion leaves the form open with the message and records nothing; a closed ILU opens
read-only; the ILU tab's views; the draft comes back."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Button, Input, Static

from cofatui.enums import IluStatus, IluView, PaymentExperience, ProductStatus
from cofatui.schemas_ilu import IluAnswer, IluCreate, IluPublic
from cofatui.tui.features.ilu.form import IluFormScreen
from cofatui.tui.features.ilu.lists import IluListScreen
from cofatui.tui.kit.choices import Choice
from cofatui.tui.kit.dialog import ConfirmScreen
from cofatui.tui.kit.typed_input import typed_amount
from cofatui.tui.navigation import open_screen
from tests.tui.pilot import drafts_written, settle, type_into, wait_until
from tests.tui.products_env import SIZE, Env, make_env, screen_text


def issue(env: Env, company: str = "alpha") -> IluPublic:
    return env.app("uw").repo.ilus.create(IluCreate(contract_id=env.ids["A"],
                                                    company_id=env.ids[company]))


async def open_form(pilot: Pilot[Any], ilu_id: int) -> IluFormScreen:
    await settle(pilot)
    open_screen(pilot.app, "ilu", ilu_id)
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, IluFormScreen),
                     what="the ILU form")
    await settle(pilot)
    form = pilot.app.screen
    assert isinstance(form, IluFormScreen)
    return form


def choose(form: IluFormScreen, *ids: str) -> None:
    for choice in ids:
        form.query_one(f"#{choice}", Choice).value = True


def error_text(form: IluFormScreen) -> str:
    return str(form.query_one("#dialog-error", Static).render())


async def test_a_need_above_the_cover_leads_to_the_modify_form_prefilled(
        tmp_path: Path) -> None:
    from cofatui.tui.features.products.actions import PendingScreen, ProductActionsScreen

    env = make_env(tmp_path)
    ilu = issue(env)
    app = env.app("alice")
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot, ilu.id)
        assert "100,000.00" in screen_text(app)  # the current cover
        assert not form.query_one("#need-box").display  # until "No" is chosen
        choose(form, "experience-late", "delete-no")
        await settle(pilot)
        await type_into(pilot, "#real_need", "150000")
        await settle(pilot)
        assert form.query_one("#above-warning").display
        assert "outside the ILU" in screen_text(app)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen),
                         what="the offer to modify the cover")
        assert "Open the modification form" in screen_text(app)
        await pilot.press("y")
        await wait_until(pilot, lambda: isinstance(app.screen, ProductActionsScreen),
                         what="the Modify form")
        await settle(pilot)
        actions = app.screen
        assert actions.query_one("#amount", Input).value == typed_amount(Decimal(150000))
        # The modification goes the usual way, outside the ILU.
        await pilot.click("#modify")
        await wait_until(pilot, lambda: isinstance(app.screen, PendingScreen),
                         what="the modification pending, with its countdown")
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, PendingScreen),
                         what="the pending dialog closed")
    answered = env.app("alice").repo.ilus.get(ilu.id)
    assert answered.status == IluStatus.ANSWERED and answered.need_above_cover
    assert answered.experience == PaymentExperience.LATE
    cover = next(p for p in env.app("alice").repo.products.of_company(
        env.ids["A"], env.ids["alpha"]) if p.id == ilu.product_id)
    assert cover.pending_request is not None
    assert cover.pending_request.requested_amount == Decimal(150000)


async def test_the_mandatory_fields_are_said_at_their_place(tmp_path: Path) -> None:
    env = make_env(tmp_path)
    ilu = issue(env)
    app = env.app("alice")
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot, ilu.id)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Choose your payment experience" in screen_text(app)
        assert "Say whether to delete this cover" in screen_text(app)
        choose(form, "experience-on_time", "delete-no")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Give your real need" in screen_text(app)
        assert isinstance(app.screen, IluFormScreen)
    assert env.app("alice").repo.ilus.get(ilu.id).status == IluStatus.OPEN


async def test_a_refused_deletion_leaves_the_form_open_with_the_message(
        tmp_path: Path) -> None:
    env = make_env(tmp_path)
    ilu = issue(env)
    alice = env.app("alice").repo
    cover = next(p for p in alice.products.of_company(env.ids["A"], env.ids["alpha"])
                 if p.id == ilu.product_id)
    alice.products.modify(cover.id, Decimal(150000), cover.version)  # pending
    app = env.app("alice")
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot, ilu.id)
        choose(form, "experience-difficulties", "delete-yes")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen),
                         what="the confirmation showing the cover")
        assert "100,000.00" in screen_text(app)
        await pilot.press("y")
        await wait_until(pilot, lambda: "pending" in error_text(form), what="the refusal")
        assert app.screen is form
        assert not form.query_one("#submit", Button).disabled  # it may be answered otherwise
    kept = alice.ilus.get(ilu.id)
    assert kept.status == IluStatus.OPEN and kept.experience is None
    assert next(p for p in alice.products.of_company(env.ids["A"], env.ids["alpha"])
                if p.id == ilu.product_id).status == ProductStatus.GRANTED


async def test_a_closed_ilu_opens_read_only(tmp_path: Path) -> None:
    env = make_env(tmp_path)
    ilu = issue(env)
    env.app("alice").repo.ilus.answer(ilu.id, IluAnswer(
        version=ilu.version, experience=PaymentExperience.ON_TIME, delete_cover=False,
        real_need=Decimal(60000), comment="Stable"))
    app = env.app("alice")
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot, ilu.id)
        assert not form.query("#submit") and not form.query("#experience")
        text = screen_text(app)
        assert "Real need: €60,000.00" in text or "60,000.00" in text
        assert "Stable" in text


async def test_the_draft_comes_back(tmp_path: Path) -> None:
    env = make_env(tmp_path)
    ilu = issue(env)
    app = env.app("alice")
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot, ilu.id)
        choose(form, "experience-late", "delete-no")
        await type_into(pilot, "#real_need", "70000")
        await type_into(pilot, "#comment", "Seasonal peak")
        await drafts_written(pilot)
        await pilot.press("ctrl+b")
        await wait_until(pilot, lambda: not isinstance(app.screen, IluFormScreen),
                         what="the form closed with its draft")
        await settle(pilot)
        form = await open_form(pilot, ilu.id)
        await settle(pilot)
        assert form.query_one("#comment", Input).value == "Seasonal peak"
        assert form.delete_cover() is False and form.experience() == PaymentExperience.LATE
        assert form.query_one("#need-box").display


async def test_the_ilu_tab_has_active_and_closed_views(tmp_path: Path) -> None:
    env = make_env(tmp_path)
    waiting, done = issue(env), issue(env, "beta")
    env.app("alice").repo.ilus.answer(done.id, IluAnswer(
        version=done.version, experience=PaymentExperience.ON_TIME, delete_cover=False,
        real_need=Decimal(0)))
    app = env.app("alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        open_screen(app, "portfolio")
        await settle(pilot)
        await pilot.press("i")
        await wait_until(pilot, lambda: isinstance(app.screen, IluListScreen),
                         what="the ILU tab")
        await settle(pilot)
        text = screen_text(app)
        assert "Alpha Industries" in text and "Beta" not in text
        await pilot.press("c")
        await settle(pilot)
        assert app.screen.view == IluView.CLOSED  # type: ignore[attr-defined]
        assert "Answered" in screen_text(app)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, IluFormScreen),
                         what="the closed ILU")
        assert app.screen.ilu.id == done.id  # type: ignore[attr-defined]
    assert waiting.id != done.id


async def test_an_underwriter_issues_one_from_the_company_page(tmp_path: Path) -> None:
    from tests.tui.company_info_env import open_company

    env = make_env(tmp_path)
    app = env.app("uw")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_company(pilot, env.ids["alpha"])
        await pilot.press("g")
        await wait_until(pilot, lambda: isinstance(app.screen, IluListScreen),
                         what="the company's ILUs")
        await settle(pilot)
        await pilot.press("n")
        await wait_until(pilot, lambda: app.screen.query("#ilu-issue"), what="the dialog")
        await type_into(pilot, "#message", "Annual review")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, IluListScreen),
                         what="back on the list")
        await wait_until(pilot, lambda: "Alpha Industries" in screen_text(app),
                         what="the ILU listed")
        # A second one on the same buyer is refused in the dialog, with the reason.
        await pilot.press("n")
        await wait_until(pilot, lambda: app.screen.query("#ilu-issue"), what="the dialog")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "already open" in screen_text(app), what="the refusal")
    issued = env.app("uw").repo.ilus.issued().items
    assert [(i.company_id, i.message) for i in issued] == [(env.ids["alpha"], "Annual review")]


async def test_the_notification_filter_offers_the_ilu_product(tmp_path: Path) -> None:
    from textual.widgets import Select

    from cofatui.tui.features.notifications.filters import NotificationFiltersScreen

    env = make_env(tmp_path)
    issue(env)
    app = env.app("alice", language="fr")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        open_screen(app, "notifications")
        await settle(pilot)
        await pilot.press("f")
        await wait_until(pilot, lambda: isinstance(app.screen, NotificationFiltersScreen),
                         what="the filters")
        # Select refuses a value it does not offer.
        app.screen.query_one("#f-product_code", Select).value = "ILU"
        await settle(pilot)
        assert "ILU – Demande d’engagements" in screen_text(app)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Besoin de couverture demandé (ILU)" in screen_text(app)
        assert "Alpha Industries" in screen_text(app)
