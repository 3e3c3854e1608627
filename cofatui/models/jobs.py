"""Background jobs: work that outlives the screen that asked for it (exports, imports,
the e-mail digest, the outbox delivery), claimed by exactly one worker at a time.

A running job holds a lease (``lease_until``) that its worker renews while it works; a
job whose lease ran out belongs to a worker that died, and the next worker retries it
(or marks it failed once ``attempts`` reached ``max_attempts``). ``dedupe_key`` is
unique: a scheduled run is queued as ``schedule:<name>:<tick>``, so two servers firing
the same tick insert one job between them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, LargeBinary, Text
from sqlmodel import Field, SQLModel

from cofatui.models.base import timestamp_field


class Job(SQLModel, table=True):
    __table_args__ = (
        # The claim: the oldest queued job that is due.
        Index("ix_job_status_run_after", "status", "run_after", "id"),
        # A user's jobs, newest first (the Jobs screen).
        Index("ix_job_owner_created", "owner_id", "created_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=40)
    params: str = Field(default="{}", sa_type=Text)
    owner_id: int | None = Field(default=None, foreign_key="user.id")
    status: str = Field(default="queued", max_length=12)
    progress_done: int = 0
    progress_total: int | None = None
    error_code: str = Field(default="", max_length=40)
    error: str = Field(default="", max_length=1000)
    result_name: str = Field(default="", max_length=200)
    result_size: int | None = None
    attempts: int = 0
    max_attempts: int = 3
    worker: str = Field(default="", max_length=80)
    cancel_requested: bool = False
    dedupe_key: str | None = Field(default=None, max_length=120, unique=True)
    created_at: datetime | None = timestamp_field()
    run_after: datetime | None = timestamp_field()
    started_at: datetime | None = timestamp_field()
    lease_until: datetime | None = timestamp_field()
    finished_at: datetime | None = timestamp_field()


class JobFile(SQLModel, table=True):
    """The file a job produced (an export), kept in the database so that every client
    can fetch it, the server's disk being none of theirs."""

    __tablename__ = "job_file"
    job_id: int = Field(foreign_key="job.id", primary_key=True)
    name: str = Field(max_length=200)
    content: bytes = Field(sa_type=LargeBinary)
