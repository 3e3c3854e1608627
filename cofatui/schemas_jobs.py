"""Public models of the background jobs, the stored import results and the outbox:
what ``repo.jobs``, ``repo.imports`` and ``repo.mail`` return on every backend."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field

from cofatui.schemas import BodyInt, NotificationFilter, PortfolioCriteria, Public


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


#: A job in one of these states will not change any more.
FINISHED = frozenset({JobStatus.DONE, JobStatus.FAILED, JobStatus.CANCELLED})


class JobKind(StrEnum):
    """Kinds a user may queue (the scheduled, system ones are not listed here)."""

    EXPORT_NOTIFICATIONS = "export.notifications"
    EXPORT_PORTFOLIO = "export.portfolio"


class JobRequest(BaseModel):
    kind: JobKind
    params: dict[str, Any] = Field(default_factory=dict)


class JobPublic(Public):
    id: int
    kind: str
    params: dict[str, Any]
    status: JobStatus
    progress_done: int
    progress_total: int | None
    error_code: str
    error: str
    result_name: str
    result_size: int | None
    attempts: int
    cancel_requested: bool
    created_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None

    @property
    def finished(self) -> bool:
        return self.status in FINISHED


class JobFileContent(BaseModel):
    name: str
    content: bytes


class ImportMode(StrEnum):
    PER_LINE = "per_line"  # each valid line applied in its own transaction
    ALL_OR_NOTHING = "all_or_nothing"  # every line applied, or none


class ImportStatus(StrEnum):
    RUNNING = "running"  # lines being applied (a large file: by its job)
    SUCCEEDED = "succeeded"
    PARTIALLY_SUCCEEDED = "partially_succeeded"
    FAILED = "failed"


class LineStatus(StrEnum):
    ERROR = "error"  # sorts first
    NOT_APPLIED = "not_applied"  # valid, but all-or-nothing and another line failed
    OK = "ok"


class ImportKind(StrEnum):
    CLIENT_REFERENCES = "client_references"
    USERS = "users"  # issue 16 item 6, all-or-nothing
    TURNOVER = "turnover"  # issue 17 item 3: a turnover declaration's amounts, all-or-nothing
    #: Issue 19 item 5: received Factur-X files, one line per file, each on its own.
    FACTURX = "facturx"
    #: Issue 19 item 4: an export job's outcome, one line per invoice.
    FACTURX_EXPORT = "facturx_export"


class ImportResultPublic(Public):
    id: int
    kind: str
    file_name: str
    login: str
    created_at: datetime | None
    mode: ImportMode
    status: ImportStatus
    total_lines: int
    ok_lines: int
    error_lines: int
    refusal_code: str
    refusal: str


class ImportLinePublic(Public):
    line_no: int
    status: LineStatus
    code: str
    message: str
    params: dict[str, Any]


class MailSubscriptionPublic(Public):
    daily_digest: bool
    email: str


class OutboxMessagePublic(Public):
    """One of my e-mails, as the outbox holds it (not its body)."""

    id: int
    kind: str
    recipient: str
    subject: str
    status: str
    attempts: int
    created_at: datetime | None
    sent_at: datetime | None


class ExportFormat(StrEnum):
    XLSX = "xlsx"
    CSV = "csv"


class NotificationExportParams(BaseModel):
    """Every notification of the filter, as the list shows them, in ``language``."""

    filter: NotificationFilter = Field(default_factory=NotificationFilter)
    format: ExportFormat = ExportFormat.XLSX
    language: str = Field(default="en", pattern="^(en|fr)$")


class PortfolioExportParams(BaseModel):
    """The portfolio rows displayed: the criteria's rows, kept to ``company_ids`` in
    that order when the screen's instant filter narrowed them."""

    contract_id: BodyInt
    criteria: PortfolioCriteria | None = None
    limit: BodyInt = Field(default=100, ge=1, le=500)
    company_ids: list[BodyInt] | None = Field(default=None, max_length=500)
    format: ExportFormat = ExportFormat.XLSX
    language: str = Field(default="en", pattern="^(en|fr)$")


#: The parameters each user kind takes.
JOB_PARAMS: dict[str, type[BaseModel]] = {
    JobKind.EXPORT_NOTIFICATIONS: NotificationExportParams,
    JobKind.EXPORT_PORTFOLIO: PortfolioExportParams,
}
