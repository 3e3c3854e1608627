"""repo.jobs on every backend: queue, watch, cancel, fetch the result, and only mine."""

from __future__ import annotations

import csv
import io

import pytest

from cofatui.errors import NotFound, RuleViolation, ValidationFailed
from cofatui.schemas_jobs import JobStatus
from tests.contract.conftest import Backend
from tests.contract.jobs_helpers import run_jobs


def _rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def test_notification_export_job_produces_the_owners_rows_as_a_file(backend: Backend) -> None:
    alice = backend.open("alice")
    job = alice.jobs.queue("export.notifications",
                           {"format": "csv", "language": "fr",
                            "filter": {"contract_id": backend.ids["A"]}})
    assert job.kind == "export.notifications" and not job.finished
    done = run_jobs(backend, alice, job.id)
    assert done.status == JobStatus.DONE, done.error
    assert done.progress_done == done.progress_total == 5
    stored = alice.jobs.result_file(job.id)
    assert stored.name == done.result_name and stored.name.endswith(".csv")
    rows = _rows(stored.content)
    assert rows[0][0] == "Statut"  # French headings: the language asked for
    assert len(rows) == 1 + 5  # contract A's five notifications
    assert [j.id for j in alice.jobs.list().items] == [job.id]


def test_portfolio_export_job_keeps_the_rows_displayed_in_their_order(backend: Backend) -> None:
    alice = backend.open("alice")
    shown = [backend.ids["gamma"], backend.ids["alpha"]]
    job = alice.jobs.queue("export.portfolio", {"contract_id": backend.ids["A"],
                                                "company_ids": shown, "format": "csv"})
    done = run_jobs(backend, alice, job.id)
    assert done.status == JobStatus.DONE, done.error
    rows = _rows(alice.jobs.result_file(job.id).content)
    assert [r[0] for r in rows[1:]] == ["Gamma Tessile SpA", "Alpha Industries"]


def test_jobs_and_their_files_are_their_owners_only(backend: Backend) -> None:
    alice = backend.open("alice")
    job = alice.jobs.queue("export.notifications", {"format": "csv"})
    run_jobs(backend, alice, job.id)
    bob = backend.open("bob")
    assert bob.jobs.list().items == []
    for call in (lambda: bob.jobs.get(job.id), lambda: bob.jobs.result_file(job.id),
                 lambda: bob.jobs.cancel(job.id)):
        with pytest.raises(NotFound):
            call()


def test_portfolio_export_of_a_contract_not_mine_is_refused(backend: Backend) -> None:
    from cofatui.errors import Forbidden

    with pytest.raises((Forbidden, NotFound)):
        backend.open("bob").jobs.queue("export.portfolio", {"contract_id": backend.ids["A"]})


def test_unknown_kind_or_bad_parameters_are_refused(backend: Backend) -> None:
    alice = backend.open("alice")
    with pytest.raises(ValidationFailed):
        alice.jobs.queue("rm -rf", {})
    with pytest.raises(ValidationFailed):
        alice.jobs.queue("export.notifications", {"format": "pdf"})


def test_cancelled_job_never_runs_and_an_ended_job_cannot_be_cancelled(
        backend: Backend) -> None:
    alice = backend.open("alice")
    job = alice.jobs.queue("export.notifications", {"format": "csv"})
    try:
        cancelled = alice.jobs.cancel(job.id)
    except RuleViolation:
        # Only a real server's own worker can have run it in between.
        assert backend.name == "http-server"
        return
    assert cancelled.cancel_requested
    ended = run_jobs(backend, alice, job.id)
    if cancelled.status == JobStatus.RUNNING:
        # Only a real server's own worker can have started it in between: a running job
        # heeds a cancel between its steps, and so small a one may end first.
        assert backend.name == "http-server"
        assert ended.status in (JobStatus.CANCELLED, JobStatus.DONE)
    else:
        assert ended.status == JobStatus.CANCELLED
        with pytest.raises(NotFound):
            alice.jobs.result_file(job.id)
    with pytest.raises(RuleViolation):
        alice.jobs.cancel(job.id)
