"""The invoice and payment CSV imports in the wizard: a file with two mistakes shown in the
grid (marked cells, messages by line and column), corrected there, then added whole; a
badly structured file refused with the reason; an invoice already declared; a payment
file naming an unknown invoice; the template saved where the user says; a snapshot of
the grid with its errors."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, Input

from cofatui.tui.features.claims.wizard import ClaimWizardScreen
from cofatui.tui.kit.line_import import ImportFileDialog, ImportGridScreen, SaveFileDialog
from tests.tui.claims_env import (
    add_invoice,
    day,
    fill_to_invoices,
    next_step,
    open_wizard,
    toasts,
    type_in,
)
from tests.tui.pilot import wait_until
from tests.tui.products_env import SIZE, Env, make_env, pin_utc, screen_text, settle, themed

__all__ = ["pin_utc"]


@pytest.fixture
def env(tmp_path: Path) -> Env:
    return make_env(tmp_path)


def invoice_file(tmp_path: Path, mistakes: bool = True, lines: int = 20) -> Path:
    """``lines`` invoices dated from 60 days ago (a day over 12 shows dd/mm/yyyy);
    with ``mistakes``, line 5 has a thousands separator and line 12 a 31 February."""
    rows = ["Type;Reference;Invoice date;Initial due date;Currency;Amount incl. tax;Tax"]
    for n in range(lines):
        issued = day(60) + timedelta(days=n)
        amount = f"{1000 + n}.50"
        invoice_date = issued.strftime("%d/%m/%Y")
        if mistakes and n == 3:
            amount = "1,526.23"
        if mistakes and n == 10:
            invoice_date = "31/02/2026"
        rows.append(f"IN;{5000 + n};{invoice_date};"
                    f"{(issued + timedelta(days=30)).strftime('%d/%m/%Y')};EUR;{amount};0")
    path = tmp_path / "invoices.csv"
    path.write_bytes(("\r\n".join(rows) + "\r\n").encode("utf-8"))
    return path


async def start_import(pilot: Pilot[Any], path: Path) -> None:
    await pilot.press("i")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ImportFileDialog)
    await type_in(pilot, "#path", str(path))
    await pilot.press("enter")
    await settle(pilot)


async def test_file_with_two_mistakes_corrected_in_the_grid_then_added(
        env: Env, tmp_path: Path) -> None:
    app = env.app("alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        wizard = await open_wizard(pilot, env)
        await fill_to_invoices(pilot)
        await add_invoice(pilot, "1001", day(52), day(22), "1000.00", "200.00")
        await start_import(pilot, invoice_file(tmp_path))
        grid = app.screen
        assert isinstance(grid, ImportGridScreen)
        text = screen_text(app)
        assert "2 lines with 2 faults, 18 valid" in text
        assert "line 5, Amount incl. tax:" in text and "No thousands separators" in text
        assert "line 12, Invoice date:" in text
        assert "⚠1,526.23" in text  # the faulty cell is marked, readable without colour
        assert grid.query_one("#add", Button).disabled
        # The cursor starts on the first faulty line; Enter goes to its faulty cell.
        assert "Line 5 of the file" in text
        await pilot.press("enter")
        await settle(pilot)
        assert app.focused is grid.query_one("#cell-amount", Input)
        await type_in(pilot, "#cell-amount", "1526.23")
        await settle(pilot)
        assert "1 line with 1 fault, 19 valid" in screen_text(app)
        await pilot.press("enter")  # back to the grid
        await pilot.press("ctrl+n")  # the next faulty line
        await settle(pilot)
        assert "Line 12 of the file" in screen_text(app)
        await type_in(pilot, "#cell-invoice_date", day(50).strftime("%d/%m/%Y"))
        await settle(pilot)
        assert "All 20 lines are valid" in screen_text(app)
        assert not grid.query_one("#add", Button).disabled
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ClaimWizardScreen) and wizard.state is not None
        numbers = [i.number for i in wizard.state.invoices]
        assert numbers[0] == "1001" and len(numbers) == 21 and numbers[-1] == "5019"
        corrected = wizard.state.invoices[4]
        assert str(corrected.amount_excl_tax) == "1526.23"
        assert "21 invoices" in screen_text(app)
        # Submitted as one claim with the 21 invoices.
        await next_step(pilot)
        await next_step(pilot)
        await next_step(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert wizard.submitted is not None and wizard.submitted.invoice_count == 21


async def test_a_badly_structured_file_is_refused_whole(env: Env, tmp_path: Path) -> None:
    path = tmp_path / "commas.csv"
    path.write_text("IN,1234,22/08/2026,11/10/2026,EUR,1526.23,0\n", encoding="utf-8")
    app = env.app("alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        wizard = await open_wizard(pilot, env)
        await fill_to_invoices(pilot)
        await start_import(pilot, path)
        assert isinstance(app.screen, ImportFileDialog)
        text = screen_text(app)
        assert "File refused whole, nothing imported" in text and "replace the commas" in text
        await type_in(pilot, "#path", str(tmp_path / "missing.csv"))
        await pilot.press("enter")
        await settle(pilot)
        assert "No file at" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is wizard and wizard.state is not None and not wizard.state.invoices


async def test_an_invoice_already_declared_blocks_the_import(env: Env, tmp_path: Path) -> None:
    app = env.app("alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        wizard = await open_wizard(pilot, env)
        await fill_to_invoices(pilot)
        await add_invoice(pilot, "5002", day(52), day(22), "10")
        await start_import(pilot, invoice_file(tmp_path, mistakes=False, lines=4))
        grid = app.screen
        assert isinstance(grid, ImportGridScreen)
        assert "Already in the declaration" in screen_text(app)
        await pilot.press("ctrl+s")  # refused: all or nothing
        await settle(pilot)
        assert app.screen is grid
        await pilot.press("escape")
        await settle(pilot)
        assert wizard.state is not None and len(wizard.state.invoices) == 1


async def test_payment_file_checks_the_invoices_of_the_claim(env: Env, tmp_path: Path) -> None:
    path = tmp_path / "payments.csv"
    paid = day(3).strftime("%d/%m/%Y")
    path.write_text(f"SE;1001;{paid};EUR;100\nCN;1001,9999;{paid};EUR;50\n", encoding="utf-8")
    app = env.app("alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        wizard = await open_wizard(pilot, env)
        await fill_to_invoices(pilot)
        await add_invoice(pilot, "1001", day(52), day(22), "1000.00")
        await next_step(pilot)
        await start_import(pilot, path)
        grid = app.screen
        assert isinstance(grid, ImportGridScreen)
        assert "Not an invoice of this claim: 9999" in screen_text(app)
        await pilot.press("down")
        await settle(pilot)
        await type_in(pilot, "#cell-references", "1001")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert wizard.state is not None
        assert [p.amount for p in wizard.state.payments] == [100, 50]


async def test_the_template_is_saved_where_the_user_says(env: Env, tmp_path: Path) -> None:
    app = env.app("alice")
    target = tmp_path / "out" / "my_template.csv"
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_wizard(pilot, env)
        await fill_to_invoices(pilot)
        await pilot.press("t")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, SaveFileDialog)
        assert dialog.query_one("#path", Input).value.endswith("claim_invoice_template.csv")
        await type_in(pilot, "#path", str(target))
        await pilot.press("enter")
        await settle(pilot)
        assert target.read_bytes().startswith("\ufeffType;Reference".encode())
        # The toast follows the dialog's result, a turn or two after the file is written.
        await wait_until(pilot, lambda: "Template saved" in toasts(app), what="its toast")
        # A second save to the same place asks before replacing the file.
        await pilot.press("t")
        await settle(pilot)
        await type_in(pilot, "#path", str(target))
        await pilot.press("enter")
        await settle(pilot)
        assert "press Save again to replace it" in screen_text(app)


def test_snapshot_import_grid_with_errors(snap_compare: Any, env: Env, tmp_path: Path) -> None:
    app = themed(env.app("alice"), "cofatui-dark")
    path = invoice_file(tmp_path)

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await open_wizard(pilot, env)
        await fill_to_invoices(pilot)
        await start_import(pilot, path)
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_dates_are_those_of_the_dataset() -> None:
    # The snapshots rely on the fixed clock of the contract dataset.
    assert day(0) == date(2026, 11, 22)
