"""Factur-X repository benchmark (issue 19 "Benchmarks"): the import of one received
Factur-X (goal ≤ 100 ms), the export of one invoice, and the export job of 1 000
invoices (one ZIP, a result line per invoice), on SQLite.

The database is ``bench_chorus``'s (supplier SA, public recipient PA with its
services, the users ``bench-sa`` and ``bench-pa``), with ``--invoices`` invoices from
SA to PA, each given one line matching its totals (quantity 1, price = excl. tax, 20 %).

Measured:

1. **Import one file**: ``chorus_facturx.import_files`` of a 2-line Factur-X from a
   supplier unknown to the directory (a new number each run): reading, XSD, checks,
   the invoice, its file, history, notifications and the result line — goal ≤ 100 ms.
2. **Export one invoice**: ``chorus_facturx.export`` as Factur-X (the PDF/A-3, the XML,
   the constraints).
3. **Export job**: ``export_selection`` of every invoice as XML and as Factur-X, run by
   a worker to the end; total seconds and milliseconds per invoice.
4. **Anchors** (``bench_chorus.anchors``): one write, one read, a fixed CPU work; each
   figure also as a ratio to the last (``x_work``).

Usage::

    python -m tests.bench.bench_facturx_repo              # 1 000 invoices
    python -m tests.bench.bench_facturx_repo --quick      # 30 invoices, a few runs

Prints a table and writes ``tests/bench/results/facturx_repo.json``. No timing is
asserted.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.engine import Engine
from sqlmodel import col

from cofatui.enums import ChorusInvoiceType, ChorusPaymentMode, ChorusVatRate, FacturxFormat
from cofatui.formats.facturx import build_facturx
from cofatui.jobs.worker import Worker
from cofatui.migrations import upgrade
from cofatui.models import ChorusInvoice, ChorusInvoiceLine
from cofatui.repository.sql import SqlRepository
from cofatui.repository.sql.engine import make_engine
from cofatui.rules.facturx_model import FacturxInvoice, FacturxLine, FacturxParty, FacturxVat
from cofatui.schemas_company_info import UploadedFile
from cofatui.schemas_facturx import FacturxExportRequest
from cofatui.schemas_jobs import JobStatus
from tests.bench.bench_chorus import (
    IBAN,
    PA_SIRET,
    RECIPIENT,
    SUPPLIER,
    anchors,
    seed,
)
from tests.bench.harness import measure, print_table, write_json

#: A supplier the directory does not know: the import adds it.
NEW_SUPPLIER = "44400000400002"
GOALS = {"import one Factur-X (2 lines)": 100}


def add_lines(engine: Engine) -> list[int]:
    """One line per invoice, matching its totals; the invoices' ids."""
    with engine.begin() as conn:
        conn.info["write"] = True
        rows = conn.execute(select(col(ChorusInvoice.id), col(ChorusInvoice.total_excl_tax))
                            .order_by(col(ChorusInvoice.id))).all()
        conn.execute(insert(ChorusInvoiceLine), [
            {"invoice_id": invoice_id, "position": 1, "label": "Prestation",
             "quantity": Decimal(1), "unit": "", "unit_price": amount, "vat_rate": "20",
             "exemption_reason": "", "amount_excl_tax": amount}
            for invoice_id, amount in rows])
    return [int(invoice_id or 0) for invoice_id, _ in rows]


def received(number: str, day: datetime) -> bytes:
    """A 2-line Factur-X from NEW_SUPPLIER to PA."""
    invoice = FacturxInvoice(
        number=number, type=ChorusInvoiceType.INVOICE, invoice_date=day.date(),
        currency="EUR", seller=FacturxParty("Atelier Éloïse", NEW_SUPPLIER, city="Lyon"),
        buyer=FacturxParty("Mairie de PA", PA_SIRET, city="Paris"),
        lines=(FacturxLine(1, "Audit", Decimal(2), Decimal("450.00"), ChorusVatRate.STANDARD,
                           Decimal("900.00")),
               FacturxLine(2, "Livre", Decimal(3), Decimal("12.50"), ChorusVatRate.REDUCED,
                           Decimal("37.50"))),
        vat=(FacturxVat(ChorusVatRate.STANDARD, Decimal("900.00"), Decimal("180.00")),
             FacturxVat(ChorusVatRate.REDUCED, Decimal("37.50"), Decimal("2.06"))),
        total_excl_tax=Decimal("937.50"), total_vat=Decimal("182.06"),
        total_incl_tax=Decimal("1119.56"), amount_due=Decimal("1119.56"),
        service_code="ACHATS", payment_mode=ChorusPaymentMode.VIREMENT, iban=IBAN)
    return build_facturx(invoice, "fr")


def _job(engine: Engine, repo: SqlRepository, ids: list[int],
         fmt: FacturxFormat) -> dict[str, float]:
    start = time.perf_counter()
    job = repo.chorus_facturx.export_selection(FacturxExportRequest(invoice_ids=ids,
                                                                    format=fmt))
    Worker(engine, schedules=[]).drain()
    seconds = time.perf_counter() - start
    done = repo.jobs.get(job.id)
    assert done.status is JobStatus.DONE, done.error
    return {"median_ms": round(seconds * 1000, 1), "runs": 1,
            "per_invoice_ms": round(seconds * 1000 / len(ids), 2),
            "zip_bytes": float(done.result_size or 0)}


def run(engine: Engine, ids: list[int], runs: int, now: datetime) -> dict[str, dict[str, float]]:
    supplier, recipient = SqlRepository(engine, SUPPLIER), SqlRepository(engine, RECIPIENT)
    tag = uuid.uuid4().hex[:6]
    files = iter([received(f"R{tag}{i:04d}", now - timedelta(days=1))
                  for i in range(runs + 2)])
    out: dict[str, dict[str, float]] = {}

    def import_one() -> None:
        batch = recipient.chorus_facturx.import_files(
            [UploadedFile(name="fx.pdf", content=next(files))])
        assert batch.outcomes[0].invoice is not None, batch.outcomes[0].reasons

    out["import one Factur-X (2 lines)"] = measure(import_one, repeat=runs)
    out["export one invoice (Factur-X)"] = measure(
        lambda: supplier.chorus_facturx.export(ids[0]), repeat=runs)
    out[f"export job, {len(ids)} invoices (XML)"] = _job(engine, supplier, ids,
                                                          FacturxFormat.XML)
    out[f"export job, {len(ids)} invoices (Factur-X)"] = _job(engine, supplier, ids,
                                                               FacturxFormat.FACTURX)
    return out


def table_rows(figures: dict[str, dict[str, float]],
               anchor: dict[str, dict[str, float]]) -> list[dict[str, Any]]:
    work = anchor["cpu"]["median_ms"]
    rows: list[dict[str, Any]] = [
        {"step": f"anchor: {name}", "median_ms": anchor[name]["median_ms"],
         "per_invoice_ms": None, "x_work": round(anchor[name]["median_ms"] / work, 2),
         "goal_ms": None} for name in ("write", "read", "cpu")]
    for step, stats in figures.items():
        rows.append({"step": step, "median_ms": stats["median_ms"],
                     "per_invoice_ms": stats.get("per_invoice_ms"),
                     "x_work": round(stats["median_ms"] / work, 2),
                     "goal_ms": GOALS.get(step)})
    return rows


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--invoices", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--quick", action="store_true",
                        help="30 invoices, 3 runs (keeps it working)")
    args = parser.parse_args(argv)
    if args.quick:
        args.invoices, args.runs = 30, 3
    now = datetime.now(UTC)
    folder = Path(tempfile.mkdtemp(prefix="cofatui-bench-facturx-"))
    engine = make_engine(f"sqlite:///{folder / 'facturx.sqlite'}")
    upgrade(engine)
    seed(engine, args.invoices, now)
    ids = add_lines(engine)
    anchor = anchors(engine, args.runs)
    figures = run(engine, ids, args.runs, now)
    engine.dispose()
    rows = table_rows(figures, anchor)
    load = os.getloadavg()[0]
    print_table(f"Factur-X repository, {args.invoices} invoices (load average {load:.2f})",
                rows)
    write_json("facturx_repo", {"invoices": args.invoices, "anchors": anchor,
                                "figures": figures, "rows": rows, "load_average": load})


if __name__ == "__main__":
    main()
