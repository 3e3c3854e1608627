"""Factur-X XML benchmark (issue 19 "Benchmarks"): the EN 16931 CII XML of an invoice
of 20 and of 200 lines, written by ``formats.facturx_xml.build_xml`` — the factur-x
library's generator, its XSD check and our BR-CO checks — goals ≤ 10 ms and ≤ 30 ms.

Also measured, to say where the time goes: the XSD check alone (``facturx.xml_check_xsd``,
which loads the schema on each call), the BR-CO checks alone (``rules.en16931.check``),
and reading the XML back (``formats.facturx_read.read_xml``: hardened parse, XSD, the
library's ``parse_ubl_cii_xml``, checks).

Anchored like the other benchmarks: a fixed CPU work (SHA-256 of 4 MB) measured in the
same run, each figure also given as a ratio to it (``x_work``), and the CPU time of this
process per call (``cpu_ms``): a loaded machine stretches the wall time, not those.

Usage::

    python -m tests.bench.bench_facturx_xml            # 30 runs
    python -m tests.bench.bench_facturx_xml --quick    # 3 runs (keeps it working)

Prints a table (with the load average) and writes ``tests/bench/results/facturx_xml.json``.
No timing is asserted.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import time
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

import facturx

from cofatui.enums import ChorusVatRate
from cofatui.formats.facturx_read import read_xml
from cofatui.formats.facturx_xml import build_xml
from cofatui.rules import en16931
from cofatui.rules.facturx_model import FacturxInvoice
from tests.bench.harness import measure, print_table, write_json
from tests.unit.test_facturx_xml_data import invoice, line

#: (lines, goal of build_xml in ms) — the issue's goals.
SIZES = ((20, 10.0), (200, 30.0))
_BLOCK = b"\x00" * 4_000_000


def sample(lines: int) -> FacturxInvoice:
    """An invoice of ``lines`` lines over every rate, with accents and units."""
    rates = list(ChorusVatRate)
    return invoice(tuple(
        line(i + 1, f"Prestation n° {i + 1} — étude détaillée", f"{i % 9 + 1}.5",
             f"{(i * 37) % 1000}.125", rates[i % len(rates)], ("jour", "h", "")[i % 3])
        for i in range(lines)))


def _cpu_measured(fn: Callable[[], Any], runs: int) -> dict[str, float]:
    warmup = 2
    c0 = time.process_time()
    stats = measure(fn, repeat=runs, warmup=warmup)
    return {**stats, "cpu_ms": round((time.process_time() - c0) * 1000 / (runs + warmup), 2)}


def run(runs: int) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    work = measure(lambda: hashlib.sha256(_BLOCK).digest(), repeat=runs)["median_ms"]
    rows: list[dict[str, Any]] = []
    figures: dict[str, Any] = {"anchor_sha256_4mb_ms": work}
    for lines, goal in SIZES:
        inv = sample(lines)
        xml = build_xml(inv)
        steps: list[tuple[str, Callable[[], Any], float | None]] = [
            ("build_xml (generate + XSD + BR-CO)", partial(build_xml, inv), goal),
            ("XSD check alone", partial(facturx.xml_check_xsd, xml, flavor="factur-x",
                                        level="en16931"), None),
            ("BR-CO checks alone", partial(en16931.check, xml), None),
            ("read_xml (parse + XSD + checks)", partial(read_xml, xml), None),
        ]
        for step, fn, step_goal in steps:
            stats = _cpu_measured(fn, runs)
            figures[f"{step} / {lines}"] = stats
            rows.append({"step": step, "lines": lines, "xml_kb": round(len(xml) / 1024, 1),
                         "median_ms": stats["median_ms"], "p95_ms": stats["p95_ms"],
                         "cpu_ms": stats["cpu_ms"],
                         "x_work": round(stats["median_ms"] / work, 2),
                         "goal_ms": step_goal})
    rows.append({"step": "anchor: SHA-256 of 4 MB (fixed CPU work)", "lines": None,
                 "xml_kb": None, "median_ms": work, "p95_ms": None, "cpu_ms": None,
                 "x_work": 1.0, "goal_ms": None})
    return rows, figures


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--quick", action="store_true", help="3 runs (keeps it working)")
    args = parser.parse_args(argv)
    runs = 3 if args.quick else args.runs
    rows, figures = run(runs)
    load = os.getloadavg()[0]
    print_table(f"Factur-X XML, {runs} runs (load average {load:.2f})", rows)
    write_json("facturx_xml", {"runs": runs, "quick": args.quick, "rows": rows,
                               "figures": figures, "load_average": load})


if __name__ == "__main__":
    main()
