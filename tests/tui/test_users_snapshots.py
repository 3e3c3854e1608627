"""Tools › User management (issue 16, acceptance "Snapshots"): the two lists, each tab
of a user's detail, and the Personnaliser rights editor, as `admin` on the demo data."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.engine import Engine
from textual.pilot import Pilot

from cofatui.tui.features.users.rights import RightsDialog
from tests.tui.pilot import settle, wait_until
from tests.tui.products_env import themed
from tests.tui.test_users import SIZE, engine, make_app, open_detail, open_users, utc

__all__ = ["engine", "utc"]


def test_snapshot_lists(snap_compare: Any, engine: Engine) -> None:
    app = themed(make_app(engine), "cofatui-dark")

    async def run_before(pilot: Pilot[Any]) -> None:
        await open_users(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


@pytest.mark.parametrize("tab", ["data", "user", "preferences", "contracts"])
def test_snapshot_detail_tabs(snap_compare: Any, engine: Engine, tab: str) -> None:
    app = themed(make_app(engine), "cofatui-dark")

    async def run_before(pilot: Pilot[Any]) -> None:
        await open_detail(pilot, "custom", tab)
        pilot.app.set_focus(None)  # no cursor blinking in a field

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_snapshot_rights_editor(snap_compare: Any, engine: Engine) -> None:
    app = themed(make_app(engine), "cofatui-dark")

    async def run_before(pilot: Pilot[Any]) -> None:
        await open_detail(pilot, "custom", "contracts")
        await pilot.press("p")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, RightsDialog),
                         what="the rights editor")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
