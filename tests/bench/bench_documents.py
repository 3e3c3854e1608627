"""One page of the documents sent at 100 000 documents (issue 17, goal <= 50 ms).

Builds a database of one contract, 2 000 portfolio companies, 20 000 company-information
submissions and N documents (default 100 000, 2 KiB of content each, so a list that read
the bytes would show) in the company-information tab, plus a few claims-free turnover
ones. Measures, in turn run after run in the same process:

- **anchor**: ``repo.contracts()``, the floor of any repository call (one unit of work,
  one query) — the page's figure is read against it, on the same machine and load;
- **first page**: ``repo.documents.rows()`` (100 rows newest first, with the total);
- **deep page**: the page at offset 50 000;
- **sorted by file name**, **one company's**, **text filter**: the other ways the list
  is asked for.

Prints the query plan of the first page (it must walk ``ix_document_contract_source_created``)
and checks that no list statement names the ``content`` column.

Usage::

    python -m tests.bench.bench_documents                  # SQLite, 100 000 documents
    python -m tests.bench.bench_documents --rows 20000
    python -m tests.bench.bench_documents --pg postgresql://postgres@127.0.0.1:5432/test

Writes ``tests/bench/results/documents.json``; nothing is asserted on timings.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import re
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event, insert, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from cofatui import migrations
from cofatui.clock import FixedClock
from cofatui.enums import DocumentSource
from cofatui.models import (
    Company,
    CompanyInformation,
    Contract,
    Document,
    PortfolioEntry,
    User,
    UserContract,
)
from cofatui.repository.sql import SqlRepository, make_engine
from cofatui.schemas_documents import DocumentFilter
from tests.bench.harness import print_table, write_json

ROWS = 100_000
COMPANIES = 2_000
SUBMISSIONS = 20_000
NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)
CONTENT = b"%PDF-1.4\n" + b"x" * 2048


def build(engine: Engine, rows: int, seed: int = 17) -> int:
    """The database; returns the contract id."""
    migrations.upgrade(engine)
    r = random.Random(seed)
    with Session(engine) as s:
        contract = Contract(policy_number="1234567", policyholder="Bench", currency="EUR")
        s.add(contract)
        s.flush()
        cid = contract.id
        assert cid is not None
        user = User(login="bench", created_at=NOW)
        s.add(user)
        s.flush()
        assert user.id is not None
        s.add(UserContract(user_id=user.id, contract_id=cid, rights="full",
                           section_rights="{}"))
        companies = [Company(name=f"Company {i:04d}", name_key=f"company {i:04d}",
                             country="FRA", easy_number=f"{i:014d}", updated_at=NOW)
                     for i in range(COMPANIES)]
        s.add_all(companies)
        s.flush()
        company_ids = [c.id or 0 for c in companies]
        s.add_all([PortfolioEntry(contract_id=cid, company_id=c, client_reference=f"R{i}",
                                  search_text=f"company {i:04d}", updated_at=NOW)
                   for i, c in enumerate(company_ids)])
        s.commit()
    conn = engine.connect()
    try:
        start = NOW - timedelta(days=720)
        submissions = [{"contract_id": cid, "company_id": company_ids[n % COMPANIES],
                        "form": "transmission", "info_type": "annual_accounts",
                        "description": "", "comment": "", "dra_review": False,
                        "status": r.choice(("in_progress", "analysed", "not_compatible")),
                        "created_at": start + timedelta(minutes=n * 30), "created_by": "bench",
                        "decided_by": "", "decision_comment": "", "version": 1}
                       for n in range(SUBMISSIONS)]
        conn.execute(insert(CompanyInformation.__table__), submissions)  # type: ignore[attr-defined]
        first = conn.execute(text("SELECT min(id) FROM company_information")).scalar_one()
        digest = hashlib.sha256(CONTENT).hexdigest()
        batch: list[dict[str, Any]] = []
        for n in range(rows):
            sub = n % SUBMISSIONS
            batch.append({
                "source": DocumentSource.COMPANY_INFORMATION.value, "contract_id": cid,
                "company_id": company_ids[sub % COMPANIES], "submission_id": first + sub,
                "filename": f"accounts_{n:06d}.pdf", "content_type": "application/pdf",
                "size": len(CONTENT), "sha256": digest, "category": "annual_accounts",
                "comment": "", "created_at": start + timedelta(minutes=n * 6),
                "created_by": "bench", "content": CONTENT})
            if len(batch) == 10_000:
                conn.execute(insert(Document.__table__), batch)  # type: ignore[attr-defined]
                batch.clear()
        if batch:
            conn.execute(insert(Document.__table__), batch)  # type: ignore[attr-defined]
        conn.commit()
        conn.execute(text("ANALYZE"))
        conn.commit()
    finally:
        conn.close()
    return int(cid)


def timed(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def plan(engine: Engine, contract_id: int) -> list[str]:
    """The first page's id window as the database plans it."""
    window = (f"SELECT document.id FROM document WHERE document.contract_id = {contract_id} AND "
              "document.source = 'company_information' ORDER BY document.created_at DESC, "
              "document.id DESC LIMIT 100 OFFSET 0")
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            return [str(row[-1]) for row in conn.execute(text("EXPLAIN QUERY PLAN " + window))]
        return [str(row[0]) for row in conn.execute(text("EXPLAIN " + window))]


def list_statements(engine: Engine, repo: SqlRepository, contract_id: int) -> list[str]:
    """The statements one page sends (to check none reads the bytes)."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        repo.documents.rows(contract_id, DocumentFilter(
            source=DocumentSource.COMPANY_INFORMATION))
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return seen


def run(repo: SqlRepository, contract_id: int, repeat: int) -> list[dict[str, Any]]:
    tab = DocumentSource.COMPANY_INFORMATION
    company = repo.documents.rows(contract_id, DocumentFilter(source=tab), 0, 1) \
        .items[0].company_id
    measures: dict[str, Callable[[], Any]] = {
        "anchor: repo.contracts()": repo.contracts,
        "first page (100, with total)": lambda: repo.documents.rows(
            contract_id, DocumentFilter(source=tab), 0, 100),
        "deep page (offset 50 000)": lambda: repo.documents.rows(
            contract_id, DocumentFilter(source=tab), 50_000, 100),
        "sorted by file name": lambda: repo.documents.rows(
            contract_id, DocumentFilter(source=tab, sort="filename", descending=False), 0, 100),
        "one company's": lambda: repo.documents.rows(
            contract_id, DocumentFilter(source=tab, company_id=company), 0, 100),
        "text filter 'accounts_0999'": lambda: repo.documents.rows(
            contract_id, DocumentFilter(source=tab, text="accounts_0999"), 0, 100),
    }
    samples: dict[str, list[float]] = {name: [] for name in measures}
    for fn in measures.values():  # warm-up
        fn()
    for _ in range(repeat):
        for name, fn in measures.items():  # in turn: a drifting load weighs on all
            samples[name].append(timed(fn))
    anchor = statistics.median(samples["anchor: repo.contracts()"])
    return [{"measure": name, "median_ms": round(statistics.median(values), 1),
             "max_ms": round(max(values), 1),
             "x_anchor": round(statistics.median(values) / anchor, 1) if anchor else None}
            for name, values in samples.items()]


def bench(engine: Engine, rows: int, repeat: int, label: str) -> dict[str, Any]:
    started = time.perf_counter()
    contract_id = build(engine, rows)
    built = time.perf_counter() - started
    repo = SqlRepository(engine, "bench", FixedClock(NOW))
    statements = list_statements(engine, repo, contract_id)
    # "document.content" as a column, not the start of "document.content_type".
    reads_content = [s for s in statements if re.search(r"\bdocument\.content\b", s)]
    results = run(repo, contract_id, repeat)
    query_plan = plan(engine, contract_id)
    print_table(f"Documents sent, {rows:,} documents ({label})", results)
    print("plan of the page's id window:", *query_plan, sep="\n  ")
    print(f"list statements reading content: {len(reads_content)}; built in {built:.1f} s")
    return {"backend": label, "documents": rows, "build_s": round(built, 1),
            "plan": query_plan, "list_statements_reading_content": len(reads_content),
            "results": results}


def main(argv: Sequence[str] | None = None) -> list[dict[str, Any]]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--pg", default=None, help="also on this PostgreSQL (own schema)")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="bench-documents-"))
    engine = make_engine(f"sqlite:///{folder / 'bench.sqlite'}")
    payload = [bench(engine, args.rows, args.repeat, "sqlite")]
    engine.dispose()
    if args.pg:
        payload.append(_postgres(args.pg, args.rows, args.repeat))
    write_json("documents", payload)
    return payload


def _postgres(url: str, rows: int, repeat: int) -> dict[str, Any]:
    from tests.contract.templates import schema_url

    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = make_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    engine = make_engine(schema_url(url, schema))
    try:
        return bench(engine, rows, repeat, "postgresql")
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


if __name__ == "__main__":
    main()
