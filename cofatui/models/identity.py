"""Login attempts, kept in the database so that every server sharing it applies the
same rate limit (the servers hold no state of their own, SPEC §8); the policyholder
organisations that contracts and users belong to (issue 16 item 1)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from cofatui.models.base import timestamp_field


class LoginAttempt(SQLModel, table=True):
    """One password login attempt, successful or not, for a login that may not exist."""

    __tablename__ = "login_attempt"
    __table_args__ = (Index("ix_login_attempt_login_at", "login", "at"),)
    id: int | None = Field(default=None, primary_key=True)
    login: str = Field(max_length=80)
    source: str = Field(default="", max_length=100)
    at: datetime = timestamp_field(nullable=False)
    success: bool = False


class Organisation(SQLModel, table=True):
    """A policyholder's company. Its contracts and its users (every user but insurer
    staff) belong to it; a contract administrator sees the users of their organisation.
    A contract inserted without one joins (or creates) the organisation named like its
    policyholder; a user attached to a contract joins that contract's organisation if
    they belong to none (listeners in :mod:`cofatui.models.contract`)."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, index=True)
