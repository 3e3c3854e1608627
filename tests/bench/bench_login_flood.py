"""Login flood benchmark (issue 13): what a flood of password logins costs the others.

Against a real ``cofatui serve`` on a SQLite file with the contract dataset:

1. **Without the flood**: 20 logged-in clients read ``GET /me`` and open the
   notification list for ``--seconds``: p50/p99 of each. Opening the list is what the
   TUI asks when it shows the list (``NotificationSource``): the first page of 200 rows
   of the user's current contract without a total, then the count; timed from the first
   request to the last answer.
2. **During the flood**: the same 20 clients while 60 others (in a process of their
   own, so the readers do not wait for the flood's interpreter) send logins with unknown
   names (each from its own address, ``X-Forwarded-For``, so the per-address window does
   not stop them): the readers' p50/p99 again, the logins' throughput (answers per
   second, of which password checks per second) and answer p50/p99, the server's peak
   RSS. The ratio during/without is the figure to watch.

Usage::

    python -m tests.bench.bench_login_flood             # 10 s per phase
    python -m tests.bench.bench_login_flood --quick     # 1 s per phase, to keep it working

Prints a table and writes ``tests/bench/results/login_flood.json``. Never asserts.
"""

from __future__ import annotations

import argparse
import multiprocessing
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx

from cofatui import migrations
from cofatui.clock import FixedClock
from cofatui.repository.sql import identity, make_engine
from tests.bench.harness import print_table, write_json
from tests.contract import dataset
from tests.e2e.edge_site import rss_mib
from tests.server import ServerProcess

READERS = 20
FLOODERS = 60
ME = "GET /me"
NOTIFICATION_LIST = "notification list (page of 200 + count)"
READS = (ME, NOTIFICATION_LIST)


def percentile(samples: Sequence[float], q: float) -> float:
    if not samples:
        return 0.0
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


Requests = dict[str, list[tuple[str, dict[str, Any]]]]


def reads_of(url: str, token: str) -> Requests:
    """What one reader asks, by read: ``/me``, and what the TUI asks to open the
    notification list of the user's current contract (the first page without a total,
    then the count)."""
    me = httpx.get(url + "/me", headers={"Authorization": f"Bearer {token}"},
                   timeout=60).json()
    contract = {"contract_id": me["default_contract_id"]} \
        if me.get("default_contract_id") is not None else {}
    return {ME: [("/me", {})],
            NOTIFICATION_LIST: [("/notifications", {**contract, "offset": 0, "limit": 200,
                                                    "with_total": "false"}),
                                ("/notifications", {**contract, "offset": 0, "limit": 1})]}


def read_load(url: str, tokens: Sequence[str], plans: dict[str, Requests], seconds: float,
              statuses: Counter[int]) -> dict[str, list[float]]:
    """READERS clients reading ``/me`` and opening the notification list in turn for
    ``seconds``: answer times by read (when every answer was a 200; every status
    counted in ``statuses``)."""
    times: dict[str, list[float]] = {read: [] for read in READS}
    lock = threading.Lock()
    deadline = [0.0]

    def started() -> None:  # the clocks start once every client is ready
        deadline[0] = time.monotonic() + seconds

    ready = threading.Barrier(READERS, action=started)

    def reader(token: str) -> None:
        with httpx.Client(base_url=url, timeout=60,
                          headers={"Authorization": f"Bearer {token}"}) as client:
            requests = plans[token]
            n = 0
            ready.wait()
            while time.monotonic() < deadline[0]:
                read = READS[n % len(READS)]
                n += 1
                start = time.perf_counter()
                codes = [client.get(path, params=params).status_code
                         for path, params in requests[read]]
                took = time.perf_counter() - start
                with lock:
                    statuses.update(codes)
                    if all(code == 200 for code in codes):
                        times[read].append(took)

    threads = [threading.Thread(target=reader, args=(tokens[n % len(tokens)],))
               for n in range(READERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return times


class FloodClients:
    """FLOODERS clients sending unknown-login attempts until ``stopping`` is set (run in
    a process of its own: 60 client threads sharing the readers' interpreter would make
    the readers wait for its lock, and the figure would measure the bench, not the
    server)."""

    def __init__(self, url: str, stopping: Any, started: Any) -> None:
        self.url = url
        self.stopping = stopping
        self.started = started
        self.times: list[float] = []
        self.statuses: Counter[int] = Counter()
        self.lock = threading.Lock()

    def run(self) -> tuple[list[float], dict[int, int], float]:
        start = time.perf_counter()
        threads = [threading.Thread(target=self.flooder, args=(n,)) for n in range(FLOODERS)]
        for t in threads:
            t.start()
        self.started.set()
        for t in threads:
            t.join()
        return self.times, dict(self.statuses), time.perf_counter() - start

    def flooder(self, n: int) -> None:
        with httpx.Client(base_url=self.url, timeout=60) as client:
            k = 0
            while not self.stopping.is_set():
                k += 1
                address = f"10.{n}.{k // 250 % 250}.{k % 250 + 1}"
                start = time.perf_counter()
                response = client.post("/auth/token", headers={"X-Forwarded-For": address},
                                       json={"login": f"ghost{n}-{k}", "password": "Nope-1234"})
                took = time.perf_counter() - start
                with self.lock:
                    self.times.append(took)
                    self.statuses[response.status_code] += 1
                if response.status_code == 429:  # a polite client would wait Retry-After;
                    time.sleep(0.05)  # a flood only pauses a little


def _flood_process(url: str, stopping: Any, started: Any, results: Any) -> None:
    results.put(FloodClients(url, stopping, started).run())


class Flood:
    """The flood in a child process: ``start()``, ``stop()``, then its answer times,
    statuses and length."""

    def __init__(self, url: str) -> None:
        context = multiprocessing.get_context("spawn")
        self._stopping = context.Event()
        self._started = context.Event()
        self._results = context.Queue()
        self._process = context.Process(
            target=_flood_process, args=(url, self._stopping, self._started, self._results),
            daemon=True)
        self.times: list[float] = []
        self.statuses: Counter[int] = Counter()
        self.seconds = 0.0

    def start(self) -> None:
        """Returns once the flood's clients run (a process starts slowly on a busy
        machine: the readers' second phase must not begin before the flood)."""
        self._process.start()
        if not self._started.wait(180):
            raise RuntimeError("the flood's process did not start")

    def stop(self) -> None:
        self._stopping.set()
        times, statuses, seconds = self._results.get(timeout=180)
        self._process.join(30)
        self.times, self.statuses, self.seconds = times, Counter(statuses), seconds


def run(seconds: float) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        engine = make_engine(f"sqlite:///{home / 'bench.sqlite'}")
        migrations.upgrade(engine)
        dataset.build(engine)
        clock = FixedClock(dataset.NOW)
        tokens = [identity.create_token(engine, who, clock=clock)[0]
                  for who in ("alice", "bob", "admin", "carol")]
        with ServerProcess(str(engine.url), home, clock=dataset.NOW.isoformat()) as server:
            assert server.proc is not None
            pid = server.proc.pid
            rss_before = rss_mib(pid)
            read_statuses: Counter[int] = Counter()
            plans = {token: reads_of(server.url, token) for token in tokens}
            quiet = read_load(server.url, tokens, plans, seconds, read_statuses)
            flood = Flood(server.url)
            peak = [rss_before]
            sampling = threading.Event()

            def sample() -> None:
                while not sampling.is_set():
                    peak.append(rss_mib(pid))
                    sampling.wait(0.1)

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            flood.start()
            time.sleep(min(1.0, seconds / 2))  # the flood is under way
            loud = read_load(server.url, tokens, plans, seconds, read_statuses)
            flood.stop()
            sampling.set()
            sampler.join(10)
        engine.dispose()
    rows: list[dict[str, Any]] = []
    for read in READS:
        q50, q99 = percentile(quiet[read], 0.5), percentile(quiet[read], 0.99)
        l50, l99 = percentile(loud[read], 0.5), percentile(loud[read], 0.99)
        rows.append({"what": f"{read}, {READERS} clients",
                     "p50_ms_without": round(q50 * 1000, 1), "p99_ms_without": round(q99 * 1000, 1),
                     "p50_ms_flood": round(l50 * 1000, 1), "p99_ms_flood": round(l99 * 1000, 1),
                     "ratio_p50": round(l50 / q50, 2) if q50 else None,
                     "ratio_p99": round(l99 / q99, 2) if q99 else None,
                     "reads": len(quiet[read]) + len(loud[read])})
    answers = sum(flood.statuses.values())
    checked = flood.statuses.get(401, 0)
    login = {"clients": FLOODERS, "seconds": round(flood.seconds, 1), "answers": answers,
             "answers_per_s": round(answers / flood.seconds, 1) if flood.seconds else 0,
             "checks_per_s": round(checked / flood.seconds, 1) if flood.seconds else 0,
             "statuses": dict(flood.statuses),
             "p50_ms": round(percentile(flood.times, 0.5) * 1000, 1),
             "p99_ms": round(percentile(flood.times, 0.99) * 1000, 1)}
    return {"seconds_per_phase": seconds, "reads": rows, "logins": login,
            "read_statuses": dict(read_statuses),
            "rss_mib": {"before": round(rss_before), "peak": round(max(peak))}}


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--quick", action="store_true", help="1 s per phase")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each phase")
    args = parser.parse_args(argv)
    payload = run(1.0 if args.quick else args.seconds)
    print_table("Reads without / during a login flood", payload["reads"])
    print_table("The flood's logins", [{k: v for k, v in payload["logins"].items()
                                        if k != "statuses"}])
    print(f"read answers by status: {payload['read_statuses']}; "
          f"login answers by status: {payload['logins']['statuses']}; server RSS "
          f"{payload['rss_mib']['before']} MiB before, peak {payload['rss_mib']['peak']} MiB")
    write_json("login_flood", payload)
    return payload


if __name__ == "__main__":
    main()
