"""TUI benchmarks of the notifications screen (issue 4), measured through Pilot.

- keystroke in the type-as-you-go filter → the list repainted with the new first page,
  at about 10 000, 100 000 and 1 000 000 notifications (goals: ≤ 33 ms at 100 000,
  ≤ 100 ms at 1 000 000), median of many keystrokes typed at a human pace;
- page-down in the list at the largest size (goal ≤ 16 ms);
- the largest UI stall while 100 000 rows are exported to XLSX and to CSV (goal: no
  stall over 100 ms), measured as the largest gap between the ticks of a 10 ms timer.

For each filter text the same query is also timed directly on the repository (first
page, and the count that runs beside it in another worker), so a missed goal says
whether the time goes to the database or to the UI.

Usage::

    python -m tests.bench.bench_tui                      # 1 000, 10 000, 100 000 companies
    python -m tests.bench.bench_tui --companies 1000 10000
    python -m tests.bench.bench_tui --db 100000=/tmp/n.sqlite
    python -m tests.bench.bench_tui --quick              # 300 companies, a few keys (CI)

Databases are made with ``cofatui demo --companies N --db FILE`` (≈ 10 notifications per
company) into ``--cache`` and reused. Figures are printed and written to
``tests/bench/results/tui.json``; nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import random
import statistics
import subprocess
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Static

from cofatui import locations
from cofatui.config import Settings
from cofatui.repository.sql import SqlRepository, make_engine
from cofatui.schemas import NotificationFilter, NotificationRow, Page
from cofatui.tui.app import CofaApp
from cofatui.tui.features.notifications.notifications import (
    NotificationsScreen,
    count_notifications,
    fetch_notifications,
)
from cofatui.tui.kit.virtual_list import PAGE_SIZE, VirtualList
from tests.bench.harness import print_table, write_json
from tests.repo_doubles import Override

KEY_GAP = 0.15  # seconds between keystrokes: a quick typist, beyond the 100 ms debounce
FRAME = 1 / 60  # Textual repaints at most 60 times a second
KEY_TIMEOUT = 120.0  # seconds: a keystroke still without its page then counts as a timeout
SIZE = (120, 40)


# --------------------------------------------------------------- databases


def demo_database(companies: int, cache: Path) -> Path:
    path = cache / f"demo-{companies}.sqlite"
    if not path.exists():
        print(f"Generating {companies} companies into {path}…", flush=True)
        cache.mkdir(parents=True, exist_ok=True)
        subprocess.run(["cofatui", "demo", "--companies", str(companies), "--db", str(path)],
                       check=True, stdout=subprocess.DEVNULL)
    return path


def ensure_analyzed(path: Path) -> None:
    """SQLite plans the filter queries well only with statistics (``ANALYZE``); demo
    databases made before the generator ran it have none."""
    import sqlite3

    with sqlite3.connect(path) as conn:
        if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone():
            return
        print(f"ANALYZE {path}…", flush=True)
        conn.execute("ANALYZE")


def needles_for(repo: SqlRepository, count: int) -> list[str]:
    """Filter texts a user would type: parts of real names, a country, EasyNumber digits."""
    rows = fetch_notifications(repo, NotificationFilter(), 0, 400)
    names = sorted({r.company_name for r in rows if r.company_name}, key=len)
    words = []
    for name in names[:: max(1, len(names) // 8)]:
        word = max(name.split(), key=len).lower()
        if len(word) >= 4:
            words.append(word[:5])
    easy = next((r.easy_number for r in rows if r.easy_number), "")
    picks = [*words[:count], "deu", easy[-6:] if easy else "0001"]
    return picks[:max(2, count)]


# --------------------------------------------------------------- measurements


async def workers_done(app: Any) -> None:
    """Every worker finished (a superseded, cancelled one counts as finished)."""
    from textual.worker import WorkerCancelled

    for _ in range(100):
        try:
            await app.workers.wait_for_complete()
            return
        except WorkerCancelled:
            continue


class PageWatch:
    """Resolves when the list has the first page of a filter newer than the last one."""

    def __init__(self, lst: VirtualList) -> None:
        self.lst = lst
        self.event = asyncio.Event()
        self.want = 0
        original = lst._page_arrived

        def arrived(generation: int, page: int, rows: Any) -> None:
            original(generation, page, rows)
            if generation >= self.want and generation == lst._generation:
                self.event.set()

        lst._page_arrived = arrived  # type: ignore[method-assign]

    def expect_newer(self) -> None:
        self.want = self.lst._generation + 1
        self.event.clear()


class FrameWatch:
    """Resolves at the next frame the app composes (``App._display``): the repaint."""

    def __init__(self, app: Any) -> None:
        self.event = asyncio.Event()
        original = app._display

        def display(screen: Any, renderable: Any) -> None:
            original(screen, renderable)
            if renderable is not None:
                self.event.set()

        app._display = display

    async def next_frame(self) -> None:
        self.event.clear()
        await self.event.wait()


def send_key(app: Any, key: str) -> None:
    """A key as the terminal driver delivers it. Unlike ``Pilot.press`` this does not
    wait for the process to be idle (worker threads keep it busy): the measured time is
    the app's, not the test harness's."""
    from textual import events

    char = key if len(key) == 1 else None
    event = events.Key(key, char)
    event.set_sender(app)
    app._driver.send_message(event)


async def keystrokes(pilot: Any, screen: NotificationsScreen, needles: list[str]
                     ) -> list[dict[str, Any]]:
    from textual.widgets import Input

    app = pilot.app
    lst = screen.vlist
    pages, frames = PageWatch(lst), FrameWatch(app)
    field = screen.query_one("#filter", Input)
    field.focus()
    await pilot.pause()
    samples: list[dict[str, Any]] = []
    for needle in needles:
        for i, char in enumerate(needle):
            # Jitter: keys land anywhere in Textual's 60 Hz frame period, as real ones do.
            await asyncio.sleep(KEY_GAP + random.uniform(0, FRAME))
            pages.expect_newer()
            start = time.perf_counter()
            send_key(app, char)
            try:
                await asyncio.wait_for(pages.event.wait(), KEY_TIMEOUT)
            except TimeoutError:
                samples.append({"text": needle[:i + 1], "ms": None, "timeout": True})
                await workers_done(app)
                continue
            await frames.next_frame()
            elapsed = (time.perf_counter() - start) * 1000
            samples.append({"text": needle[:i + 1], "ms": round(elapsed, 2)})
        await asyncio.sleep(KEY_GAP)
        field.value = ""
        await workers_done(app)
        await pilot.pause()
    return samples


async def _key_until_row(pilot: Any, lst: VirtualList, key: str, frames: FrameWatch
                         ) -> float:
    start = time.perf_counter()
    before = lst.cursor
    send_key(pilot.app, key)
    while lst.cursor == before or lst.cursor_row is None:  # moved, and its page is here
        await asyncio.sleep(0.0005)
    await frames.next_frame()
    return (time.perf_counter() - start) * 1000


async def page_downs(pilot: Any, lst: VirtualList, presses: int) -> list[float]:
    lst.focus()
    await pilot.pause()
    frames = FrameWatch(pilot.app)
    samples = []
    for _ in range(presses):
        samples.append(await _key_until_row(pilot, lst, "pagedown", frames))
        await asyncio.sleep(0.05 + random.uniform(0, FRAME))  # a held key repeats so fast
    return samples


async def jump_to_end(pilot: Any, lst: VirtualList) -> float:
    return await _key_until_row(pilot, lst, "end", FrameWatch(pilot.app))


async def export_stall(pilot: Any, screen: NotificationsScreen, key: str) -> dict[str, Any]:
    ticks: list[float] = []
    timer = screen.set_interval(0.01, lambda: ticks.append(time.perf_counter()))
    await asyncio.sleep(0.2)
    start = time.perf_counter()
    screen.vlist.focus()
    await pilot.press(key)
    while any(w.group == "notifications-export" and w.is_running for w in screen.workers):
        await asyncio.sleep(0.02)
    elapsed = time.perf_counter() - start
    await asyncio.sleep(0.1)
    timer.stop()
    during = [t for t in ticks if start - 0.02 <= t <= start + elapsed + 0.02]
    gaps = sorted((b - a) * 1000 for a, b in itertools.pairwise(during))
    return {"seconds": round(elapsed, 2), "max_gap_ms": round(gaps[-1], 1) if gaps else None,
            "p99_gap_ms": round(gaps[int(len(gaps) * 0.99)], 1) if gaps else None,
            "ticks": len(during)}


def repository_times(repo: SqlRepository, scope: NotificationFilter, texts: list[str]
                     ) -> list[dict[str, Any]]:
    out = []
    for text in texts:
        flt = scope.model_copy(update={"text": text})
        start = time.perf_counter()
        fetch_notifications(repo, flt, 0, PAGE_SIZE)
        page = (time.perf_counter() - start) * 1000
        start = time.perf_counter()
        total = count_notifications(repo, flt)
        count = (time.perf_counter() - start) * 1000
        out.append({"text": text, "page_ms": round(page, 2), "count_ms": round(count, 2),
                    "matches": total})
    return out


def summary(samples: Sequence[float | None]) -> dict[str, Any]:
    ordered = sorted(s for s in samples if s is not None)
    if not ordered:
        return {"median_ms": None, "p90_ms": None, "max_ms": None, "n": 0,
                "timeouts": len(samples)}
    return {"median_ms": round(statistics.median(ordered), 2),
            "p90_ms": round(ordered[int(len(ordered) * 0.9)], 2),
            "max_ms": round(ordered[-1], 2), "n": len(ordered),
            "timeouts": len(samples) - len(ordered)}


class InstantRepository:
    """The real repository, except that notification pages come from memory at once:
    what is left of a keystroke's time is the UI's (worker hand-off, rows, repaint)."""

    def __init__(self, inner: SqlRepository, total: int) -> None:
        self._inner = inner
        self.total = total
        self.stored = fetch_notifications(inner, NotificationFilter(), 0, PAGE_SIZE)
        self.notifications = Override(inner.notifications, rows=self.rows)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def rows(self, flt: NotificationFilter | None = None, offset: int = 0,
             limit: int = 100, with_total: bool = True) -> Page[NotificationRow]:
        # Longer texts match fewer rows, as real filters do.
        total = self.total // (1 + 4 * len((flt.text or "") if flt else ""))
        items = [self.stored[i % len(self.stored)].model_copy(update={"id": i})
                 for i in range(offset, min(offset + limit, total))]
        return Page(items=items, offset=offset, limit=limit, total=total)


class _Bare(Screen[None]):
    """Calibration: a key that repaints one line of text, nothing else."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("x", "tick", "", show=False)]

    def compose(self) -> ComposeResult:
        yield Static("0", id="n", markup=False)

    def action_tick(self) -> None:
        label = self.query_one("#n", Static)
        label.update(str(int(str(label.render())) + 1))


async def calibration(presses: int) -> dict[str, Any]:
    """Key to repainted frame for a trivial screen: the floor under this machine's load
    (Textual's 60 Hz refresh timer plus one small frame)."""
    from textual.app import App

    class Bare(App[None]):
        def on_mount(self) -> None:
            self.push_screen(_Bare())

    app = Bare()
    samples = []
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        frames = FrameWatch(app)
        for _ in range(presses):
            await asyncio.sleep(0.05 + random.uniform(0, FRAME))
            start = time.perf_counter()
            send_key(app, "x")
            await frames.next_frame()
            samples.append((time.perf_counter() - start) * 1000)
    return summary(samples)


# --------------------------------------------------------------- one database


async def bench_database(label: str, path: Path, *, needles: int, pages: int,
                         export: bool) -> dict[str, Any]:
    ensure_analyzed(path)
    engine = make_engine(f"sqlite:///{path}")
    repo = SqlRepository(engine, "demo")
    app = CofaApp(repo, Settings(language="en"))
    scope = NotificationFilter(contract_id=app.current_contract_id)
    total = count_notifications(repo, NotificationFilter())
    texts = needles_for(repo, needles)
    result: dict[str, Any] = {"database": label, "notifications": total,
                              "in_list": count_notifications(repo, scope),
                              "load_average": round(os.getloadavg()[0], 1)}
    async with app.run_test(size=SIZE) as pilot:
        await workers_done(pilot.app)
        # The screen as a user opens it: the current contract's notifications.
        screen = NotificationsScreen()
        await app.push_screen(screen)
        lst = screen.vlist
        while lst.total is None or lst.cursor_row is None:
            await asyncio.sleep(0.005)
        await pilot.pause()

        keys = await keystrokes(pilot, screen, texts)
        result["keystroke"] = summary([k["ms"] for k in keys])
        result["keystroke_samples"] = keys

        screen.query_one("#filter").value = ""  # type: ignore[attr-defined]
        await workers_done(pilot.app)
        await pilot.pause()
        result["page_down"] = summary(await page_downs(pilot, lst, pages))
        result["jump_to_end_ms"] = round(await jump_to_end(pilot, lst), 2)
        await pilot.press("home")
        await workers_done(pilot.app)

        if export:
            # All the user's contracts: about 100 000 rows on 10 000 companies.
            screen.advanced = NotificationFilter(contract_id=None)
            screen._apply_filter()
            await workers_done(pilot.app)
            await pilot.pause()
            result["export_rows"] = lst.total
            for kind, key in (("xlsx", "e"), ("csv", "E")):
                result[f"export_{kind}"] = await export_stall(pilot, screen, key)

    # The same keystrokes with pages served from memory: the UI's share of the time.
    ui_app = CofaApp(InstantRepository(repo, result["in_list"]),
                     Settings(language="en"), principal=app.principal)
    async with ui_app.run_test(size=SIZE) as pilot:
        await workers_done(pilot.app)
        screen = NotificationsScreen()
        await ui_app.push_screen(screen)
        await workers_done(pilot.app)
        await pilot.pause()
        result["keystroke_ui_only"] = summary(
            [k["ms"] for k in await keystrokes(pilot, screen, texts)])
        result["page_down_ui_only"] = summary(await page_downs(pilot, screen.vlist, pages))

    # The same filters asked of the repository directly (first page; count beside it).
    result["repository"] = repository_times(repo, scope, sorted({k["text"] for k in keys}))
    engine.dispose()
    return result


def report(results: list[dict[str, Any]]) -> None:
    print(f"\nload average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    rows = []
    for r in results:
        row: dict[str, Any] = {
            "database": r["database"], "notifications": r["notifications"],
            "in list": r["in_list"], "load": r["load_average"],
            "key median ms": r["keystroke"]["median_ms"], "key p90": r["keystroke"]["p90_ms"],
            "key max": r["keystroke"]["max_ms"],
            "repo page median": round(statistics.median(x["page_ms"] for x in r["repository"]),
                                      2),
            "repo count median": round(statistics.median(x["count_ms"]
                                                         for x in r["repository"]), 2),
            "key timeouts": r["keystroke"]["timeouts"],
            "UI-only key median": r["keystroke_ui_only"]["median_ms"],
            "pgdn median": r["page_down"]["median_ms"], "pgdn max": r["page_down"]["max_ms"],
            "UI-only pgdn median": r["page_down_ui_only"]["median_ms"],
            "end ms": r["jump_to_end_ms"],
        }
        for kind in ("xlsx", "csv"):
            export = r.get(f"export_{kind}")
            if export:
                row[f"{kind} s"] = export["seconds"]
                row[f"{kind} max stall ms"] = export["max_gap_ms"]
        rows.append(row)
    from textual.constants import MAX_FPS

    print_table(f"Notifications screen (Pilot, 120x40, Textual at {MAX_FPS} fps)", rows)
    for r in results:
        print_table(f"Keystrokes, {r['database']}: repository time of the same filter",
                    r["repository"])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--companies", type=int, nargs="*", default=[1000, 10_000, 100_000])
    parser.add_argument("--db", action="append", default=[], metavar="LABEL=PATH",
                        help="an existing demo database (repeatable)")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) /
                        "cofatui-bench")
    parser.add_argument("--export-at", type=int, default=10_000,
                        help="measure the export stall on this many companies (~100k rows)")
    parser.add_argument("--needles", type=int, default=6, help="filter texts typed per database")
    parser.add_argument("--output", default="tui", help="results/<name>.json")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)

    # Exports go to a scratch directory, never to the user's data directory.
    os.environ.setdefault(locations.DATA_DIR_ENV, str(args.cache / "data"))
    os.environ.setdefault(locations.CONFIG_DIR_ENV, str(args.cache / "config"))
    targets: list[tuple[str, Path, bool]] = []
    if args.quick:
        targets.append(("300 companies", demo_database(300, args.cache), True))
    else:
        for label_path in args.db:
            label, _, path = label_path.partition("=")
            targets.append((label, Path(path), label == str(args.export_at)))
        if not args.db:
            for n in args.companies:
                targets.append((f"{n} companies", demo_database(n, args.cache),
                                n == args.export_at))
    from textual.constants import MAX_FPS

    calibrated = asyncio.run(calibration(40))
    meta = {"size": SIZE, "textual_fps": MAX_FPS, "calibration": calibrated}
    print(f"calibration (key → frame of a trivial screen): median {calibrated['median_ms']} ms",
          flush=True)
    results = []
    for label, path, export in targets:
        print(f"Measuring {label} ({path})…", flush=True)
        results.append(asyncio.run(bench_database(
            label, path, needles=2 if args.quick else args.needles,
            pages=5 if args.quick else 40, export=export)))
        write_json(args.output, {**meta, "results": results})
    report(results)
    print(f"\ncalibration, key → frame of a trivial screen: {calibrated}")
    print("written to", write_json(args.output, {**meta, "results": results}))


if __name__ == "__main__":
    main()
