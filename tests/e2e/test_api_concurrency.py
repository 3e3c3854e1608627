"""Concurrency and durability of the API against real ``cofatui serve`` processes on
SQLite files: stale writes get 409 and lose nothing, 20 clients doing mixed reads and
writes finish with no unexpected error and a consistent database, and a SIGKILL during
a write load loses no acknowledged write."""

from __future__ import annotations

import itertools
import json
import random
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui import migrations
from cofatui.clock import FixedClock
from cofatui.errors import Conflict, Unavailable
from cofatui.models import AuditEntry, PortfolioEntry
from cofatui.repository.http import HttpRepository
from cofatui.repository.sql import identity, make_engine
from cofatui.schemas import (
    CompanySearch,
    NotificationFilter,
    PortfolioCriteria,
    PortfolioEntryUpdate,
)
from tests.contract import dataset
from tests.server import ServerProcess

LOAD_SECONDS = 5.0  # the mixed load runs at least this long…
MIN_WRITES, MIN_READS = 20, 50  # …and until it did at least this much (a busy machine
HARD_SECONDS = 90.0  # running other tests side by side is slower), within this bound
CLIENTS = 20
WRITERS = ("alice", "admin", "both")  # full rights on contract A
READERS = ("reader", "carol", "bob", "uw")


@dataclass
class Site:
    engine: Engine
    ids: dict[str, int]
    server: ServerProcess
    clock: FixedClock = field(default_factory=lambda: FixedClock(dataset.NOW))

    def repo(self, login: str) -> HttpRepository:
        token, _ = identity.create_token(self.engine, login, clock=self.clock)
        return HttpRepository(self.server.url, token, timeout=30.0)


def _site(home: Path) -> tuple[Engine, dict[str, int], ServerProcess]:
    engine = make_engine(f"sqlite:///{home / 'api.sqlite'}")
    migrations.upgrade(engine)
    ids = dict(dataset.build(engine))
    return engine, ids, ServerProcess(str(engine.url), home, clock=dataset.NOW.isoformat())


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    engine, ids, server = _site(tmp_path_factory.mktemp("concurrency"))
    with server:
        yield Site(engine, ids, server)
    engine.dispose()


def entry_versions(engine: Engine) -> dict[int, tuple[int, str]]:
    with Session(engine) as s:
        return {e.id: (e.version, e.client_reference)
                for e in s.execute(select(PortfolioEntry)).scalars() if e.id is not None}


def test_stale_write_gets_conflict_and_nothing_is_lost(site: Site) -> None:
    first, second = site.repo("alice"), site.repo("admin")
    entry_id = site.ids["entry:A:gamma"]
    row = next(r for r in first.portfolio.rows(site.ids["A"]).items if r.entry_id == entry_id)
    barrier = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def write(name: str, repo: HttpRepository) -> None:
        barrier.wait()
        try:
            outcomes[name] = repo.portfolio.update_entry(
                entry_id, PortfolioEntryUpdate(client_reference=f"by-{name}"), row.version)
        except Conflict as exc:
            outcomes[name] = exc

    threads = [threading.Thread(target=write, args=(n, r))
               for n, r in (("first", first), ("second", second))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    winners = [n for n, o in outcomes.items() if not isinstance(o, Conflict)]
    losers = [n for n, o in outcomes.items() if isinstance(o, Conflict)]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    version, reference = entry_versions(site.engine)[entry_id]
    assert (version, reference) == (row.version + 1, f"by-{winners[0]}")
    # The loser reloads and retries: both changes are now in the history.
    fresh = next(r for r in second.portfolio.rows(site.ids["A"]).items if r.entry_id == entry_id)
    second.portfolio.update_entry(entry_id, PortfolioEntryUpdate(client_reference="retried"),
                                  fresh.version)
    assert entry_versions(site.engine)[entry_id] == (row.version + 2, "retried")
    for repo in (first, second):
        repo.close()


@dataclass
class Tally:
    reads: int = 0
    writes: Counter[int] = field(default_factory=Counter)  # entry id -> acknowledged
    last: dict[int, tuple[int, str]] = field(default_factory=dict)  # entry -> (version, ref)
    conflicts: int = 0
    unexpected: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _keep_going(tally: Tally, deadline: float, hard_deadline: float) -> bool:
    now = time.monotonic()
    if now >= hard_deadline:
        return False
    if now < deadline:
        return True
    with tally.lock:
        return sum(tally.writes.values()) <= MIN_WRITES or tally.reads <= MIN_READS


def _client(site: Site, n: int, login: str, deadline: float, tally: Tally) -> None:
    rng = random.Random(n)
    repo = site.repo(login)
    a = site.ids["A"]
    entries = [site.ids[f"entry:A:{k}"] for k in ("alpha", "beta", "gamma", "foo", "delta")]
    counter = itertools.count()
    try:
        hard_deadline = deadline - LOAD_SECONDS + HARD_SECONDS
        while _keep_going(tally, deadline, hard_deadline):
            op = rng.random()
            try:
                if login in WRITERS and op < 0.45:
                    entry_id = rng.choice(entries)
                    rows = repo.portfolio.rows(a, limit=10).items
                    version = next(r.version for r in rows if r.entry_id == entry_id)
                    ref = f"c{n}-{next(counter)}"
                    row = repo.portfolio.update_entry(
                        entry_id, PortfolioEntryUpdate(client_reference=ref), version)
                    with tally.lock:
                        tally.writes[entry_id] += 1
                        if row.version > tally.last.get(entry_id, (0, ""))[0]:
                            tally.last[entry_id] = (row.version, ref)
                elif login in WRITERS and op < 0.55:
                    repo.notifications.mark([site.ids["n1"], site.ids["n2"]], rng.random() < .5)
                elif login in WRITERS and op < 0.6:
                    repo.portfolio.set_favourite(site.ids["gamma"], rng.random() < 0.5)
                else:
                    contract = site.ids["B"] if login == "bob" else a
                    choice = rng.randrange(5)
                    if choice == 0:
                        repo.portfolio.rows(contract, PortfolioCriteria(text="a"), limit=50)
                    elif choice == 1:
                        repo.notifications.rows(NotificationFilter(read=False))
                    elif choice == 2:
                        repo.notifications.unread_count()
                    elif choice == 3:
                        repo.companies.search(CompanySearch(country="FRA", name="al"))
                    else:
                        repo.products.wap(contract)
                    with tally.lock:
                        tally.reads += 1
            except Conflict:
                with tally.lock:
                    tally.conflicts += 1
            except Exception as exc:  # anything else is a failure of the test
                with tally.lock:
                    tally.unexpected.append(f"{login}: {type(exc).__name__}: {exc}")
    finally:
        repo.close()


def test_twenty_clients_mixed_load_is_consistent(site: Site) -> None:
    before = entry_versions(site.engine)
    with Session(site.engine) as s:
        audit_before = len(s.execute(select(col(AuditEntry.id))).all())
    tally = Tally()
    logins = [(WRITERS + READERS)[i % len(WRITERS + READERS)] for i in range(CLIENTS)]
    deadline = time.monotonic() + LOAD_SECONDS
    threads = [threading.Thread(target=_client, args=(site, i, login, deadline, tally))
               for i, login in enumerate(logins)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(HARD_SECONDS + 60)
    assert not any(t.is_alive() for t in threads)
    assert tally.unexpected == [], tally.unexpected[:5]
    # the load really ran
    assert sum(tally.writes.values()) > MIN_WRITES and tally.reads > MIN_READS
    after = entry_versions(site.engine)
    for entry_id, (version, ref) in after.items():
        # Every acknowledged write moved the version by one; nothing else did.
        assert version == before[entry_id][0] + tally.writes[entry_id], entry_id
        if tally.writes[entry_id]:
            assert (version, ref) == tally.last[entry_id]
    with Session(site.engine) as s:
        audited = [json.loads(c) for op, c in s.execute(
            select(col(AuditEntry.operation), col(AuditEntry.changes))
            .where(col(AuditEntry.id) > audit_before)).all() if op == "update_portfolio_entry"]
    assert len(audited) == sum(tally.writes.values())
    print(f"\n{tally.reads} reads, {sum(tally.writes.values())} writes, "
          f"{tally.conflicts} conflicts (expected) in {LOAD_SECONDS:.0f} s")


def test_sigkill_loses_no_acknowledged_write(tmp_path: Path) -> None:
    engine, ids, server = _site(tmp_path)
    clock = FixedClock(dataset.NOW)
    entries = [ids[f"entry:A:{k}"] for k in ("alpha", "beta", "gamma", "foo", "delta")]
    acknowledged: dict[int, list[tuple[int, str]]] = defaultdict(list)
    stop = threading.Event()
    failures: list[Exception] = []

    def writer(entry_id: int) -> None:  # one writer per entry: versions are its own
        token, _ = identity.create_token(engine, "alice", clock=clock)
        repo = HttpRepository(server.url, token, timeout=5.0)
        version = 1
        try:
            for n in itertools.count():
                if stop.is_set():
                    return
                ref = f"w{entry_id}-{n}"
                try:
                    row = repo.portfolio.update_entry(
                        entry_id, PortfolioEntryUpdate(client_reference=ref), version)
                except Unavailable:
                    return  # the server is gone: this write was not acknowledged
                except Exception as exc:
                    failures.append(exc)
                    return
                acknowledged[entry_id].append((row.version, ref))
                version = row.version
        finally:
            repo.close()

    server.start()
    try:
        threads = [threading.Thread(target=writer, args=(e,)) for e in entries]
        for t in threads:
            t.start()
        # Kill once the writes are flowing (a fixed wait saw too few on a loaded machine).
        deadline = time.monotonic() + 60
        while sum(len(v) for v in acknowledged.values()) <= 20 and time.monotonic() < deadline:
            time.sleep(0.05)
        server.kill()
        stop.set()
        for t in threads:
            t.join(30)
        assert failures == []
        total = sum(len(v) for v in acknowledged.values())
        assert total > 20, "the load ran before the kill"
        server.start()  # same database, new process
        repo = HttpRepository(server.url, identity.create_token(engine, "alice",
                                                                clock=clock)[0])
        rows = {r.entry_id: r for r in repo.portfolio.rows(ids["A"]).items}
        repo.close()
    finally:
        server.stop()
    with Session(engine) as s:
        audited = {json.loads(c)["client_reference"][1] for c in s.execute(
            select(col(AuditEntry.changes))
            .where(col(AuditEntry.operation) == "update_portfolio_entry")).scalars()}
    engine.dispose()
    for entry_id, writes in acknowledged.items():
        last_version, last_ref = writes[-1]
        row = rows[entry_id]
        # The last acknowledged write is there, or one more that was in flight.
        assert row.version in (last_version, last_version + 1)
        if row.version == last_version:
            assert row.client_reference == last_ref
        assert {ref for _, ref in writes} <= audited
    print(f"\n{total} acknowledged writes before SIGKILL, all present after restart")
