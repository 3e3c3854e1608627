"""The claim screens as a French user reads them, walked in a terminal for issue 10: every
label apart from its value, one name for one amount, a deadline that says it is the last
day, two different keys with two different names, and a count in the right number."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.tui.claims_env import add_invoice, day, fill_to_invoices, open_wizard, submit_claim
from tests.tui.pilot import type_into
from tests.tui.products_env import (  # noqa: F401  (pin_utc is an autouse fixture)
    SIZE,
    Env,
    make_env,
    pin_utc,
    screen_text,
    settle,
)
from tests.tui.test_claims_portfolio import open_detail
from tests.tui.test_company import open_search


@pytest.fixture
def env(tmp_path: Path) -> Env:
    return make_env(tmp_path)


async def test_french_indemnification_labels_never_run_into_their_values(env: Env) -> None:
    app = env.app("alice", language="fr")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        claim = submit_claim(env, app)
        await open_detail(pilot, claim.id)
        text = screen_text(app)
        assert re.search(r"Délai maximum de déclaration +\d+ jours", text)
        assert not re.search(r"déclaration\d", text)
        # One column for every label of the tab: the values still line up.
        rows = {line.lstrip(" │").split("  ")[0]: line for line in text.splitlines()}
        police = next(line for key, line in rows.items() if key == "Police")
        delay = next(line for key, line in rows.items() if key.startswith("Délai maximum"))
        assert police.index("P-A") == delay.index("150 jours")


async def test_french_claim_tab_names_the_covered_amount_one_way(env: Env) -> None:
    app = env.app("alice", language="fr")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        claim = submit_claim(env, app)
        await open_detail(pilot, claim.id)
        text = screen_text(app)
        # The computed assessment and what the claims department set, side by side.
        assert text.count("Montant couvert") == 2
        assert "Montant garanti" not in text


async def test_french_wizard_deadline_is_the_last_day_and_leave_is_not_quit(env: Env) -> None:
    app = env.app("alice", language="fr")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_wizard(pilot, env)
        footer = screen_text(app).splitlines()[-1]
        # Esc leaves the declaration (draft kept), Ctrl+Q quits the app: two names.
        assert "esc Sortir" in footer and "^q Quitter" in footer
        assert "esc Quitter" not in footer
        await fill_to_invoices(pilot)
        await add_invoice(pilot, "F-1", day(40), day(10), "1 000")
        text = screen_text(app)
        # The deadline day itself is still in time: "au plus tard", never "avant".
        assert "À déclarer au plus tard le " in text
        assert "À déclarer avant le" not in text


@pytest.mark.parametrize(("language", "expected"), [
    ("en", "1 company found — Enter opens it"),
    ("fr", "1 entreprise trouvée — Entrée ouvre la fiche"),
])
async def test_company_search_counts_one_company_in_the_singular(
        env: Env, language: str, expected: str) -> None:
    app = env.app(language=language)
    async with app.run_test(size=SIZE) as pilot:
        await open_search(pilot)
        await type_into(pilot, "#name", "alpha")
        await pilot.press("enter")
        await settle(pilot)
        text = screen_text(app)
        assert expected in text
        assert "1 companies" not in text and "1 entreprises" not in text
