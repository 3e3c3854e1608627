"""One-time activation codes (issue 16 item 3): a new user sets their first password
with the code mailed to them. Only the code's SHA-256 is stored (80 random bits, valid
72 hours: a plain hash is enough, as for tokens); a code is pending until used,
cancelled (a new one was sent, or too many wrong tries) or past ``expires_at``."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from cofatui.models.base import timestamp_field


class ActivationCode(SQLModel, table=True):
    __tablename__ = "activation_code"
    __table_args__ = (Index("ix_activation_code_user_id", "user_id"),)
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id")
    code_hash: str = Field(max_length=64)
    created_at: datetime = timestamp_field(nullable=False)
    expires_at: datetime = timestamp_field(nullable=False)
    #: Wrong codes tried against this one; at ``CODE_MAX_TRIES`` it is cancelled.
    failures: int = 0
    used_at: datetime | None = timestamp_field()
    cancelled_at: datetime | None = timestamp_field()
