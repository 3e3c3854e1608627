"""Snapshots of the ILU screens (issue 17 acceptance "Snapshots: the ILU form and
views"): the form as alice fills it with a need above the cover (the seed's warning
shown), the ILU tab's active and closed views, the form of a closed ILU (read-only), and
the back office's ILU pane."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import TabbedContent

from cofatui.enums import IluView, PaymentExperience
from cofatui.schemas_ilu import IluAnswer
from cofatui.tui.features.ilu.back_office import IluPane
from cofatui.tui.features.ilu.lists import IluListScreen
from cofatui.tui.navigation import open_screen
from tests.tui.pilot import settle, type_into, wait_until
from tests.tui.products_env import SIZE, Env, make_env, pin_utc, screen_text, themed
from tests.tui.test_ilu import choose, issue, open_form

__all__ = ["pin_utc"]


def answered(env: Env) -> None:
    """Alpha's ILU waits; Beta's was answered with a need above its cover."""
    issue(env)
    done = issue(env, "beta")
    env.app("alice").repo.ilus.answer(done.id, IluAnswer(
        version=done.version, experience=PaymentExperience.LATE, delete_cover=False,
        real_need=Decimal(80000), comment="New orders from January"))


def test_snapshot_ilu_form(snap_compare: Any, tmp_path: Path) -> None:
    env = make_env(tmp_path)
    ilu = issue(env)
    app = themed(env.app("alice"), "cofatui-dark")

    async def run_before(pilot: Pilot[Any]) -> None:
        form = await open_form(pilot, ilu.id)
        choose(form, "experience-late", "delete-no")
        await settle(pilot)
        await type_into(pilot, "#real_need", "150000")
        await type_into(pilot, "#comment", "Orders doubled since September")
        pilot.app.set_focus(None)
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


async def _views(pilot: Pilot[Any], key: str) -> None:
    await settle(pilot)
    open_screen(pilot.app, "ilu_list")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, IluListScreen),
                     what="the ILU tab")
    await pilot.press(key)
    await wait_until(pilot, lambda: "ILU" in screen_text(pilot.app).split("\n")[3],
                     what="the view counted")
    await settle(pilot)


@pytest.mark.parametrize("key", ["a", "c"], ids=["active", "closed"])
def test_snapshot_ilu_views(snap_compare: Any, tmp_path: Path, key: str) -> None:
    env = make_env(tmp_path)
    answered(env)
    app = themed(env.app("alice"), "cofatui-dark")

    async def run_before(pilot: Pilot[Any]) -> None:
        await _views(pilot, key)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_snapshot_closed_ilu_read_only(snap_compare: Any, tmp_path: Path) -> None:
    env = make_env(tmp_path)
    answered(env)
    closed = env.app("alice").repo.ilus.ilus(env.ids["A"], view=IluView.CLOSED).items[0]
    app = themed(env.app("alice"), "cofatui-dark")

    async def run_before(pilot: Pilot[Any]) -> None:
        await open_form(pilot, closed.id)
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_snapshot_back_office_ilu_pane(snap_compare: Any, tmp_path: Path) -> None:
    env = make_env(tmp_path)
    answered(env)
    app = themed(env.app("uw"), "cofatui-dark")

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        pilot.app.switch_to("underwriter_queue")  # type: ignore[attr-defined]
        await settle(pilot)
        pilot.app.screen.query_one(TabbedContent).active = "tab-ilu"
        await settle(pilot)
        pilot.app.screen.query_one(IluPane).focus_content()
        await wait_until(pilot, lambda: "Beta" in screen_text(pilot.app), what="the pane")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
