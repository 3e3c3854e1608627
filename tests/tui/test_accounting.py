"""Tools › Accounting (issue 20 items 7–8, acceptance "Pilot"): the journal's filters
combine with equal totals, the validate dialog shows the count and numbers first, Enter
on an entry opens its claim, a USD payment's currency amount exported, balance →
ledger with a running balance, the FEC job saved where chosen, and books set-up
refusing a bad SIREN at its field."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from textual.screen import Screen
from textual.widgets import Input, Select, Static

from cofatui.enums import EntryStatus
from cofatui.tui import navigation
from cofatui.tui.features.accounting.balance import BalanceScreen
from cofatui.tui.features.accounting.books_forms import BooksCreateDialog
from cofatui.tui.features.accounting.books_setup import BooksSetupScreen
from cofatui.tui.features.accounting.fec import FecDialog
from cofatui.tui.features.accounting.journal import JournalScreen
from cofatui.tui.features.accounting.ledger import LedgerScreen
from cofatui.tui.features.accounting.validate import ValidateDialog
from cofatui.tui.kit.file_picker import FilePicker
from cofatui.tui.kit.virtual_list import VirtualList
from tests.tui.accounting_env import FEC_BYTES, accounting_app
from tests.tui.pilot import screen_text, settle, toasts, type_into, wait_until
from tests.tui.products_env import SIZE, make_env, pin_utc

__all__ = ["pin_utc"]


def footer(app: Any) -> str:
    found = app.screen.query("#j-totals")
    return str(found.first(Static).render()) if found else ""


async def pick(pilot: Any, target: Path) -> None:
    """Type the path in the picker (no settle: its directory tree keeps a loader worker)."""
    path_input = pilot.app.screen.query_one("#picker-path", Input)
    path_input.value = str(target)
    path_input.focus()
    await pilot.press("enter")


async def open_journal(pilot: Any) -> None:
    await settle(pilot)
    pilot.app.switch_to("accounting")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, JournalScreen)
                     and "entries" in footer(pilot.app), what="the journal's totals")
    await settle(pilot)


async def test_filters_combine_and_totals_stay_equal(tmp_path: Path) -> None:
    acc = accounting_app(make_env(tmp_path))
    async with acc.app.run_test(size=SIZE) as pilot:
        await open_journal(pilot)
        assert footer(pilot.app) == ("10 lines · 5 entries · "
                                     "debit 32,120.00 = credit 32,120.00")
        await type_into(pilot, "#j-account", "4687")
        await wait_until(pilot, lambda: "2 entries" in footer(pilot.app), what="the filter")
        # whole entries: the 7587 and 512 lines of the entries on 4687 are listed too
        assert footer(pilot.app) == "4 lines · 2 entries · debit 18,000.00 = credit 18,000.00"
        text = screen_text(pilot.app)
        assert "7587" in text and "DMS-2026-000046" in text and "PRM-2026" not in text
        pilot.app.screen.query_one("#j-status", Select).value = EntryStatus.PROPOSED
        await type_into(pilot, "#j-text", "encaissement")
        await wait_until(pilot, lambda: footer(pilot.app).startswith("2 lines · 1 entry"),
                         what="three filters together")
        assert footer(pilot.app).endswith("debit 9,000.00 = credit 9,000.00")


async def test_validate_dialog_shows_count_and_numbers_before_validating(
        tmp_path: Path) -> None:
    acc = accounting_app(make_env(tmp_path))
    async with acc.app.run_test(size=SIZE) as pilot:
        await open_journal(pilot)
        await pilot.press("ctrl+l")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ValidateDialog),
                         what="the dialog")
        await settle(pilot)
        # proposed: 5 Mar, 1 Apr, 2 May, 1 Jun; up to the end of last month (31 Oct)
        preview = str(pilot.app.screen.query_one("#v-preview", Static).render())
        assert preview == "4 entries dated up to 31 Oct 2026 will get numbers 3 to 6"
        assert acc.ledger.last_number == 2  # nothing validated by looking
        await type_into(pilot, "#v-until", "30/04/2026")
        preview = str(pilot.app.screen.query_one("#v-preview", Static).render())
        assert preview == "2 entries dated up to 30 Apr 2026 will get numbers 3 to 4"
        await type_into(pilot, "#v-until", "31/12/2030")
        assert "future" in screen_text(pilot.app).lower() or \
            pilot.app.screen.query_one("#confirm").disabled
        await type_into(pilot, "#v-until", "30/04/2026")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, JournalScreen),
                         what="back to the journal")
        await settle(pilot)
        assert acc.ledger.validated_until is not None
        assert acc.ledger.last_number == 4
        assert "2 entries validated: numbers 3 to 4" in toasts(pilot.app)


async def test_enter_opens_the_claim_or_the_payments_notices(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[int] = []

    class ClaimProbe(Screen[None]):
        def __init__(self, claim_id: int) -> None:
            super().__init__()
            opened.append(claim_id)

    class NoticesProbe(Screen[None]):
        def __init__(self, payment_id: int | None = None) -> None:
            super().__init__()
            payments.append(payment_id)

    payments: list[int | None] = []
    monkeypatch.setitem(navigation.SCREENS, "claim_detail", ClaimProbe)
    monkeypatch.setitem(navigation.SCREENS_BY_NAME, "premium_notices", NoticesProbe)
    acc = accounting_app(make_env(tmp_path))
    async with acc.app.run_test(size=SIZE) as pilot:
        await open_journal(pilot)
        journal = pilot.app.screen.query_one("#j-list", VirtualList)
        journal.cursor = 2  # the first line of the claim's registration
        await pilot.press("enter")
        await wait_until(pilot, lambda: opened == [42], what="the claim opened")
        pilot.app.pop_screen()
        await settle(pilot)
        journal.cursor = 1  # the premium payment's bank line: its notices
        await pilot.press("enter")
        await wait_until(pilot, lambda: payments == [7], what="the payment's notices")


async def test_journal_export_as_displayed_keeps_the_usd_amount(tmp_path: Path) -> None:
    acc = accounting_app(make_env(tmp_path))
    async with acc.app.run_test(size=SIZE) as pilot:
        await open_journal(pilot)
        await type_into(pilot, "#j-text", "TopLiner")
        await wait_until(pilot, lambda: "1 entry" in footer(pilot.app), what="the filter")
        # From the text filter still focused: ctrl+e would be the field's "end".
        await pilot.press("ctrl+y")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, FilePicker),
                         what="the picker")
        target = tmp_path / "journal.csv"
        await pick(pilot, target)
        await wait_until(pilot, lambda: "rows exported" in toasts(pilot.app), what="the file")
        rows = list(csv.reader(target.read_text(encoding="utf-8-sig").splitlines(),
                               delimiter=";"))
        assert len(rows) == 3  # the header and the payment's two lines
        assert {r[5] for r in rows[1:]} == {"6166", "512"}
        assert all("USD" in r for r in rows[1:])


async def test_balance_then_an_accounts_ledger_with_its_running_balance(
        tmp_path: Path) -> None:
    acc = accounting_app(make_env(tmp_path))
    async with acc.app.run_test(size=SIZE) as pilot:
        await open_journal(pilot)
        pilot.app.screen.query_one("#j-list", VirtualList).focus()
        await pilot.press("ctrl+b")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, BalanceScreen)
                         and "debit" in str(pilot.app.screen.query_one("#b-totals").render()),
                         what="the balance")
        totals = str(pilot.app.screen.query_one("#b-totals", Static).render())
        assert "debit 32,120.00 = credit 32,120.00" in totals
        rows = pilot.app.screen.query_one("#b-list", VirtualList)
        accounts = [rows.row_at(i).account for i in range(rows.row_count)]
        assert accounts.index("512") >= 0
        rows.cursor = accounts.index("512")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, LedgerScreen),
                         what="the ledger")
        await settle(pilot)
        text = screen_text(pilot.app)
        assert "Account 512 Banque — opening balance 0.00" in text
        # 512: −1,200.00, +9,000.00 = 7,800.00, −920.00 = 6,880.00
        assert "-1,200.00" in text and "7,800.00" in text and "6,880.00" in text


async def test_fec_job_saved_where_chosen_with_the_left_out_count(tmp_path: Path) -> None:
    acc = accounting_app(make_env(tmp_path))
    async with acc.app.run_test(size=SIZE) as pilot:
        await open_journal(pilot)
        pilot.app.screen.query_one("#j-list", VirtualList).focus()
        await pilot.press("ctrl+f")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, FecDialog),
                         what="the dialog")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, FilePicker),
                         what="the picker")
        picker = pilot.app.screen.query_one("#picker-path", Input)
        assert picker.value.endswith("732829320FEC20261231.txt")
        target = tmp_path / "732829320FEC20261231.txt"
        await pick(pilot, target)

        def status() -> str:
            found = pilot.app.screen.query("#fec-status")
            return str(found.first(Static).render()) if found else ""

        await wait_until(pilot, lambda: "left out" in status(), what="the FEC saved")
        assert target.read_bytes() == FEC_BYTES
        assert [r.year_id for r in acc.ledger.fec_requests] == [2]
        assert status() == f"FEC saved: {target}. 4 proposed entries left out."


async def test_books_setup_refuses_a_bad_siren_at_its_field(tmp_path: Path) -> None:
    acc = accounting_app(make_env(tmp_path))
    async with acc.app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pilot.app.switch_to("accounting_books")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, BooksSetupScreen)
                         and "1 set of books" in screen_text(pilot.app), what="the books")
        await pilot.press("ctrl+n")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, BooksCreateDialog),
                         what="the form")
        await type_into(pilot, "#c-siren", "123456789")
        await type_into(pilot, "#c-name", "Alpha SARL")
        pilot.app.screen.query_one("#c-contracts").select_all()
        await pilot.press("ctrl+s")
        await settle(pilot)
        error = str(pilot.app.screen.query_one("#siren-error", Static).render())
        assert error and isinstance(pilot.app.screen, BooksCreateDialog)
        await type_into(pilot, "#c-siren", "732829320")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, BooksSetupScreen)
                         and "2 sets of books" in screen_text(pilot.app), what="created")
        assert acc.books.created[0].contract_ids


async def test_the_demo_books_through_the_sql_repository(make_app: Any) -> None:
    """The same journal on the real SQL ledger (the demo's books): equal totals for the
    year and on 4687 alone, and the validate dialog's preview as the repository says."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pilot.app.switch_to("accounting")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, JournalScreen)
                         and pilot.app.screen.totals is not None, what="the journal",
                         timeout=30)
        journal = pilot.app.screen
        everything = journal.totals
        assert everything.entries > 0 and everything.debit == everything.credit
        await type_into(pilot, "#j-account", "4687")
        await wait_until(pilot, lambda: journal.totals is not None
                         and journal.totals.entries < everything.entries, what="4687",
                         timeout=30)
        assert journal.totals.debit == journal.totals.credit
        row = journal.query_one("#j-list", VirtualList).row_at(0)
        entry = pilot.app.repo.ledger.entry(row.line.entry_id)
        assert any(line.account.startswith("4687") for line in entry.lines)
