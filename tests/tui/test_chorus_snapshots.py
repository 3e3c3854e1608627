"""Snapshots of Chorus Pro (issue 18 acceptance): both dashboards, an invoice's detail
with its history, the process dialog with its error (an empty mandatory comment) and the
returns pop-up — on the contract suite's structures, through the real SQL repository."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from cofatui.enums import ChorusState, ChorusSuspensionReason
from cofatui.tui.features.chorus.process import ProcessDialog
from cofatui.tui.features.chorus.returns import ReturnsDialog
from cofatui.tui.kit.choices import Choice
from tests.tui.chorus_env import PA_USER, SA_USER, chorus_env, deposit, move
from tests.tui.pilot import settle, wait_until
from tests.tui.products_env import SIZE, Env, pin_utc, themed
from tests.tui.test_chorus import hub, open_invoice

__all__ = ["pin_utc"]


def invoices(env: Env) -> int:
    """Three invoices of SA to PA: one non-compliant, one suspended, one service done
    (the one returned)."""
    deposit(env, "F-2026-001", service_code="")
    suspended = deposit(env, "F-2026-002").id
    move(env, suspended, ChorusState.SUSPENDED, "Il manque le bon de livraison",
         ChorusSuspensionReason.MISSING_DOCUMENTS)
    done = deposit(env, "F-2026-003").id
    move(env, done, ChorusState.SERVICE_DONE, "Prestation constatée")
    return done


def _quiet(env: Env, login: str) -> Any:
    """The app of ``login`` with its returns acknowledged (no pop-up over the screen)."""
    app = env.app(login)
    app.repo.chorus_invoices.acknowledge_returns()
    return themed(app, "cofatui-dark")


def test_snapshot_issued_dashboard(snap_compare: Any, tmp_path: Path) -> None:
    env = chorus_env(tmp_path)
    invoices(env)

    async def run_before(pilot: Pilot[Any]) -> None:
        await hub(pilot)

    assert snap_compare(_quiet(env, SA_USER), terminal_size=SIZE, run_before=run_before)


def test_snapshot_received_dashboard(snap_compare: Any, tmp_path: Path) -> None:
    env = chorus_env(tmp_path)
    invoices(env)

    async def run_before(pilot: Pilot[Any]) -> None:
        await hub(pilot)

    assert snap_compare(_quiet(env, PA_USER), terminal_size=SIZE, run_before=run_before)


def test_snapshot_invoice_detail_with_history(snap_compare: Any, tmp_path: Path) -> None:
    env = chorus_env(tmp_path)
    done = invoices(env)

    async def run_before(pilot: Pilot[Any]) -> None:
        await hub(pilot)
        detail = await open_invoice(pilot, done)
        detail.query_one("#chorus-detail").scroll_end(animate=False)
        await settle(pilot)

    assert snap_compare(_quiet(env, PA_USER), terminal_size=SIZE, run_before=run_before)


def test_snapshot_process_dialog_with_its_error(snap_compare: Any, tmp_path: Path) -> None:
    env = chorus_env(tmp_path)
    done = invoices(env)

    async def run_before(pilot: Pilot[Any]) -> None:
        await hub(pilot)
        await open_invoice(pilot, done)
        await pilot.press("p")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ProcessDialog),
                         what="the process dialog")
        pilot.app.screen.query_one("#to-rejected", Choice).value = True
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)

    assert snap_compare(_quiet(env, PA_USER), terminal_size=SIZE, run_before=run_before)


def test_snapshot_returns_pop_up(snap_compare: Any, tmp_path: Path) -> None:
    env = chorus_env(tmp_path)
    invoices(env)
    app = themed(env.app(SA_USER), "cofatui-dark")

    async def run_before(pilot: Pilot[Any]) -> None:
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ReturnsDialog),
                         what="the pop-up")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
