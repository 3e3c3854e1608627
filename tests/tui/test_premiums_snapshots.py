"""Snapshots of the premium screens in English and French (issue 20 acceptance
"Snapshots of each screen"): the notices list, a notice's detail, the payment of a USD
notice asking the EUR debited, and a claim's accounting panel."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from cofatui.tui.features.premiums.detail import NoticeDetailDialog
from cofatui.tui.features.premiums.pay import PayDialog
from tests.tui.claims_env import submit_claim
from tests.tui.pilot import settle, type_into, wait_until
from tests.tui.products_env import SIZE, Env, make_env, pin_utc, themed
from tests.tui.test_premiums import notice, open_notices
from tests.tui.test_premiums_claim_accounting import open_panel

__all__ = ["pin_utc"]
LANGUAGES = ["en", "fr"]


def notices(env: Env) -> None:
    notice(env, "USD", "1200.00", "TopLiner Acme Inc")
    notice(env, "EUR", "2500.00", "Prime provisionnelle T4")
    notice(env, "EUR", "-340.00", "Régularisation 2025")


@pytest.mark.parametrize("language", LANGUAGES)
def test_snapshot_notices(snap_compare: Any, tmp_path: Path, language: str) -> None:
    env = make_env(tmp_path)
    notices(env)
    app = themed(env.app("alice", language), "cofatui-dark")

    async def run_before(pilot: Pilot[Any]) -> None:
        await open_notices(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


@pytest.mark.parametrize("language", LANGUAGES)
def test_snapshot_notice_detail(snap_compare: Any, tmp_path: Path, language: str) -> None:
    env = make_env(tmp_path)
    notices(env)
    app = themed(env.app("alice", language), "cofatui-dark")

    async def run_before(pilot: Pilot[Any]) -> None:
        await open_notices(pilot)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, NoticeDetailDialog),
                         what="the notice")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


@pytest.mark.parametrize("language", LANGUAGES)
def test_snapshot_usd_payment(snap_compare: Any, tmp_path: Path, language: str) -> None:
    env = make_env(tmp_path)
    notice(env, "USD", "1200.00", "TopLiner Acme Inc")
    app = themed(env.app("alice", language), "cofatui-dark")

    async def run_before(pilot: Pilot[Any]) -> None:
        await open_notices(pilot)
        await pilot.press("p")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, PayDialog),
                         what="the pay dialog")
        await settle(pilot)
        await type_into(pilot, "#eur_amount", "1105,50" if language == "fr" else "1105.50")
        pilot.app.set_focus(None)
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


@pytest.mark.parametrize("language", LANGUAGES)
def test_snapshot_claim_accounting(snap_compare: Any, tmp_path: Path, language: str) -> None:
    env = make_env(tmp_path)
    claim = submit_claim(env, env.app("alice"))
    app = themed(env.app("alice", language), "cofatui-dark")

    async def run_before(pilot: Pilot[Any]) -> None:
        await open_panel(pilot, claim.id)
        pilot.app.set_focus(None)
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
