"""The virtual list kit at a million rows (issue 21), measured through Pilot, beside an
anchor measured in the same run: an idle refresh of the same app (a repaint and a
Pilot round trip, no data).

- End on 1 000 000 rows → the last rows painted (a keyset source: the last page read
  from the other end, in memory: this is the kit's cost, the query's is H1's bench);
- Ctrl+A on 500 000 rows → "all marked" (a predicate: no key read);
- a new filter (``set_source(keep_rows=True)``) → its first page painted;
- the RSS of this process once the list has scrolled the million rows' both ends.

Usage: ``python -m tests.bench.bench_tui_lists [--rounds N]``. Prints a table; nothing
is asserted. ``compare()`` gives the rows for ``tests/bench/compare.py``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import statistics
import time
from collections.abc import Callable
from typing import Any

from textual.app import App, ComposeResult
from textual.pilot import Pilot

from cofatui.tui.kit.paged_source import PagedSource
from cofatui.tui.kit.virtual_list import Column, VirtualList
from tests.tui.test_virtual_list_keyset import Synthetic


def source(size: int) -> PagedSource[int]:
    data = Synthetic(size)  # records its reads: a few hundred here
    return PagedSource(data.page, None, fetch_seek=data.seek)


class ListApp(App[None]):
    def compose(self) -> ComposeResult:
        yield VirtualList([Column("n", "Number", 12, render=str),
                           Column("name", "Name", 0, render=lambda n: f"row {n}")],
                          source(1_000_000), row_key=int)


async def _until(pilot: Pilot[Any], done: Callable[[], bool]) -> None:
    while not done():
        await pilot.pause(0)


async def _measure(rounds: int) -> dict[str, float]:
    app = ListApp()
    figures: dict[str, list[float]] = {"idle": [], "end": [], "mark_all": [], "filter": []}
    async with app.run_test(size=(120, 40)) as pilot:
        lst = app.query_one(VirtualList)
        await _until(pilot, lambda: lst.total == 1_000_000 and lst.row_at(0) is not None)
        for _ in range(rounds):
            started = time.perf_counter()
            lst.refresh()
            await pilot.pause(0)
            figures["idle"].append(time.perf_counter() - started)

            lst.set_source(source(1_000_000))
            await _until(pilot, lambda: lst.total == 1_000_000 and lst.row_at(0) is not None)
            started = time.perf_counter()
            await pilot.press("end")
            await _until(pilot, lambda: lst.cursor_row == 999_999)
            await pilot.pause(0)
            figures["end"].append(time.perf_counter() - started)

            lst.set_source(source(500_000))
            await _until(pilot, lambda: lst.total == 500_000)
            lst.marks_as_filter = True
            started = time.perf_counter()
            await pilot.press("ctrl+a")
            await _until(pilot, lambda: lst.marked_count == 500_000)
            figures["mark_all"].append(time.perf_counter() - started)

            started = time.perf_counter()
            lst.set_source(source(1_000_000), keep_rows=True)
            await _until(pilot, lambda: not lst.filtering and lst.row_at(0) is not None)
            await pilot.pause(0)
            figures["filter"].append(time.perf_counter() - started)
    medians = {name: statistics.median(values) * 1000 for name, values in figures.items()}
    medians["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return medians


GOALS = {"end": 50.0, "mark_all": 2000.0, "filter": 100.0}
NAMES = {"end": "End on 1 000 000 rows → painted (ms)",
         "mark_all": "Ctrl+A on 500 000 rows → all marked (ms)",
         "filter": "new filter → first page painted, kit only (ms)"}


def compare(rounds: int = 5) -> list[dict[str, Any]]:
    """Each figure beside the idle refresh measured in the same run."""
    medians = asyncio.run(_measure(rounds))
    idle = medians["idle"]
    rows: list[dict[str, Any]] = [
        {"figure": NAMES[key], "value": round(medians[key], 2),
         "anchor": "idle refresh (ms)", "anchor_value": round(idle, 2),
         "ratio": round(medians[key] / idle, 2) if idle else None, "goal": goal}
        for key, goal in GOALS.items()]
    rows.append({"figure": "RSS, list over 1 000 000 rows (MB, max)",
                 "value": round(medians["rss_mb"], 1), "anchor": "", "anchor_value": None,
                 "ratio": None, "goal": 200.0})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    print(f"load average: {os.getloadavg()}")
    for row in compare(args.rounds):
        print(f"{row['figure']:<52} {row['value']:>9}  anchor {row['anchor_value']}"
              f"  ratio {row['ratio']}  goal {row['goal']}")


if __name__ == "__main__":
    main()
