"""The virtual list kit at a million rows (issue 21), measured through Pilot, beside an
anchor measured in the same run: an idle refresh of the same app (a repaint and a
Pilot round trip, no data).

- End on 1 000 000 rows → the frame that paints the last rows (a keyset source: the
  last page read from the other end, in memory: this is the kit's cost, the query's is
  H1's bench), the key sent as the terminal sends it, beside its own anchor: Down (the
  cursor one row down, rows in memory) → its frame, i.e. Textual's frame interval plus
  one small paint, in the same run;
- the same End through ``Pilot.press`` until the app is idle (the figure of earlier
  sessions: Pilot's two idle watches put its floor near 60 ms, whatever the list does);
- Ctrl+A on 500 000 rows → "all marked" (a predicate: no key read);
- a new filter (``set_source(keep_rows=True)``) → its first page painted;
- the RSS of this process once the list has scrolled the million rows' both ends.

Usage: ``python -m tests.bench.bench_tui_lists [--rounds N]``. Prints a table; nothing
is asserted. ``compare()`` gives the rows for ``tests/bench/compare.py``.

``--db FILE`` (a copy of a demo: it is written): the real notifications screen of user
``demo`` on that database, once each (wall and this process's CPU, where SQLite works),
keys sent as the terminal sends them, each measured to the frame that shows it:
opened → first rows; each text of :data:`TEXTS` typed (its last key) → rows painted,
→ the first count shown, → the exact count; End → the last rows; Ctrl+A then ``r``
(mark read) → the list's rows and exact count again; the RSS.
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


async def _key_to_frame(app: App[None], key: str, painted: Callable[[], bool]) -> float:
    """Seconds from ``key`` to the first frame written once ``painted()`` holds."""
    started = time.perf_counter()
    await _frame_after(app, key, painted)
    return time.perf_counter() - started


async def _frame_after(app: App[Any], key: str, painted: Callable[[], bool]) -> None:
    """Send ``key`` as the terminal driver delivers it (``Pilot.press`` would also wait
    until the process is idle: up to a second per key while a count runs in a thread)
    and wait for the first frame written once ``painted()`` holds when it is composed."""
    from tests.bench.bench_tui import send_key

    shown = asyncio.Event()
    original = app._display

    def display(screen: Any, renderable: Any) -> None:
        original(screen, renderable)
        if renderable is not None and painted():
            shown.set()

    app._display = display  # type: ignore[method-assign]
    try:
        send_key(app, key)
        await asyncio.wait_for(shown.wait(), 60)
    finally:
        del app._display


def _last_rows_shown(lst: VirtualList) -> bool:
    """The cursor on the last row, scrolled to the end, the rows there read."""
    top = round(lst.scroll_y)
    return (lst.total is not None and lst.cursor == lst.total - 1
            and top == round(lst.max_scroll_y) and lst.row_at(top) is not None
            and lst.row_at(lst.total - 1) is not None)


async def _measure(rounds: int) -> dict[str, float]:
    app = ListApp()
    figures: dict[str, list[float]] = {"idle": [], "frame": [], "end_frame": [], "end": [],
                                       "mark_all": [], "filter": []}
    async with app.run_test(size=(120, 40)) as pilot:
        lst = app.query_one(VirtualList)
        await _until(pilot, lambda: lst.total == 1_000_000 and lst.row_at(0) is not None)
        for _ in range(rounds):
            started = time.perf_counter()
            lst.refresh()
            await pilot.pause(0)
            figures["idle"].append(time.perf_counter() - started)

            lst.set_source(source(1_000_000))
            await _until(pilot, lambda: lst.total == 1_000_000 and lst.row_at(1) is not None)
            await pilot.pause()
            figures["frame"].append(await _key_to_frame(app, "down", lambda: lst.cursor == 1))
            await pilot.pause()
            figures["end_frame"].append(
                await _key_to_frame(app, "end", lambda: _last_rows_shown(lst)))
            await pilot.pause()

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


TEXTS = ("f", "fr", "fra", "ber", "schmidt gmbh")


class _Clock:
    """Wall and CPU milliseconds since it was made."""

    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def ms(self) -> tuple[float, float]:
        return ((time.perf_counter() - self.wall) * 1000,
                (time.process_time() - self.cpu) * 1000)


async def _measure_db(path: str) -> list[tuple[str, float, float]]:
    from textual.widgets import Input

    from cofatui.config import Settings
    from cofatui.repository.sql import SqlRepository, make_engine
    from cofatui.tui.app import CofaApp
    from cofatui.tui.features.notifications.notifications import NotificationsScreen
    from tests.tui.pilot import settle

    engine = make_engine(f"sqlite:///{path}")
    app = CofaApp(SqlRepository(engine, "demo"), Settings(language="en"))
    out: list[tuple[str, float, float]] = []

    def took(label: str, clock: _Clock) -> None:
        out.append((label, *clock.ms()))
        print(f"{label:<46} wall {out[-1][1]:9.1f} ms  cpu {out[-1][2]:9.1f} ms", flush=True)

    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        clock = _Clock()
        await app.push_screen(NotificationsScreen())
        lst = app.screen.query_one(VirtualList)
        await _until(pilot, lambda: not lst.filtering and lst.row_at(0) is not None)
        took("open → first rows", clock)
        await _until(pilot, lambda: lst.total is not None and lst.total_exact)
        took("open → exact count", clock)
        box = app.screen.query_one("#filter", Input)
        box.focus()
        await settle(pilot)  # the focus event in: it selects the (empty) text
        for typed in TEXTS:
            # The text but its last key, the cursor at its end: the key typed next
            # appends (the cursor left where the previous text ended put it inside:
            # "ber" then "schhmidt gmb", no match, and the bench waited forever).
            box.value = typed[:-1]
            box.cursor_position = len(box.value)
            await settle(pilot)
            await _until(pilot, lambda: lst.total is not None and lst.total_exact)
            before = getattr(app.screen, "_source", None)

            # The new filter's source (its rows may land before "filtering" is seen).
            def landed(before: object = before) -> bool:
                return (getattr(app.screen, "_source", None) is not before
                        and not lst.filtering
                        and (lst.row_at(0) is not None or lst.total == 0))

            clock = _Clock()
            await _frame_after(app, typed[-1], landed)
            assert box.value == typed, f"typed {typed!r}, the filter reads {box.value!r}"
            took(f"'{typed}' last key → rows painted", clock)
            await _until(pilot, lambda: lst.total is not None)
            took(f"'{typed}' last key → first count", clock)
            await _until(pilot, lambda: lst.total_exact)
            took(f"'{typed}' last key → exact count ({lst.total})", clock)
        box.value = ""
        await settle(pilot)
        await _until(pilot, lambda: lst.total is not None and lst.total_exact)
        lst.focus()
        await settle(pilot)
        clock = _Clock()
        await _frame_after(app, "end", lambda: _last_rows_shown(lst))
        took(f"End → frame with the last rows ({lst.total})", clock)
        await pilot.press("home")
        await settle(pilot)
        clock = _Clock()
        await _frame_after(app, "ctrl+a", lambda: lst.marked_count == lst.total)
        took("Ctrl+A → frame with all marked", clock)
        await settle(pilot)
        clock = _Clock()
        await _frame_after(app, "r", lambda: True)
        await _until(pilot, lambda: lst.marked_count in (0, None))
        took("r (mark read) → done, marks cleared", clock)
        await _until(pilot, lambda: lst.row_at(0) is not None and lst.total is not None
                     and lst.total_exact)
        took("r (mark read) → rows and exact count", clock)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out.append(("RSS (MB, max)", rss, 0.0))
    print(f"RSS {rss:.1f} MB")
    engine.dispose()
    return out


GOALS = {"end_frame": 50.0, "end": None, "mark_all": 2000.0, "filter": 100.0}
NAMES = {"end_frame": "End on 1 000 000 rows → frame with the last rows (ms)",
         "end": "End, Pilot press → idle (ms; earlier sessions' figure)",
         "mark_all": "Ctrl+A on 500 000 rows → all marked (ms)",
         "filter": "new filter → first page painted, kit only (ms)"}


def compare(rounds: int = 5) -> list[dict[str, Any]]:
    """Each figure beside the idle refresh measured in the same run."""
    medians = asyncio.run(_measure(rounds))
    rows: list[dict[str, Any]] = []
    for key, goal in GOALS.items():
        # End's frame beside a one-row move's frame (Textual's frame interval and a
        # small paint); the others beside an idle refresh, as before.
        anchor, name = (("frame", "Down → frame (ms)") if key == "end_frame"
                        else ("idle", "idle refresh (ms)"))
        base = medians[anchor]
        rows.append({"figure": NAMES[key], "value": round(medians[key], 2), "anchor": name,
                     "anchor_value": round(base, 2),
                     "ratio": round(medians[key] / base, 2) if base else None, "goal": goal})
    rows.append({"figure": "RSS, list over 1 000 000 rows (MB, max)",
                 "value": round(medians["rss_mb"], 1), "anchor": "", "anchor_value": None,
                 "ratio": None, "goal": 200.0})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--db", help="a demo copy: the real notifications screen on it")
    args = parser.parse_args()
    print(f"load average: {os.getloadavg()}")
    if args.db:
        asyncio.run(_measure_db(args.db))
        return
    for row in compare(args.rounds):
        print(f"{row['figure']:<52} {row['value']:>9}  anchor {row['anchor_value']}"
              f"  ratio {row['ratio']}  goal {row['goal']}")


if __name__ == "__main__":
    main()
