"""User lists at 5 000 members (issue 16: "User list page with 5 000 members: goal
≤ 50 ms").

Builds a SQLite database (or a PostgreSQL schema with ``--pg``) holding one
organisation with two contracts, an administrator ``admin`` with full rights on both,
and N members (default 5 000): two in three attached to contract A (a third of those
read-only), the others members of the organisation not attached to it. Then, as
``admin`` through the SQL repository, times the pages the Tools › User management
screen asks for:

1. the attached list, first page of 100, by last name (what the screen opens on);
2. the same sorted by last update, newest first (a header click);
3. the same filtered as one types (``query="mar"``);
4. the not-attached list, first page;
5. a deep page (offset 3 000), as when scrolling.

Anchor, in the same run: ``repo.contracts()`` (one small authorised read of the same
repository: the floor of any call). Prints a table with each median's ratio to the
anchor and writes ``tests/bench/results/users.json``; nothing is asserted.

Usage::

    python -m tests.bench.bench_users                  # 5 000 members, SQLite
    python -m tests.bench.bench_users --members 20000
    python -m tests.bench.bench_users --pg postgresql://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import os
import random
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from cofatui.models import Contract, User, UserContract
from cofatui.repository.sql import SqlRepository
from tests.bench.bench_jobs import _database
from tests.bench.harness import measure, print_table, write_json

MEMBERS = 5_000
NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)
FIRST = ("Marie", "Jean", "Camille", "Luc", "Anne", "Paul", "Léa", "Hugo", "Chloé", "Marc")
LAST = ("Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand",
        "Leroy", "Moreau", "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "Marchand")


def build(engine: Engine, members: int, seed: int = 16) -> int:
    """The database (migrated); returns contract A's id."""
    r = random.Random(seed)
    with Session(engine) as s:
        a = Contract(policy_number="1234567", policyholder="Bench SA", currency="EUR")
        b = Contract(policy_number="7654321", policyholder="Bench SA", currency="EUR")
        s.add_all([a, b])
        s.flush()
        assert a.id is not None and b.id is not None
        admin = User(login="admin", role="contract_admin", first_name="Ada",
                     last_name="Admin", created_at=NOW, updated_at=NOW)
        s.add(admin)
        s.flush()
        assert admin.id is not None
        s.add_all([UserContract(user_id=admin.id, contract_id=cid, rights="full",
                                section_rights="{}") for cid in (a.id, b.id)])
        s.flush()
        organisation = s.execute(text("SELECT organisation_id FROM contract WHERE id = :i"),
                                 {"i": a.id}).scalar_one()
        rows = []
        for i in range(members):
            first, last = r.choice(FIRST), r.choice(LAST)
            rows.append({
                "login": f"{first[0].lower()}.{last.lower()}{i}", "title": r.choice(
                    ("mr", "mrs", "ms")), "first_name": first, "last_name": last,
                "email": f"user{i}@bench.example", "language": r.choice(("fr", "en")),
                "role": "policyholder", "status": "active", "organisation_id": organisation,
                "created_at": NOW - timedelta(days=r.randrange(2000)),
                "updated_at": NOW - timedelta(minutes=r.randrange(500_000)),
                "version": 1})
        s.execute(insert(User), rows)
        ids = [row[0] for row in s.execute(
            text("SELECT id FROM \"user\" WHERE login <> 'admin' ORDER BY id")).all()]
        s.execute(insert(UserContract), [
            {"user_id": uid, "contract_id": a.id,
             "rights": "read_only" if k % 3 == 0 else "full", "section_rights": "{}"}
            for k, uid in enumerate(ids) if k % 3 != 2])
        s.commit()
        return a.id


def run(members: int, pg: str | None) -> dict[str, Any]:
    engine, _url, cleanup = _database(pg)  # migrated; PostgreSQL: a schema of its own
    started = time.perf_counter()
    contract_id = build(engine, members)
    built = time.perf_counter() - started
    repo = SqlRepository(engine, "admin")
    pages: dict[str, Callable[[], Any]] = {
        "anchor: repo.contracts()": repo.contracts,
        "attached, first page by last name": lambda: repo.users.contract_users(
            contract_id, attached=True, limit=100),
        "attached, by last update (newest first)": lambda: repo.users.contract_users(
            contract_id, attached=True, limit=100, sort="updated_at", descending=True),
        "attached, filter 'mar'": lambda: repo.users.contract_users(
            contract_id, attached=True, limit=100, query="mar"),
        "not attached, first page": lambda: repo.users.contract_users(
            contract_id, attached=False, limit=100),
        "attached, page at offset 3 000": lambda: repo.users.contract_users(
            contract_id, attached=True, offset=3000, limit=100),
    }
    first = repo.users.contract_users(contract_id, attached=True, limit=100)
    results = {name: measure(fn, repeat=30, warmup=3) for name, fn in pages.items()}
    anchor = results["anchor: repo.contracts()"]["median_ms"]
    table = [{"measure": name, **figures,
              "x anchor": round(figures["median_ms"] / anchor, 1) if anchor else ""}
             for name, figures in results.items()]
    backend = "postgresql" if pg else "sqlite"
    print_table(f"User lists, {members} members ({backend}; built in {built:.1f} s; "
                f"{first.total} attached; goal ≤ 50 ms a page)", table)
    print("load average (1, 5, 15 min):", os.getloadavg())
    engine.dispose()
    cleanup()
    return {"members": members, "backend": backend, "attached": first.total,
            "results": results, "load": os.getloadavg()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=MEMBERS)
    parser.add_argument("--pg", help="a PostgreSQL URL (a schema of its own is used)")
    args = parser.parse_args()
    payload = run(args.members, args.pg)
    path = write_json(f"users_{payload['backend']}", payload)
    print(f"written to {path}")


if __name__ == "__main__":
    main()
