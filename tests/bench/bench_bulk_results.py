"""Bulk-order results screen (issue 14 item 8): the results of a 10 000-line import open
in ≤ 300 ms and re-sort in ≤ 100 ms.

A 10 000-line file (lines refused by the format checks and lines naming companies that
do not exist, in four codes, plus the seed's sample lines) is imported into contract A
of the contract dataset by the ``bulk.run`` job, then measured as a user feels it: the
key goes in as the terminal driver delivers it, the clock stops at the first frame
composed once the first row of the list is there.

- ``open``: Enter on the import in Tools › Bulk orders → the results painted;
- ``re-sort``: ``s`` (next sort column) → the list painted in the new order;
- anchors, measured in the same run: ``repository page`` (``repo.bulk.lines`` of the
  first page, what the screen's worker asks, sorted as the screen asks) and
  ``calibration`` (a key repainting one line of a trivial screen: this machine's floor).

Usage::

    python -m tests.bench.bench_bulk_results               # 10 000 lines
    python -m tests.bench.bench_bulk_results --lines 1000  # smaller

Figures are printed and written to ``tests/bench/results/bulk_results.json``; nothing
is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from cofatui import migrations
from cofatui.clock import FixedClock
from cofatui.config import Settings
from cofatui.jobs.worker import Worker
from cofatui.repository.sql import SqlRepository, make_engine
from cofatui.schemas_bulk import BulkSort, SortOrder
from cofatui.tui.app import CofaApp
from cofatui.tui.features.bulk.import_screen import BulkOrdersScreen
from cofatui.tui.features.bulk.results import BulkResultsScreen
from cofatui.tui.kit.virtual_list import VirtualList
from tests.bench.bench_tui import FRAME, FrameWatch, calibration, send_key, summary, workers_done
from tests.bench.harness import measure, print_table, write_json
from tests.contract import dataset
from tests.contract.bulk_helpers import SAMPLE, add_seed_companies

SIZE = (160, 44)
TIMEOUT = 60.0


def results_file(lines: int) -> bytes:
    """``lines`` order lines: the seed's sample, then lines in error of four kinds."""
    rows = SAMPLE.read_text(encoding="utf-8").splitlines()
    n = 0
    while len(rows) < lines:
        easy = f"{70_000_000 + n:014d}"
        kind = n % 4
        if kind == 0:
            rows.append(f"ZZZ;{easy};;;;CCO;C;10000;;")  # invalid country
        elif kind == 1:
            rows.append(f"FRA;{easy};;;;ECL;C;;;")  # product not supported
        elif kind == 2:
            rows.append(f"FRA;{easy};;;;ROM;U;;;")  # action not allowed
        else:
            rows.append(f"FRA;{easy};;;REF{n};CCO;C;10000;;")  # no such company
        n += 1
    return ("\n".join(rows[:lines]) + "\n").encode()


def prepare(folder: Path, lines: int) -> tuple[Engine, int]:
    engine = make_engine(f"sqlite:///{folder / 'bulk_results.sqlite'}")
    migrations.upgrade(engine)
    ids = dataset.build(engine)
    add_seed_companies(engine, ids["A"])
    repo = SqlRepository(engine, "alice", FixedClock(dataset.NOW))
    started = repo.bulk.start(ids["A"], "bench.csv", results_file(lines))
    Worker(engine, clock=FixedClock(dataset.NOW), schedules=[]).drain()
    bulk = repo.bulk.get(started.bulk_import.id)
    assert bulk.finished and bulk.total_lines == lines, bulk
    return engine, bulk.id


def first_row_shown(app: Any, screen: BulkResultsScreen, sort: BulkSort) -> bool:
    if app.screen is not screen or not screen.is_mounted or screen.sort != sort:
        return False
    return screen.query_one("#bulk-lines", VirtualList).row_at(0) is not None


async def until(check: Any) -> None:
    limit = time.perf_counter() + TIMEOUT
    while not check():
        if time.perf_counter() > limit:
            raise TimeoutError("the results did not show in time")
        await asyncio.sleep(0.0005)


async def ui_times(engine: Engine, import_id: int, rounds: int) -> dict[str, Any]:
    app = CofaApp(SqlRepository(engine, "alice", FixedClock(dataset.NOW)),
                  Settings(language="en"))
    opens: list[float | None] = []
    sorts: list[float | None] = []
    async with app.run_test(size=SIZE) as pilot:
        await workers_done(app)
        imports = BulkOrdersScreen()
        await app.push_screen(imports)
        await workers_done(app)
        await pilot.pause()
        lst = imports.query_one("#bulk-files", VirtualList)
        await until(lambda: lst.row_at(0) is not None)
        assert getattr(lst.row_at(0), "id", None) == import_id
        frames = FrameWatch(app)
        for _ in range(rounds):
            lst.focus()
            await workers_done(app)
            await pilot.pause()
            await asyncio.sleep(0.1 + random.uniform(0, FRAME))
            start = time.perf_counter()
            send_key(app, "enter")
            await until(lambda: isinstance(app.screen, BulkResultsScreen))
            results = app.screen
            assert isinstance(results, BulkResultsScreen)
            await until(lambda: first_row_shown(app, results, BulkSort.LINE))  # noqa: B023
            await frames.next_frame()
            opens.append((time.perf_counter() - start) * 1000)
            for _ in range(len(BulkSort) - 1):  # every other column, in turn
                await workers_done(app)
                await pilot.pause()
                await asyncio.sleep(0.1 + random.uniform(0, FRAME))
                target = list(BulkSort)[(list(BulkSort).index(results.sort) + 1) % len(BulkSort)]
                start = time.perf_counter()
                send_key(app, "s")
                await until(lambda: first_row_shown(app, results, target))  # noqa: B023
                await frames.next_frame()
                sorts.append((time.perf_counter() - start) * 1000)
            await workers_done(app)
            send_key(app, "escape")
            await until(lambda: app.screen is imports)
    return {"open": summary(opens), "re-sort": summary(sorts)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--lines", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="cofatui-bench-bulk-") as tmp:
        start = time.perf_counter()
        engine, import_id = prepare(Path(tmp), args.lines)
        prepared = round(time.perf_counter() - start, 1)
        repo = SqlRepository(engine, "alice", FixedClock(dataset.NOW))
        page = {sort.value: measure(lambda s=sort: repo.bulk.lines(  # type: ignore[misc]
            import_id, sort=s, order=SortOrder.ASC, errors_first=True, limit=100), repeat=10)
            for sort in BulkSort}
        ui = asyncio.run(ui_times(engine, import_id, args.rounds))
        floor = asyncio.run(calibration(20))
        engine.dispose()
    result = {"lines": args.lines, "prepared_s": prepared, "ui": ui,
              "repository_page": page, "calibration": floor,
              "load": round(os.getloadavg()[0], 1),
              "goals_ms": {"open": 300, "re-sort": 100}}
    print_table("Bulk results screen (ms, key → painted)",
                [{"what": k, **v} for k, v in ui.items()]
                + [{"what": "calibration", **floor}])
    print_table("Anchor: repo.bulk.lines, first page (ms)",
                [{"sort": k, **v} for k, v in page.items()])
    print(f"\n{args.lines} lines prepared in {prepared} s; load {result['load']}; "
          f"written to {write_json('bulk_results', result)}")


if __name__ == "__main__":
    main()
