"""Snapshots of the other covers' screens in English and French (issue 20 acceptance
"Snapshots of each screen"): the list, an exchange cover's detail with its receivable
and settlement, and the event form."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from cofatui.enums import CoverEventKind
from cofatui.schemas_accounting import CoverEventCreate, ReceivableCreate
from cofatui.tui.features.covers.detail import CoverDetailDialog
from cofatui.tui.features.covers.forms import CoverEventDialog
from cofatui.tui.navigation import open_screen
from tests.tui.pilot import settle, wait_until
from tests.tui.products_env import SIZE, Env, make_env, pin_utc, themed
from tests.tui.test_covers import exchange, open_covers, prospection

__all__ = ["pin_utc"]
LANGUAGES = ["en", "fr"]


def covers(env: Env) -> None:
    """A prospection cover with an indemnity; an exchange cover with a settled receivable
    (listed first: the most recent first or by reference, both are shown)."""
    alice = env.app("alice").repo
    held = prospection(env)
    alice.covers.record_event(CoverEventCreate(
        cover_id=held.id, kind=CoverEventKind.PROSPECTION_INDEMNITY,
        event_date=date(2026, 6, 30), eur_amount=Decimal("25000.00")))
    usd = exchange(env)
    receivable = alice.covers.add_receivable(ReceivableCreate(
        cover_id=usd.id, reference="INV-US-42", debtor="Acme Inc", amount=Decimal("10000"),
        booked_rate=Decimal("1.10"), booked_on=date(2026, 3, 31)))
    alice.covers.record_event(CoverEventCreate(
        cover_id=usd.id, kind=CoverEventKind.EXCHANGE_SETTLEMENT, event_date=date(2026, 9, 30),
        eur_amount=Decimal("8950.00"), currency_amount=Decimal("10000"),
        receivable_id=receivable.id))


@pytest.mark.parametrize("language", LANGUAGES)
def test_snapshot_covers(snap_compare: Any, tmp_path: Path, language: str) -> None:
    env = make_env(tmp_path)
    covers(env)
    app = themed(env.app("alice", language), "cofatui-dark")

    async def run_before(pilot: Pilot[Any]) -> None:
        await open_covers(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


@pytest.mark.parametrize("language", LANGUAGES)
def test_snapshot_exchange_cover_detail(snap_compare: Any, tmp_path: Path,
                                        language: str) -> None:
    env = make_env(tmp_path)
    covers(env)
    usd = next(c for c in env.app("alice").repo.covers.list().items
               if c.reference == "CHG-USD-1")
    app = themed(env.app("alice", language), "cofatui-dark")

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        open_screen(pilot.app, "other_covers", cover_id=usd.id)
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, CoverDetailDialog),
                         what="the cover's detail")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


@pytest.mark.parametrize("language", LANGUAGES)
def test_snapshot_cover_event_form(snap_compare: Any, tmp_path: Path, language: str) -> None:
    env = make_env(tmp_path)
    prospection(env)
    app = themed(env.app("alice", language), "cofatui-dark")

    async def run_before(pilot: Pilot[Any]) -> None:
        await open_covers(pilot)
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, CoverEventDialog),
                         what="the event form")
        await settle(pilot)
        pilot.app.set_focus(None)
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
