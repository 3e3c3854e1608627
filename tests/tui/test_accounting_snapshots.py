"""Snapshots of the accounting screens (issue 20 acceptance "Snapshots"), in English and
French: the journal with its totals, the validate dialog, the balance, an account's
ledger, the books' set-up."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from cofatui.tui.features.accounting.balance import BalanceScreen
from cofatui.tui.features.accounting.books_setup import BooksSetupScreen
from cofatui.tui.features.accounting.journal import JournalScreen
from cofatui.tui.features.accounting.ledger import LedgerScreen
from cofatui.tui.features.accounting.validate import ValidateDialog
from tests.tui.accounting_env import accounting_app
from tests.tui.pilot import settle, wait_until
from tests.tui.products_env import SIZE, make_env, pin_utc, themed

__all__ = ["pin_utc"]

Step = Callable[[Pilot[Any]], Awaitable[None]]


async def _journal(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    pilot.app.switch_to("accounting")  # type: ignore[attr-defined]
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, JournalScreen)
                     and pilot.app.screen.totals is not None, what="the journal")
    await settle(pilot)


async def _validate(pilot: Pilot[Any]) -> None:
    await _journal(pilot)
    await pilot.press("ctrl+l")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, ValidateDialog)
                     and pilot.app.screen.preview is not None, what="the preview")
    await settle(pilot)


async def _balance(pilot: Pilot[Any]) -> None:
    await _journal(pilot)
    await pilot.press("ctrl+b")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, BalanceScreen)
                     and pilot.app.screen.balance is not None, what="the balance")
    await settle(pilot)


async def _ledger(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    pilot.app.push_screen(LedgerScreen(1, 2, "512"))
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, LedgerScreen),
                     what="the ledger")
    await settle(pilot)


async def _books(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    pilot.app.switch_to("accounting_books")  # type: ignore[attr-defined]
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, BooksSetupScreen),
                     what="the books")
    await settle(pilot)


STEPS: dict[str, Step] = {"journal": _journal, "validate": _validate, "balance": _balance,
                          "ledger": _ledger, "books": _books}


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("screen", list(STEPS))
def test_snapshot_accounting(snap_compare: Any, tmp_path: Path, screen: str,
                             language: str) -> None:
    acc = accounting_app(make_env(tmp_path), language=language)
    app = themed(acc.app, "cofatui-dark")
    assert snap_compare(app, terminal_size=SIZE, run_before=STEPS[screen])
