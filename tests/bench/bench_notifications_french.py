"""Notification list in French against English (issue 11: "no slower than English").

Notifications are stored as a kind and parameters and rendered in the reader's language
when a row is drawn (``cofatui.notification_wording``), so French costs what its
rendering costs: the catalog lookup, Babel's amounts and dates, the plural rule. This
benchmark builds a demo database of about 100 000 notifications and measures, in
English then in French, in the same run:

1. **Cells only**: the list's visible windows (40 rows, the height of a terminal) at 40
   places spread over the whole list, drawn cell by cell with the list's own columns
   (``notification_columns``), the rows already read: the rendering alone, where a
   difference between the languages would show.
2. **Every title, first read**: the title of every row of the list, the rendering
   cache emptied first (what an export renders).
3. **Text filter**: the first window of a text filter (the filter matches the company
   name, country, client reference and EasyNumber of the portfolio entry, not the
   title, so it reads the same rows in both languages).
4. **Windows (fetch + draw)**: ten of the windows read through the repository and
   drawn, as scrolling through the list does (deep offsets dominate on SQLite).

The two languages run in turn, run after run, so a drifting machine load weighs on
both alike.

English is the anchor: each French figure is also given as a ratio to it.

Usage::

    python -m tests.bench.bench_notifications_french                  # 14 000 companies
    python -m tests.bench.bench_notifications_french --db FILE        # an existing demo db
    python -m tests.bench.bench_notifications_french --quick          # small, for CI

Prints a table and writes ``tests/bench/results/notifications_french.json``.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from cofatui import i18n, migrations
from cofatui import notification_wording as wording
from cofatui.jobs.exports import count_notifications, fetch_notifications, iter_notifications
from cofatui.repository.sql import SqlRepository, make_engine
from cofatui.schemas import NotificationFilter, NotificationRow
from cofatui.tui.kit.notification_rows import notification_columns
from tests.bench.bench_tui import demo_database, ensure_analyzed
from tests.bench.harness import print_table, write_json

COMPANIES = 14_000  # ≈ 108 000 notifications
QUICK_COMPANIES = 300
WINDOW = 40  # rows a terminal shows
WINDOWS = 40  # places in the list
SCROLLED = 10  # of them read again through the repository at each run
WIDTH = 200  # cells: every column shown
LANGUAGES = ("en", "fr")


def _in(language: str, fn: Callable[[], Any]) -> Callable[[], Any]:
    def run() -> Any:
        before = i18n.get_language()
        i18n.set_language(language)
        try:
            return fn()
        finally:
            i18n.set_language(before)
    return run


def draw(rows: Sequence[NotificationRow]) -> int:
    """Every cell of ``rows`` as the list draws it, in the current language."""
    columns = notification_columns(WIDTH)
    cells = 0
    for row in rows:
        for column in columns:
            column.cell(row)
            cells += 1
    return cells


def every_row(repo: SqlRepository) -> list[NotificationRow]:
    """The whole list, newest first (as the export reads it)."""
    return list(iter_notifications(repo, NotificationFilter()))


def interleaved(make: Callable[[str], Callable[[], Any]], runs: int
                ) -> dict[str, dict[str, float]]:
    """Each language in turn, run after run (a machine whose load drifts weighs on both
    alike), after one warm-up of each."""
    samples: dict[str, list[float]] = {lang: [] for lang in LANGUAGES}
    for i in range(runs + 1):
        for lang in LANGUAGES:
            fn = make(lang)
            started = time.perf_counter()
            fn()
            if i:  # the first round warms up
                samples[lang].append((time.perf_counter() - started) * 1000)
    return {lang: _stats(values) for lang, values in samples.items()}


def _stats(samples: list[float]) -> dict[str, float]:
    samples = sorted(samples)
    return {"median_ms": round(statistics.median(samples), 2),
            "p95_ms": round(samples[min(len(samples) - 1, int(len(samples) * 0.95))], 2),
            "min_ms": round(samples[0], 2), "runs": len(samples)}


def run(path: Path, repeat: int) -> dict[str, Any]:
    ensure_analyzed(path)
    engine = make_engine(f"sqlite:///{path}")
    if not migrations.is_up_to_date(engine):  # a demo database made before 0013
        started = time.perf_counter()
        migrations.upgrade(engine)
        print(f"migrated {path} in {time.perf_counter() - started:.1f} s", flush=True)
    repo = SqlRepository(engine, "demo")
    total = count_notifications(repo, NotificationFilter())
    print(f"{total} notifications; reading them…", flush=True)
    step = max(1, (total - WINDOW) // max(1, WINDOWS - 1))
    offsets = [min(i * step, max(0, total - WINDOW)) for i in range(WINDOWS)]
    windows = [fetch_notifications(repo, NotificationFilter(), o, WINDOW) for o in offsets]
    shown = [row for window in windows for row in window]
    every = every_row(repo)
    needle = next((r.company_name.split()[0].lower()[:5] for r in shown if r.company_name),
                  "deu")
    kinds = sum(1 for r in every if r.kind != "text")
    # Scrolling reads windows by offset (as the list does); deep offsets are slow on
    # SQLite, so fewer places are read than drawn.
    scrolled = offsets[:: max(1, len(offsets) // SCROLLED)]

    def scroll() -> None:
        for offset in scrolled:
            draw(fetch_notifications(repo, NotificationFilter(), offset, WINDOW))

    def cold_titles(language: str) -> Callable[[], list[str]]:
        def titles() -> list[str]:
            wording.clear_cache()  # every wording rendered afresh, as on a first read
            return [r.title_in(language) for r in every]
        return titles

    def search() -> None:
        draw(fetch_notifications(repo, NotificationFilter(text=needle), 0, WINDOW))

    figures: dict[str, dict[str, dict[str, float]]] = {}
    for name, make, runs in (
            ("cells only", lambda lang: _in(lang, lambda: draw(shown)), repeat),
            ("every title, first read", cold_titles, max(2, repeat // 5)),
            ("text filter, first window", lambda lang: _in(lang, search), repeat),
            ("windows (fetch + draw)", lambda lang: _in(lang, scroll), max(2, repeat // 5))):
        figures[name] = interleaved(make, runs)
        print(f"  {name}: en {figures[name]['en']['median_ms']} ms, "
              f"fr {figures[name]['fr']['median_ms']} ms", flush=True)
    engine.dispose()
    table = []
    for name, by_lang in figures.items():
        en, fr = by_lang["en"]["median_ms"], by_lang["fr"]["median_ms"]
        table.append({"measure": name, "en_median_ms": en, "fr_median_ms": fr,
                      "fr/en": round(fr / en, 2) if en else None,
                      "fr_p95_ms": by_lang["fr"]["p95_ms"]})
    return {"database": str(path), "notifications": total, "rendered_from_a_kind": kinds,
            "windows_drawn": len(offsets), "windows_read": len(scrolled),
            "window_rows": WINDOW, "rows_drawn": len(shown), "filter_text": needle,
            "results": table, "raw": figures}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="an existing demo database")
    parser.add_argument("--companies", type=int, default=COMPANIES)
    parser.add_argument("--cache", type=Path,
                        default=Path(tempfile.gettempdir()) / "cofatui-bench-notif")
    parser.add_argument("--quick", action="store_true", help="a small database, few runs")
    args = parser.parse_args(argv)
    companies = QUICK_COMPANIES if args.quick else args.companies
    path = args.db or demo_database(companies, args.cache)
    payload = run(path, repeat=3 if args.quick else 10)
    print_table(f"Notification list, French against English ({payload['notifications']} "
                f"notifications, {payload['rendered_from_a_kind']} rendered from a kind)",
                payload["results"])
    print(f"\nwrote {write_json('notifications_french', payload)}")
    return payload


if __name__ == "__main__":
    main()
