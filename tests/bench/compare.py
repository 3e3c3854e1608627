"""Issue 21 item 7: every figure beside its anchor, measured in the same run, with the
ratio. Each bench module that has a ``compare()`` function returns rows
``{figure, value, anchor, anchor_value, ratio, goal}``; this runner calls those that
exist (a module not written yet, or without ``compare``, is named as missing, not
silently left out), prints one table and writes ``results/compare.json``.

Usage::

    python -m tests.bench.compare --db /tmp/demo.sqlite [--only startup,api]

``--db`` is a demo database (``cofatui demo --db …``) for the benches that start the
application on one (start-up); the others build what they need themselves. The
machine's load is printed before and after: the ratios hold under load, the absolute
figures do not.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import os
import time
from collections.abc import Callable
from typing import Any

from tests.bench.harness import print_table, write_json

#: name → bench module (each with ``compare(...) -> list[dict]`` when it takes part).
BENCHES = {
    "startup": "tests.bench.bench_startup",
    "api": "tests.bench.bench_api",
    "tui_lists": "tests.bench.bench_tui_lists",
    "notification_search": "tests.bench.bench_notification_search",
}
COLUMNS = ("figure", "value", "anchor", "anchor_value", "ratio", "goal")


def find_compare(module_name: str) -> Callable[..., list[dict[str, Any]]] | None:
    """The module's ``compare`` function; None when the module or the function is not
    there (a bench still being written). An error inside the module is raised."""
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        return None
    found = getattr(module, "compare", None)
    return found if callable(found) else None


def call_with(function: Callable[..., list[dict[str, Any]]],
              options: dict[str, Any]) -> list[dict[str, Any]]:
    """Call ``function`` with the options its signature names (e.g. ``db``)."""
    wanted = inspect.signature(function).parameters
    return function(**{k: v for k, v in options.items() if k in wanted and v is not None})


def run(names: list[str], options: dict[str, Any]) -> tuple[list[dict[str, Any]], list[str]]:
    rows: list[dict[str, Any]] = []
    missing: list[str] = []
    for name in names:
        function = find_compare(BENCHES[name])
        if function is None:
            missing.append(name)
            continue
        start = time.perf_counter()
        for row in call_with(function, options):
            rows.append({"bench": name, **{k: row.get(k, "") for k in COLUMNS},
                         "bench_s": round(time.perf_counter() - start, 1)})
    return rows, missing


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", help="a demo SQLite database for the start-up bench")
    parser.add_argument("--only", default="",
                        help=f"comma-separated, among {', '.join(BENCHES)} (default: all)")
    args = parser.parse_args()
    names = [n.strip() for n in args.only.split(",") if n.strip()] or list(BENCHES)
    unknown = [n for n in names if n not in BENCHES]
    if unknown:
        parser.error(f"unknown bench: {', '.join(unknown)}")
    if "startup" in names and not args.db:
        parser.error("--db is needed for the start-up bench (or leave it out with --only)")
    load_before = os.getloadavg()
    rows, missing = run(names, {"db": args.db})
    load_after = os.getloadavg()
    print_table("Figures beside their anchors (same run)", rows)
    for name in missing:
        print(f"\n{name}: no compare() in {BENCHES[name]} yet")
    print(f"\nload (1, 5, 15 min) before: {tuple(round(x, 2) for x in load_before)}, "
          f"after: {tuple(round(x, 2) for x in load_after)}")
    path = write_json("compare", {"rows": rows, "missing": missing,
                                  "load_before": load_before, "load_after": load_after})
    print(f"JSON: {path}")


if __name__ == "__main__":
    main()
