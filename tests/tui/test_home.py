"""The home screen: WAP, pending requests with a live countdown, guarantees ending
soon, the latest notifications; reload on contract change; SVG snapshots."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, cast

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import col
from textual.pilot import Pilot

from cofatui.clock import FixedClock
from cofatui.repository.areas import AREAS
from cofatui.schemas import NotificationFilter
from cofatui.tui.app import CofaApp
from cofatui.tui.features.home.countdown import format_countdown
from cofatui.tui.features.home.home import HomeScreen
from cofatui.tui.features.home.wap import WapIndicator, sparkline
from cofatui.tui.features.notifications.detail import NotificationDetailScreen
from cofatui.tui.features.notifications.notifications import NotificationsScreen
from cofatui.tui.kit.virtual_list import VirtualList
from tests.contract import dataset
from tests.tui.pilot import screen_text, settle
from tests.tui.test_notifications import (
    NASTY,
    SNAP_SIZES,
    SNAP_THEMES,
    _snap_app,
    build_app,
    open_database,
    pin_utc,
    shown,
)


@pytest.fixture(autouse=True)
def utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    yield from pin_utc(monkeypatch)


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[tuple[Engine, dataset.Ids]]:
    yield from open_database(tmp_path)


@pytest.fixture
def app_for(engine: tuple[Engine, dataset.Ids]) -> Callable[..., CofaApp]:
    return lambda login="alice", **settings: build_app(engine[0], login, **settings)


class CountingRepo:
    """Wraps a repository and counts the calls, per method (``"products.wap"``)."""

    def __init__(self, inner: Any, calls: dict[str, int] | None = None,
                 lock: threading.Lock | None = None, prefix: str = "") -> None:
        self._inner = inner
        self.calls: dict[str, int] = {} if calls is None else calls
        self._lock = lock or threading.Lock()
        self._prefix = prefix

    def __getattr__(self, name: str) -> Any:
        target = getattr(self._inner, name)
        if not self._prefix and name in AREAS:
            return CountingRepo(target, self.calls, self._lock, f"{name}.")
        if not callable(target):
            return target

        def call(*args: Any, **kwargs: Any) -> Any:
            with self._lock:
                key = self._prefix + name
                self.calls[key] = self.calls.get(key, 0) + 1
            return target(*args, **kwargs)

        return call


async def open_home(pilot: Pilot[Any]) -> HomeScreen:
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, HomeScreen)
    return screen


def clock_of(app: CofaApp) -> FixedClock:
    clock = app.clock
    assert isinstance(clock, FixedClock)
    return clock


async def test_home_shows_wap_requests_guarantees_and_latest(
        app_for: Callable[..., CofaApp]) -> None:
    app = app_for()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_home(pilot)
        text = screen_text(app)
        # WAP: 50 000 at DRA 4 and 115 000 at DRA 7 (alpha 100 000 + delta 15 000): 6.1
        assert "WAP  6.1 / 10" in text
        assert "Low risk" in text and "▼ worsening" in text
        assert "min 5.6 · max 6.3" in text
        for band, share in (("4-5 Medium risk", "30 %"), ("6-7 Low risk", "70 %"),
                            ("0 Default", " 0 %")):
            line = next(line for line in text.splitlines() if band in line and "%" in line)
            assert share in line
        # Pending: foo's credit limit, decision expected in 20 hours.
        assert "Pending requests (1)" in text
        line = next(line for line in text.splitlines() if "20:00:00" in line)
        assert "Foo [UK] Ltd" in line and "CRL" in line and "€20,000.00" in line
        # Ending within 30 days: delta's @rating cover, in 10 days.
        assert "Guarantees ending within 30 days (1)" in text
        line = next(line for line in text.splitlines() if "Alpha Industries Lyon" in line)
        assert "10 d" in line and "02 Dec 2026" in line
        # Latest notifications, newest first, at most 10.
        latest = app.screen.query_one("#latest", VirtualList)
        rows = shown(latest)
        assert 0 < len(rows) <= 10
        assert [r.created_at for r in rows] == sorted((r.created_at for r in rows), reverse=True)
        assert rows[0].company_name == "Alpha Industries"


async def test_the_unread_count_is_read_once_the_wap_is_on_screen(
        app_for: Callable[..., CofaApp]) -> None:
    # The header's count, the account sync and the job worker wait for the WAP: they
    # would otherwise take the cores from its query (issue 21 item 1).
    app = app_for()
    wap_shown_then: list[bool] = []

    class Notifications:
        def __init__(self, inner: Any) -> None:
            self._inner = inner

        def __getattr__(self, name: str) -> Any:
            return getattr(self._inner, name)

        def unread_count(self, contract_id: int | None) -> int:
            wap_shown_then.append(app.screen.query_one("#wap", WapIndicator).summary
                                  is not None)
            count: int = self._inner.unread_count(contract_id)
            return count

    class Recording:
        def __init__(self, inner: Any) -> None:
            self._inner = inner
            self.notifications = Notifications(inner.notifications)

        def __getattr__(self, name: str) -> Any:
            return getattr(self._inner, name)

    app.repo = cast("Any", Recording(app.repo))
    async with app.run_test(size=(120, 40)) as pilot:
        await open_home(pilot)
        assert "WAP  6.1 / 10" in screen_text(app)
        assert wap_shown_then and all(wap_shown_then)
        assert app.unread_count == app.repo.notifications.unread_count(
            app.current_contract_id)


async def test_countdown_ticks_from_the_clock_without_the_repository(
        app_for: Callable[..., CofaApp]) -> None:
    app = app_for()
    counting = CountingRepo(app.repo)
    app.repo = counting
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_home(pilot)
        loads = {"products.wap", "products.pending_requests", "products.ending_guarantees",
                 "notifications.rows"}
        before = {k: v for k, v in counting.calls.items() if k in loads}
        clock_of(app).advance(seconds=5)
        for _ in range(50):  # the one-second timer fires (however busy the machine is)
            await pilot.pause(0.1)
            if "19:59:55" in screen_text(app):
                break
        assert "19:59:55" in screen_text(app)
        clock_of(app).advance(hours=3)
        assert screen._ticker is not None
        screen._ticker.tick()
        await pilot.pause()
        assert "16:59:55" in screen_text(app)
        after = {k: v for k, v in counting.calls.items() if k in loads}
        assert after == before  # ticking never asks the repository for data


async def test_countdown_reaching_zero_says_so_and_reloads(
        app_for: Callable[..., CofaApp]) -> None:
    app = app_for()
    counting = CountingRepo(app.repo)
    app.repo = counting
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_home(pilot)
        loads = counting.calls.get("products.pending_requests", 0)
        clock_of(app).advance(hours=20)
        assert screen._ticker is not None
        screen._ticker.tick()
        await settle(pilot)
        messages = [n.message for n in app._notifications]
        assert "Decision expected now: Foo [UK] Ltd (CRL)" in messages
        assert counting.calls.get("products.pending_requests", 0) == loads + 1
        assert "due" in screen_text(app)
        # Once only: the next tick says nothing new.
        screen._ticker.tick()
        await settle(pilot)
        assert [n.message for n in app._notifications] == messages


def test_countdown_format() -> None:
    from datetime import timedelta

    now = dataset.NOW
    assert format_countdown(now + timedelta(days=2, hours=4, seconds=5), now) == "2 d 04:00:05"
    assert format_countdown(now + timedelta(seconds=59), now) == "00:00:59"
    assert format_countdown(now, now) == "due"
    assert format_countdown(now.replace(tzinfo=None) - timedelta(hours=1), now) == "due"
    assert format_countdown(None, now) == "no date"


def test_sparkline_scales_between_lowest_and_highest() -> None:
    from datetime import date

    from cofatui.schemas import WapPoint

    points = [WapPoint(day=date(2026, m, 1), wap=v) for m, v in
              ((1, 5.0), (2, None), (3, 6.0), (4, 7.0))]
    assert sparkline(points, 10) == "▁ ▅█"
    assert sparkline(points, 2) == "▁█"  # rescaled to what is shown
    assert sparkline([WapPoint(day=date(2026, 1, 1), wap=6.0)] * 3, 5) == "▅▅▅"
    assert sparkline([], 5) == ""


async def test_enter_on_a_latest_notification_opens_it_and_marks_it_read(
        app_for: Callable[..., CofaApp]) -> None:
    app = app_for()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_home(pilot)
        latest = screen.query_one("#latest", VirtualList)
        assert app.screen.focused is latest
        row = latest.cursor_row
        assert row is not None and not row.read
        unread = app.repo.notifications.unread_count(app.current_contract_id)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, NotificationDetailScreen)
        assert app.repo.notifications.unread_count(app.current_contract_id) == unread - 1
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        first = latest.cursor_row
        assert first is not None and first.id == row.id and first.read


async def test_shortcuts_open_the_notifications(app_for: Callable[..., CofaApp]) -> None:
    app = app_for()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_home(pilot)
        await pilot.press("u")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, NotificationsScreen)
        assert screen.current_filter().read is False
        assert "Unread" in screen_text(app)
        app.pop_screen()
        await settle(pilot)
        await pilot.click("#go-notifications")
        await settle(pilot)
        assert isinstance(app.screen, NotificationsScreen)
        assert app.screen.current_filter() == NotificationFilter(
            contract_id=app.current_contract_id)


async def test_contract_change_reloads_everything(app_for: Callable[..., CofaApp]) -> None:
    app = app_for("both")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_home(pilot)
        a_text = screen_text(app)
        other = next(c.contract_id for c in app.principal.contracts
                     if c.contract_id != app.current_contract_id)
        app.current_contract_id = other
        await settle(pilot)
        b_text = screen_text(app)
        assert a_text != b_text
        rows = shown(screen.query_one("#latest", VirtualList))
        assert rows and all(r.contract_id == other for r in rows)


async def test_portfolio_as_home_without_a_portfolio_screen_shows_a_note(
        app_for: Callable[..., CofaApp], monkeypatch: pytest.MonkeyPatch) -> None:
    from cofatui.tui import navigation

    monkeypatch.delitem(navigation.SCREENS_BY_NAME, "portfolio", raising=False)
    app = app_for(home_screen="portfolio")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        home = next(s for s in app.screen_stack if isinstance(s, HomeScreen))
        assert home.query_one("#portfolio-note").display


async def test_home_without_contract_says_so(app_for: Callable[..., CofaApp],
                                             engine: tuple[Engine, dataset.Ids]) -> None:
    from sqlalchemy.orm import Session

    from cofatui.models import User

    with Session(engine[0]) as s:
        s.add(User(login="lonely", first_name="Lonely", last_name="Test", role="policyholder",
                   email="lonely@example.test", password_hash="x", created_at=dataset.NOW))
        s.commit()
    app = app_for("lonely")
    async with app.run_test(size=(120, 40)) as pilot:
        # No contract: cofatui opens on Chorus Pro (issue 18 item 3); home says why.
        await settle(pilot)
        assert type(app.screen).__name__ == "ChorusHubScreen"
        app.switch_to("home")
        await open_home(pilot)
        assert "not attached to any contract" in screen_text(app)
        assert app.is_running


async def test_hostile_names_on_home_show_literally(app_for: Callable[..., CofaApp]) -> None:
    app = app_for()
    async with app.run_test(size=(200, 50)) as pilot:
        screen = await open_home(pilot)
        text = screen_text(app)
        assert "Foo [UK] Ltd" in text  # pending request and latest notifications
        latest = screen.query_one("#latest", VirtualList)
        names = {r.company_name for r in shown(latest)}
        for raw in names & set(NASTY):
            assert NASTY[raw] in text
        assert "\x1b" not in text
        assert app.is_running and app.return_code is None


# --------------------------------------------------------------- snapshots


@pytest.mark.parametrize("theme", SNAP_THEMES)
@pytest.mark.parametrize("size", SNAP_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_snapshot_home(snap_compare: Any, engine: tuple[Engine, dataset.Ids],
                       theme: str, size: tuple[int, int]) -> None:
    app = _snap_app(engine[0], theme)

    async def run_before(pilot: Pilot[Any]) -> None:
        await open_home(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


async def test_language_change_redraws_home_in_french(app_for: Callable[..., CofaApp]) -> None:
    app = app_for()
    async with app.run_test(size=(160, 48)) as pilot:
        await open_home(pilot)
        app.set_language("fr")
        await settle(pilot)
        text = screen_text(app)
        for french in ("Risque du portefeuille (WAP)", "WAP  6,1 / 10", "en dégradation",
                       "Demandes en attente (1)", "20:00:00", "Dernières notifications",
                       "02/12/2026", "10 j"):
            assert french in text, french


# --------------------------------------------------------------- every row, Enter, renew


def add_pending_requests(engine: Engine, ids: dataset.Ids, count: int) -> list[int]:
    """``count`` first requests for credit limits on contract A, waiting for a decision,
    requested after the dataset's own (one ORM flush: cheap)."""
    from datetime import timedelta
    from decimal import Decimal

    from sqlalchemy.orm import Session

    from cofatui.models import DecisionRequest, Product

    companies = [ids[key] for key in ("alpha", "beta", "gamma", "delta")]
    with Session(engine) as s:
        products = [Product(
            contract_id=ids["A"], company_id=companies[i % len(companies)], code="CRL",
            status="pending", requested_amount=Decimal(1000 + i), currency="EUR",
            requested_at=dataset.NOW - timedelta(minutes=count - i),
            expected_decision_at=dataset.NOW + timedelta(hours=30, minutes=i),
            updated_at=dataset.NOW) for i in range(count)]
        s.add_all(products)
        s.flush()
        s.add_all(DecisionRequest(
            product_id=cast(int, p.id), contract_id=p.contract_id, company_id=p.company_id,
            kind="initial", code="CRL", requested_amount=p.requested_amount, currency="EUR",
            requested_at=p.requested_at, expected_decision_at=p.expected_decision_at,
            requested_by="alice") for p in products)
        s.commit()
        return [p.id for p in products if p.id is not None]


async def test_home_counts_every_pending_request(engine: tuple[Engine, dataset.Ids],
                                                 app_for: Callable[..., CofaApp]) -> None:
    added = add_pending_requests(*engine, 250)
    app = app_for()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_home(pilot)
        assert "Pending requests (251)" in screen_text(app)  # not the 200 first
        pending = screen.query_one("#pending", VirtualList)
        assert pending.row_count == 251
        pending.focus()
        await pilot.press("end")
        await settle(pilot)
        last = pending.cursor_row
        assert last is not None and last.product_id == added[-1]  # oldest first


@pytest.mark.parametrize(("list_id", "company", "product"), [
    ("pending", "foo", "p_foo_crl"), ("ending", "delta", "p_delta_rli")])
async def test_enter_opens_the_company_on_that_product(
        engine: tuple[Engine, dataset.Ids], app_for: Callable[..., CofaApp], list_id: str,
        company: str, product: str) -> None:
    """Enter on a pending request or an ending guarantee: the company's detail, with
    the cursor on that product."""
    from cofatui.tui.features.companies.detail import CompanyDetailScreen

    ids = engine[1]
    app = app_for()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_home(pilot)
        lst = screen.query_one(f"#{list_id}", VirtualList)
        lst.focus()
        row = lst.cursor_row
        assert row is not None and row.product_id == ids[product]
        await pilot.press("enter")
        await settle(pilot)
        detail = app.screen
        assert isinstance(detail, CompanyDetailScreen) and detail.company_id == ids[company]
        chosen = detail.query_one("#products", VirtualList).cursor_row
        assert chosen is not None and chosen.id == ids[product]


async def test_renew_an_ending_guarantee_from_home(engine: tuple[Engine, dataset.Ids],
                                                   app_for: Callable[..., CofaApp]) -> None:
    from textual.widgets import Static

    from cofatui.tui.features.home.renew import RenewDialog

    ids = engine[1]
    app = app_for()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_home(pilot)
        screen.query_one("#ending", VirtualList).focus()
        await pilot.press("w")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, RenewDialog)
        assert dialog.guarantee.product_id == ids["p_delta_rli"]
        assert "Renew the @rating cover" in screen_text(app)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert dialog.renewed is not None
        outcome = str(dialog.query_one("#renew-outcome", Static).render())
        request = dialog.renewed.pending_request
        if request is not None:  # waiting for a decision: its countdown
            assert request.kind == "renew"
            assert "Renewal requested for €15,000.00: decision expected in" in outcome
        else:  # decided at once by the contract's rules
            assert outcome.startswith("Renewal ")
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        if request is not None:
            assert "Pending requests (2)" in screen_text(app)
        products = app.repo.products.of_company(ids["A"], ids["delta"])
        renewed = next(p for p in products if p.id == ids["p_delta_rli"])
        assert renewed.status == "granted"  # the standing cover stays in force


async def test_renew_without_a_guarantee_says_so(app_for: Callable[..., CofaApp]) -> None:
    app = app_for("bob")  # contract B: nothing ends within 30 days
    async with app.run_test(size=(120, 40)) as pilot:
        await open_home(pilot)
        await pilot.press("w")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert any("Choose a guarantee" in n.message for n in app._notifications)


async def test_topliner_end_alert_is_a_daily_notification_not_toasts(
        engine: tuple[Engine, dataset.Ids], app_for: Callable[..., CofaApp]) -> None:
    from datetime import date, timedelta
    from decimal import Decimal

    from sqlalchemy import func, select
    from sqlalchemy.orm import Session

    from cofatui.models import Notification, Product

    eng, ids = engine
    with Session(eng) as s:
        topliner = Product(
            contract_id=ids["A"], company_id=ids["gamma"], code="TOPLINER", status="granted",
            requested_amount=Decimal(40000), decided_amount=Decimal(40000), currency="EUR",
            requested_at=dataset.NOW - timedelta(days=90), decided_at=dataset.NOW,
            updated_at=dataset.NOW - timedelta(days=80), effective_date=date(2026, 9, 1),
            end_date=dataset.TODAY + timedelta(days=3), duration_days=90)
        s.add(topliner)
        s.commit()
        product_id = topliner.id

    def alerts() -> int:
        with Session(eng) as s:
            return s.execute(select(func.count()).select_from(Notification).where(
                col(Notification.product_id) == product_id,
                col(Notification.type) == "end_of_cover")).scalar_one()

    for _start in range(2):  # a restart the same day adds nothing
        app = app_for()
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await open_home(pilot)
            assert not any("TopLiner" in n.message for n in app._notifications)
            latest = shown(screen.query_one("#latest", VirtualList))
            assert latest[0].title.startswith("TopLiner ends in 3 days")
            assert latest[0].company_name == "Gamma Tessile SpA"
        assert alerts() == 1
