"""Outbound e-mail: written to the outbox in the transaction of the event that causes
it, delivered later by a job. ``message_id`` is the RFC 5322 Message-ID, fixed when
the message is written, so a retried delivery is recognisably the same message;
``dedupe_key`` keeps one event from writing two messages (one digest per user a day).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Text
from sqlmodel import Field, SQLModel

from cofatui.models.base import timestamp_field


class OutboxMessage(SQLModel, table=True):
    __tablename__ = "outbox_message"
    __table_args__ = (Index("ix_outbox_message_status_next", "status", "next_attempt_at", "id"),)
    id: int | None = Field(default=None, primary_key=True)
    message_id: str = Field(max_length=200, unique=True)
    dedupe_key: str = Field(max_length=120, unique=True)
    kind: str = Field(max_length=30)
    user_id: int | None = Field(default=None, foreign_key="user.id")
    recipient: str = Field(max_length=200)
    subject: str = Field(max_length=300)
    body: str = Field(sa_type=Text)
    language: str = Field(default="en", max_length=2)
    status: str = Field(default="pending", max_length=10)
    attempts: int = 0
    last_error: str = Field(default="", max_length=500)
    created_at: datetime | None = timestamp_field()
    next_attempt_at: datetime | None = timestamp_field()
    sent_at: datetime | None = timestamp_field()
    # The export whose files the message attaches (issue 15); None for other mail, and
    # set back to None when the export is deleted (repository/sql/exports).
    export_id: int | None = Field(default=None, foreign_key="export_run.id")


class MailSubscription(SQLModel, table=True):
    """What a user asked to receive by e-mail (today: the daily digest). Kept with the
    account, not in the TOML settings, so that the server sending it knows."""

    __tablename__ = "mail_subscription"
    user_id: int = Field(foreign_key="user.id", primary_key=True)
    daily_digest: bool = False
    last_digest_at: datetime | None = timestamp_field()
