"""Custom exports (issue 15): templates (ordered columns), scenarios (filters,
contracts, schedule) and the generated files with their runs.

Templates, scenarios and runs belong to their user (``owner_id``); the two predefined
default templates have no owner. A run's files are stored in the database in chunks
of at most 1 MiB (``export_file_chunk``), so that any server can serve a file another
one wrote without holding it whole. ``UNIQUE (scenario_id, scheduled_for)`` is the
exactly-once key of a scheduled run: two servers claiming the same tick insert one run
between them.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, ForeignKey, Index, Integer, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from cofatui.models.base import timestamp_field, version_column

#: Largest chunk of a stored file.
CHUNK_SIZE = 1024 * 1024

_template_version = version_column()
_scenario_version = version_column()


class ExportTemplate(SQLModel, table=True):
    __tablename__ = "export_template"
    __table_args__ = (
        UniqueConstraint("owner_id", "category", "name", name="uq_export_template_owner_name"),
    )
    id: int | None = Field(default=None, primary_key=True)
    owner_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    category: str = Field(max_length=20)
    name: str = Field(max_length=60)
    description: str = Field(default="", max_length=250)
    columns: str = Field(default="[]", sa_type=Text)  # JSON: ordered keys
    is_default: bool = False
    created_at: datetime | None = timestamp_field()
    updated_at: datetime | None = timestamp_field()
    version: int = Field(default=1, sa_column=_template_version)

    __mapper_args__ = {"version_id_col": _template_version}


class ExportScenario(SQLModel, table=True):
    __tablename__ = "export_scenario"
    __table_args__ = (
        UniqueConstraint("owner_id", "category", "name", name="uq_export_scenario_owner_name"),
        # The scheduler's claim: due scenarios.
        Index("ix_export_scenario_next_run", "next_run_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    owner_id: int = Field(foreign_key="user.id", index=True)
    category: str = Field(max_length=20)
    name: str = Field(max_length=60)
    description: str = Field(default="", max_length=250)
    template_id: int = Field(foreign_key="export_template.id", index=True)
    contract_ids: str = Field(default="[]", sa_type=Text)  # JSON list of ids
    criteria: str = Field(default="{}", sa_type=Text)  # JSON (see repository/sql/exports)
    aggregation: str = Field(max_length=10)
    format: str = Field(default="xlsx", max_length=4)
    frequency: str = Field(default="none", max_length=10)
    starts_at: datetime | None = timestamp_field()  # UTC
    time_zone: str = Field(default="Europe/Paris", max_length=64)
    ends_on: date | None = None
    period_from: date | None = None
    period_to: date | None = None
    email: bool = False
    next_run_at: datetime | None = timestamp_field()  # UTC; None: nothing scheduled
    last_run_at: datetime | None = timestamp_field()
    created_at: datetime | None = timestamp_field()
    updated_at: datetime | None = timestamp_field()
    version: int = Field(default=1, sa_column=_scenario_version)

    __mapper_args__ = {"version_id_col": _scenario_version}


class ExportRun(SQLModel, table=True):
    __tablename__ = "export_run"
    __table_args__ = (
        # Exactly once: one run per scenario and scheduled time (NULLs are distinct,
        # so run-now and direct exports are never held back by it).
        UniqueConstraint("scenario_id", "scheduled_for", name="uq_export_run_scheduled"),
        # My generated files, newest first.
        Index("ix_export_run_owner_id", "owner_id", "id"),
        Index("ix_export_run_expires", "expires_at"),
        # Ids never reused (the job's and the e-mail's dedupe keys are "export:<id>").
        {"sqlite_autoincrement": True},
    )
    id: int | None = Field(default=None, primary_key=True)
    owner_id: int = Field(foreign_key="user.id")
    category: str = Field(max_length=20)
    scenario_id: int | None = Field(default=None, sa_column=Column(
        Integer, ForeignKey("export_scenario.id", ondelete="SET NULL"), nullable=True))
    name: str = Field(default="", max_length=60)
    direct: bool = False
    template_name: str = Field(default="", max_length=60)
    columns: str = Field(default="[]", sa_type=Text)  # JSON snapshot of the keys
    spec: str = Field(default="{}", sa_type=Text)  # JSON snapshot (export_rows.ExportSpec)
    contract_ids: str = Field(default="[]", sa_type=Text)
    status: str = Field(default="running", max_length=10)
    error_code: str = Field(default="", max_length=80)
    error_params: str = Field(default="{}", sa_type=Text)
    rows_done: int = 0
    rows_total: int | None = None
    mail_status: str = Field(default="none", max_length=10)
    # No foreign key: finished jobs are purged, the run stays.
    job_id: int | None = None
    scheduled_for: datetime | None = timestamp_field()
    created_at: datetime | None = timestamp_field()
    finished_at: datetime | None = timestamp_field()
    expires_at: datetime | None = timestamp_field()


class ExportFile(SQLModel, table=True):
    __tablename__ = "export_file"
    __table_args__ = (UniqueConstraint("export_id", "format", name="uq_export_file_format"),)
    id: int | None = Field(default=None, primary_key=True)
    export_id: int = Field(sa_column=Column(
        Integer, ForeignKey("export_run.id", ondelete="CASCADE"), nullable=False))
    format: str = Field(max_length=4)
    name: str = Field(max_length=200)
    size: int = 0


class ExportFileChunk(SQLModel, table=True):
    __tablename__ = "export_file_chunk"
    file_id: int = Field(sa_column=Column(
        Integer, ForeignKey("export_file.id", ondelete="CASCADE"), primary_key=True))
    seq: int = Field(primary_key=True)
    data: bytes = Field(sa_type=LargeBinary)
