"""Home with 20 000 pending requests (issue 10, goal: first paint no slower than
before the pending requests became a virtual list over every row).

First paint: the home screen pushed → the first frame composed once the pending
requests list shows its first row and its count. Measured as in
``bench_company_detail``: no Pilot idle wait, the clock stops at the app's next frame.

A comparison is only fair in the same run under the same load, so this script can
drive two code trees: ``--before DIR`` (a worktree of the commit before, e.g.
``git worktree add /tmp/home-before e728b1f``) and the tree it lives in. The database
is built once with the *before* code (a demo, then pending credit-limit requests
added up to ``--pending``) and copied; the current code opens its copy, which
migrates it (pending products become requests, migration 0007). The two trees are
then measured in alternate subprocesses (``--rounds``), each also measuring the
calibration (a key repainting a trivial screen: the machine's floor at that moment),
the anchor the two series are read against.

Usage::

    python tests/bench/bench_home.py --before /tmp/home-before     # the comparison
    python tests/bench/bench_home.py                               # this tree only
    python tests/bench/bench_home.py --quick                       # 2 000 requests

Figures are printed and written to ``tests/bench/results/home.json``; nothing is
asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import json
import os
import pstats
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parents[2]  # the tree this script belongs to
LOGIN = "demo"
SIZE = (120, 40)
TIMEOUT = 60.0


# --------------------------------------------------------------- database (any tree)


def build(path: Path, companies: int, pending: int) -> None:
    """A demo database, then pending credit-limit requests on the demo user's contract
    until it has ``pending`` of them (Core inserts: seconds, not minutes)."""
    from sqlalchemy import func, insert, select

    from cofatui import models
    from cofatui.repository.sql import SqlRepository, make_engine, refresh_statistics

    path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "cofatui", "demo", "--companies", str(companies),
                    "--db", str(path)], check=True, stdout=subprocess.DEVNULL)
    engine = make_engine(f"sqlite:///{path}")
    repo = SqlRepository(engine, LOGIN)
    contract = repo.whoami().default_contract_id or repo.contracts()[0].id
    product = models.Product.__table__  # type: ignore[attr-defined]
    request = getattr(models, "DecisionRequest", None)  # the requests table, once it exists
    now = datetime.now(UTC)
    with engine.begin() as conn:
        have = conn.execute(select(func.count()).select_from(product).where(
            product.c.contract_id == contract, product.c.status == "pending")).scalar_one()
        entry = models.PortfolioEntry.__table__  # type: ignore[attr-defined]
        companies_ids = list(conn.execute(select(entry.c.company_id).where(
            entry.c.contract_id == contract)).scalars())
        rows = [{"contract_id": contract, "company_id": companies_ids[i % len(companies_ids)],
                 "code": "CRL", "status": "pending", "requested_amount": Decimal(5000 + i),
                 "currency": "EUR", "requested_at": now - timedelta(minutes=i + 1),
                 "expected_decision_at": now + timedelta(hours=48, minutes=-i),
                 "updated_at": now, "clause": "", "comment": "", "decided_by": "",
                 "monitored": False, "version": 1}
                for i in range(max(0, pending - have))]
        for start in range(0, len(rows), 2000):
            conn.execute(insert(product), rows[start:start + 2000])
        if request is not None:  # this tree keeps the pending request beside the product
            table = request.__table__
            missing = select(product.c.id, product.c.contract_id, product.c.company_id,
                             product.c.code, product.c.requested_amount, product.c.currency,
                             product.c.requested_at, product.c.expected_decision_at).where(
                product.c.status == "pending",
                ~select(table.c.id).where(table.c.product_id == product.c.id).exists())
            for p in conn.execute(missing).all():
                conn.execute(insert(table).values(
                    product_id=p.id, contract_id=p.contract_id, company_id=p.company_id,
                    kind="initial", status="pending", code=p.code,
                    requested_amount=p.requested_amount, currency=p.currency,
                    requested_at=p.requested_at, expected_decision_at=p.expected_decision_at,
                    requested_by=LOGIN, decided_by="", comment="", version=1))
    refresh_statistics(engine)
    engine.dispose()


# --------------------------------------------------------------- measure (any tree)


def pending_painted(screen: Any) -> bool:
    """The pending requests list shows its first row, and its box its count."""
    if not screen.is_mounted:
        return False
    lists = list(screen.query("#pending"))
    if not lists or lists[0].row_at(0) is None:
        return False
    title = screen.query_one("#pending-box").border_title or ""
    return "(" in str(title)


async def first_paints(runs: int, profile: Any = None) -> dict[str, Any]:
    from cofatui import migrations
    from cofatui.config import Settings
    from cofatui.repository.sql import SqlRepository, make_engine
    from cofatui.tui.app import CofaApp
    from cofatui.tui.features.home.home import HomeScreen
    from tests.bench.bench_tui import FRAME, FrameWatch, summary, workers_done

    engine = make_engine(f"sqlite:///{os.environ['BENCH_HOME_DB']}")
    if not migrations.is_up_to_date(engine):  # a database built by the code before
        migrations.upgrade(engine)
    repo: Any = SqlRepository(engine, LOGIN)  # either tree's signature
    contract = repo.whoami().default_contract_id or repo.contracts()[0].id
    try:
        page = repo.products.pending_requests(contract, 0, 200)
        shown, total = len(page.items), page.total
    except TypeError:  # before: a list of the 200 oldest
        shown = total = len(repo.products.pending_requests(contract))
    app = CofaApp(repo, Settings(language="en"))
    samples: list[float] = []
    cpu: list[float] = []
    async with app.run_test(size=SIZE) as pilot:
        await workers_done(app)
        await pilot.pause()
        frames = FrameWatch(app)
        for _ in range(runs):
            await asyncio.sleep(0.1 + random.uniform(0, FRAME))
            screen = HomeScreen()
            if profile is not None:
                profile.enable()
            start, cpu_start = time.perf_counter(), time.thread_time()
            app.push_screen(screen)
            limit = start + TIMEOUT
            while not pending_painted(screen):
                if time.perf_counter() > limit:
                    raise TimeoutError("Home did not paint its pending requests in time")
                await asyncio.sleep(0.0005)
            await frames.next_frame()
            samples.append((time.perf_counter() - start) * 1000)
            cpu.append((time.thread_time() - cpu_start) * 1000)
            if profile is not None:
                profile.disable()
            title = str(screen.query_one("#pending-box").border_title)
            widgets = sum(1 for _ in screen.walk_children())
            await workers_done(app)
            await pilot.pause()
            app.pop_screen()
            await workers_done(app)
            await pilot.pause()
    engine.dispose()
    return {"first_paint": summary(samples), "ui_thread_cpu": summary(cpu),
            "title": title, "widgets": widgets, "rows_in_first_answer": shown,
            "total_reported": total}


async def measure(runs: int, profile_top: int = 0) -> dict[str, Any]:
    import cofatui
    from tests.bench.bench_tui import calibration

    calibrated = await calibration(max(10, runs))
    profile = cProfile.Profile() if profile_top else None
    result = await first_paints(runs, profile)
    if profile is not None:
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(profile_top)
        result["profile"] = out.getvalue()
    return {"tree": str(Path(cofatui.__file__).parents[1]), "calibration": calibrated,
            **result, "load": round(os.getloadavg()[0], 1)}


# --------------------------------------------------------------- driver

#: The commit before issue 10 reserved migrations 0007-0011 as empty files: a database
#: it made is stamped 0011 with the schema of 0006. Stamped back, the current code runs
#: the real 0007-0011 on it (pending products become requests).
SCHEMA_BEFORE = "0006_claim_debtor"


def restamp(path: Path) -> None:
    import sqlite3

    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = ?", (SCHEMA_BEFORE,))



def run_tree(tree: Path, mode: list[str], db: Path | None = None) -> Any:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    if db is not None:
        env["BENCH_HOME_DB"] = str(db)
    out = subprocess.run([sys.executable, str(Path(__file__).resolve()), *mode], env=env,
                         capture_output=True, text=True, cwd=tree)
    if out.returncode:
        raise SystemExit(f"{tree} {' '.join(mode)} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1]) if out.stdout.strip() else None


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", type=Path, help="a worktree of the code before")
    parser.add_argument("--pending", type=int, default=20_000)
    parser.add_argument("--companies", type=int, default=3_000)
    parser.add_argument("--runs", type=int, default=12, help="home screens painted per round")
    parser.add_argument("--rounds", type=int, default=2, help="alternations of the trees")
    parser.add_argument("--cache", type=Path,
                        default=Path(tempfile.gettempdir()) / "cofatui-bench")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="print the N most expensive functions of each tree's paints")
    parser.add_argument("--build", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.quick:
        args.pending, args.companies, args.runs, args.rounds = 2_000, 500, 4, 1
    if args.build:
        build(args.build, args.companies, args.pending)
        return
    if args.measure:
        print(json.dumps(asyncio.run(measure(args.runs, args.profile))))
        return

    if str(HERE) not in sys.path:  # run as a script: the tree's tests package
        sys.path.insert(0, str(HERE))
    from tests.bench.harness import print_table, write_json

    os.environ.setdefault("COFATUI_DATA_DIR", str(args.cache / "data"))
    os.environ.setdefault("COFATUI_CONFIG_DIR", str(args.cache / "config"))
    origin = args.before or HERE
    source = args.cache / f"home-{args.pending}-{'before' if args.before else 'here'}.sqlite"
    if not source.exists():
        print(f"Building {source} with {origin}…", flush=True)
        run_tree(origin, ["--build", str(source), "--companies", str(args.companies),
                          "--pending", str(args.pending)])
    trees = [("before", args.before)] if args.before else []
    trees.append(("after", HERE))
    copies = {}
    for label, _tree in trees:  # each tree its own copy (the current code migrates it)
        copies[label] = args.cache / f"home-{args.pending}-{label}-run.sqlite"
        for suffix in ("", "-wal", "-shm"):
            Path(str(copies[label]) + suffix).unlink(missing_ok=True)
        shutil.copyfile(source, copies[label])
    if args.before:
        restamp(copies["after"])
    results: dict[str, list[Any]] = {label: [] for label, _ in trees}
    for _round in range(args.rounds):
        for label, tree in trees:
            print(f"round {_round + 1}: {label}…", flush=True)
            results[label].append(run_tree(tree, ["--measure", "--runs", str(args.runs),
                                                  "--profile", str(args.profile)],
                                           copies[label]))
            if "profile" in results[label][-1]:
                print(results[label][-1].pop("profile"))
    rows = []
    for label, rounds in results.items():
        for n, r in enumerate(rounds, start=1):
            rows.append({"code": label, "round": n, "title": r["title"],
                         "widgets": r["widgets"],
                         "first paint median_ms": r["first_paint"]["median_ms"],
                         "p90_ms": r["first_paint"]["p90_ms"],
                         "UI cpu median_ms": r["ui_thread_cpu"]["median_ms"],
                         "calibration median_ms": r["calibration"]["median_ms"],
                         "load": r["load"]})
    print_table(f"Home first paint, {args.pending} pending requests, {SIZE[0]}x{SIZE[1]}", rows)
    print("written to", write_json("home", {"pending": args.pending, "size": SIZE,
                                            "results": results}))


if __name__ == "__main__":
    main()
