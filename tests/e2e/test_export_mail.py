"""The e-mail of a scheduled export reaches a real (local) SMTP server: with the files
attached, or, over the size limit, a note naming the export; a refused address marks
the run's mail failed without failing the export (issue 15 item 3, "E-mail")."""

from __future__ import annotations

import email

import pytest
from sqlalchemy.engine import Engine

from cofatui.clock import FixedClock
from cofatui.config import MailSettings
from cofatui.enums import (
    ExportAggregation,
    ExportCategory,
    ExportFormatChoice,
    ExportMailStatus,
    ExportRunStatus,
)
from cofatui.jobs import export_runs
from cofatui.jobs.outbox import deliver_due
from cofatui.jobs.worker import Worker
from cofatui.repository.sql import SqlRepository
from cofatui.schemas_exports import ExportRunPublic, ExportScenarioIn
from tests.contract import dataset
from tests.e2e.jobs_env import db
from tests.e2e.test_outbox_smtp import Inbox, smtp

__all__ = ["db", "smtp"]


async def _refuse(server: object, session: object, envelope: object, address: str,
                  rcpt_options: list[str]) -> str:
    return "550 5.1.1 no such mailbox"


def _export_and_deliver(engine: Engine, mail: MailSettings) -> ExportRunPublic:
    clock = FixedClock(dataset.NOW)
    alice = SqlRepository(engine, "alice", clock)
    default = next(t for t in alice.exports.templates(ExportCategory.PORTFOLIO) if t.default)
    contract = next(c.contract_id for c in alice.whoami().contracts)
    scenario = alice.exports.create_scenario(ExportScenarioIn(
        category=ExportCategory.PORTFOLIO, name="Comité", template_id=default.id,
        contract_ids=[contract], aggregation=ExportAggregation.PRODUCT,
        format=ExportFormatChoice.BOTH, email=True))
    queued = alice.exports.run(scenario.id)
    Worker(engine, clock=clock, mail=mail, schedules=[]).drain()
    assert alice.exports.get_run(queued.id).mail_status == ExportMailStatus.QUEUED
    deliver_due(engine, mail, clock.now())
    return alice.exports.get_run(queued.id)


def test_the_export_arrives_with_its_files(db: Engine,
                                           smtp: tuple[Inbox, MailSettings]) -> None:
    inbox, mail = smtp
    line = _export_and_deliver(db, mail)
    assert (line.status, line.mail_status) == (ExportRunStatus.AVAILABLE, ExportMailStatus.SENT)
    [message] = inbox.messages
    assert message["To"] == "alice@example.test"
    assert "votre export « Comité » est prêt" in str(email.header.make_header(
        email.header.decode_header(message["Subject"])))
    files = {p.get_filename() or "": p.get_payload(decode=True) for p in message.walk()
             if p.get_filename()}
    assert sorted(name.rsplit(".", 1)[1] for name in files) == ["csv", "xlsx"]
    csv_bytes = next(v for k, v in files.items() if k.endswith(".csv"))
    assert isinstance(csv_bytes, bytes) and csv_bytes.startswith(b"\xef\xbb\xbf")
    assert csv_bytes.count(b"\n") == line.rows_done + 1  # the header and every row


def test_files_over_the_limit_arrive_as_a_note(db: Engine, smtp: tuple[Inbox, MailSettings],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from cofatui import schemas_exports

    monkeypatch.setattr(export_runs, "MAIL_ATTACHMENT_LIMIT", 100)
    monkeypatch.setattr(schemas_exports, "MAIL_ATTACHMENT_LIMIT", 100)
    inbox, mail = smtp
    line = _export_and_deliver(db, mail)
    assert line.mail_status == ExportMailStatus.SENT_NOTE
    [message] = inbox.messages
    assert [p.get_filename() for p in message.walk() if p.get_filename()] == []
    [body] = [p for p in message.walk() if p.get_content_type() == "text/plain"]
    payload = body.get_payload(decode=True)
    assert isinstance(payload, bytes)
    text = payload.decode(body.get_content_charset() or "utf-8")
    assert "trop pour un courriel" in text and f"n° {line.id}" in text


def test_a_refused_address_fails_the_mail_not_the_export(
        db: Engine, smtp: tuple[Inbox, MailSettings]) -> None:
    inbox, mail = smtp
    inbox.handle_RCPT = _refuse  # type: ignore[attr-defined]  # every recipient refused
    line = _export_and_deliver(db, mail)
    assert (line.status, line.mail_status) == (ExportRunStatus.AVAILABLE,
                                               ExportMailStatus.FAILED)
    assert line.files and inbox.messages == []
