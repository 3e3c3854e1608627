"""Extending a company search to the partners' databases, from the keyboard and with
the mouse; a partner's company opened, ordered on, and so brought into our database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Button

from cofatui.enums import ProductStatus
from cofatui.schemas import CompanySearch
from cofatui.tui.features.companies.detail import CompanyDetailScreen
from cofatui.tui.features.companies.search import CompanySearchScreen
from cofatui.tui.features.products.actions import PendingScreen
from cofatui.tui.features.products.forms import ProductFormScreen
from tests.contract.test_companies_partner_search import add_partner_company
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
from tests.tui.test_company import open_search


@pytest.fixture
def env(tmp_path: Path) -> Env:
    env = make_env(tmp_path)
    env.ids["partner"] = add_partner_company(env.engine)
    return env


def lines_with(app: Any, needle: str) -> list[str]:
    return [line for line in screen_text(app).splitlines() if needle in line]


async def test_extend_then_open_and_order_on_a_partner_company(env: Env) -> None:
    app = env.app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_search(pilot)
        assert not screen.query_one("#search-more").display  # nothing to extend yet
        await type_into(pilot, "#name", "alpha")
        await pilot.press("enter")
        await settle(pilot)
        assert "1 company found — Enter opens it" in screen_text(app)
        assert not lines_with(app, "Alpha Partenaires")
        assert "Source" not in screen_text(app)  # our database only: no need to say
        assert "Extend the search to our partners' databases" in screen_text(app)

        await pilot.press("ctrl+t")
        await settle(pilot)
        text = screen_text(app)
        assert "2 companies found in our database and our partners'" in text
        assert "Search extended to our partners' databases" in text
        assert screen.query_one("#extend", Button).disabled
        [partner_line] = lines_with(app, "Alpha Partenaires SARL")
        assert "◇ Partner" in partner_line and "98000000000042" in partner_line
        assert "Our database" in lines_with(app, "Alpha Industries")[0]

        await pilot.press("down", "enter")  # the partner's company
        await settle(pilot)
        detail = app.screen
        assert isinstance(detail, CompanyDetailScreen) and detail.detail is not None
        assert detail.detail.company.id == env.ids["partner"]
        assert "◇ From a partner's database: ordering a product adds it to ours" in \
            screen_text(app)
        assert "12 rue des Partenaires" in screen_text(app)

        detail.order("CRL")
        await settle(pilot)
        assert isinstance(app.screen, ProductFormScreen)
        await type_into(pilot, "#amount", "10000")
        await pilot.press("ctrl+s")
        await settle(pilot)
        # No DRA yet (the insurer has not assessed it): an underwriter decides.
        assert isinstance(app.screen, PendingScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is detail
        assert [(p.code, p.status) for p in detail.detail.products] == [
            ("CRL", ProductStatus.PENDING)]
        assert detail.detail.company.source == "insurer"
        assert "From a partner's database" not in screen_text(app)

        # A new search from our database alone now finds it, marked as ours.
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        screen.action_search()
        await settle(pilot)
        assert "2 companies found — Enter opens one" in screen_text(app)
        assert lines_with(app, "Alpha Partenaires SARL")
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert lines_with(app, "Alpha Partenaires SARL")[0].rstrip().endswith("Our database")


async def test_extend_button_with_an_identifier_and_nothing_found(env: Env) -> None:
    app = env.app(language="fr")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_search(pilot)
        await type_into(pilot, "#name", "zzz")
        await pilot.press("enter")
        await settle(pilot)
        assert "étendez la recherche (Ctrl+T)" in screen_text(app)
        await pilot.click("#extend")
        await settle(pilot)
        assert "Aucune entreprise trouvée, même chez nos partenaires" in screen_text(app)
        assert screen.last_search == CompanySearch(country="FRA", name="zzz",
                                                   head_office_only=True, extended=True)
        # The create button stays offered; a new search starts in our database again.
        assert screen.query_one("#create", Button).display
        screen.query_one("#identifier_type").value = "@easy"  # type: ignore[attr-defined]
        await type_into(pilot, "#identifier_value", "98000000000042")
        await pilot.press("enter")
        await settle(pilot)
        assert "Aucune entreprise trouvée" in screen_text(app)
        assert not lines_with(app, "Alpha Partenaires")
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert "◇ Partenaire" in lines_with(app, "Alpha Partenaires SARL")[0]


@pytest.mark.parametrize("theme", SNAP_THEMES)
def test_snapshot_extended_results(snap_compare: Any, env: Env, theme: str) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        screen = await open_search(pilot)
        assert isinstance(screen, CompanySearchScreen)
        screen.query_one("#head_office_only").value = False  # type: ignore[attr-defined]
        await type_into(pilot, "#name", "alpha")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("ctrl+t")
        await settle(pilot)

    assert snap_compare(themed(env.app(), theme), terminal_size=SIZE, run_before=run_before)
