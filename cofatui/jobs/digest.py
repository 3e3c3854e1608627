"""The daily digest of unread notifications (SPEC §3.8, seed 001 "Vous recevrez un
courriel…"): one e-mail a day to each user who asked for it and has something unread
since the last one, in the language of their account. The changes below the user's
notification thresholds are left out, as from their list (issue 16 item 9).

Each user's message is written to the outbox in the same transaction that moves their
``last_digest_at`` on, under the key ``digest:<user>:<day>``: a second run the same
day (another server, a retried job) writes nothing more.

After downtime (no worker ran for days) only the latest missed 06:00 tick fires
(``schedule.py`` catches up one tick, not each one): that is the intended behaviour, one
digest rather than a burst of stale ones. It loses nothing: a digest lists what
arrived since ``last_digest_at`` — the previous digest's run, however many days ago —
so the one sent after the downtime covers the whole period.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from email.utils import make_msgid
from typing import Any

from sqlalchemy import and_, exists, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine

from cofatui.enums import Rights, Section
from cofatui.i18n import format_date, t_in
from cofatui.jobs.queue import write_transaction
from cofatui.models import (
    Company,
    MailSubscription,
    Notification,
    NotificationState,
    OutboxMessage,
    User,
    UserContract,
)
from cofatui.notification_wording import load_params, render_title
from cofatui.repository.sql.preferences import shown_correlated

LISTED = 10  # notifications named in the e-mail; the rest are counted
FIRST_WINDOW = timedelta(days=1)


def write_digests(engine: Engine, now: datetime) -> int:
    """Write today's digest of every subscribed user; returns how many were written."""
    with engine.connect() as conn:
        users = conn.execute(
            select(User.id, User.email, User.language, User.first_name, User.last_name,
                   User.login, MailSubscription.last_digest_at)
            .join(MailSubscription, MailSubscription.user_id == User.id)
            .where(MailSubscription.daily_digest.is_(True), User.status == "active",
                   User.email.like("%@%"))).all()
        conn.rollback()
    return sum(_write_one(engine, user, now) for user in users)


def _write_one(engine: Engine, user: Any, now: datetime) -> int:
    uid = user.id
    since: datetime = user.last_digest_at or now - FIRST_WINDOW
    unread = and_(
        Notification.contract_id.in_(_notified_contracts(engine, uid) or [-1]),
        Notification.created_at > since, Notification.created_at <= now,
        ~exists().where(NotificationState.notification_id == Notification.id,
                        NotificationState.user_id == uid,
                        or_(NotificationState.read.is_(True),
                            NotificationState.deleted.is_(True))),
        shown_correlated(uid, user.login))  # not below the user's thresholds
    language = user.language if user.language in ("fr", "en") else "en"
    dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
    with write_transaction(engine) as conn:
        count = conn.execute(select(func.count()).select_from(Notification)
                             .where(unread)).scalar_one()
        if count:
            rows = conn.execute(select(Notification.created_at, Notification.title,
                                       Notification.kind, Notification.params, Company.name)
                                .outerjoin(Company, Company.id == Notification.company_id)
                                .where(unread)
                                .order_by(Notification.created_at.desc(), Notification.id.desc())
                                .limit(LISTED)).all()
            subject, body = _compose(language, user, count, since, rows)
            day = now.date().isoformat()
            written = conn.execute(dialect.insert(OutboxMessage).values(
                message_id=make_msgid(idstring=f"digest.{uid}.{day}", domain="cofatui"),
                dedupe_key=f"digest:{uid}:{day}", kind="digest", user_id=uid,
                recipient=user.email, subject=subject, body=body,
                language=language, status="pending", attempts=0, last_error="",
                created_at=now, next_attempt_at=now)
                .on_conflict_do_nothing(index_elements=["dedupe_key"])).rowcount
            if not written:
                return 0  # another worker wrote today's digest
        conn.execute(update(MailSubscription).where(MailSubscription.user_id == uid)
                     .values(last_digest_at=now))
    return 1 if count else 0


def _notified_contracts(engine: Engine, user_id: int) -> list[int]:
    """The contracts whose notifications the user may read: customised rights need the
    notifications section (issue 16 item 5; a section left unnamed is none)."""
    with engine.connect() as conn:
        rows = conn.execute(select(UserContract.contract_id, UserContract.rights,
                                   UserContract.section_rights)
                            .where(UserContract.user_id == user_id)).all()
        conn.rollback()
    return [cid for cid, rights, sections in rows
            if rights != Rights.CUSTOM or json.loads(sections or "{}").get(
                Section.NOTIFICATIONS.value, "none") != "none"]


def _compose(language: str, user: Any, count: int, since: datetime,
             rows: Sequence[Any]) -> tuple[str, str]:
    def tr(key: str, **params: object) -> str:
        return t_in(language, f"mail.digest.{key}", **params)

    name = " ".join(p for p in (user.first_name, user.last_name) if p) \
        or user.login
    number = _number(count, language)
    subject = tr("subject_one") if count == 1 else tr("subject", count=number)
    lines = [tr("greeting", name=name), "",
             tr("intro_one", since=format_date(since, language)) if count == 1
             else tr("intro", count=number, since=format_date(since, language)), ""]
    for row in rows:
        company = f"{row.name} — " if row.name else ""
        title = render_title(row.kind, load_params(row.params), row.title, language)
        lines.append(f"- {format_date(row.created_at, language)}  {company}{title}")
    if count > len(rows):
        lines.append(tr("more", count=_number(count - len(rows), language)))
    lines += ["", tr("outro"), "", "-- ", tr("why")]
    return subject, "\n".join(lines) + "\n"


def _number(value: int, language: str) -> str:
    from babel.numbers import format_decimal

    return str(format_decimal(value, locale="fr_FR" if language == "fr" else "en_GB"))
