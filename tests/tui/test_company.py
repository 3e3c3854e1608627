"""Company search and creation, company detail, NEW ACTION, every product form with its
field-level validation, the actions on a product, the report screen."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, RadioButton, Select

from cofatui.enums import ProductStatus
from cofatui.rules.products import NEW_ACTION_CODES
from cofatui.schemas import PortfolioEntryUpdate
from cofatui.tui.features.companies.create import CompanyCreateScreen
from cofatui.tui.features.companies.detail import CompanyDetailScreen
from cofatui.tui.features.companies.fields import CustomFieldsScreen
from cofatui.tui.features.companies.search import CompanySearchScreen
from cofatui.tui.features.products.actions import (
    HistoryScreen,
    ProductActionsScreen,
)
from cofatui.tui.features.products.forms import ProductFormScreen
from cofatui.tui.features.products.new_action import NewActionScreen
from cofatui.tui.features.products.report import ReportScreen
from cofatui.tui.kit.dialog import ConfirmScreen
from tests.tui.pilot import type_into
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
    return make_env(tmp_path)


async def open_detail(pilot: Pilot[Any], company_id: int) -> CompanyDetailScreen:
    await settle(pilot)
    pilot.app.push_screen(CompanyDetailScreen(company_id))
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, CompanyDetailScreen) and screen.detail is not None
    return screen


async def open_search(pilot: Pilot[Any]) -> CompanySearchScreen:
    await settle(pilot)
    pilot.app.switch_to("company_search")  # type: ignore[attr-defined]
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, CompanySearchScreen)
    return screen


# --- search and creation ------------------------------------------------------------------


async def test_search_says_what_is_missing_at_the_fields(env: Env) -> None:
    app = env.app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_search(pilot)
        assert screen.query_one("#country", Select).value == "FRA"  # the settings' default
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Type the start of the name" in screen_text(app)
        screen.query_one("#identifier_type", Select).value = "@easy"
        await type_into(pilot, "#identifier_value", "12x")
        await pilot.press("enter")
        await settle(pilot)
        assert "EasyNumber" in screen_text(app)  # the normalisation's message, at the field


async def test_branches_are_listed_under_their_head_office(env: Env) -> None:
    app = env.app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_search(pilot)
        await type_into(pilot, "#name", "alpha")
        await pilot.press("enter")
        await settle(pilot)
        assert "Alpha Industries Lyon" not in screen_text(app)  # head office only
        screen.query_one("#head_office_only").value = False  # type: ignore[attr-defined]
        screen.action_search()
        await settle(pilot)
        lines = [line for line in screen_text(app).splitlines() if "Alpha Industries" in line]
        assert "Head office" in lines[0] and "↳ Alpha Industries Lyon" in lines[1]
        assert "Branch" in lines[1]


async def test_create_company_checks_the_identifier_and_reports_duplicates(env: Env) -> None:
    app = env.app()
    async with app.run_test(size=SIZE) as pilot:
        await open_search(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, CompanyCreateScreen)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert screen_text(app).count("Mandatory") == 4  # name, address, postal code, city
        form.query_one("#legal_identifier_type", Select).value = "SIREN"
        await type_into(pilot, "#legal_identifier_value", "552100555")
        assert "Invalid SIREN" in screen_text(app)  # checked as it is typed
        await type_into(pilot, "#legal_identifier_value", "552100554")
        for name, value in (("name", "Epsilon Bis"), ("address", "2 rue X"),
                            ("postal_code", "69001"), ("city", "Lyon")):
            await type_into(pilot, f"#{name}", value)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert "A company with SIREN 552100554 already" in screen_text(app)  # at the field
        form.query_one("#legal_identifier_type", Select).clear()
        form.query_one("#legal_identifier_value", Input).value = ""
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        detail = app.screen
        assert isinstance(detail, CompanyDetailScreen)
        assert detail.detail is not None and detail.detail.company.name == "Epsilon Bis"


# --- detail, NEW ACTION, forms --------------------------------------------------------------


async def test_new_action_lists_every_product_disabled_with_the_reason(env: Env) -> None:
    app = env.app()
    async with app.run_test(size=SIZE) as pilot:
        await open_detail(pilot, env.ids["alpha"])
        await pilot.press("a")
        await settle(pilot)
        menu = app.screen
        assert isinstance(menu, NewActionScreen)
        codes = [i.code for i in menu.items]
        assert [c for c in codes if c in NEW_ACTION_CODES] == list(NEW_ACTION_CODES)
        text = screen_text(app)
        assert "✗ An Express agreement needs a company without other cover" in text
        assert "✗ This company already has a cover" in text
        await pilot.press("enter")  # the first product allowed: the custom credit opinion
        await settle(pilot)
        assert isinstance(app.screen, ProductFormScreen) and app.screen.code == "CCO"


async def test_forms_check_fields_before_submitting(env: Env) -> None:
    app = env.app()
    async with app.run_test(size=SIZE) as pilot:
        detail = await open_detail(pilot, env.ids["epsilon"])
        detail.order("CRL")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ProductFormScreen)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "The amount is mandatory" in screen_text(app)
        await type_into(pilot, "#amount", "12.3456")
        assert "At most 2 decimals" in screen_text(app)  # as it is typed
        # Three decimals look like a thousands group: the hint writes what was meant.
        await type_into(pilot, "#amount", "12.345")
        assert "write 12,345 or 12345.00" in screen_text(app)
        await type_into(pilot, "#amount", "abc")
        assert "Not an amount" in screen_text(app)
        await type_into(pilot, "#guarantor", "123456789012345678901")
        assert "EasyNumber" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)

        detail.order("TOPLINER")
        await settle(pilot)
        await type_into(pilot, "#amount", "5000")
        await type_into(pilot, "#duration_days", "120")
        assert "Duration from 30 to 90 days" in screen_text(app)
        await type_into(pilot, "#duration_days", "60")
        await pilot.press("ctrl+s")
        await settle(pilot)
        # Accepted by the form, refused by the rules: the reason is shown, no traceback.
        assert "TopLiner is offered only when a cover was refused" in screen_text(app)
        assert isinstance(app.screen, ProductFormScreen)


async def test_guarantor_found_with_the_search(env: Env) -> None:
    app = env.app()
    async with app.run_test(size=SIZE) as pilot:
        detail = await open_detail(pilot, env.ids["epsilon"])
        detail.order("CRL")
        await settle(pilot)
        await pilot.press("ctrl+g")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, CompanySearchScreen) and picker.pick
        await type_into(pilot, "#name", "alpha")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ProductFormScreen)
        assert form.query_one("#guarantor", Input).value == "00000000000001"
        assert "✓ Alpha Industries" in screen_text(app)
        await type_into(pilot, "#amount", "10000")
        await pilot.press("ctrl+s")
        await settle(pilot)
        crl = next(p for p in detail.detail.products if p.code == "CRL")  # type: ignore[union-attr]
        assert crl.guarantor_company_id == env.ids["alpha"]


async def test_reports_and_information_products_are_ordered(env: Env) -> None:
    app = env.app()
    async with app.run_test(size=SIZE) as pilot:
        detail = await open_detail(pilot, env.ids["epsilon"])
        detail.order("REPORT_FULL")
        await settle(pilot)
        form = app.screen
        assert "Immediate delivery (last update: no report delivered yet)" in screen_text(app)
        # The choice reads without colour: ● chosen, ○ not.
        assert "●▌ Immediate delivery" in screen_text(app)
        assert "○▌ New investigation" in screen_text(app)
        form.query_one("#language", Select).value = "de"
        form.query_one("#delivery-investigation", RadioButton).value = True
        await settle(pilot)
        assert "○▌ Immediate delivery" in screen_text(app)
        assert "●▌ New investigation" in screen_text(app)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "in a few days" in screen_text(app) or "pending" in screen_text(app)
        await pilot.press("escape")  # closes the countdown
        await settle(pilot)
        for code in ("RSM", "REPORT_INSTANT"):
            detail.order(code)
            await settle(pilot)
            await pilot.press("ctrl+s")
            await settle(pilot)
        codes = {p.code: p.status for p in detail.detail.products}  # type: ignore[union-attr]
        assert codes == {"REPORT_FULL": ProductStatus.PENDING, "RSM": ProductStatus.GRANTED,
                         "REPORT_INSTANT": ProductStatus.GRANTED}
        assert "●RSM DRA with" in screen_text(app) and "granted ⟳" in screen_text(app)


# --- actions on a product ---------------------------------------------------------------


async def test_modify_transform_and_delete_with_confirmation(env: Env) -> None:
    app = env.app()
    async with app.run_test(size=SIZE) as pilot:
        detail = await open_detail(pilot, env.ids["alpha"])
        await pilot.press("enter")  # the Agrément
        await settle(pilot)
        actions = app.screen
        assert isinstance(actions, ProductActionsScreen)
        await type_into(pilot, "#amount", "40000")
        actions.query_one("#modify").press()  # type: ignore[attr-defined]
        await settle(pilot)
        crl = detail.detail.products[0]  # type: ignore[union-attr]
        assert crl.code == "CRL" and crl.requested_amount == Decimal(40000)
        assert crl.status == ProductStatus.GRANTED  # within the automatic rule

        await pilot.press("enter")
        await settle(pilot)
        app.screen.query_one("#transform").press()  # type: ignore[attr-defined]
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert [p.code for p in detail.detail.products][:1] == ["RLI"]  # type: ignore[union-attr]

        await pilot.press("enter")
        await settle(pilot)
        app.screen.query_one("#delete").press()  # type: ignore[attr-defined]
        await settle(pilot)
        assert "Delete the @rating cover?" in screen_text(app)
        await pilot.press("n")  # no: nothing changes
        await settle(pilot)
        assert isinstance(app.screen, ProductActionsScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert detail.detail.products[0].status == ProductStatus.GRANTED


async def test_monitoring_is_stopped_not_deleted_and_history_lists_events(env: Env) -> None:
    app = env.app()
    async with app.run_test(size=SIZE) as pilot:
        detail = await open_detail(pilot, env.ids["gamma"])
        rsm_index = [p.code for p in detail.detail.products].index("RSM")  # type: ignore[union-attr]
        for _ in range(rsm_index):
            await pilot.press("down")
        await pilot.press("enter")
        await settle(pilot)
        actions = app.screen
        assert isinstance(actions, ProductActionsScreen)
        assert not actions.query("#delete") and actions.query("#stop_monitoring")
        actions.query_one("#history").press()  # type: ignore[attr-defined]
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        assert "request" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        actions.query_one("#stop_monitoring").press()  # type: ignore[attr-defined]
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        rsm = next(p for p in detail.detail.products if p.code == "RSM")  # type: ignore[union-attr]
        assert rsm.status == ProductStatus.DELETED and not rsm.monitored


async def test_report_screen_is_built_from_the_company_data(env: Env) -> None:
    app = env.app()
    async with app.run_test(size=SIZE) as pilot:
        detail = await open_detail(pilot, env.ids["alpha"])
        detail.order("REPORT_CREDIT")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        report = next(p for p in detail.detail.products  # type: ignore[union-attr]
                      if p.code == "REPORT_CREDIT")
        app.push_screen(ReportScreen(detail.detail, report))  # type: ignore[arg-type]
        await settle(pilot)
        text = screen_text(app)
        for expected in ("Credit report — in English — delivered on 22 Nov 2026",
                         "Alpha Industries", "1 rue alpha", "SIREN: 732829320",
                         "DRA: 7 / 10", "Credit limit"):
            assert expected in text


async def test_custom_fields_edit_and_stale_version(env: Env) -> None:
    app = env.app()
    async with app.run_test(size=SIZE) as pilot:
        detail = await open_detail(pilot, env.ids["gamma"])
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, CustomFieldsScreen)
        assert form.query_one("#custom_field_1", Input).value == "Textiles premium"
        # Someone else saves first: our save is refused with a message, nothing is lost.
        d = detail.detail
        assert d is not None and d.entry_id is not None and d.entry_version is not None
        env.app("alice").repo.portfolio.update_entry(
            d.entry_id, PortfolioEntryUpdate(client_reference="OTHER"), d.entry_version)
        await type_into(pilot, "#outstanding_amount", "-5")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Must not be negative" in screen_text(app)
        await type_into(pilot, "#outstanding_amount", "12 500")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "changed by someone else" in screen_text(app)
        await pilot.press("escape")
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert "OTHER" in screen_text(app)
        await pilot.press("e")
        await settle(pilot)
        await type_into(pilot, "#outstanding_amount", "12 500")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert detail.detail is not None
        assert detail.detail.outstanding_amount == Decimal(12500)


# --- snapshots ------------------------------------------------------------------------------


@pytest.mark.parametrize("theme", SNAP_THEMES)
def test_snapshot_search_results(snap_compare: Any, env: Env, theme: str) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        screen = await open_search(pilot)
        screen.query_one("#head_office_only").value = False  # type: ignore[attr-defined]
        await type_into(pilot, "#name", "alpha")
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(themed(env.app(), theme), terminal_size=SIZE, run_before=run_before)


@pytest.mark.parametrize("theme", SNAP_THEMES)
def test_snapshot_company_detail(snap_compare: Any, env: Env, theme: str) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await open_detail(pilot, env.ids["foo"])  # a pending Agrément with its countdown

    assert snap_compare(themed(env.app(), theme), terminal_size=SIZE, run_before=run_before)


@pytest.mark.parametrize("theme", SNAP_THEMES)
def test_snapshot_new_action(snap_compare: Any, env: Env, theme: str) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await open_detail(pilot, env.ids["alpha"])
        await pilot.press("a")
        await settle(pilot)

    assert snap_compare(themed(env.app(), theme), terminal_size=SIZE, run_before=run_before)


@pytest.mark.parametrize("theme", SNAP_THEMES)
@pytest.mark.parametrize("code", NEW_ACTION_CODES)
def test_snapshot_product_form(snap_compare: Any, env: Env, theme: str, code: str) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        detail = await open_detail(pilot, env.ids["beta"])  # a cover with a guarantor
        detail.order(code)
        await settle(pilot)

    assert snap_compare(themed(env.app(), theme), terminal_size=SIZE, run_before=run_before)
