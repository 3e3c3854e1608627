"""Delivering the outbox through SMTP: each message is sent once, or retried later.

A message is claimed, sent and marked sent in one transaction (``FOR UPDATE SKIP
LOCKED`` on PostgreSQL, so two workers never hold the same message; SQLite's single
writer otherwise). A worker dying after the SMTP server accepted the message but
before the commit leaves it pending: it is sent again with the same ``Message-ID``,
which receiving systems use to drop the copy; that window is the only way a message
can arrive twice, and nothing is ever lost.

When the SMTP server cannot be reached or answers with a temporary error (4xx), the
message stays pending with its attempts counted and ``next_attempt_at`` pushed back
(1 min, 5 min, 25 min… at most 6 h). A permanent refusal of the recipient (5xx) marks
it failed, with the server's answer.

The e-mail of an export (``export_id`` set, issue 15) carries the export's files when
their total is at most ``MAIL_ATTACHMENT_LIMIT``, read from the database at delivery
(the body, written with the run, says which); the run's ``mail_status`` then becomes
``sent`` (files attached), ``sent_note`` (the note alone) or ``failed`` (refused for
good), in the transaction that marks the message.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime as rfc2822_date

from sqlalchemy import select, update
from sqlalchemy.engine import Engine

from cofatui.config import MailSettings
from cofatui.jobs.queue import write_transaction
from cofatui.models import OutboxMessage

log = logging.getLogger(__name__)

PENDING, SENT, FAILED = "pending", "sent", "failed"
SMTP_TIMEOUT = 15.0


def backoff(attempts: int) -> timedelta:
    return timedelta(minutes=min(360, 5 ** max(0, attempts - 1)))


@dataclass
class DeliveryReport:
    sent: int = 0
    deferred: int = 0
    failed: int = 0


Attachment = tuple[str, str, bytes]  # (file name, format, content)

_MEDIA_TYPES = {
    "csv": ("text", "csv"),
    "xlsx": ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


def build_email(row: OutboxMessage, sender: str,
                attachments: list[Attachment] | None = None) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = row.recipient
    mail["Subject"] = row.subject
    mail["Message-ID"] = row.message_id
    if row.created_at is not None:
        mail["Date"] = rfc2822_date(row.created_at)
    mail.set_content(row.body)
    mail["Content-Language"] = row.language  # after set_content, which resets Content-*
    for name, fmt, content in attachments or ():
        maintype, subtype = _MEDIA_TYPES.get(fmt, ("application", "octet-stream"))
        mail.add_attachment(content, maintype=maintype, subtype=subtype, filename=name)
    return mail


def export_attachments(session: object, export_id: int | None) -> list[Attachment] | None:
    """The files of an export, when their total fits in an e-mail; None for a message
    of no export, [] when they do not fit (or were purged): the body is then the note."""
    if export_id is None:
        return None
    from sqlalchemy.orm import Session

    from cofatui.models import ExportFile, ExportFileChunk
    from cofatui.schemas_exports import MAIL_ATTACHMENT_LIMIT

    assert isinstance(session, Session)
    files = session.execute(select(ExportFile.id, ExportFile.name, ExportFile.format,
                                   ExportFile.size).where(ExportFile.export_id == export_id)
                            .order_by(ExportFile.id)).all()
    if not files or sum(f.size for f in files) > MAIL_ATTACHMENT_LIMIT:
        return []
    out: list[Attachment] = []
    for f in files:
        chunks = session.execute(select(ExportFileChunk.data)
                                 .where(ExportFileChunk.file_id == f.id)
                                 .order_by(ExportFileChunk.seq)).scalars()
        out.append((f.name, f.format, b"".join(chunks)))
    return out


class SmtpLink:
    """One SMTP session, opened on first use and reused for the whole round."""

    def __init__(self, settings: MailSettings) -> None:
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def send(self, mail: EmailMessage) -> None:
        if self._smtp is None:
            self._smtp = self._open()
        self._smtp.send_message(mail)

    def _open(self) -> smtplib.SMTP:
        s = self.settings
        smtp: smtplib.SMTP
        if s.security == "tls":
            smtp = smtplib.SMTP_SSL(s.host, s.port, timeout=SMTP_TIMEOUT,
                                    context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(s.host, s.port, timeout=SMTP_TIMEOUT)
            if s.security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
        if s.user:
            smtp.login(s.user, s.password() or "")
        return smtp

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                self._smtp.close()
            self._smtp = None


def deliver_due(engine: Engine, settings: MailSettings, now: datetime,
                limit: int = 1000, should_stop: object = None) -> DeliveryReport:
    """Send up to ``limit`` due messages, one transaction each."""
    report = DeliveryReport()
    if not settings.configured:
        log.info("outbox: no [mail] host/sender configured; messages stay pending")
        return report
    link = SmtpLink(settings)
    try:
        for _ in range(limit):
            if callable(should_stop) and should_stop():
                break
            outcome = _deliver_one(engine, link, settings, now)
            if outcome is None:
                break
            setattr(report, outcome, getattr(report, outcome) + 1)
            if outcome == "deferred":
                link.close()  # the server is down or refusing: stop this round
                break
    finally:
        link.close()
    return report


def _deliver_one(engine: Engine, link: SmtpLink, settings: MailSettings,
                 now: datetime) -> str | None:
    from sqlalchemy.orm import Session

    with write_transaction(engine) as conn, Session(bind=conn) as s:
        query = (select(OutboxMessage).where(OutboxMessage.status == PENDING,
                                             OutboxMessage.next_attempt_at <= now)
                 .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(1))
        if engine.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        row = s.execute(query).scalars().first()
        if row is None:
            return None
        attempts = row.attempts + 1
        attachments = export_attachments(s, row.export_id)
        try:
            link.send(build_email(row, settings.sender, attachments))
        except smtplib.SMTPRecipientsRefused as exc:
            permanent = all(code >= 500 for code, _ in exc.recipients.values())
            values = dict(attempts=attempts, last_error=_text(exc))
            if permanent:
                values["status"] = FAILED
                values.update(_forget_secret(row))
                _export_mailed(conn, row.export_id, None)
            else:
                values["next_attempt_at"] = now + backoff(attempts)
            conn.execute(update(OutboxMessage).where(OutboxMessage.id == row.id)
                         .values(**values))
            return "failed" if permanent else "deferred"
        except (smtplib.SMTPException, OSError) as exc:
            log.warning("outbox: delivery of message %s deferred: %s", row.id, exc)
            conn.execute(update(OutboxMessage).where(OutboxMessage.id == row.id).values(
                attempts=attempts, last_error=_text(exc),
                next_attempt_at=now + backoff(attempts)))
            return "deferred"
        conn.execute(update(OutboxMessage).where(OutboxMessage.id == row.id).values(
            status=SENT, attempts=attempts, sent_at=now, last_error="", **_forget_secret(row)))
        _export_mailed(conn, row.export_id, bool(attachments))
        return "sent"


#: What an activation mail's body becomes once delivered or refused for good: its code
#: (issue 16 item 3) is kept in clear only while the mail waits to go out.
DELIVERED_SECRET = "(activation code removed once the mail left)"


def _forget_secret(row: OutboxMessage) -> dict[str, str]:
    return {"body": DELIVERED_SECRET} if row.kind == "activation" else {}


def _export_mailed(conn: object, export_id: int | None, attached: bool | None) -> None:
    if export_id is not None:
        from cofatui.jobs.export_runs import mail_delivered

        mail_delivered(conn, export_id, attached)


def _text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:500]
