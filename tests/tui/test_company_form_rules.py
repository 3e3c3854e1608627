"""Issue 13 item 4, the TUI's side: the company creation form and the edit of a
company's own fields show, at each field and before sending, the refusals of the rule
the server enforces (``rules/companies``), worded in the reader's language; what the
server refuses anyway lands at the same fields."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input, Select

from cofatui.errors import FieldError
from cofatui.i18n import set_language
from cofatui.models import Company
from cofatui.rules.companies import company_field_errors, portfolio_entry_errors
from cofatui.schemas import CompanyCreate, PortfolioEntryUpdate
from cofatui.tui.features.companies.create import CompanyCreateScreen
from cofatui.tui.features.companies.fields import CustomFieldsScreen
from cofatui.tui.kit.form import FormField
from tests.tui.pilot import type_into
from tests.tui.products_env import (  # noqa: F401  (pin_utc is an autouse fixture)
    SIZE,
    Env,
    make_env,
    pin_utc,
    screen_text,
    settle,
)
from tests.tui.test_company import open_detail, open_search

LANGUAGES = ["en", "fr"]


@pytest.fixture
def env(tmp_path: Path) -> Env:
    return make_env(tmp_path)


@pytest.fixture(autouse=True)
def language_back() -> Any:
    yield
    set_language("en")


def company_count(env: Env) -> int:
    with Session(env.engine) as s:
        return s.execute(select(func.count()).select_from(Company)).scalar_one()


def shown_at_fields(form: Screen[Any]) -> dict[str, str]:
    """Each field's error line as the terminal shows it, without its warning sign."""
    return {f.field: f.error.removeprefix("⚠ ") for f in form.query(FormField) if f.error}


def first_per_field(errors: list[FieldError]) -> dict[str, str]:
    out: dict[str, str] = {}
    for e in errors:
        out.setdefault(e.field, e.message)
    return out


async def open_create_form(pilot: Pilot[Any]) -> CompanyCreateScreen:
    await open_search(pilot)
    await pilot.press("ctrl+n")
    await settle(pilot)
    form = pilot.app.screen
    assert isinstance(form, CompanyCreateScreen)
    return form


@pytest.mark.parametrize("language", LANGUAGES)
async def test_the_form_shows_the_rules_refusals_at_their_fields(env: Env,
                                                                 language: str) -> None:
    app = env.app(language=language)
    before = company_count(env)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_create_form(pilot)
        # Pasted rather than typed: 230 key presses would say nothing more.
        form.query_one("#name", Input).value = "Société " + "x" * 222
        form.query_one("#city", Input).value = "Lyon\x07"
        await type_into(pilot, "#address", "2 rue X")
        await type_into(pilot, "#postal_code", "69001")
        await type_into(pilot, "#phone", "call me")
        form.query_one("#legal_identifier_type", Select).value = "SIREN"
        await type_into(pilot, "#legal_identifier_value", "552100555")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form  # nothing sent
        expected = first_per_field(company_field_errors(form._data()))
        assert set(expected) == {"name", "city", "phone", "legal_identifier"}
        assert shown_at_fields(form) == expected
        text = screen_text(app)
        if language == "fr":
            assert "200 caractères au plus (230 saisis)" in text
            assert "Un numéro de téléphone ne contient que" in text
        else:
            assert "At most 200 characters (230 typed)" in text
            assert "A phone number holds" in text
    assert company_count(env) == before


@pytest.mark.parametrize("language", LANGUAGES)
async def test_what_the_server_refuses_lands_at_the_fields(env: Env, language: str) -> None:
    """A creation the form did not check (ZZZ is not in the country list, so only a
    client skipping the form sends it) is refused by the repository with the rule's
    refusals, which the form shows where its own would be."""
    app = env.app(language=language)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_create_form(pilot)
        data = CompanyCreate(name="y" * 201, address="2 rue X", city="Lyon",
                             postal_code="69001", country="ZZZ")
        form.create(data)
        await settle(pilot)
        assert app.screen is form
        assert shown_at_fields(form) == first_per_field(company_field_errors(data))
        word = "inconnu" if language == "fr" else "Unknown country code"
        assert word in shown_at_fields(form)["country"]


@pytest.mark.parametrize("language", LANGUAGES)
async def test_the_edit_of_my_fields_shows_the_rules_refusals(env: Env, language: str) -> None:
    app = env.app(language=language)
    async with app.run_test(size=SIZE) as pilot:
        await open_detail(pilot, env.ids["gamma"])
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, CustomFieldsScreen)
        await type_into(pilot, "#outstanding_amount", "-5")
        form.query_one("#custom_field_1", Input).value = "Textiles\x1b[31m"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        expected = first_per_field(portfolio_entry_errors(PortfolioEntryUpdate(
            outstanding_amount=Decimal(-5), custom_fields={1: "Textiles\x1b[31m"})))
        assert set(expected) == {"outstanding_amount", "custom_field_1"}
        assert shown_at_fields(form) == expected
        negative = "Ne doit pas être négatif" if language == "fr" else "Must not be negative"
        assert negative in screen_text(app)


async def test_the_servers_guard_on_a_custom_field_lands_at_that_field(env: Env) -> None:
    """The repository's input guard names a custom field's value as the request body
    does (``custom_fields.1``): the form shows it at its custom field all the same."""
    app = env.app()
    async with app.run_test(size=SIZE) as pilot:
        detail = await open_detail(pilot, env.ids["gamma"])
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, CustomFieldsScreen)
        d = detail.detail
        assert d is not None and d.entry_id is not None and d.entry_version is not None
        form.save(d.entry_id, PortfolioEntryUpdate(custom_fields={1: "a\x00b"}),
                  d.entry_version)
        await settle(pilot)
        assert app.screen is form
        assert "U+0000" in shown_at_fields(form)["custom_field_1"]
