"""Custom-field import benchmark (issue 16 item 8): 100 000 lines on SQLite, goal ≤ 30 s.

A demo database gets 100 000 more buyers in contract 1234567 (inserted directly: the
demo generator is not what is measured) and two free fields (a date, a number). The
file sets the client reference, the date and the number of every buyer, EasyNumbers
without their leading zeros. Measured in one run:

1. **Read and check** the file (decode, structure, every line's check): the parser.
2. **Import** it: ``repo.custom_fields.import_values`` then the ``import.run`` job in a
   worker of this process, all-or-nothing in one transaction, until the result is
   stored.
3. **Anchor**: the same bytes decoded and split into cells only (the floor of any
   reader), and one bare write transaction on the same database.

Usage::

    python -m tests.bench.bench_custom_field_import              # 100 000 lines
    python -m tests.bench.bench_custom_field_import --lines 10000

Prints a table and writes ``tests/bench/results/custom_field_import_sqlite.json``. The machine's
load is printed with the figures (a loaded machine stretches the wall time; the CPU time
of the import says what it costs). No timing is asserted.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from datetime import UTC, datetime

from sqlalchemy import insert, select
from sqlalchemy.engine import Engine
from sqlmodel import col

from cofatui.demo.generator import generate_demo
from cofatui.formats import custom_field_import as fmt
from cofatui.formats import imports as pipeline
from cofatui.formats.csv_lines import decode, split_cells, split_lines
from cofatui.jobs.worker import Worker
from cofatui.models import Company, Contract, PortfolioEntry
from cofatui.repository.sql import SqlRepository
from cofatui.repository.sql.engine import make_engine
from cofatui.schemas_custom_fields import CustomFieldCreate
from cofatui.schemas_jobs import ImportStatus
from tests.bench.bench_jobs import write_anchor
from tests.bench.harness import print_table, write_json

CONTRACT = "1234567"
LOGIN = "demo"


def _buyers(engine: Engine, contract_id: int, count: int) -> list[str]:
    now = datetime.now(UTC)
    numbers = [str(90_000_000_000_000 + i).zfill(14)[-14:] for i in range(count)]
    with engine.begin() as conn:
        conn.execute(insert(Company), [
            {"name": f"Bench buyer {i}", "name_key": f"bench buyer {i}", "country": "FRA",
             "easy_number": n, "city": "Paris", "address": "1 rue", "postal_code": "75001",
             "establishment": "head_office", "updated_at": now}
            for i, n in enumerate(numbers)])
        ids = conn.execute(select(col(Company.id)).where(col(Company.easy_number).in_(numbers))
                           ).scalars().all()
        conn.execute(insert(PortfolioEntry), [
            {"contract_id": contract_id, "company_id": cid, "client_reference": "",
             "search_text": "", "updated_at": now, "version": 1} for cid in ids])
    return numbers


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=100_000)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="cofatui-bench-cf-")
    engine = make_engine(f"sqlite:///{os.path.join(folder, 'cf.sqlite')}")
    generate_demo(engine, companies=200)
    with engine.connect() as conn:
        contract_id = int(conn.execute(select(col(Contract.id)).where(
            col(Contract.policy_number) == CONTRACT)).scalar_one() or 0)
    numbers = _buyers(engine, contract_id, args.lines)
    repo = SqlRepository(engine, LOGIN)
    for name, form in (("Bench review", "date"), ("Bench score", "number")):
        repo.custom_fields.create(contract_id, CustomFieldCreate(name=name, format=form))
    lines = ["EasyNumber;Référence client;Bench review;Bench score"]
    lines += [f"{n.lstrip('0')};REF-{i};{1 + i % 28:02d}/03/2026;{i},5"
              for i, n in enumerate(numbers)]
    content = ("\r\n".join(lines) + "\r\n").encode("cp1252")

    t0 = time.perf_counter()
    spec = fmt.import_spec(fmt.columns_for({4: ("Bench review", "date"),
                                            5: ("Bench score", "number")}))
    read = pipeline.read_file(content, spec)
    valid, refused = pipeline.check_lines(read, spec)
    parse_s = time.perf_counter() - t0
    assert not refused and len(valid) == args.lines

    t0 = time.perf_counter()
    text = decode(content, fmt.MAX_BYTES).text
    cells = sum(len(split_cells(raw.text, ";")) for raw in split_lines(text))
    floor_s = time.perf_counter() - t0
    assert cells

    anchor = write_anchor(engine, 50)
    t0, c0 = time.perf_counter(), time.process_time()
    started = repo.custom_fields.import_values(contract_id, "bench.csv", content)
    Worker(engine, schedules=[]).drain()
    result = repo.imports.result(started.id)
    import_s, import_cpu_s = time.perf_counter() - t0, time.process_time() - c0
    assert result.status == ImportStatus.SUCCEEDED, result
    rows = [
        {"step": "read + check", "lines": args.lines, "seconds": round(parse_s, 2),
         "x floor": round(parse_s / floor_s, 1)},
        {"step": "decode + split (floor)", "lines": args.lines, "seconds": round(floor_s, 2),
         "x floor": 1.0},
        {"step": "import (job, all-or-nothing)", "lines": args.lines,
         "seconds": round(import_s, 2), "x floor": round(import_s / floor_s, 1)},
        {"step": "import, CPU time of this process", "lines": args.lines,
         "seconds": round(import_cpu_s, 2), "x floor": None},
        {"step": "one write transaction (anchor, ms)", "lines": 1,
         "seconds": round(anchor["median_ms"] / 1000, 4), "x floor": None},
    ]
    print_table(f"custom-field import, {args.lines} lines, SQLite (goal ≤ 30 s), "
                f"load average {os.getloadavg()[0]:.2f}", rows)
    write_json("custom_field_import_sqlite", {
        "lines": args.lines, "read_check_s": parse_s, "floor_s": floor_s,
        "import_s": import_s, "import_cpu_s": import_cpu_s,
        "load_average": os.getloadavg()[0], "anchor_write_ms": anchor, "goal_s": 30,
        "import_per_anchor_write": import_s * 1000 / anchor["median_ms"]})


if __name__ == "__main__":
    main()
