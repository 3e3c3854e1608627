"""The extension form shows the repository's rules at the field before sending (issue 13
item 4): a currency that is not ISO 4217 is refused under the currency field as it is
typed, in the reader's language, with the very text the rule gives; sending is refused
in place and nothing is written. A line the rules refuse (an invoice dated after today)
is marked on its line."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from textual.widgets import Select

from cofatui.models import Extension
from cofatui.rules.currencies import currency_errors
from cofatui.tui.features.extensions.form import ExtensionInvoiceDialog, PlanLineDialog
from cofatui.tui.kit.form import field
from cofatui.tui.kit.lines import RowsPanel
from tests.contract.dataset import TODAY
from tests.tui.claims_env import dmy, type_in
from tests.tui.products_env import SIZE, Env, make_env, pin_utc, screen_text, settle
from tests.tui.test_extension_form import DUE, INVOICE_DATE, add_line, open_form

__all__ = ["pin_utc"]

# The catalogs' words, written out: the French one must read as French.
UNKNOWN = {"en": "“XYZ” is not an ISO 4217 currency code",
           "fr": "« XYZ » n’est pas un code devise ISO 4217"}


@pytest.fixture
def env(tmp_path: Path) -> Env:
    return make_env(tmp_path)


def extensions_written(env: Env) -> int:
    with Session(env.engine) as s:
        return int(s.execute(select(func.count()).select_from(Extension)).scalar_one())


@pytest.mark.parametrize("language", ["en", "fr"])
async def test_unknown_currency_is_refused_at_its_field(env: Env, language: str) -> None:
    app = env.app("alice", language)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        form = await open_form(pilot, env, "beta")
        currency = field(form, "currency")
        assert currency is not None and not currency.has_class("-invalid")
        await type_in(pilot, "#currency", "xyz")  # upper-cased as typed
        await settle(pilot)
        [rule] = currency_errors("XYZ", TODAY)
        assert rule.text(language) == UNKNOWN[language]
        assert currency.has_class("-invalid") and UNKNOWN[language] in currency.error
        # A complete form otherwise: sending is refused in place, nothing written.
        form.query_one("#reason", Select).value = "cash_flow"
        form.query_one("#ext-invoices").query_one(".rows-list").focus()
        await add_line(pilot, ExtensionInvoiceDialog, number="F-1",
                       invoice_date=dmy(INVOICE_DATE), due_date=dmy(DUE), amount="600.00")
        form.query_one("#ext-plan").query_one(".rows-list").focus()
        await add_line(pilot, PlanLineDialog, due_date=dmy(DUE + timedelta(days=20)),
                       amount="600.00")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert UNKNOWN[language] in currency.error
        assert extensions_written(env) == 0
        # Corrected, the error goes as it is typed.
        await type_in(pilot, "#currency", "EUR")
        await settle(pilot)
        assert not currency.has_class("-invalid") and currency.error == ""


async def test_an_invoice_dated_after_today_is_marked_on_its_line(env: Env) -> None:
    app = env.app("alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        form = await open_form(pilot, env, "beta")
        form.query_one("#ext-invoices").query_one(".rows-list").focus()
        tomorrow = TODAY + timedelta(days=1)
        await add_line(pilot, ExtensionInvoiceDialog, number="F-9", invoice_date=dmy(tomorrow),
                       due_date=dmy(tomorrow + timedelta(days=30)), amount="100.00")
        panel = form.query_one("#ext-invoices", RowsPanel)
        assert panel.errors[1].startswith("The invoice date cannot be after today")
        assert "1 line to correct" in screen_text(app)
