"""Tried as a user would (issue 16 tmux step 6): with a credit-limit decrease threshold
set, a small reduction leaves the notifications list and the unread count; the toggle
"include below my thresholds" (``b``) shows it again."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from cofatui.models import Notification
from cofatui.schemas_preferences import PreferencesUpdate, ThresholdPublic
from tests.contract import dataset
from tests.tui.pilot import settle
from tests.tui.test_notifications import build_app, open_database, open_notifications, shown


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[tuple[Engine, dataset.Ids]]:
    yield from open_database(tmp_path)


def small_reduction(engine: Engine, ids: dataset.Ids) -> None:
    with Session(engine) as s:
        s.add(Notification(contract_id=ids["A"], company_id=ids["alpha"], product_code="CRL",
                           category="insurance", type="decision",
                           title="Credit limit reduced to EUR 99,500",
                           change_direction="decrease", change_size=Decimal(500),
                           created_at=dataset.NOW - timedelta(minutes=1)))
        s.commit()


async def test_a_small_reduction_leaves_the_list_and_the_toggle_shows_it(
        engine: tuple[Engine, dataset.Ids]) -> None:
    eng, ids = engine
    small_reduction(eng, ids)
    app = build_app(eng)
    app.repo.notifications.save_preferences(PreferencesUpdate(version=0, thresholds=[
        ThresholdPublic(contract_id=ids["A"], product_code="CRL", direction="decrease",
                        amount=Decimal(1000))]))
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_notifications(pilot)
        titles = [row.stored_title for row in shown(screen.vlist)]
        assert "Credit limit reduced to EUR 99,500" not in titles
        await pilot.press("b")
        await settle(pilot)
        titles = [row.stored_title for row in shown(screen.vlist)]
        assert "Credit limit reduced to EUR 99,500" in titles
        assert "below your thresholds" in str(screen.query_one("#summary").render())
        await pilot.press("b")
        await settle(pilot)
        assert "Credit limit reduced to EUR 99,500" not in [
            row.stored_title for row in shown(screen.vlist)]
