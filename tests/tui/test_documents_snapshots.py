"""Snapshot of the documents sent (issue 17 acceptance "Snapshots"): the company
information tab, the only kind the contract has sent, as alice reads it from Tools."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from tests.tui.company_info_env import PDF, send_annual_report
from tests.tui.pilot import settle, wait_until
from tests.tui.products_env import SIZE, make_env, pin_utc, screen_text, themed

__all__ = ["pin_utc"]


def test_snapshot_documents_sent(snap_compare: Any, tmp_path: Path) -> None:
    env = make_env(tmp_path)
    send_annual_report(env, "gamma", (("report 2025.pdf", PDF),))
    send_annual_report(env, "alpha", (("alpha accounts.pdf", PDF), ("alpha notes.pdf", PDF)))
    app = themed(env.app("alice"), "cofatui-dark")

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        pilot.app.switch_to("documents_sent")  # type: ignore[attr-defined]
        await wait_until(pilot, lambda: "3 documents" in screen_text(pilot.app),
                         what="the list")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
