"""Factur-X PDF benchmark (issue 19 "Benchmarks"): the whole Factur-X of an invoice —
the PDF/A-3B rendered by fpdf2, the EN 16931 XML written and checked, factur-x
embedding it — for 20 and 200 lines (goals ≤ 100 ms and ≤ 400 ms), and the PDF alone.

The first document of a process also makes the reduced fonts (``facturx_pdf_fonts``):
reported on its own line. Each figure comes with the CPU milliseconds of this process
per call and, as an anchor, the same run's fixed CPU work (SHA-256 of 4 MB) with each
figure's ratio to it (``x_work``): a loaded machine stretches both alike.

Usage::

    python -m tests.bench.bench_facturx_pdf            # 20 runs each
    python -m tests.bench.bench_facturx_pdf --quick    # 3 runs (keeps it working)

Prints a table (with the load average) and writes ``tests/bench/results/facturx_pdf.json``.
No timing is asserted.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import time
from collections.abc import Callable, Sequence
from decimal import Decimal
from functools import partial
from typing import Any

from cofatui.enums import ChorusVatRate
from cofatui.formats.facturx import build_facturx
from cofatui.formats.facturx_pdf import render_pdf
from cofatui.rules.facturx_model import FacturxInvoice
from tests.bench.harness import measure, print_table, write_json
from tests.unit.test_facturx_pdf import make_invoice

_RATES = tuple(ChorusVatRate)
_WORK = b"\x01" * 4_000_000


def invoice(lines: int) -> FacturxInvoice:
    """``lines`` lines over every VAT rate, labels of varied lengths (some wrap)."""
    return make_invoice(
        (f"Prestation {n} — " + "étude détaillée " * (n % 5), Decimal(n % 7 + 1),
         Decimal("123.45") + n, _RATES[n % len(_RATES)]) for n in range(1, lines + 1))


def timed(fn: Callable[[], Any], runs: int) -> dict[str, float]:
    """``measure`` and this process's mean CPU milliseconds per call, after one call
    that warms up (the first document of a process also makes the reduced fonts)."""
    fn()
    start = time.process_time()
    stats = measure(fn, repeat=runs, warmup=0)
    cpu = (time.process_time() - start) * 1000 / runs
    return {**stats, "cpu_ms": round(cpu, 2)}


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--quick", action="store_true", help="3 runs")
    args = parser.parse_args(argv)
    runs = 3 if args.quick else args.runs
    start = time.perf_counter()
    render_pdf(invoice(1), "fr")
    first = round((time.perf_counter() - start) * 1000, 2)
    work = timed(lambda: hashlib.sha256(_WORK).digest(), runs)["median_ms"]
    rows: list[dict[str, Any]] = [{"step": "anchor: SHA-256 of 4 MB (fixed CPU work)",
                                   "median_ms": work, "cpu_ms": None, "x_work": 1.0,
                                   "goal_ms": None},
                                  {"step": "first document of a process (1 line)",
                                   "median_ms": first, "cpu_ms": None,
                                   "x_work": round(first / work, 2) if work else None,
                                   "goal_ms": None}]
    for lines, goal in ((20, 100), (200, 400)):
        inv = invoice(lines)
        for step, fn, step_goal in (
                (f"Factur-X, {lines} lines", partial(build_facturx, inv, "fr"), goal),
                (f"PDF alone, {lines} lines", partial(render_pdf, inv, "fr"), None)):
            stats = timed(fn, runs)
            rows.append({"step": step, "median_ms": stats["median_ms"],
                         "cpu_ms": stats["cpu_ms"],
                         "x_work": round(stats["median_ms"] / work, 2) if work else None,
                         "goal_ms": step_goal})
    load = os.getloadavg()[0]
    print_table(f"Factur-X PDF (load average {load:.2f})", rows)
    write_json("facturx_pdf", {"rows": rows, "runs": runs, "load_average": load})


if __name__ == "__main__":
    main()
