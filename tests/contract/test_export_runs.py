"""Runs of custom exports on every backend (issue 15): the ``export.run`` job writes the
files the scenario asks for, the list shows the rows and the files, a cancel or a
failure is shown with its reason in the owner's language, a scheduled scenario is run
once at its latest due time, and the e-mail is queued to the owner with the files
attached, or with a note when they are too large."""

from __future__ import annotations

import csv
import io
import threading
import time
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.enums import (
    ExportAggregation,
    ExportCategory,
    ExportFormatChoice,
    ExportMailStatus,
    ExportRunStatus,
)
from cofatui.errors import NotFound, RuleViolation
from cofatui.jobs import export_runs
from cofatui.jobs.export_purge import purge_expired_exports
from cofatui.jobs.export_schedule import fire_due_scenarios
from cofatui.jobs.worker import JobContext, Worker
from cofatui.models import (
    AuditEntry,
    ExportRun,
    ExportScenario,
    OutboxMessage,
    User,
    UserContract,
)
from cofatui.repository.base import Repository
from cofatui.schemas_exports import ExportRunPublic, ExportScenarioIn
from cofatui.schemas_jobs import ExportFormat, JobStatus
from tests.contract.conftest import Backend
from tests.contract.jobs_helpers import run_jobs


def _scenario(repo: Repository, backend: Backend, *,
              fmt: ExportFormatChoice = ExportFormatChoice.BOTH, email: bool = False,
              name: str = "ERP weekly") -> int:
    default = next(t for t in repo.exports.templates(ExportCategory.PORTFOLIO) if t.default)
    created = repo.exports.create_scenario(ExportScenarioIn(
        category=ExportCategory.PORTFOLIO, name=name, template_id=default.id,
        contract_ids=[backend.ids["A"]], aggregation=ExportAggregation.PRODUCT, format=fmt,
        email=email))
    return created.id


def _run(backend: Backend, repo: Repository, scenario_id: int) -> ExportRunPublic:
    queued = repo.exports.run(scenario_id)
    assert queued.status == ExportRunStatus.RUNNING and queued.job_id is not None
    run_jobs(backend, repo, queued.job_id)
    return repo.exports.get_run(queued.id)


def _download(repo: Repository, export_id: int, fmt: ExportFormat) -> bytes:
    return b"".join(repo.exports.download(export_id, fmt).chunks)


def _in_process(backend: Backend) -> None:
    if backend.name == "http-server":
        pytest.skip("the server's process cannot be patched from the test")


def test_a_run_writes_the_files_and_its_rows_are_the_files_rows(backend: Backend) -> None:
    alice = backend.open("alice")
    done = _run(backend, alice, _scenario(alice, backend))
    assert done.status == ExportRunStatus.AVAILABLE, done.error
    assert {f.format for f in done.files} == {ExportFormat.XLSX, ExportFormat.CSV}
    assert done.rows_total == done.rows_done and done.rows_done > 0
    lines = list(csv.reader(io.StringIO(_download(alice, done.id, ExportFormat.CSV)
                                        .decode("utf-8-sig")), delimiter=";"))
    sheet = load_workbook(io.BytesIO(_download(alice, done.id, ExportFormat.XLSX)),
                          read_only=True).active
    assert sheet is not None
    cells = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert len(lines) - 1 == len(cells) - 1 == done.rows_done
    assert lines[0] == [str(c) for c in cells[0]]  # the same header, in alice's French
    assert done.mail_status == ExportMailStatus.NONE
    # Audited: who, which contracts, how many rows.
    with Session(backend.engine) as s:
        entry = s.execute(select(AuditEntry).where(col(AuditEntry.operation) == "export.run",
                                                   col(AuditEntry.target_id) == done.id)
                          ).scalar_one()
    assert (entry.login, entry.contract_id) == ("alice", backend.ids["A"])
    assert f'"rows": [null, {done.rows_done}]' in entry.changes


def test_progress_is_known_before_the_first_row(backend: Backend) -> None:
    _in_process(backend)
    alice = backend.open("alice")
    queued = alice.exports.run(_scenario(alice, backend, fmt=ExportFormatChoice.CSV))
    calls: list[tuple[int, int | None]] = []
    line_at_first_rows: list[tuple[int, int | None]] = []

    class Recording(JobContext):
        def progress(self, done: int, total: int | None = None) -> None:
            if done and not line_at_first_rows:  # the first report of rows written
                with Session(backend.engine) as s:
                    line = s.get(ExportRun, queued.id)
                    assert line is not None
                    line_at_first_rows.append((line.rows_done, line.rows_total))
            super().progress(done, total)
            calls.append((self.done, self.total))

    from cofatui.config import MailSettings
    from cofatui.jobs.queue import Claimed

    ctx = Recording(Claimed(queued.job_id or 0, "export.run", {"export_id": queued.id},
                            "alice", 1, 3), backend.engine, backend.clock, MailSettings())
    export_runs.run_export(ctx)
    total = alice.exports.get_run(queued.id).rows_done
    assert total > 0
    assert calls[:2] == [(0, None), (0, total)]  # started, then the total, before any row
    assert line_at_first_rows == [(0, total)]  # and on the run's line at once
    assert calls[-1] == (total, total)


def test_a_cancelled_run_says_so(backend: Backend) -> None:
    alice = backend.open("alice")
    queued = alice.exports.run(_scenario(alice, backend))
    assert queued.job_id is not None
    try:
        cancelled = alice.jobs.cancel(queued.job_id)
    except RuleViolation:  # only a real server's own worker can have run it in between
        assert backend.name == "http-server"
        return
    run_jobs(backend, alice, queued.job_id)
    line = alice.exports.get_run(queued.id)
    if cancelled.status == JobStatus.RUNNING:
        # A real server's worker had started it: the run heeds the cancel between its
        # steps, and so small a one may end first.
        assert backend.name == "http-server"
        assert line.status in (ExportRunStatus.FAILED, ExportRunStatus.AVAILABLE)
        return
    assert line.status == ExportRunStatus.FAILED and line.files == []
    assert (line.error_code, line.error) == ("export_runs.cancelled", "Annulé")


def test_a_run_cancelled_while_it_writes_stops_there(backend: Backend) -> None:
    _in_process(backend)
    alice = backend.open("alice")
    queued = alice.exports.run(_scenario(alice, backend))
    from cofatui.config import MailSettings
    from cofatui.jobs.queue import Claimed
    from cofatui.jobs.worker import JobCancelled

    ctx = JobContext(Claimed(queued.job_id or 0, "export.run", {"export_id": queued.id},
                             "alice", 1, 3), backend.engine, backend.clock, MailSettings(),
                     cancel=threading.Event())
    ctx.cancel.set()
    with pytest.raises(JobCancelled):
        export_runs.run_export(ctx)
    line = alice.exports.get_run(queued.id)
    assert (line.status, line.error_code, line.files) == (ExportRunStatus.FAILED,
                                                          "export_runs.cancelled", [])


def test_too_many_rows_for_xlsx_fails_asking_for_csv(backend: Backend,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    _in_process(backend)
    monkeypatch.setattr(export_runs, "XLSX_MAX_ROWS", 1)
    alice = backend.open("alice")
    line = _run(backend, alice, _scenario(alice, backend, fmt=ExportFormatChoice.XLSX))
    assert (line.status, line.error_code) == (ExportRunStatus.FAILED,
                                              "export_runs.xlsx_too_many_rows")
    assert "choisissez CSV" in line.error  # alice reads French
    # The same scenario in CSV goes through.
    assert _run(backend, alice, _scenario(alice, backend, fmt=ExportFormatChoice.CSV,
                                          name="csv")).status == ExportRunStatus.AVAILABLE


def test_a_run_whose_contract_was_lost_meanwhile_fails_with_the_reason(
        backend: Backend) -> None:
    alice = backend.open("alice")
    queued = alice.exports.run(_scenario(alice, backend))
    with Session(backend.engine) as s:  # alice loses contract A before the job runs
        s.execute(update(UserContract).where(col(UserContract.user_id) == backend.ids["alice"])
                  .values(contract_id=backend.ids["B"]))
        s.commit()
    assert queued.job_id is not None
    run_jobs(backend, alice, queued.job_id)
    line = backend.open("alice").exports.get_run(queued.id)
    assert (line.status, line.error_code) == (ExportRunStatus.FAILED, "exports.contract_lost")
    assert "P-A" in line.error


def test_a_run_after_the_exports_section_was_taken_away_fails_with_the_reason(
        backend: Backend) -> None:
    alice = backend.open("alice")
    queued = alice.exports.run(_scenario(alice, backend))
    with Session(backend.engine) as s:  # customised: exports read-only on A
        s.execute(update(UserContract).where(
            col(UserContract.user_id) == backend.ids["alice"],
            col(UserContract.contract_id) == backend.ids["A"])
            .values(rights="custom", section_rights='{"cover": "full", "exports": "read_only"}'))
        s.commit()
    assert queued.job_id is not None
    run_jobs(backend, alice, queued.job_id)
    line = backend.open("alice").exports.get_run(queued.id)
    assert (line.status, line.error_code) == (ExportRunStatus.FAILED, "exports.contract_lost")
    assert "P-A" in line.error


def test_a_blocked_owner_s_run_does_not_export(backend: Backend) -> None:
    alice = backend.open("alice")
    queued = alice.exports.run(_scenario(alice, backend))
    with Session(backend.engine) as s:  # alice leaves the company before the job runs
        s.execute(update(User).where(col(User.id) == backend.ids["alice"])
                  .values(status="blocked", version=User.version + 1))
        s.commit()
    worker = Worker(backend.engine, clock=backend.clock, schedules=[])
    deadline = time.monotonic() + 20
    while True:  # a real server's own worker may take the job: wait for the run's end
        worker.drain()
        with Session(backend.engine) as s:
            run = s.get(ExportRun, queued.id)
            assert run is not None
            if run.status != ExportRunStatus.RUNNING.value or time.monotonic() > deadline:
                break
        time.sleep(0.1)
    assert (run.status, run.error_code) == (ExportRunStatus.FAILED.value,
                                            "exports.owner_inactive")
    with Session(backend.engine) as s:
        assert s.execute(select(OutboxMessage).where(
            col(OutboxMessage.export_id) == queued.id)).first() is None


def _mail(backend: Backend, export_id: int) -> OutboxMessage:
    with Session(backend.engine) as s:
        row = s.execute(select(OutboxMessage).where(
            col(OutboxMessage.export_id) == export_id)).scalar_one()
        s.expunge(row)
        return row


def test_the_email_is_queued_to_the_owner_with_the_files(backend: Backend) -> None:
    alice = backend.open("alice")
    line = _run(backend, alice, _scenario(alice, backend, email=True))
    assert line.mail_status == ExportMailStatus.QUEUED
    mail = _mail(backend, line.id)
    assert mail.recipient == "alice@example.test" and mail.language == "fr"
    assert "Ses fichiers sont joints" in mail.body
    with Session(backend.engine) as s:
        from cofatui.jobs.outbox import export_attachments

        attached = export_attachments(s, line.id)
    assert attached is not None
    assert sorted(f for _, f, _ in attached) == ["csv", "xlsx"]


def test_no_address_no_mail_and_the_list_says_so(backend: Backend) -> None:
    from cofatui.models import User

    with Session(backend.engine) as s:
        s.execute(update(User).where(col(User.login) == "alice").values(email=""))
        s.commit()
    alice = backend.open("alice")
    line = _run(backend, alice, _scenario(alice, backend, email=True))
    assert (line.status, line.mail_status) == (ExportRunStatus.AVAILABLE,
                                               ExportMailStatus.NO_ADDRESS)
    with Session(backend.engine) as s:
        assert s.execute(select(OutboxMessage).where(
            col(OutboxMessage.export_id) == line.id)).first() is None


def test_files_over_the_limit_are_mailed_as_a_note(backend: Backend,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    _in_process(backend)
    from cofatui import schemas_exports

    monkeypatch.setattr(export_runs, "MAIL_ATTACHMENT_LIMIT", 10)
    monkeypatch.setattr(schemas_exports, "MAIL_ATTACHMENT_LIMIT", 10)
    alice = backend.open("alice")
    line = _run(backend, alice, _scenario(alice, backend, email=True))
    mail = _mail(backend, line.id)
    assert "trop pour un courriel" in mail.body and f"n° {line.id}" in mail.body
    with Session(backend.engine) as s:
        from cofatui.jobs.outbox import export_attachments

        assert export_attachments(s, line.id) == []


def test_a_missed_schedule_runs_once_at_its_latest_time_then_moves_on(
        backend: Backend) -> None:
    alice = backend.open("alice")
    sid = _scenario(alice, backend)
    now = backend.clock.now()
    first = now - timedelta(days=3, hours=2)
    with Session(backend.engine) as s:  # a daily scenario whose last three runs were missed
        s.execute(update(ExportScenario).where(col(ExportScenario.id) == sid).values(
            frequency="daily", starts_at=first, next_run_at=first))
        s.commit()
    fired = fire_due_scenarios(backend.engine, now)
    latest = first + timedelta(days=3)
    assert [(s, t) for s, _, t in fired.runs] == [(sid, latest)]
    assert fire_due_scenarios(backend.engine, now).runs == []
    scenario = alice.exports.scenario(sid)
    assert scenario.next_run_at == latest + timedelta(days=1)
    export_id = fired.runs[0][1]
    line = alice.exports.get_run(export_id)
    assert line.scheduled_for == latest and line.job_id is not None
    run_jobs(backend, alice, line.job_id)
    assert alice.exports.get_run(export_id).status == ExportRunStatus.AVAILABLE


def test_expired_files_are_purged(backend: Backend) -> None:
    alice = backend.open("alice")
    line = _run(backend, alice, _scenario(alice, backend))
    assert purge_expired_exports(backend.engine, backend.clock.now() + timedelta(days=29)) == 0
    assert alice.exports.get_run(line.id).files
    assert purge_expired_exports(backend.engine, backend.clock.now() + timedelta(days=31)) == 1
    with pytest.raises(NotFound):
        alice.exports.get_run(line.id)

