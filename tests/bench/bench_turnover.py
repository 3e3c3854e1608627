"""Turnover declaration benchmark (issue 17 "Benchmarks"): a declaration of 10 000
debtor lines on SQLite, and through HTTP (a real ``cofatui serve`` on the same file).

A demo database (200 companies) gets 10 000 more buyers in contract 1234567 (inserted
directly: the generator is not what is measured). The underwriter issues per-debtor
requests through the repository; each gets its 10 000 lines inserted directly (what
the pre-fill would make for 10 000 covered buyers). Measured, as ``demo``:

1. **First page** of the grid (``lines(offset=0, limit=50)``), median of 20 — goal
   ≤ 100 ms.
2. **Saving 500 changed lines** (``update`` with 500 amounts, a different 500 each
   run), median of 10 — goal ≤ 300 ms.
3. **Send** (lines without an amount sent as 0, frozen) of a 10 000-line declaration
   — goal ≤ 1 s, on SQLite and through HTTP (one declaration each, so one run each:
   a sent declaration is frozen).
4. **Import of a 10 000-line XLSX** (the declaration's own template with every amount
   filled), all-or-nothing, the file kept as a document — goal ≤ 5 s; on SQLite and
   through HTTP.
5. **Anchors**, same run, same database: one bare write transaction (median of 50)
   and one ``turnover.get`` (median of 20), so a slow machine shows in them too; and
   the CPU time of the send and the import (this process on SQLite, the server's
   process through HTTP), which a loaded machine does not stretch.

Usage::

    python -m tests.bench.bench_turnover              # 10 000 lines
    python -m tests.bench.bench_turnover --lines 2000 --no-http

Prints a table (with the load average) and writes
``tests/bench/results/turnover_sqlite.json``. No timing is asserted.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.engine import Engine
from sqlmodel import col

from cofatui.clock import SystemClock
from cofatui.demo.generator import generate_demo
from cofatui.enums import TurnoverBasis, TurnoverBreakdown
from cofatui.formats import turnover_import as fmt
from cofatui.models import Company, Contract, PortfolioEntry, TurnoverLine
from cofatui.repository.base import Repository
from cofatui.repository.sql import SqlRepository, identity
from cofatui.repository.sql.engine import make_engine
from cofatui.schemas_jobs import ImportStatus
from cofatui.schemas_turnover import TurnoverLineIn, TurnoverRequestIn, TurnoverUpdate
from tests.bench.bench_jobs import write_anchor
from tests.bench.harness import measure, print_table, write_json
from tests.server import ServerProcess

CONTRACT = "1234567"
LOGIN = "demo"
SAVED = 500


def _buyers(engine: Engine, contract_id: int, count: int) -> list[tuple[int, str, str]]:
    """``count`` more buyers in the contract's portfolio: (id, EasyNumber, name)."""
    now = datetime.now(UTC)
    numbers = [f"{90_000_000_000_000 + i:014d}" for i in range(count)]
    with engine.begin() as conn:
        conn.execute(insert(Company), [
            {"name": f"Bench buyer {i:05d}", "name_key": f"bench buyer {i:05d}",
             "country": "FRA", "easy_number": n, "city": "Paris", "address": "1 rue",
             "postal_code": "75001", "establishment": "head_office", "updated_at": now}
            for i, n in enumerate(numbers)])
        rows = conn.execute(select(col(Company.id), col(Company.easy_number),
                                   col(Company.name))
                            .where(col(Company.easy_number).in_(numbers))).all()
        conn.execute(insert(PortfolioEntry), [
            {"contract_id": contract_id, "company_id": cid, "client_reference": "",
             "search_text": "", "updated_at": now, "version": 1} for cid, _, _ in rows])
    return [(int(cid or 0), str(easy), str(name)) for cid, easy, name in rows]


def _declaration(engine: Engine, contract_id: int, buyers: list[tuple[int, str, str]],
                 quarter: int) -> int:
    """A per-debtor request with one line per buyer, none filled."""
    uw = SqlRepository(engine, "underwriter")
    year = date.today().year + 1
    made = uw.turnover.request(TurnoverRequestIn(
        contract_id=contract_id, period_start=date(year, 3 * quarter - 2, 1),
        period_end=date(year, 3 * quarter, 28), label=f"Bench Q{quarter}",
        breakdown=TurnoverBreakdown.DEBTOR, basis=TurnoverBasis.SALES))
    with engine.begin() as conn:
        conn.execute(insert(TurnoverLine), [
            {"declaration_id": made.id, "company_id": cid, "country": "FRA",
             "sort_key": name.casefold(), "amount": None, "currency": "EUR"}
            for cid, _, name in buyers])
    return made.id


def _filled_template(repo: Repository, declaration_id: int) -> bytes:
    """The declaration's XLSX template with every amount filled, as a user would."""
    lines = repo.turnover.lines(declaration_id, 0, 1)
    assert lines.total
    content = repo.turnover.template(declaration_id, "xlsx")
    rows = fmt.check_lines(fmt.read(content, TurnoverBreakdown.DEBTOR),
                           TurnoverBreakdown.DEBTOR, date.today())[0]
    return fmt.template_xlsx(TurnoverBreakdown.DEBTOR, [
        fmt.TemplateLine(r.key, "", "FRA", Decimal(i) + Decimal("0.25"), "EUR")
        for i, r in enumerate(rows)])


def _saves(repo: Repository, declaration_id: int, buyers: list[tuple[int, str, str]],
           runs: int) -> dict[str, float]:
    state = {"run": 0, "version": repo.turnover.get(declaration_id).version}

    def save() -> None:
        start = state["run"] * SAVED % max(1, len(buyers) - SAVED)
        state["run"] += 1
        chunk = buyers[start:start + SAVED]
        done = repo.turnover.update(declaration_id, TurnoverUpdate(
            version=state["version"], lines=[
                TurnoverLineIn(company_id=cid, amount=Decimal(state["run"] * 1000 + i))
                for i, (cid, _, _) in enumerate(chunk)]))
        state["version"] = done.version

    return measure(save, repeat=runs, warmup=1)


def _timed(fn: Any) -> tuple[float, Any]:
    """Wall milliseconds of one call, and its result."""
    t0 = time.perf_counter()
    out = fn()
    return (time.perf_counter() - t0) * 1000, out


def _cpu(fn: Any) -> tuple[float, float, Any]:
    """Wall and CPU milliseconds of one call in this process (a loaded machine
    stretches the wall time; the CPU time says what the call costs), and its result."""
    c0 = time.process_time()
    wall, out = _timed(fn)
    return wall, (time.process_time() - c0) * 1000, out


def _server_cpu_ms(server: ServerProcess) -> float:
    """CPU milliseconds the server process has used so far (user + system, every
    thread; Linux ``/proc``): what a call costs the server, whatever the machine's load."""
    assert server.proc is not None
    fields = Path(f"/proc/{server.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return ticks * 1000 / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=10_000)
    parser.add_argument("--no-http", action="store_true", help="SQLite only")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="cofatui-bench-turnover-"))
    url = f"sqlite:///{folder / 'turnover.sqlite'}"
    engine = make_engine(url)
    generate_demo(engine, companies=200)
    with engine.connect() as conn:
        contract_id = int(conn.execute(select(col(Contract.id)).where(
            col(Contract.policy_number) == CONTRACT)).scalar_one() or 0)
    buyers = _buyers(engine, contract_id, args.lines)
    declarations = {q: _declaration(engine, contract_id, buyers, q) for q in (1, 2, 3, 4)}
    repo = SqlRepository(engine, LOGIN)

    anchor_write = write_anchor(engine, 50)
    anchor_get = measure(lambda: repo.turnover.get(declarations[1]), repeat=20)
    first_page = measure(lambda: repo.turnover.lines(declarations[1], 0, 50), repeat=20)
    filtered = measure(lambda: repo.turnover.lines(declarations[1], 0, 50, "buyer 09"),
                       repeat=20)
    saves = _saves(repo, declarations[1], buyers, 10)
    xlsx = _filled_template(repo, declarations[2])
    import_ms, import_cpu, result = _cpu(lambda: repo.turnover.import_file(
        declarations[2], "bench.xlsx", xlsx))
    assert result.status == ImportStatus.SUCCEEDED and result.ok_lines == args.lines, result
    version = repo.turnover.get(declarations[1]).version
    send_ms, send_cpu, sent = _cpu(lambda: repo.turnover.send(declarations[1], version))
    assert sent.status == "sent" and sent.filled_count == args.lines

    rows: list[dict[str, Any]] = [
        {"step": "anchor: one write transaction", "backend": "sqlite",
         "median_ms": anchor_write["median_ms"], "goal_ms": None},
        {"step": "anchor: turnover.get", "backend": "sqlite",
         "median_ms": anchor_get["median_ms"], "goal_ms": None},
        {"step": "first page (50 lines)", "backend": "sqlite",
         "median_ms": first_page["median_ms"], "goal_ms": 100},
        {"step": "filtered page (text)", "backend": "sqlite",
         "median_ms": filtered["median_ms"], "goal_ms": 100},
        {"step": f"save {SAVED} changed lines", "backend": "sqlite",
         "median_ms": saves["median_ms"], "goal_ms": 300},
        {"step": "send", "backend": "sqlite", "median_ms": round(send_ms, 1),
         "goal_ms": 1000},
        {"step": "send, CPU of this process", "backend": "sqlite",
         "median_ms": round(send_cpu, 1), "goal_ms": None},
        {"step": f"import {args.lines}-line XLSX", "backend": "sqlite",
         "median_ms": round(import_ms, 1), "goal_ms": 5000},
        {"step": "import, CPU of this process", "backend": "sqlite",
         "median_ms": round(import_cpu, 1), "goal_ms": None},
    ]
    if not args.no_http:
        rows += _http(url, folder, declarations[3], declarations[4], _filled_template(
            repo, declarations[4]), args.lines)
    print_table(f"turnover declaration of {args.lines} debtor lines "
                f"(load average {os.getloadavg()[0]:.2f})", rows)
    write_json("turnover_sqlite", {"lines": args.lines, "rows": rows,
                                   "load_average": os.getloadavg()[0],
                                   "anchor_write": anchor_write, "anchor_get": anchor_get,
                                   "first_page": first_page, "filtered_page": filtered,
                                   "save_500": saves})


def _http(url: str, folder: Path, send_id: int, import_id: int, xlsx: bytes,
          lines: int) -> list[dict[str, Any]]:
    from cofatui.repository.http import open_http_repository

    engine = make_engine(url)
    token, _ = identity.create_token(engine, LOGIN, name="bench", expires_in_days=1,
                                     clock=SystemClock())
    engine.dispose()
    with ServerProcess(url, folder, log_level="warning") as server:
        remote = open_http_repository(server.url, token)
        try:
            # The server's first call with a body builds its operations table (the
            # published schema, for the media-type check): seconds, once per process,
            # not the import's. An empty save pays it.
            remote.turnover.update(send_id, TurnoverUpdate(
                version=remote.turnover.get(send_id).version))
            anchor = measure(lambda: remote.turnover.get(send_id), repeat=20)
            page = measure(lambda: remote.turnover.lines(send_id, 0, 50), repeat=20)
            cpu0 = _server_cpu_ms(server)
            import_ms, result = _timed(lambda: remote.turnover.import_file(
                import_id, "bench.xlsx", xlsx))
            import_cpu = _server_cpu_ms(server) - cpu0
            assert result.status == ImportStatus.SUCCEEDED and result.ok_lines == lines
            version = remote.turnover.get(send_id).version
            cpu0 = _server_cpu_ms(server)
            send_ms, sent = _timed(lambda: remote.turnover.send(send_id, version))
            send_cpu = _server_cpu_ms(server) - cpu0
            assert sent.status == "sent"
        finally:
            remote.close()
    return [
        {"step": "anchor: turnover.get", "backend": "http",
         "median_ms": anchor["median_ms"], "goal_ms": None},
        {"step": "first page (50 lines)", "backend": "http",
         "median_ms": page["median_ms"], "goal_ms": 100},
        {"step": "send", "backend": "http", "median_ms": round(send_ms, 1), "goal_ms": 1000},
        {"step": "send, CPU of the server", "backend": "http",
         "median_ms": round(send_cpu, 1), "goal_ms": None},
        {"step": f"import {lines}-line XLSX", "backend": "http",
         "median_ms": round(import_ms, 1), "goal_ms": 5000},
        {"step": "import, CPU of the server", "backend": "http",
         "median_ms": round(import_cpu, 1), "goal_ms": None},
    ]


if __name__ == "__main__":
    main()
