"""Claim CSV import benchmark (issue 6): parse and validate a 100-line invoice file,
goal ≤ 20 ms median, from bytes to the list of ``InvoiceInput``.

Cases: a clean file in dd/mm/yyyy (decided by the data), one whose every date is
ambiguous (the setting decides), one with a fault on every line (the whole error grid
is built), a Windows-1252 file with a header, CRLF and quoted cells, and a 100-line
payment file.

Usage::

    python -m tests.bench.bench_claim_csv            # 200 runs per case
    python -m tests.bench.bench_claim_csv --quick    # 20 runs, to keep it working in CI

Prints a table and writes ``tests/bench/results/claim_csv.json``.
"""

from __future__ import annotations

import argparse
import platform
from collections.abc import Callable
from datetime import date
from typing import Any

from cofatui.errors import ValidationFailed
from cofatui.formats.claim_csv import parse_invoices, parse_payments
from tests.bench.harness import measure, print_table, write_json

GOAL_MS = 20.0
LINES = 100


def invoice_file(kind: str) -> bytes:
    rows = []
    for i in range(1, LINES + 1):
        day, month = (i % 28) + 1, (i % 12) + 1
        if kind == "ambiguous":
            day = (i % 12) + 1
        amount = f"{i * 137}.{i % 100:02}"
        if kind == "faulty":
            amount = f"1 {i:03},50"  # a thousands separator on every line
        rows.append(f"IN;{100000 + i};{day:02}/{month:02}/2024;{day:02}/{month:02}/2025;EUR;"
                    f"{amount};{i % 50},00")
    if kind == "cp1252":
        rows = ['"Type";"Référence";"Date";"Échéance";"Devise";"Montant";"Taxes"',
                *(";".join(f'"{c}"' for c in row.split(";")) for row in rows)]
        return "\r\n".join(rows).encode("cp1252")
    return "\n".join(rows).encode()


def payment_file() -> bytes:
    return "\n".join(f"SE;{100000 + i},{200000 + i};{(i % 28) + 1:02}/03/2024;EUR;{i}.50"
                     for i in range(1, LINES + 1)).encode()


def run_invoices(data: bytes, expect_valid: bool) -> Callable[[], Any]:
    def once() -> Any:
        imp = parse_invoices(data, today=date(2026, 1, 1))
        try:
            lines = imp.to_invoice_inputs()
        except ValidationFailed:
            lines = None
        assert (lines is not None) is expect_valid and len(imp.lines) == LINES
        return lines
    return once


def run_payments(data: bytes) -> Callable[[], Any]:
    def once() -> Any:
        lines = parse_payments(data, today=date(2026, 1, 1)).to_payment_inputs()
        assert len(lines) == LINES
        return lines
    return once


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20 runs per case")
    args = parser.parse_args(argv)
    repeat = 20 if args.quick else 200
    cases = [
        ("100 invoices, dd/mm decided by the data", run_invoices(invoice_file("dmy"), True)),
        ("100 invoices, every date ambiguous", run_invoices(invoice_file("ambiguous"), True)),
        ("100 invoices, a fault on every line", run_invoices(invoice_file("faulty"), False)),
        ("100 invoices, cp1252 + header + quotes", run_invoices(invoice_file("cp1252"), True)),
        ("100 payments, two references each", run_payments(payment_file())),
    ]
    rows = []
    for name, fn in cases:
        figures = measure(fn, repeat=repeat, warmup=3)
        rows.append({"case": name, **figures, "goal_ms": GOAL_MS,
                     "within_goal": figures["median_ms"] <= GOAL_MS})
    print_table(f"Claim CSV import, {LINES} lines, parse + validate ({repeat} runs)", rows)
    path = write_json("claim_csv", {"goal_ms": GOAL_MS, "lines": LINES, "quick": args.quick,
                                    "python": platform.python_version(),
                                    "machine": platform.machine(), "results": rows})
    print(f"\nwritten {path}")


if __name__ == "__main__":
    main()
