"""Bulk orders on the SQL repository itself (issue 14, items 6 and 7): what only the
job's side shows — a run that dies mid-file resumes at the first line without a
result and runs no line twice; a cancel stops before the next line; on PostgreSQL two
imports ordering the same products at once give one order per (company, product).
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.config import MailSettings
from cofatui.jobs import queue
from cofatui.jobs.bulk import run_bulk_import
from cofatui.jobs.worker import JobCancelled, JobContext
from cofatui.models import BulkLine, Job, Product
from cofatui.repository.sql import SqlRepository
from cofatui.repository.sql.bulk import BULK_JOB
from cofatui.schemas_bulk import BulkLineStatus, BulkStatus
from cofatui.schemas_jobs import JobStatus
from tests.contract.bulk_helpers import add_seed_companies
from tests.contract.conftest import Backend
from tests.contract.sql_only import sql_backend  # noqa: F401  (the SQL backends only)

ORDERS = [  # five lines that each order or end something, all OK on the seed data
    "FRA;;CRScny;100156874;R1;CCO;C;5000;;",
    "FRA;;SIREN;957854658;R2;RCO;C;;;",
    "FRA;;SIREN;958478954;;ROM;S;;;",
    "FRA;00000056487951;;;;ROM;S;;;",
    "DEU;;HRN_DEU;HRB 97512;;CRL;D;;;",
]


class Crash(Exception):
    """The worker dies here."""


@pytest.fixture
def seeded(backend: Backend) -> Backend:
    add_seed_companies(backend.engine, backend.ids["A"])
    return backend


def _repo(backend: Backend, login: str = "alice") -> SqlRepository:
    repo = backend.open(login)
    assert isinstance(repo, SqlRepository)
    return repo


def _products(backend: Backend) -> int:
    with Session(backend.engine) as s:
        return int(s.execute(select(func.count()).select_from(Product)).scalar_one())


def _results(backend: Backend, import_id: int) -> list[int]:
    with Session(backend.engine) as s:
        return list(s.execute(select(col(BulkLine.line_no)).where(
            col(BulkLine.import_id) == import_id).order_by(col(BulkLine.line_no))).scalars())


def test_a_run_killed_mid_file_resumes_without_running_a_line_twice(
        seeded: Backend) -> None:
    alice = _repo(seeded)
    content = ("\n".join(ORDERS) + "\n").encode()
    started = alice.bulk.start(seeded.ids["A"], "five.csv", content)
    import_id = started.bulk_import.id
    before = _products(seeded)
    calls: list[int] = []

    def dies_at_the_third_line(done: int, total: int) -> None:
        calls.append(done)
        if done == 2:
            raise Crash

    with pytest.raises(Crash):
        alice.bulk.run_job(import_id, dies_at_the_third_line)
    assert _results(seeded, import_id) == [1, 2]  # exactly the lines that ran
    assert _products(seeded) == before + 2  # the two orders, nothing of line 3
    resumed: list[int] = []
    alice.bulk.run_job(import_id, lambda done, total: resumed.append(done))
    assert resumed[0] == 2  # went on at the first line without a result
    assert _results(seeded, import_id) == [1, 2, 3, 4, 5]
    assert _products(seeded) == before + 2
    final = alice.bulk.get(import_id)
    assert (final.status, final.ok_lines) == (BulkStatus.SUCCEEDED, 5)
    alice.bulk.run_job(import_id)  # finished: nothing runs again
    assert _products(seeded) == before + 2


def test_a_cancel_stops_before_the_next_line(seeded: Backend) -> None:
    alice = _repo(seeded)
    content = ("\n".join(ORDERS) + "\n").encode()
    import_id = alice.bulk.start(seeded.ids["A"], "five.csv", content).bulk_import.id

    def cancelled_after_two(done: int, total: int) -> None:
        if done == 2:
            raise JobCancelled

    with pytest.raises(JobCancelled):
        alice.bulk.run_job(import_id, cancelled_after_two)
    alice.bulk.stop(import_id, cancelled=True)
    final = alice.bulk.get(import_id)
    assert (final.status, final.ok_lines, final.not_processed_lines, final.cancelled) == \
        (BulkStatus.PARTIALLY_SUCCEEDED, 2, 3, True)
    lines = alice.bulk.lines(import_id, status=BulkLineStatus.NOT_PROCESSED).items
    assert [line.line_no for line in lines] == [3, 4, 5]
    assert {line.code for line in lines} == {"not_processed"}


def test_the_job_cancelled_while_running_leaves_the_rest_not_processed(
        seeded: Backend) -> None:
    alice = _repo(seeded)
    started = alice.bulk.start(seeded.ids["A"], "five.csv",
                               ("\n".join(ORDERS) + "\n").encode())
    assert started.job is not None
    claimed = queue.Claimed(started.job.id, BULK_JOB,
                            {"import_id": started.bulk_import.id}, "alice", 1, 3)
    ctx = JobContext(claimed, seeded.engine, seeded.clock, MailSettings())
    ctx.cancel.set()  # what the heartbeat does when the user cancels
    with pytest.raises(JobCancelled):
        run_bulk_import(ctx)
    final = alice.bulk.get(started.bulk_import.id)
    assert (final.status, final.not_processed_lines, final.cancelled) == \
        (BulkStatus.FAILED, 5, True)


def test_a_job_failed_for_good_is_settled_when_read(seeded: Backend) -> None:
    alice = _repo(seeded)
    started = alice.bulk.start(seeded.ids["A"], "five.csv",
                               ("\n".join(ORDERS) + "\n").encode())
    assert started.job is not None
    with Session(seeded.engine) as s:
        job = s.get(Job, started.job.id)
        assert job is not None
        job.status, job.error_code = JobStatus.FAILED.value, "jobs.worker_lost"
        s.commit()
    final = alice.bulk.get(started.bulk_import.id)
    assert (final.status, final.not_processed_lines, final.cancelled) == \
        (BulkStatus.FAILED, 5, False)
    line = alice.bulk.lines(final.id, limit=1).items[0]
    assert line.detail_code == "bulk_imports.stopped"


@pytest.mark.postgres
def test_two_concurrent_imports_give_one_order_per_pair(seeded: Backend) -> None:
    if seeded.name != "postgres":
        pytest.skip("row locks: PostgreSQL (SQLite runs one writer at a time)")
    # three companies, one of them not yet in the portfolio; both files order the same
    content = (b"FRA;;CRScny;100156874;;CCO;C;5000;;\n"
               b"FRA;;SIREN;957854658;;RCO;C;;;\n"
               b"FRA;00000056487951;;;;CCO;C;5000;;\n")
    repos = [_repo(seeded), _repo(seeded, "admin")]
    ids = [r.bulk.start(seeded.ids["A"], f"f{n}.csv", content, again=True).bulk_import.id
           for n, r in enumerate(repos)]
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def run(repo: SqlRepository, import_id: int) -> None:
        try:
            barrier.wait()
            repo.bulk.run_job(import_id)
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(r, i)) for r, i in zip(repos, ids,
                                                                          strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors
    for line_no in (1, 2, 3):
        statuses = sorted(
            next(ln for ln in repos[0].bulk.lines(i).items if ln.line_no == line_no).status
            for i in ids)
        assert statuses == [BulkLineStatus.ERROR, BulkLineStatus.OK], \
            (line_no, [repos[0].bulk.lines(i).items for i in ids])
    with Session(seeded.engine) as s:
        live = s.execute(select(col(Product.company_id), col(Product.code), func.count())
                         .where(col(Product.code).in_(["CCO", "RCO"]),
                                col(Product.status) != "deleted")
                         .group_by(col(Product.company_id), col(Product.code))).all()
    assert all(n == 1 for _, _, n in live)
