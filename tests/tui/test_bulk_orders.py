"""Tools › Bulk orders (issue 14 item 8): importing the seed's sample with its progress,
the results errors first and sorted, the lines in error saved, a company opened, the
repeat guard's dialog, check mode, French; snapshots of both screens."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from textual.pilot import Pilot

from cofatui.clock import FixedClock
from cofatui.config import Settings
from cofatui.jobs.worker import Worker
from cofatui.repository.sql import SqlRepository
from cofatui.schemas_bulk import BulkLineStatus
from cofatui.tui.app import CofaApp
from cofatui.tui.features.bulk.import_screen import BulkOrdersScreen
from cofatui.tui.features.bulk.results import BulkResultsScreen
from cofatui.tui.features.companies.detail import CompanyDetailScreen
from cofatui.tui.kit.dialog import ConfirmScreen
from cofatui.tui.kit.line_import import SaveFileDialog
from cofatui.tui.kit.virtual_list import VirtualList
from tests.contract import dataset
from tests.contract.bulk_helpers import SAMPLE, add_seed_companies
from tests.tui.pilot import screen_text, settle, toasts, top_screen_text, wait_until
from tests.tui.products_env import copied_database, themed
from tests.tui.test_notifications import pin_utc

SIZE = (160, 44)


@pytest.fixture(autouse=True)
def utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    yield from pin_utc(monkeypatch)


def _build(engine: Engine) -> dataset.Ids:
    ids = dataset.build(engine)
    add_seed_companies(engine, ids["A"])
    return ids


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[tuple[Engine, dataset.Ids]]:
    eng, ids = copied_database(tmp_path / "bulk.sqlite", "bulk_tui", _build)
    yield eng, ids
    eng.dispose()


def make_app(engine: Engine, **settings: Any) -> CofaApp:
    settings.setdefault("language", "en")
    clock = FixedClock(dataset.NOW)
    app = CofaApp(SqlRepository(engine, "alice", clock), Settings(**settings))
    app.clock = clock
    return app


def drain(engine: Engine) -> None:
    """Run the queued jobs (the import's) to their end, as the worker would."""
    Worker(engine, clock=FixedClock(dataset.NOW), schedules=[]).drain()


def rows(lst: VirtualList) -> list[Any]:
    return [row for i in range(lst.row_count) if (row := lst.row_at(i)) is not None]


async def open_bulk(pilot: Pilot[Any], path: Path | None = SAMPLE) -> BulkOrdersScreen:
    await settle(pilot)
    pilot.app.switch_to("bulk_orders")  # type: ignore[attr-defined]
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, BulkOrdersScreen)
    screen.path = path  # the picker itself is tested in test_tools
    return screen


async def start(pilot: Pilot[Any], key: str, engine: Engine) -> BulkResultsScreen:
    """Press Check (c) or Import (i), confirm, run the job, wait for the results."""
    await pilot.press(key)
    await settle(pilot)
    assert isinstance(pilot.app.screen, ConfirmScreen)
    await pilot.press("y")
    await settle(pilot)
    await asyncio.to_thread(drain, engine)
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, BulkResultsScreen),
                     what="the results")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, BulkResultsScreen)
    return screen


async def test_import_shows_its_progress_then_the_results_errors_first(
        engine: tuple[Engine, dataset.Ids]) -> None:
    app = make_app(engine[0])
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_bulk(pilot)
        await pilot.press("i")
        await settle(pilot)
        # The confirmation names the line count and the contract.
        question = top_screen_text(app)
        assert "Import 13 order lines of bulk_orders_sample.csv into contract P-A" in question
        await pilot.press("y")
        await settle(pilot)
        # Queued, not run yet: the progress shows 0 of 13.
        assert screen.following is not None
        assert "bulk_orders_sample.csv: 0 / 13 lines" in screen_text(app)
        await asyncio.to_thread(drain, engine[0])
        await wait_until(pilot, lambda: isinstance(app.screen, BulkResultsScreen),
                         what="the results")
        await settle(pilot)
        results = app.screen
        assert isinstance(results, BulkResultsScreen)
        lines = rows(results.query_one("#bulk-lines", VirtualList))
        assert len(lines) == 13
        errors = [x for x in lines if x.status == BulkLineStatus.ERROR]
        assert errors and lines[:len(errors)] == errors  # errors first
        assert [x.line_no for x in errors] == sorted(x.line_no for x in errors)
        # The detail of the line under the cursor follows it on a timer (0.2 s).
        assert errors[0].message("en")
        await wait_until(pilot, lambda: errors[0].message("en") in screen_text(app),
                         what="the first line's message")
        text = screen_text(app)
        assert "13 lines, 3 OK, 10 in error" in text
        assert errors[0].text in text  # the line as written
        # Back on the import screen, the file is in the imported-files list.
        await pilot.press("escape")
        await settle(pilot)
        files = screen.query_one("#bulk-files", VirtualList)
        assert files.row_count == 1
        assert [x.file_name for x in rows(files)] == ["bulk_orders_sample.csv"]


async def test_results_sort_and_file_order(engine: tuple[Engine, dataset.Ids]) -> None:
    app = make_app(engine[0])
    async with app.run_test(size=SIZE) as pilot:
        await open_bulk(pilot)
        results = await start(pilot, "i", engine[0])
        lst = results.query_one("#bulk-lines", VirtualList)
        await pilot.press("f")  # errors first off: file order
        await settle(pilot)
        assert [x.line_no for x in rows(lst)] == list(range(1, 14))
        await pilot.press("o")  # descending
        await settle(pilot)
        assert [x.line_no for x in rows(lst)] == list(range(13, 0, -1))
        await pilot.press("s")  # by status, descending
        await settle(pilot)
        statuses = [x.status for x in rows(lst)]
        assert statuses == sorted(statuses, reverse=True)
        assert "Sorted by status (descending)" in screen_text(app)


async def test_lines_in_error_are_saved_as_a_bulk_file(
        engine: tuple[Engine, dataset.Ids], tmp_path: Path) -> None:
    app = make_app(engine[0])
    async with app.run_test(size=SIZE) as pilot:
        await open_bulk(pilot)
        results = await start(pilot, "i", engine[0])
        await pilot.press("w")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, SaveFileDialog)
        target = tmp_path / "to-fix.csv"
        dialog.query_one("#path").value = str(target)  # type: ignore[attr-defined]
        await pilot.press("enter")
        await settle(pilot)
        expected = app.repo.bulk.errors_file(results.bulk.id).content
        assert target.read_bytes() == expected
        sample = SAMPLE.read_text(encoding="utf-8").splitlines()
        saved = target.read_text(encoding="utf-8").splitlines()
        assert len(saved) == 10 and all(line in sample for line in saved)
        # The toast follows the dialog's result, a turn or two after the file is written.
        await wait_until(pilot, lambda: "10 lines in error saved to" in toasts(app),
                         what="its toast")


async def test_enter_on_a_result_opens_its_company(engine: tuple[Engine, dataset.Ids]) -> None:
    app = make_app(engine[0])
    async with app.run_test(size=SIZE) as pilot:
        await open_bulk(pilot)
        results = await start(pilot, "i", engine[0])
        lst = results.query_one("#bulk-lines", VirtualList)
        target = next(i for i, x in enumerate(rows(lst)) if x.company_id is not None)
        lst.cursor = target
        company = rows(lst)[target].company_name
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, CompanyDetailScreen),
                         what="the company")
        await settle(pilot)
        assert company and company in screen_text(app)


async def test_importing_the_same_file_again_asks_first(
        engine: tuple[Engine, dataset.Ids]) -> None:
    app = make_app(engine[0])
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_bulk(pilot)
        await start(pilot, "i", engine[0])
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        await pilot.press("y")  # the usual confirmation
        await settle(pilot)
        # The repeat guard: a second dialog names the earlier import.
        await wait_until(pilot, lambda: "already imported" in top_screen_text(app),
                         what="the repeat dialog")
        assert "was already imported into this contract" in top_screen_text(app)
        await pilot.press("n")  # no: nothing imported
        await settle(pilot)
        assert app.repo.bulk.imports(None).total == 1
        await pilot.press("i")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        await wait_until(pilot, lambda: "already imported" in top_screen_text(app),
                         what="the repeat dialog")
        await pilot.press("y")  # yes: imported again
        await wait_until(pilot, lambda: screen.following is not None, what="the import")
        await asyncio.to_thread(drain, engine[0])
        await wait_until(pilot, lambda: isinstance(app.screen, BulkResultsScreen),
                         what="the results")
        assert app.repo.bulk.imports(None).total == 2


async def test_check_orders_nothing_and_says_so(engine: tuple[Engine, dataset.Ids]) -> None:
    app = make_app(engine[0])
    async with app.run_test(size=SIZE) as pilot:
        await open_bulk(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert "Nothing is ordered" in top_screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        results = await start(pilot, "c", engine[0])
        assert results.bulk.check
        assert "Check: nothing ordered." in screen_text(app)
        assert app.repo.bulk.imports(None).total == 0  # a check is never listed


async def test_in_french(engine: tuple[Engine, dataset.Ids]) -> None:
    app = make_app(engine[0], language="fr")
    async with app.run_test(size=SIZE) as pilot:
        await open_bulk(pilot)
        await pilot.press("h")
        await settle(pilot)
        text = screen_text(app)
        assert "Aide — fichier de commandes en masse" in text
        assert "Fichiers importés" in text
        await pilot.press("i")
        await settle(pilot)
        assert "Importer les 13 lignes de commande" in top_screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        results = await start(pilot, "i", engine[0])
        first = rows(results.query_one("#bulk-lines", VirtualList))[0]
        # The detail of the line under the cursor follows it on a timer (0.2 s).
        await wait_until(pilot, lambda: first.message("fr") in screen_text(app),
                         what="the first line's message")
        text = screen_text(app)
        assert "13 lignes, 3 OK, 10 en erreur" in text
        assert "erreurs en premier" in text


def test_snapshot_import_screen(snap_compare: Any, engine: tuple[Engine, dataset.Ids]) -> None:
    app = themed(make_app(engine[0]), "cofatui-dark")

    async def run_before(pilot: Pilot[Any]) -> None:
        await open_bulk(pilot)
        await pilot.press("h")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_snapshot_results_errors_first(snap_compare: Any,
                                       engine: tuple[Engine, dataset.Ids]) -> None:
    app = themed(make_app(engine[0]), "cofatui-dark")

    async def run_before(pilot: Pilot[Any]) -> None:
        await open_bulk(pilot)
        await start(pilot, "i", engine[0])
        await pilot.pause(0.3)  # let the toasts fade? they stay: the snapshot shows them

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
