"""The daily digest reaches a real (local) SMTP server once, in French for a French
user; with the server down it waits and is retried, never lost, never sent twice."""

from __future__ import annotations

import email
import socket
from collections.abc import Iterator
from datetime import timedelta
from email.message import Message

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.clock import FixedClock
from cofatui.config import MailSettings
from cofatui.jobs.handlers import MAIL_DIGEST
from cofatui.jobs.outbox import deliver_due
from cofatui.jobs.schedule import Schedule
from cofatui.jobs.worker import Worker
from cofatui.models import Job, Notification, OutboxMessage, User
from cofatui.repository.sql import SqlRepository
from tests.contract import dataset
from tests.e2e.jobs_env import db

__all__ = ["db"]


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        self.messages.append(email.message_from_bytes(envelope.content))  # type: ignore[attr-defined]
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, MailSettings]]:
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, MailSettings(host="127.0.0.1", port=port, security="none",
                                  sender="cofatui@example.test")
    finally:
        controller.stop()


def _subscribe_and_notify(engine: Engine, clock: FixedClock) -> None:
    SqlRepository(engine, "alice", clock).mail.set_daily_digest(True)  # alice reads French
    with Session(engine) as s:
        for hours in (1, 2, 3):
            s.add(Notification(contract_id=s.execute(select(col(User.default_contract_id)))
                               .scalars().first() or 1, category="insurance", type="decision",
                               title=f"Limite de crédit accordée {hours}",
                               created_at=clock.now() + timedelta(hours=hours)))
        s.commit()


def _digest_worker(engine: Engine, clock: FixedClock, mail: MailSettings) -> Worker:
    return Worker(engine, clock=clock, mail=mail,
                  schedules=[Schedule("digest", "0 6 * * *", MAIL_DIGEST)])


def test_digest_reaches_the_smtp_server_once_in_french(
        db: Engine, smtp: tuple[Inbox, MailSettings]) -> None:
    inbox, mail = smtp
    clock = FixedClock(dataset.NOW)
    _subscribe_and_notify(db, clock)
    clock.advance(days=1)  # the next morning, past 06:00
    worker = _digest_worker(db, clock, mail)
    worker.drain()
    worker._fired.clear()
    worker.drain()  # a second worker round, even a fresh process: nothing more
    assert len(inbox.messages) == 1
    message = inbox.messages[0]
    assert message["To"] == "alice@example.test"
    assert message["Subject"] == "cofatui : 3 notifications non lues"
    assert message["Content-Language"] == "fr"
    body = message.get_payload(decode=True).decode()  # type: ignore[union-attr]
    assert "Bonjour Alice Test," in body and "Limite de crédit accordée 3" in body
    with Session(db) as s:
        row = s.execute(select(OutboxMessage)).scalar_one()
        assert row.status == "sent" and row.message_id == message["Message-ID"].strip()


def test_smtp_down_is_retried_later_nothing_lost_nothing_twice(
        db: Engine, smtp: tuple[Inbox, MailSettings]) -> None:
    inbox, mail = smtp
    down = MailSettings(host="127.0.0.1", port=_free_port(), security="none",
                        sender=mail.sender)  # nobody listens there
    clock = FixedClock(dataset.NOW)
    _subscribe_and_notify(db, clock)
    SqlRepository(db, "bob", clock).mail.set_daily_digest(True)
    with Session(db) as s:
        s.execute(update(User).where(col(User.login) == "bob").values(language="en"))
        s.add(Notification(contract_id=2, category="insurance", type="decision",
                           title="Credit limit granted", created_at=clock.now()
                           + timedelta(hours=1)))
        s.commit()
    clock.advance(days=1)
    _digest_worker(db, clock, down).drain()
    with Session(db) as s:
        rows = s.execute(select(OutboxMessage).order_by(col(OutboxMessage.id))).scalars().all()
        assert [(r.status, r.attempts) for r in rows] == [("pending", 1), ("pending", 0)]
        assert "Connection" in rows[0].last_error or "refused" in rows[0].last_error.lower()
    assert deliver_due(db, down, clock.now()).deferred == 1  # bob's: still down
    assert deliver_due(db, mail, clock.now()).sent == 0  # back, but not due yet: backoff
    clock.advance(minutes=2)
    report = deliver_due(db, mail, clock.now())  # the server is back
    assert report.sent == 2
    assert deliver_due(db, mail, clock.now() + timedelta(days=1)).sent == 0
    assert sorted(m["To"] for m in inbox.messages) == ["alice@example.test",
                                                       "bob@example.test"]
    assert {m["Subject"] for m in inbox.messages} == {
        "cofatui : 3 notifications non lues", "cofatui: 1 unread notification"}


def test_after_downtime_one_digest_covers_every_day_since_the_last(
        db: Engine, smtp: tuple[Inbox, MailSettings]) -> None:
    inbox, mail = smtp
    clock = FixedClock(dataset.NOW)
    SqlRepository(db, "alice", clock).mail.set_daily_digest(True)
    with Session(db) as s:
        contract = s.execute(select(col(User.default_contract_id))
                             .where(col(User.login) == "alice")).scalar_one() or 1
        for day in (1, 2, 3):  # one a day while no worker runs
            s.add(Notification(contract_id=contract, category="insurance", type="decision",
                               title=f"Jour {day}",
                               created_at=clock.now() + timedelta(days=day, hours=-1)))
        s.commit()
    clock.advance(days=4)  # three 06:00 ticks were missed
    _digest_worker(db, clock, mail).drain()
    assert len(inbox.messages) == 1  # the latest missed tick only: one digest, no burst
    body = inbox.messages[0].get_payload(decode=True).decode()  # type: ignore[union-attr]
    assert all(f"Jour {day}" in body for day in (1, 2, 3))
    with Session(db) as s:
        digests = s.execute(select(Job).where(col(Job.kind) == MAIL_DIGEST)).scalars().all()
    assert len(digests) == 1
