"""The notifications workflow driven with Pilot: filter while typing, combine and clear
advanced filters, mark several, mark read / unread, delete with confirmation, export
and read the files back, open a notification; data shown literally; SVG snapshots.

The database is the contract-test dataset (known rows) plus companies with hostile
names; the clock is fixed and the time zone is UTC, so the screens are deterministic.
"""

from __future__ import annotations

import csv
import re
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from textual.pilot import Pilot
from textual.widgets import Input, Select

from cofatui import locations
from cofatui.clock import FixedClock
from cofatui.config import Settings
from cofatui.jobs.worker import embedded_worker
from cofatui.models import Company, Notification, PortfolioEntry, WapSnapshot
from cofatui.repository.sql import SqlRepository
from cofatui.repository.sql.companies import name_key
from cofatui.repository.sql.search import search_key
from cofatui.schemas import NotificationFilter, NotificationRow, Page, RowCount, Seek
from cofatui.tui.app import CofaApp
from cofatui.tui.features.notifications.detail import NotificationDetailScreen
from cofatui.tui.features.notifications.filters import NotificationFiltersScreen
from cofatui.tui.features.notifications.notifications import (
    NotificationsScreen,
    UnreadChanged,
)
from cofatui.tui.kit.dialog import ConfirmScreen
from cofatui.tui.kit.virtual_list import VirtualList
from tests.contract import dataset
from tests.repo_doubles import Override
from tests.tui.pilot import screen_text, settle, wait_until
from tests.tui.products_env import copied_database

ESCAPES = "Evil\x1b]52;c;SGVsbG8=\x07 Corp\x1b[2J"
#: name as stored -> what the screen must show
NASTY = {
    "[/] x": "[/] x",
    "[@click=app.quit]x[/]": "[@click=app.quit]x[/]",
    "$accent": "$accent",
    ESCAPES: "Evil]52;c;SGVsbG8= Corp[2J",
}


# --------------------------------------------------------------- fixtures and helpers


def pin_utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Dates are shown in local time: pin it, so texts and snapshots are stable."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture(autouse=True)
def utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    yield from pin_utc(monkeypatch)


def add_nasty_companies(engine: Engine, ids: dataset.Ids) -> None:
    """Companies of contract A with hostile names, each with one unread notification."""
    with Session(engine) as s:
        for i, name in enumerate(NASTY, start=1):
            easy = f"{900 + i:014d}"
            company = Company(name=name, name_key=name_key(name), country="GBR", dra=6,
                              easy_number=easy, city="London", updated_at=dataset.NOW)
            s.add(company)
            s.flush()
            s.add(PortfolioEntry(contract_id=ids["A"], company_id=company.id,  # type: ignore[arg-type]
                                 client_reference=f"NASTY-{i}",
                                 search_text=search_key(name, "GBR", easy, f"NASTY-{i}"),
                                 updated_at=dataset.NOW))
            s.add(Notification(contract_id=ids["A"], company_id=company.id, category="management",
                               type="document", importance="low", title=f"Document for {name}",
                               body=f"Body of {name}\nsecond line",
                               created_at=dataset.NOW - timedelta(days=60 + i)))
        s.commit()


WAP_HISTORY = [5.6, 5.8, 5.7, 5.9, 6.0, 6.0, 6.2, 6.1, 5.9, 6.0, 6.1, 6.3]


def add_wap_history(engine: Engine, ids: dataset.Ids) -> None:
    """Twelve monthly WAP snapshots of contract A, the last one above today's 6.1."""
    with Session(engine) as s:
        for months_ago, value in enumerate(reversed(WAP_HISTORY), start=1):
            day = dataset.NOW - timedelta(days=30 * months_ago)
            s.add(WapSnapshot(contract_id=ids["A"], day=day, wap=value))
        s.commit()


def open_database(tmp_path: Path) -> Iterator[tuple[Engine, dataset.Ids]]:
    """The dataset plus the hostile names, in a fresh SQLite file."""
    def build(engine: Engine) -> dataset.Ids:
        ids = dataset.build(engine)
        add_nasty_companies(engine, ids)
        add_wap_history(engine, ids)
        return ids

    eng, ids = copied_database(tmp_path / "tui.sqlite", "notifications", build)
    yield eng, ids
    eng.dispose()


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[tuple[Engine, dataset.Ids]]:
    yield from open_database(tmp_path)


def build_app(engine: Engine, login: str = "alice", **settings: Any) -> CofaApp:
    settings.setdefault("language", "en")
    clock = FixedClock(dataset.NOW)
    app = CofaApp(SqlRepository(engine, login, clock), Settings(**settings))
    app.clock = clock  # the app's clock, as the shell provides it
    return app


@pytest.fixture
def app_for(engine: tuple[Engine, dataset.Ids]) -> Callable[..., CofaApp]:
    return lambda login="alice", **settings: build_app(engine[0], login, **settings)


def shown(lst: VirtualList) -> list[NotificationRow]:
    return [row for i in range(lst.row_count) if (row := lst.row_at(i)) is not None]


async def open_notifications(pilot: Pilot[Any],
                             initial: NotificationFilter | None = None) -> NotificationsScreen:
    await settle(pilot)
    await pilot.app.push_screen(NotificationsScreen(initial))
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, NotificationsScreen)
    return screen


async def type_text(pilot: Pilot[Any], text: str) -> None:
    for char in text:
        await pilot.press(char)


def all_rows(app: CofaApp, flt: NotificationFilter) -> list[NotificationRow]:
    return list(app.repo.notifications.rows(flt, 0, 500).items)


A_TOTAL = 5 + len(NASTY)  # alice sees contract A: five dataset notifications + the nasty ones


# --------------------------------------------------------------- filtering


async def test_filter_while_typing_shrinks_to_matches(app_for: Callable[..., CofaApp]) -> None:
    app = app_for()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_notifications(pilot)
        lst = screen.vlist
        assert lst.total == A_TOTAL
        screen.query_one("#filter", Input).focus()
        counts = []
        for char in "gamma":
            await pilot.press(char)
            await settle(pilot)
            counts.append(lst.total)
        assert counts[-1] == 2
        assert counts == sorted(counts, reverse=True)  # never grows while typing
        assert {r.company_name for r in shown(lst)} == {"Gamma Tessile SpA"}
        assert "2 notifications" in screen_text(app)

        # Client reference, country and EasyNumber are searched too.
        for needle, expected in (("CR-002", {"Beta Maschinenbau GmbH"}),
                                 ("00000000000001", {"Alpha Industries"}),
                                 ("nasty-", {clean for clean in NASTY})):
            field = screen.query_one("#filter", Input)
            field.value = ""
            await type_text(pilot, needle)
            await settle(pilot)
            assert {r.company_name for r in shown(lst)} == expected, needle

        # Enter leaves the filter for the list; the filter keeps its text.
        await pilot.press("enter")
        assert app.screen.focused is lst


async def test_fast_typing_ends_on_the_last_text(app_for: Callable[..., CofaApp]) -> None:
    app = app_for()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_notifications(pilot)
        screen.query_one("#filter", Input).focus()
        await pilot.press(*"alpha ind")  # faster than the debounce
        await settle(pilot)
        assert screen.current_filter().text == "alpha ind"
        assert [r.company_name for r in shown(screen.vlist)] == ["Alpha Industries"]


async def test_advanced_filters_combine_show_and_clear(app_for: Callable[..., CofaApp]) -> None:
    app = app_for()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_notifications(pilot)
        await pilot.press("f")
        await settle(pilot)
        panel = app.screen
        assert isinstance(panel, NotificationFiltersScreen)
        panel.query_one("#f-country", Input).value = "fra"
        panel.query_one("#f-importance", Select).value = "high"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        rows = shown(screen.vlist)
        assert [r.company_name for r in rows] == ["Alpha Industries"]
        summary = screen_text(app)
        assert "Country: FRA" in summary and "Importance: high" in summary

        # The typed text combines with the panel's filters.
        screen.query_one("#filter", Input).focus()
        await type_text(pilot, "beta")
        await settle(pilot)
        assert screen.vlist.total == 0

        # Category alone, from the panel again (the form shows what is active).
        screen.vlist.focus()
        await pilot.press("f")
        await settle(pilot)
        panel = app.screen  # type: ignore[assignment]
        assert isinstance(panel, NotificationFiltersScreen)
        assert panel.query_one("#f-country", Input).value == "FRA"
        panel.query_one("#f-country", Input).value = ""
        panel.query_one("#f-importance", Select).value = Select.NULL
        panel.query_one("#f-category", Select).value = "information"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert screen.vlist.total == 0  # "beta" is still typed
        screen.query_one("#filter", Input).value = ""
        await settle(pilot)
        assert {r.company_name for r in shown(screen.vlist)} == {"Gamma Tessile SpA"}

        # One key clears everything, the typed text too.
        screen.vlist.focus()
        await pilot.press("c")
        await settle(pilot)
        assert screen.vlist.total == A_TOTAL
        assert screen.query_one("#filter", Input).value == ""
        assert "No advanced filter" in screen_text(app)


async def test_filter_panel_checks_fields_and_dates(app_for: Callable[..., CofaApp]) -> None:
    app = app_for()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_notifications(pilot)
        await pilot.press("f")
        await settle(pilot)
        panel = app.screen
        assert isinstance(panel, NotificationFiltersScreen)
        panel.query_one("#f-country", Input).value = "ZZZ"
        panel.query_one("#f-date_from", Input).value = "31/02/2026"
        panel.query_one("#f-date_to", Input).value = "2026-01-01"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is panel  # nothing applied
        text = screen_text(app)
        assert "Unknown country" in text and "Expected a date such as 31/12/2026" in text

        panel.query_one("#f-country", Input).value = ""
        panel.query_one("#f-date_from", Input).value = "01/11/2026"
        panel.query_one("#f-date_to", Input).value = "20/11/2026"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        dates = {r.created_at.date() for r in shown(screen.vlist)}
        assert dates and all(d.month == 11 and d.day <= 20 for d in dates)
        assert screen.vlist.total == 3  # n2, n3, n4 (n1 is on the 21st)

        # Clear-all from the panel in one key.
        await pilot.press("f")
        await settle(pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert screen.vlist.total == A_TOTAL


async def test_contract_filter_and_all_contracts(app_for: Callable[..., CofaApp]) -> None:
    app = app_for("both")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_notifications(pilot)
        first = screen.vlist.total
        await pilot.press("f")
        await settle(pilot)
        from cofatui.tui.features.notifications.filters import ALL_CONTRACTS

        app.screen.query_one("#f-contract", Select).value = ALL_CONTRACTS
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert screen.vlist.total == A_TOTAL + 2  # contract B has two more
        assert first in (A_TOTAL, 2)
        assert "All my contracts" in screen_text(app)


# --------------------------------------------------------------- marking


async def test_mark_several_then_read_and_unread(app_for: Callable[..., CofaApp]) -> None:
    app = app_for()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_notifications(pilot)
        posted: list[object] = []
        original = screen.post_message

        def spy(message: Any) -> bool:
            posted.append(message)
            return original(message)

        screen.post_message = spy  # type: ignore[method-assign]
        lst = screen.vlist
        lst.focus()
        unread_before = app.repo.notifications.unread_count(app.current_contract_id)
        await pilot.press("space", "shift+down")
        assert len(lst.marked) == 2
        assert "2 marked" in screen_text(app)
        first_two = [r.id for r in shown(lst)[:2]]
        assert sorted(first_two) == lst.marked_keys()

        await pilot.press("r")
        await settle(pilot)
        assert app.repo.notifications.unread_count(app.current_contract_id) == unread_before - 2
        rows = {r.id: r for r in shown(lst)}
        assert all(rows[i].read for i in first_two)
        assert lst.marked == set()  # marks are cleared after the change
        assert any(isinstance(m, UnreadChanged) for m in posted)
        # The read marker column: "new" on unread rows only.
        lines = [line for line in screen_text(app).splitlines() if "new" in line.split()]
        assert len(lines) == A_TOTAL - 2

        # Nothing marked: the cursor row only.
        lst.cursor = 0
        await pilot.press("u")
        await settle(pilot)
        assert app.repo.notifications.unread_count(app.current_contract_id) == unread_before - 1
        assert not shown(lst)[0].read


async def test_delete_asks_first(app_for: Callable[..., CofaApp]) -> None:
    app = app_for()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_notifications(pilot)
        lst = screen.vlist
        lst.focus()
        await pilot.press("space", "down", "space")
        doomed = set(lst.marked_keys())
        assert len(doomed) == 2

        await pilot.press("delete")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "Delete 2 notifications?" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        assert lst.total == A_TOTAL and set(lst.marked_keys()) == doomed

        await pilot.press("delete")
        await pilot.pause()
        await pilot.press("n")
        await settle(pilot)
        assert lst.total == A_TOTAL

        await pilot.press("delete")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert lst.total == A_TOTAL - 2
        assert not doomed & {r.id for r in shown(lst)}
        remaining = all_rows(app, NotificationFilter(contract_id=app.current_contract_id))
        assert not doomed & {r.id for r in remaining}


# --------------------------------------------------------------- open


async def test_enter_opens_the_detail_and_marks_read(app_for: Callable[..., CofaApp]) -> None:
    app = app_for()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_notifications(pilot)
        lst = screen.vlist
        lst.focus()
        await pilot.press("down")
        row = lst.cursor_row
        assert row is not None and not row.read
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, NotificationDetailScreen)
        text = screen_text(app)
        for expected in (row.title, row.company_name, row.easy_number, row.client_reference,
                         row.policy_number, "Read", "Insurance", "Modification"):
            assert expected in text
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        assert lst.cursor_row is not None and lst.cursor_row.read


# --------------------------------------------------------------- export


def _exported(kind: str) -> Path:
    files = sorted(locations.exports_dir().glob(f"*.{kind}"))
    assert len(files) == 1, files
    return files[0]


@pytest.mark.parametrize("kind, key", [("xlsx", "e"), ("csv", "E")])
async def test_export_writes_exactly_the_displayed_rows(app_for: Callable[..., CofaApp],
                                                        kind: str, key: str) -> None:
    app = app_for()
    worker = embedded_worker(app.repo)  # the export runs as a job, as in `cofatui`
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_notifications(pilot)
        screen.query_one("#filter", Input).focus()
        await type_text(pilot, "gb")  # Foo [UK] Ltd and the nasty companies (GBR)
        await settle(pilot)
        displayed = shown(screen.vlist)
        assert len(displayed) == 1 + len(NASTY)
        screen.vlist.focus()
        await pilot.press(key)
        # The job runs, then its file is saved to the exports folder.
        await wait_until(pilot, lambda: list(locations.exports_dir().glob(f"*.{kind}")),
                         what="the exported file")
        await settle(pilot)
        assert worker is not None
        worker.stop()
        path = _exported(kind)
        notices = [n.message for n in app._notifications]
        assert any(str(path) in m for m in notices), notices

        if kind == "xlsx":
            book = openpyxl.load_workbook(path, read_only=True)
            sheet = book.active
            assert sheet is not None
            lines = [list(r) for r in sheet.iter_rows(values_only=True)]
            book.close()
        else:
            assert path.read_bytes().startswith(b"\xef\xbb\xbf")
            with path.open(encoding="utf-8-sig", newline="") as fh:
                lines = list(csv.reader(fh, delimiter=";"))
        header, body = lines[0], lines[1:]
        assert header[:3] == ["Status", "Date", "Importance"]
        company = header.index("Company")
        title = header.index("Title")
        assert [line[company] for line in body] == \
            [NASTY.get(r.company_name, r.company_name) for r in displayed]
        assert [line[title] for line in body] == \
            [NASTY.get(r.title, r.title.replace(ESCAPES, NASTY[ESCAPES])) for r in displayed]


class ManyRows:
    """A repository whose notification list has ``size`` rows, served slowly."""

    def __init__(self, inner: Any, size: int = 20_000, delay: float = 0.01) -> None:
        self._inner = inner
        self.size = size
        self.delay = delay
        self.template = all_rows_of(inner)[0]
        self.notifications = Override(inner.notifications, rows=self.rows, count=self.count)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def rows(self, flt: Any = None, offset: int = 0, limit: int = 100,
             with_total: bool = True, seek: Seek | None = None) -> Page[NotificationRow]:
        """Row i (id 10 000 + i) in list order; by offset, or by key (the cursor of a
        row is its position), as the repository pages."""
        time.sleep(self.delay)
        if seek is not None and seek.after is not None:
            offset = int(seek.after) + 1
        elif seek is not None and (seek.before is not None or seek.last):
            raise AssertionError("the export reads forwards only")
        ids = range(offset, min(offset + limit, self.size))
        items = [self.template.model_copy(update={"id": 10_000 + i}) for i in ids]
        return Page(items=items, offset=offset, limit=limit,
                    total=self.size if with_total else -1,
                    first_cursor=str(ids[0]) if ids else None,
                    last_cursor=str(ids[-1]) if ids else None)

    def count(self, flt: Any = None, at_most: int | None = None) -> RowCount:
        if at_most is not None and self.size > at_most:
            return RowCount(count=at_most, exact=False)
        return RowCount(count=self.size)


def all_rows_of(repo: Any) -> list[NotificationRow]:
    return list(repo.notifications.rows(NotificationFilter(), 0, 10).items)


async def test_jobs_screen_shows_live_progress_of_the_export_after_leaving(
        app_for: Callable[..., CofaApp]) -> None:
    """The export is a job: leaving the screen does not stop it, the Jobs screen shows
    it advancing, and its file is in the exports folder at the end."""
    from cofatui.jobs.exports import export_notifications
    from cofatui.jobs.worker import JobContext, Worker, WorkerThread
    from cofatui.schemas_jobs import NotificationExportParams

    def slow_export(ctx: JobContext) -> tuple[str, bytes]:
        # The real export job, reading 20 000 rows from a slowed-down repository.
        return export_notifications(ManyRows(ctx.repo(), size=20_000, delay=0.15),
                                    NotificationExportParams.model_validate(ctx.params),
                                    ctx.clock.now(), ctx.progress)

    app = app_for()
    engine = app.repo.engine  # type: ignore[attr-defined]
    thread = WorkerThread(Worker(engine, clock=app.clock, schedules=[],
                                 handlers={"export.notifications": slow_export})).start()
    try:
        async with app.run_test(size=(140, 40)) as pilot:
            screen = await open_notifications(pilot)
            screen.vlist.focus()
            await pilot.press("E")
            await settle(pilot)
            await pilot.press("escape")  # leave: the export goes on
            await settle(pilot)
            assert not isinstance(app.screen, NotificationsScreen)
            app.switch_to("jobs")
            seen: set[str] = set()
            for _ in range(300):
                await pilot.pause(0.1)
                found = re.search(r"(running|done)\s+([\d,]+) / 20,000", screen_text(app))
                if found:
                    seen.add(found.group(2))
                if "done" in screen_text(app) and list(locations.exports_dir().glob("*.csv")):
                    break
            else:
                pytest.fail(f"the export did not finish; progress seen: {seen}\n{screen_text(app)}")
            running = [n for n in seen if n not in ("0", "20,000")]
            assert running, f"no intermediate progress shown: {seen}"
            path = _exported("csv")
            with path.open(encoding="utf-8-sig", newline="") as fh:
                assert len(list(csv.reader(fh, delimiter=";"))) == 1 + 20_000
    finally:
        thread.stop()


# --------------------------------------------------------------- literal data


async def test_hostile_names_show_literally_and_trigger_nothing(
        app_for: Callable[..., CofaApp]) -> None:
    app = app_for()
    async with app.run_test(size=(200, 50)) as pilot:
        screen = await open_notifications(pilot)
        text = screen_text(app)
        for visible in ("Foo [UK] Ltd", *NASTY.values()):
            assert visible in text, visible
        assert "\x1b" not in text and "\x07" not in text

        # Click every row, open each nasty one: nothing runs, nothing crashes.
        lst = screen.vlist
        for index, row in enumerate(shown(lst)):
            await pilot.click(VirtualList, offset=(30, index + 1))
            await pilot.pause()
            if row.company_name in NASTY:
                lst.cursor = index
                await pilot.press("enter")
                await settle(pilot)
                detail = screen_text(app)
                assert NASTY[row.company_name] in detail
                assert "second line" in detail
                await pilot.press("escape")
                await settle(pilot)
        assert app.is_running and app.return_code is None

        # In the filter summary too.
        await pilot.press("f")
        await settle(pilot)
        app.screen.query_one("#f-company", Input).value = "[@click=app.quit]x[/]"
        await pilot.press("ctrl+s")
        await settle(pilot)
        text = screen_text(app)
        assert "Company: [@click=app.quit]x[/]" in text
        assert [r.company_name for r in shown(lst)] == ["[@click=app.quit]x[/]"]
        assert app.is_running


# --------------------------------------------------------------- snapshots


SNAP_THEMES = ["cofatui-dark", "cofatui-light"]
SNAP_SIZES = [(80, 24), (160, 48)]


def _snap_app(engine: Engine, theme: str) -> CofaApp:
    app = build_app(engine)
    if theme in app.available_themes:
        app.theme = theme
    else:  # before the shell ships its themes
        app.theme = "textual-light" if theme.endswith("light") else "textual-dark"
    return app


@pytest.mark.parametrize("theme", SNAP_THEMES)
@pytest.mark.parametrize("size", SNAP_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("filtered", [False, True], ids=["all", "filtered"])
def test_snapshot_notifications(snap_compare: Any, engine: tuple[Engine, dataset.Ids],
                                theme: str, size: tuple[int, int], filtered: bool) -> None:
    app = _snap_app(engine[0], theme)

    async def run_before(pilot: Pilot[Any]) -> None:
        screen = await open_notifications(pilot)
        if filtered:
            screen.query_one("#filter", Input).focus()
            await type_text(pilot, "gamma")
            await settle(pilot)
            screen.vlist.focus()
            await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


def test_dates_are_typed_in_the_users_order() -> None:
    from datetime import date

    from cofatui.tui.features.notifications.filters import date_text, parse_date

    assert parse_date("31/12/2026") == date(2026, 12, 31)
    assert parse_date("12/31/2026", "MDY") == date(2026, 12, 31)
    assert parse_date("2026-12-31", "MDY") == date(2026, 12, 31)
    assert parse_date("31.12.2026") == date(2026, 12, 31)
    assert parse_date("  ") is None
    for bad, order in (("31/12/2026", "MDY"), ("30/02/2026", "DMY"), ("tomorrow", "DMY")):
        with pytest.raises(ValueError):
            parse_date(bad, order)
    assert date_text(date(2026, 1, 2), "MDY") == "01/02/2026"
    assert date_text(date(2026, 1, 2)) == "02/01/2026"


async def test_language_change_keeps_the_filter_and_translates(
        app_for: Callable[..., CofaApp]) -> None:
    app = app_for()
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await open_notifications(pilot)
        screen.query_one("#filter", Input).focus()
        await type_text(pilot, "gamma")
        await settle(pilot)
        screen.vlist.focus()
        await pilot.press("space")
        app.set_language("fr")
        await settle(pilot)
        text = screen_text(app)
        assert "2 notifications · 1 sélectionnée" in text
        assert "Aucun filtre avancé" in text and "Entreprise" in text and "Marquer lu" in text
        assert screen.query_one("#filter", Input).value == "gamma"
        assert screen.vlist.total == 2


def test_export_pages_by_day_yield_the_same_rows_as_one_query(
        engine: tuple[Engine, dataset.Ids]) -> None:
    """Many rows on few days, with identical timestamps: the day-bounded paging of the
    export returns exactly the rows (and order) of a single query."""
    from cofatui.tui.features.notifications.notifications import iter_notifications

    eng, ids = engine
    with Session(eng) as s:
        for i in range(57):
            s.add(Notification(contract_id=ids["A"], company_id=ids["alpha"], category="insurance",
                               type="decision", importance="normal", title=f"tie {i}",
                               created_at=dataset.NOW - timedelta(days=i % 3, hours=i % 2)))
        s.commit()
    repo = build_app(eng).repo
    for flt in (NotificationFilter(contract_id=ids["A"]),
                NotificationFilter(contract_id=ids["A"], text="alpha"),
                NotificationFilter(contract_id=ids["A"], date_to=dataset.TODAY)):
        expected = [r.id for r in all_rows(build_app(eng), flt)]
        for page in (1, 2, 7, 500):
            assert [r.id for r in iter_notifications(repo, flt, page)] == expected, (flt, page)

    # All contracts of a user on several: merged per contract, same rows, same order.
    both = build_app(eng, "both")
    flt = NotificationFilter()
    expected = [r.id for r in all_rows(both, flt)]
    assert len({r.contract_id for r in all_rows(both, flt)}) == 2
    contracts = [c.contract_id for c in both.principal.contracts]
    for page in (1, 3, 500):
        got = iter_notifications(both.repo, flt, page, contracts=contracts)
        assert [r.id for r in got] == expected
