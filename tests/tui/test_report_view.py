"""A delivered report reads in the language it was ordered in (English, French, German
or Spanish) whatever the UI language; its title, in the UI language, names it, and the
product's actions list it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Select

from cofatui.tui.features.companies.detail import CompanyDetailScreen
from cofatui.tui.features.products.actions import ProductActionsScreen
from cofatui.tui.features.products.report import ReportScreen
from tests.tui.products_env import (  # noqa: F401  (pin_utc is an autouse fixture)
    SIZE,
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


async def order_report(pilot: Pilot[Any], company_id: int, code: str,
                       language: str) -> ReportScreen:
    """Orders a report in ``language`` and opens it from the product's actions."""
    detail = await open_detail(pilot, company_id)
    detail.order(code)
    await settle(pilot)
    pilot.app.screen.query_one("#language", Select).value = language
    await pilot.press("ctrl+s")
    await settle(pilot)
    codes = [p.code for p in detail.detail.products]  # type: ignore[union-attr]
    for _ in range(codes.index(code)):
        await pilot.press("down")
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ProductActionsScreen)
    await pilot.press("r")
    await settle(pilot)
    report = pilot.app.screen
    assert isinstance(report, ReportScreen)
    return report


async def test_a_report_reads_in_the_language_it_was_ordered_in(env: Env) -> None:
    app = env.app()  # the UI in English
    async with app.run_test(size=SIZE) as pilot:
        report = await order_report(pilot, env.ids["alpha"], "REPORT_INSTANT", "de")
        assert report.product.language == "de"
        text = screen_text(app)
        assert "Instant report — in German — delivered on 22 Nov 2026" in text
        for expected in ("Identität", "Adresse: 1 rue alpha", "Ort:", "Kennungen",
                         "SIREN: 732829320", "Risikobewertung", "DRA: 7 / 10",
                         "Produkte aus diesem Vertrag", "Kreditlimit: erteilt"):
            assert expected in text
        for english in ("Identity", "Address:", "City:", "Credit limit", "granted"):
            assert english not in text
        await pilot.press("escape")
        await settle(pilot)
        assert "Report language: German" in screen_text(app)  # the product's actions


async def test_a_report_without_language_reads_in_the_ui_language(env: Env) -> None:
    app = env.app(language="fr")
    async with app.run_test(size=SIZE) as pilot:
        detail = await open_detail(pilot, env.ids["alpha"])
        crl = detail.detail.products[0]  # type: ignore[union-attr]
        older = crl.model_copy(update={"id": -1, "code": "REPORT_INSTANT", "language": None})
        app.push_screen(ReportScreen(detail.detail, older))  # type: ignore[arg-type]
        await settle(pilot)
        text = screen_text(app)
        assert "Rapport instantané — livré le" in text and "Adresse : " not in text
        assert "Identité" in text and "Agrément" in text


def test_snapshot_spanish_report(snap_compare: Any, env: Env) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await order_report(pilot, env.ids["alpha"], "REPORT_CREDIT", "es")
        # The order's toast expires on the wall clock: on a loaded machine it was gone
        # before the picture, elsewhere not. The picture is of the report.
        pilot.app.clear_notifications()
        await pilot.pause()

    assert snap_compare(themed(env.app(), "cofatui-dark"), terminal_size=SIZE,
                        run_before=run_before)
