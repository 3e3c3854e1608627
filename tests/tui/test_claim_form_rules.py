"""The claim wizard shows the repository's refusal of a billing country at the field, in
the user's language (issue 13 item 4): ``FRX`` is not in the reference table, so the
wizard stays on the address step with the rule's message under the country, and moves on
once a country of the table is typed."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Static

from cofatui.errors import FieldError
from cofatui.i18n import get_language, set_language
from cofatui.rules import addresses
from tests.tui.claims_env import choose, next_step, open_wizard
from tests.tui.pilot import type_into
from tests.tui.products_env import (  # noqa: F401  (pin_utc is an autouse fixture)
    SIZE,
    Env,
    make_env,
    pin_utc,
    screen_text,
    settle,
)


@pytest.fixture
def env(tmp_path: Path) -> Env:
    return make_env(tmp_path)


def rule_message(language: str) -> str:
    """The rule's own refusal of FRX, worded in ``language``."""
    [refusal] = addresses.country_errors("FRX", "billing_country")
    before = get_language()
    set_language(language)
    try:
        return FieldError(refusal.field, refusal.code, refusal.params).message
    finally:
        set_language(before)


@pytest.mark.parametrize(("language", "words"), [
    ("en", "is not a country of the reference table"),
    ("fr", "n’est pas un pays de la table de référence"),
])
async def test_wizard_refuses_billing_country_frx_at_the_field(
        env: Env, language: str, words: str) -> None:
    expected = rule_message(language)
    assert words in expected
    app = env.app("alice", language=language)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        wizard = await open_wizard(pilot, env)
        await next_step(pilot)  # → address
        await choose(pilot, "billing-different")
        await type_into(pilot, "#billing_address", "12 rue de la Paix")
        await type_into(pilot, "#billing_postal_code", "75002")
        await type_into(pilot, "#billing_city", "Paris")
        await type_into(pilot, "#billing_country", "frx")  # upper-cased as it is sent
        await next_step(pilot)
        assert wizard.step == "address"
        shown = str(wizard.query_one("#billing_country-error", Static).render())
        assert shown == "⚠ " + expected
        assert expected in screen_text(app)
        assert wizard.query_one("#billing_country-field").has_class("-invalid")
        # The other parts are fine: no refusal under them.
        assert str(wizard.query_one("#billing_city-error", Static).render()) == ""

        await type_into(pilot, "#billing_country", "FRA")
        await next_step(pilot)
        assert wizard.step == "partner"
