"""Snapshots of company information (issue 17 acceptance "Snapshots"): both forms, as
alice fills them from the company page (a refused file said at the documents field),
and the underwriter's decision over the back office's detail."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import RadioButton, Select, TabbedContent, TextArea

from cofatui.tui.features.company_info.back_office import CompanyInfoPane
from cofatui.tui.features.company_info.decide import DecideDialog
from cofatui.tui.features.company_info.detail import SubmissionDetailScreen
from tests.tui.company_info_env import EXE, PDF, open_form, pick_file, send_annual_report, write
from tests.tui.pilot import settle, type_into, wait_until
from tests.tui.products_env import SIZE, make_env, pin_utc, screen_text, themed

__all__ = ["pin_utc"]


def test_snapshot_negative_information(snap_compare: Any, tmp_path: Path) -> None:
    env = make_env(tmp_path)
    app = themed(env.app("alice"), "cofatui-dark")

    async def run_before(pilot: Pilot[Any]) -> None:
        form = await open_form(pilot, env.ids["gamma"], "n")
        form.query_one("#nature-commercial", RadioButton).value = True
        await type_into(pilot, "#event_date", "02/11/2026")
        await type_into(pilot, "#amount", "18 400")
        form.query_one("#description", TextArea).text = (
            "Three invoices unpaid since September; the buyer asks for 120 days.")
        await settle(pilot)
        pilot.app.set_focus(None)
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_snapshot_information_transmission(snap_compare: Any, tmp_path: Path) -> None:
    env = make_env(tmp_path)
    app = themed(env.app("alice"), "cofatui-dark")

    async def run_before(pilot: Pilot[Any]) -> None:
        form = await open_form(pilot, env.ids["gamma"], "t")
        form.query_one("#info_type", Select).value = "annual_accounts"
        await type_into(pilot, "#closing_date", "31/12/2025")
        form.query_one("#comment", TextArea).text = "Audited accounts, received yesterday."
        await pick_file(pilot, write(tmp_path, "accounts 2025.pdf", PDF))
        await pick_file(pilot, write(tmp_path, "balance.pdf", EXE))  # refused at the field
        pilot.app.set_focus(None)
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_snapshot_back_office_decision(snap_compare: Any, tmp_path: Path) -> None:
    env = make_env(tmp_path)
    send_annual_report(env)
    app = themed(env.app("uw"), "cofatui-dark")

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        pilot.app.switch_to("underwriter_queue")  # type: ignore[attr-defined]
        await settle(pilot)
        pilot.app.screen.query_one(TabbedContent).active = "tab-company_info"
        await settle(pilot)
        pilot.app.screen.query_one(CompanyInfoPane).focus_content()
        await wait_until(pilot, lambda: "Gamma" in screen_text(pilot.app), what="the queue")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, SubmissionDetailScreen),
                         what="the detail")
        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, DecideDialog),
                         what="the decision")
        pilot.app.screen.query_one("#outcome-analysed", RadioButton).value = True
        pilot.app.screen.query_one("#comment", TextArea).text = "Thank you: DRA confirmed."
        pilot.app.set_focus(None)
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
