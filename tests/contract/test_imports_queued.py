"""Large imports run as jobs, and a stored result always says what was applied.

On every backend: a file above the immediate bounds is queued as an ``import.run`` job
(the result ``running`` meanwhile), the job stores every line and the totals, and the
uploaded file goes with the job. On SQL: a run that dies between two lines leaves the
lines applied marked ``ok`` and nothing else; retried, it goes on from there; failed
for good, the result is settled (totals of what was applied), never ``running``."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.errors import NotFound
from cofatui.jobs.worker import Worker
from cofatui.models import Job
from cofatui.repository.sql.import_apply import IMPORT_JOB, settle_stopped_imports
from cofatui.repository.sql.imports import IMMEDIATE_LINES, SqlImports
from cofatui.schemas_jobs import ImportMode, ImportStatus, JobStatus, LineStatus
from tests.contract.conftest import Backend
from tests.contract.jobs_helpers import run_jobs

HEADER = "EasyNumber;Client reference\n"
GOOD = ["00000000000001;BIG-1", "00000000000002;BIG-2", "00000000000003;BIG-3"]


def _large(good: list[str]) -> bytes:
    """The good lines spread among unknown EasyNumbers, past the immediate bound."""
    unknown = [f"9{n:013d};X" for n in range(IMMEDIATE_LINES)]
    lines = [unknown[0], good[0], *unknown[1:1000], good[1], *unknown[1000:], good[2]]
    return (HEADER + "\n".join(lines) + "\n").encode()


def _references(backend: Backend) -> dict[str, str]:
    rows = backend.open("alice").portfolio.rows(backend.ids["A"], None, 0, 100).items
    return {r.easy_number: r.client_reference for r in rows}


def test_large_import_runs_as_a_job_and_stores_its_result(backend: Backend) -> None:
    alice = backend.open("alice")
    result = alice.imports.run("client_references", backend.ids["A"], "big.csv",
                               _large(GOOD), ImportMode.PER_LINE)
    assert result.total_lines == IMMEDIATE_LINES + 3
    # (a real server's own worker may already have taken it)
    assert result.status == ImportStatus.RUNNING or backend.name == "http-server"
    job = next(j for j in alice.jobs.list().items if j.kind == IMPORT_JOB)
    done = run_jobs(backend, alice, job.id)
    assert done.status == JobStatus.DONE, done.error
    assert done.progress_done == done.progress_total == IMMEDIATE_LINES + 3
    final = alice.imports.result(result.id)
    assert (final.status, final.ok_lines, final.error_lines) == \
        (ImportStatus.PARTIALLY_SUCCEEDED, 3, IMMEDIATE_LINES)
    refs = _references(backend)
    assert [refs[g.split(";")[0]] for g in GOOD] == ["BIG-1", "BIG-2", "BIG-3"]
    assert alice.imports.lines(result.id, 0, 1, errors_first=False).items[0].line_no == 2
    with pytest.raises(NotFound):  # the uploaded file went with the job
        alice.jobs.result_file(job.id)
    assert backend.open("bob").imports.results().items == []


def test_small_import_stays_immediate(backend: Backend) -> None:
    alice = backend.open("alice")
    result = alice.imports.run("client_references", backend.ids["A"], "small.csv",
                               (HEADER + GOOD[0] + "\n").encode(), ImportMode.PER_LINE)
    assert result.status == ImportStatus.SUCCEEDED
    assert [j for j in alice.jobs.list().items if j.kind == IMPORT_JOB] == []


# --- crash mid-file (SQL: the worker is in this process) ------------------------------


class Died(Exception):
    """The worker's process stopping between two lines."""


def _die_after(lines: int) -> object:
    def progress(done: int, _total: int | None = None) -> None:
        if done == lines:
            raise Died

    return progress


def _sql_only(backend: Backend) -> None:
    if backend.name not in ("sqlite", "postgres"):
        pytest.skip("the run is driven in this process, on the database")


@pytest.mark.parametrize("mode", [ImportMode.PER_LINE, ImportMode.ALL_OR_NOTHING])
def test_a_run_dying_between_lines_leaves_a_consistent_result(
        backend: Backend, mode: ImportMode) -> None:
    _sql_only(backend)
    before = _references(backend)
    alice = backend.open("alice")
    result = alice.imports.run("client_references", backend.ids["A"], "big.csv",
                               _large(GOOD), mode)
    imports: SqlImports = alice.imports  # type: ignore[assignment]
    with pytest.raises(Died):  # dies once line 1 003 (the second good one) was done
        imports.run_queued(result.id, _die_after(1002))  # type: ignore[arg-type]
    stored = alice.imports.result(result.id)
    refs = _references(backend)
    lines = alice.imports.lines(result.id, 0, 500, errors_first=False).items
    if mode == ImportMode.PER_LINE:
        # Exactly the lines applied are stored, each with what happened to it.
        assert [(x.line_no, x.status) for x in lines][:3] == [
            (2, LineStatus.ERROR), (3, LineStatus.OK), (4, LineStatus.ERROR)]
        assert refs["00000000000001"] == "BIG-1" and refs["00000000000002"] == "BIG-2"
        assert refs["00000000000003"] == before["00000000000003"]
    else:
        assert lines == [] and refs == before  # nothing applied, nothing stored
    assert stored.status == ImportStatus.RUNNING  # its job may still resume it

    # The job's worker died for good: the result is settled from what was stored.
    with Session(backend.engine) as s, s.begin():
        job = s.execute(select(Job).where(col(Job.kind) == IMPORT_JOB)).scalar_one()
        job.status, job.finished_at = JobStatus.FAILED, backend.clock.now()
    assert settle_stopped_imports(backend.engine, backend.clock.now()) == 1
    settled = alice.imports.result(result.id)
    assert settled.refusal_code == "interrupted"
    if mode == ImportMode.PER_LINE:
        assert (settled.status, settled.ok_lines, settled.error_lines) == \
            (ImportStatus.PARTIALLY_SUCCEEDED, 2, 1000)
    else:
        assert (settled.status, settled.ok_lines, settled.error_lines) == \
            (ImportStatus.FAILED, 0, 0)


def test_a_retried_job_goes_on_from_the_last_stored_line(backend: Backend) -> None:
    _sql_only(backend)
    alice = backend.open("alice")
    result = alice.imports.run("client_references", backend.ids["A"], "big.csv",
                               _large(GOOD), ImportMode.PER_LINE)
    imports: SqlImports = alice.imports  # type: ignore[assignment]
    with pytest.raises(Died):
        imports.run_queued(result.id, _die_after(1500))  # type: ignore[arg-type]
    # The worker's lease runs out; the next worker takes the job again and finishes it.
    with Session(backend.engine) as s, s.begin():
        job = s.execute(select(Job).where(col(Job.kind) == IMPORT_JOB)).scalar_one()
        job.status, job.attempts = JobStatus.RUNNING, 1
        job.lease_until = backend.clock.now() - timedelta(seconds=1)
        job_id = job.id or 0
    run_jobs(backend, alice, job_id)
    final = alice.imports.result(result.id)
    assert (final.status, final.ok_lines, final.error_lines, final.refusal_code) == \
        (ImportStatus.PARTIALLY_SUCCEEDED, 3, IMMEDIATE_LINES, "")
    every = [x.line_no for o in range(0, IMMEDIATE_LINES + 3, 500)
             for x in alice.imports.lines(result.id, o, 500, errors_first=False).items]
    assert every == list(range(2, IMMEDIATE_LINES + 5))  # each line once, none twice


def test_cancelling_a_queued_import_settles_its_result(backend: Backend) -> None:
    if backend.name == "http-server":
        pytest.skip("the server's own worker may start the job before the cancel")
    alice = backend.open("alice")
    result = alice.imports.run("client_references", backend.ids["A"], "big.csv",
                               _large(GOOD), ImportMode.PER_LINE)
    job = next(j for j in alice.jobs.list().items if j.kind == IMPORT_JOB)
    assert alice.jobs.cancel(job.id).status == JobStatus.CANCELLED
    final = alice.imports.result(result.id)
    assert (final.status, final.ok_lines, final.refusal_code) == \
        (ImportStatus.FAILED, 0, "cancelled")
    Worker(backend.engine, clock=backend.clock, schedules=[]).drain()
    assert alice.imports.result(result.id) == final
    assert _references(backend)["00000000000001"] == "CR-001"
