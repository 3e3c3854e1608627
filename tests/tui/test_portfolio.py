"""Portfolio: the 100 most recent companies, criteria over the whole portfolio, the
instant filter over the rows shown, family markers that read without colour,
favourites, export as displayed, literal data."""

from __future__ import annotations

import csv
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session
from sqlmodel import col
from textual.pilot import Pilot
from textual.widgets import Input, SelectionList

from cofatui.enums import ClaimStatus, Collector, ProductStatus
from cofatui.models import Company
from cofatui.repository.sql import SqlRepository
from cofatui.schemas import (
    ClaimCreate,
    ClaimPublic,
    ClaimStatusChange,
    IndemnityUpdate,
    InvoiceLine,
    PortfolioCriteria,
)
from cofatui.tui.features.portfolio.criteria import PortfolioCriteriaScreen
from cofatui.tui.features.portfolio.portfolio import PortfolioScreen, export_rows
from tests.contract.dataset import TODAY
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


async def open_portfolio(pilot: Pilot[Any]) -> PortfolioScreen:
    await settle(pilot)
    pilot.app.push_screen(PortfolioScreen())
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, PortfolioScreen)
    return screen


async def test_most_recently_updated_first_with_family_markers(env: Env) -> None:
    app = env.app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_portfolio(pilot)
        assert [r.company_name for r in screen.shown] == [
            "Foo [UK] Ltd", "Gamma Tessile SpA", "Beta Maschinenbau GmbH", "Alpha Industries",
            "Alpha Industries Lyon"]
        text = screen_text(app)
        assert "Foo [UK] Ltd" in text  # literal, [UK] not eaten as markup
        assert "◆CRL" in text and "●RSM" in text  # the family reads without colour
        assert "◆ Insurance" in text and "● Information" in text and "▲ Unpaid" in text
        assert "100,000 EUR" in text
        assert "The 100 most recently updated companies" in text


async def test_instant_filter_narrows_the_rows_shown_and_enter_searches_all(env: Env) -> None:
    app = env.app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_portfolio(pilot)
        await pilot.press("slash")
        assert app.focused is screen.query_one("#filter", Input)
        await pilot.press(*"alpha")
        await settle(pilot)
        assert [r.company_name for r in screen.shown] == ["Alpha Industries",
                                                          "Alpha Industries Lyon"]
        await pilot.press(*" lyon")
        await settle(pilot)
        assert [r.company_name for r in screen.shown] == ["Alpha Industries Lyon"]
        assert len(screen.rows) == 5  # the filter did not ask the repository
        await pilot.press("enter")  # → a search of the whole portfolio with this text
        await settle(pilot)
        assert screen.criteria.text == "alpha lyon"
        assert screen.query_one("#filter", Input).value == ""


async def test_criteria_panel_validates_then_searches_the_whole_portfolio(env: Env) -> None:
    app = env.app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_portfolio(pilot)
        await pilot.press("c")
        await settle(pilot)
        panel = app.screen
        assert isinstance(panel, PortfolioCriteriaScreen)
        panel.query_one("#amount_min", Input).value = "60 000"
        panel.query_one("#amount_max", Input).value = "abc"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is panel  # refused: the message is at the field
        assert "Not an amount" in screen_text(app)
        panel.query_one("#amount_max", Input).value = "10"
        await settle(pilot)
        assert "The maximum is below the minimum" in screen_text(app)
        panel.query_one("#amount_max", Input).value = ""
        statuses = panel.query_one("#statuses", SelectionList)
        statuses.select(ProductStatus.GRANTED.value)
        statuses.select(ProductStatus.REDUCED.value)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        assert screen.criteria.amount_min == Decimal(60000)
        assert set(screen.criteria.statuses) == {ProductStatus.GRANTED, ProductStatus.REDUCED}
        assert [r.company_name for r in screen.shown] == ["Alpha Industries"]
        assert "Criteria:" in screen_text(app)
        await pilot.press("r")
        await settle(pilot)
        assert len(screen.shown) == 5


async def test_favourite_toggle_and_export_as_displayed(env: Env, tmp_path: Path) -> None:
    app = env.app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_portfolio(pilot)
        await pilot.press("f")
        await settle(pilot)
        assert screen.shown[0].favourite
        assert "★ Foo [UK] Ltd" in screen_text(app)
        await pilot.press("slash", *"alpha")
        await settle(pilot)
        path = export_rows(screen.shown, env.clock.now(), "csv", tmp_path)
        assert path.name == "portfolio-20261122-120000.csv"
        with path.open(encoding="utf-8-sig") as fh:
            rows = list(csv.reader(fh, delimiter=";"))
        assert rows[0][:2] == ["Company", "City"]
        assert [r[0] for r in rows[1:]] == ["Alpha Industries", "Alpha Industries Lyon"]
        assert rows[1][7] == "100000.00" and rows[1][8] == "EUR"
        xlsx = export_rows(screen.shown, env.clock.now(), "xlsx", tmp_path)
        from openpyxl import load_workbook

        sheet = load_workbook(xlsx).active
        assert sheet is not None and sheet.cell(2, 1).value == "Alpha Industries"
        assert sheet.cell(2, 8).value == 100000


async def test_names_that_look_like_formulas_or_markup_stay_text(env: Env, tmp_path: Path
                                                                ) -> None:
    with Session(env.engine) as s:
        s.execute(update(Company).where(col(Company.id) == env.ids["beta"])
                  .values(name="=HYPERLINK(\"x\") [b]bold[/b] $accent"))
        s.commit()
    app = env.app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_portfolio(pilot)
        assert '=HYPERLINK("x") [b]' in screen_text(app)
        path = export_rows(screen.shown, env.clock.now(), "csv", tmp_path)
        assert "'=HYPERLINK" in path.read_text(encoding="utf-8-sig")


async def test_contract_without_rights_shows_the_message(env: Env) -> None:
    app = env.app("uw")  # an underwriter holds no contract
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.current_contract_id = None
        app.push_screen(PortfolioScreen(PortfolioCriteria()))
        await settle(pilot)
        assert "No contract is selected" in screen_text(app)
        assert app.is_running


@pytest.mark.parametrize("theme", SNAP_THEMES)
def test_snapshot_portfolio(snap_compare: Any, env: Env, theme: str) -> None:
    app = themed(env.app(), theme)

    async def run_before(pilot: Pilot[Any]) -> None:
        await open_portfolio(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


async def test_french_labels_amounts_and_dates(env: Env) -> None:
    app = env.app(language="fr")
    async with app.run_test(size=SIZE) as pilot:
        await open_portfolio(pilot)
        text = screen_text(app)
        assert "Portefeuille" in text and "Entreprise" in text
        assert "22/11/2026" in text and "100 000 EUR" in text.replace("\u202f", " ")
        assert "◆ Assurance" in text and "accordé" in text


def declare_claims(env: Env) -> None:
    """Gamma: an accepted claim on uninsured debt, intervention requested, collected by a
    third party. Beta: a pending insured claim. The others: no claim."""
    alice = SqlRepository(env.engine, "alice", env.clock)
    uw = SqlRepository(env.engine, "uw", env.clock)

    def declare(company: str, **flags: Any) -> ClaimPublic:
        return alice.claims.submit(ClaimCreate(
            contact_name="Alice", contact_email="alice@example.test",
            contract_id=env.ids["A"], company_id=env.ids[company], reason="insolvency",
            invoices=[InvoiceLine(type="IN", number="9001", invoice_date=TODAY - timedelta(days=40),
                                  due_date=TODAY - timedelta(days=10), currency="EUR",
                                  amount_excl_tax=Decimal("800.00"), tax=Decimal("160.00"))],
            **flags))

    claim = declare("gamma", insured=False, intervention_requested=True)
    accepted = uw.claims.set_status(claim.id, ClaimStatusChange(status=ClaimStatus.ACCEPTED),
                                   claim.version)
    uw.claims.set_indemnity(claim.id, IndemnityUpdate(collector=Collector.THIRD_PARTY.value),
                     accepted.version)
    declare("beta")


async def test_claim_columns_read_without_colour_and_export_as_words(env: Env,
                                                                      tmp_path: Path) -> None:
    declare_claims(env)
    app = env.app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_portfolio(pilot)
        lines = screen_text(app).splitlines()
        header = next(line for line in lines if "Company" in line and "Updated" in line)
        assert "Claim     ⚑ U Coll. by" in header
        gamma = next(line for line in lines if "Gamma Tessile SpA" in line)
        assert "▲accepted ⚑ U 3rd pty" in gamma
        beta = next(line for line in lines if "Beta Maschinenbau" in line)
        assert "▲pending      —" in beta and "⚑" not in beta and " U " not in beta
        alpha = next(line for line in lines if "Alpha Industries " in line)
        assert "▲" not in alpha and "⚑" not in alpha and "—" not in alpha
        legend = next(line for line in lines if "◆ Insurance" in line)
        assert "⚑ intervention requested" in legend and "U uninsured debt" in legend
        path = export_rows(screen.shown, env.clock.now(), "csv", tmp_path)
        with path.open(encoding="utf-8-sig") as fh:
            rows = list(csv.reader(fh, delimiter=";"))
        claim_at = rows[0].index("Claim")
        assert rows[0][claim_at:claim_at + 4] == [
            "Claim", "Intervention requested", "Claim debt", "Collected by"]
        by_name = {r[0]: r[claim_at:claim_at + 4] for r in rows[1:]}
        assert by_name["Gamma Tessile SpA"] == ["accepted", "Yes", "uninsured debt",
                                                "third party"]
        assert by_name["Beta Maschinenbau GmbH"] == ["pending", "No", "insured debt", "—"]
        assert by_name["Alpha Industries"] == ["", "", "", ""]


async def test_claim_columns_in_french(env: Env) -> None:
    declare_claims(env)
    app = env.app(language="fr")
    async with app.run_test(size=SIZE) as pilot:
        await open_portfolio(pilot)
        text = screen_text(app)
        assert "Impayé    ⚑ U Recouvr." in text
        assert "▲accepté  ⚑ U tiers" in text
        assert "⚑ intervention demandée" in text


async def test_city_shows_when_the_terminal_is_wide_enough(env: Env) -> None:
    app = env.app()
    async with app.run_test(size=(160, 40)) as pilot:
        await open_portfolio(pilot)
        text = screen_text(app)
        assert "City gamma" in text and "Gamma Tessile SpA" in text
        assert "Coll. by" in text
