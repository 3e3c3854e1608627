"""Notifications lead somewhere (issue 17 item 1): Enter on a turnover-declaration,
company-information or ILU notification opens its object, from the notifications list,
from Home's latest notifications and from the notification's detail, through the
feature's opener (``navigation.OPENERS``); a feature not there says so, never a
traceback. A probe opener shows the routing alone; the real openers, where their
feature has registered one, show the object's own screen."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from textual.app import App
from textual.pilot import Pilot

from cofatui.models import CompanyInformation, Ilu, Notification, TurnoverDeclaration
from cofatui.tui import navigation
from cofatui.tui.features.notifications.detail import NotificationDetailScreen
from cofatui.tui.features.notifications.notifications import NotificationsScreen
from cofatui.tui.kit.virtual_list import VirtualList
from tests.contract import dataset
from tests.tui.pilot import screen_text, settle, wait_until
from tests.tui.products_env import copied_database
from tests.tui.test_notifications import build_app, pin_utc

#: target type -> the feature folder whose screen it opens
FEATURES = {"turnover_declaration": "turnover", "company_information": "company_info",
            "ilu": "ilu"}
TARGETS = list(FEATURES)


@pytest.fixture(autouse=True)
def utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    yield from pin_utc(monkeypatch)


def add_targets(engine: Engine, ids: dataset.Ids) -> dataset.Ids:
    """A declaration, a submission and an ILU of contract A, each with the newest
    notification leading to it (ids as ``object:<type>`` and ``notification:<type>``)."""
    with Session(engine) as s:
        declaration = TurnoverDeclaration(
            contract_id=ids["A"], period_start=date(2026, 7, 1), period_end=date(2026, 9, 30),
            label="Q3 2026", basis="sales", breakdown="debtor", due_date=date(2026, 10, 30),
            status="new", requested_at=dataset.NOW, requested_by="uw")
        submission = CompanyInformation(
            contract_id=ids["A"], company_id=ids["alpha"], form="transmission",
            info_type="annual_report", status="analysed", created_at=dataset.NOW,
            created_by="alice", decided_at=dataset.NOW, decided_by="uw")
        ilu = Ilu(contract_id=ids["A"], company_id=ids["alpha"], product_id=ids["p_alpha_crl"],
                  product_code="CRL", cover_amount=Decimal("100000"), currency="EUR",
                  status="open", deadline=dataset.TODAY + timedelta(days=30),
                  issued_at=dataset.NOW, issued_by="uw")
        s.add_all([declaration, submission, ilu])
        s.flush()
        objects = {"turnover_declaration": declaration.id, "company_information": submission.id,
                   "ilu": ilu.id}
        for minutes, (target, object_id) in enumerate(objects.items()):
            assert object_id is not None
            company = None if target == "turnover_declaration" else ids["alpha"]
            note = Notification(
                contract_id=ids["A"], company_id=company, category="management",
                type="information", importance="high", title=f"Go to {target}",
                body="", created_at=dataset.NOW - timedelta(minutes=minutes),
                target_type=target, target_id=object_id)
            s.add(note)
            s.flush()
            assert note.id is not None
            ids[f"object:{target}"], ids[f"notification:{target}"] = object_id, note.id
        s.commit()
    return ids


@pytest.fixture
def env(tmp_path: Path) -> Iterator[tuple[Engine, dataset.Ids]]:
    def build(engine: Engine) -> dataset.Ids:
        return add_targets(engine, dataset.build(engine))

    engine, ids = copied_database(tmp_path / "targets.sqlite", "notification-targets", build)
    yield engine, ids
    engine.dispose()


#: What the probe openers were asked to open: (target type, object id).
OPENED: list[tuple[str, int]] = []


def probe_turnover_declaration(app: App[Any], object_id: int, **_: Any) -> None:
    OPENED.append(("turnover_declaration", object_id))


def probe_company_information(app: App[Any], object_id: int, **_: Any) -> None:
    OPENED.append(("company_information", object_id))


def probe_ilu(app: App[Any], object_id: int, **_: Any) -> None:
    OPENED.append(("ilu", object_id))


@pytest.fixture
def probes(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    OPENED.clear()
    for target in TARGETS:
        monkeypatch.setitem(navigation.OPENERS, target, f"{__name__}:probe_{target}")
    return OPENED


async def cursor_on(pilot: Pilot[Any], lst: VirtualList, target: str) -> None:
    await wait_until(pilot, lambda: lst.row_count >= 3 and lst.row_at(2) is not None)
    index = next(i for i in range(lst.row_count)
                 if (row := lst.row_at(i)) is not None and row.target_type == target)
    lst.focus()
    lst.cursor = index
    await settle(pilot)


async def open_list(pilot: Pilot[Any]) -> NotificationsScreen:
    await settle(pilot)
    await pilot.app.push_screen(NotificationsScreen())
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, NotificationsScreen)
    return screen


async def enter_opens(pilot: Pilot[Any], key: str, ids: dataset.Ids,
                      probes: list[tuple[str, int]], target: str) -> None:
    """``key`` pressed: the target's opener was asked for its object, once."""
    await pilot.press(key)
    await wait_until(pilot, lambda: probes)
    assert probes == [(target, ids[f"object:{target}"])]


@pytest.mark.parametrize("target", TARGETS)
async def test_enter_in_the_list_opens_the_object(
        env: tuple[Engine, dataset.Ids], probes: list[tuple[str, int]], target: str) -> None:
    engine, ids = env
    app = build_app(engine)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_list(pilot)
        await cursor_on(pilot, screen.vlist, target)
        await enter_opens(pilot, "enter", ids, probes, target)
        # Opening it read it: the list shows it read.
        await wait_until(pilot, lambda: screen.vlist.cursor_row is not None
                         and screen.vlist.cursor_row.read)


@pytest.mark.parametrize("target", TARGETS)
async def test_enter_on_homes_latest_notifications_opens_the_object(
        env: tuple[Engine, dataset.Ids], probes: list[tuple[str, int]], target: str) -> None:
    engine, ids = env
    app = build_app(engine)
    async with app.run_test(size=(140, 48)) as pilot:
        await settle(pilot)
        lst = app.screen.query_one("#latest", VirtualList)
        await cursor_on(pilot, lst, target)
        await enter_opens(pilot, "enter", ids, probes, target)


@pytest.mark.parametrize("target", TARGETS)
async def test_enter_in_the_detail_opens_the_object(
        env: tuple[Engine, dataset.Ids], probes: list[tuple[str, int]], target: str) -> None:
    engine, ids = env
    app = build_app(engine)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_list(pilot)
        await cursor_on(pilot, screen.vlist, target)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, NotificationDetailScreen)
        label = {"turnover_declaration": "Turnover declaration",
                 "company_information": "Company information",
                 "ilu": "Commitment request (ILU)"}[target]
        assert label in screen_text(app)
        assert not probes
        await enter_opens(pilot, "enter", ids, probes, target)
        assert app.screen is screen


async def test_enter_on_a_notification_without_target_still_opens_its_detail(
        env: tuple[Engine, dataset.Ids], probes: list[tuple[str, int]]) -> None:
    engine, _ = env
    app = build_app(engine)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_list(pilot)
        lst = screen.vlist
        await wait_until(pilot, lambda: lst.row_at(3) is not None)
        lst.focus()
        lst.cursor = 3  # the newest of the dataset's own, which lead nowhere
        await settle(pilot)
        row = lst.cursor_row
        assert row is not None and row.target_type is None
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, NotificationDetailScreen)
        await pilot.press("enter")  # closes it: there is nothing to open
        await settle(pilot)
        assert app.screen is screen and not probes


@pytest.mark.parametrize("target", TARGETS)
async def test_a_missing_opener_is_a_message_not_a_traceback(
        env: tuple[Engine, dataset.Ids], monkeypatch: pytest.MonkeyPatch, target: str) -> None:
    monkeypatch.delitem(navigation.OPENERS, target, raising=False)
    engine, _ = env
    app = build_app(engine)
    # Every message said, kept: a toast expires on the wall clock, and under load it
    # could be gone before the test looked (CI).
    said: list[str] = []
    shown = app.notify

    def notify(message: str, *args: Any, **kwargs: Any) -> None:
        said.append(str(message))
        shown(message, *args, **kwargs)

    monkeypatch.setattr(app, "notify", notify)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_list(pilot)
        await cursor_on(pilot, screen.vlist, target)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        await wait_until(pilot, lambda: any("cannot be opened here yet" in m for m in said),
                         what="the message that the object cannot be opened")


@pytest.mark.parametrize("target", TARGETS)
async def test_the_real_opener_shows_the_object(env: tuple[Engine, dataset.Ids],
                                                target: str) -> None:
    if target not in navigation.OPENERS:
        pytest.skip(f"the {FEATURES[target]} feature has not registered its opener yet")
    engine, _ = env
    app = build_app(engine)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await open_list(pilot)
        await cursor_on(pilot, screen.vlist, target)
        await pilot.press("enter")
        feature = f"cofatui.tui.features.{FEATURES[target]}."
        await wait_until(pilot, lambda: type(app.screen).__module__.startswith(feature),
                         timeout=15)
        assert not isinstance(app.screen, NotificationDetailScreen)

