"""The jobs, import-results and mail areas of the Repository: ``repo.jobs``,
``repo.imports`` and ``repo.mail`` on every backend (SQL, HTTP).

Each acts for the repository's principal: a user sees and cancels their own jobs,
reads their own import results and outbox messages, and says whether they want the
daily digest. Workers (``cofatui.jobs``) run the jobs; they are no part of this
protocol, which is what screens, the API and the CLI call.
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

from cofatui.schemas import Page
from cofatui.schemas_jobs import (
    ImportLinePublic,
    ImportMode,
    ImportResultPublic,
    JobFileContent,
    JobPublic,
    MailSubscriptionPublic,
    OutboxMessagePublic,
)


@runtime_checkable
class JobsArea(Protocol):
    def queue(self, kind: str, params: dict[str, Any]) -> JobPublic:
        """Queue a job of a user kind (``JobKind``); unknown kinds or bad parameters
        raise ValidationFailed."""
        ...

    def list(self, offset: int = 0, limit: int = 100) -> Page[JobPublic]:
        """My jobs, newest first."""
        ...

    def get(self, job_id: int) -> JobPublic: ...

    def cancel(self, job_id: int) -> JobPublic:
        """A queued job is cancelled at once; a running one stops at its next step
        (``cancel_requested``); a finished one raises RuleViolation."""
        ...

    def result_file(self, job_id: int) -> JobFileContent:
        """The file a finished job produced; NotFound when there is none."""
        ...


@runtime_checkable
class ImportsArea(Protocol):
    def run(self, kind: str, contract_id: int, file_name: str, content: bytes,
            mode: ImportMode) -> ImportResultPublic:
        """Read, check and apply a file; the result is stored (a file refused whole
        too, with its reason) and returned."""
        ...

    def results(self, offset: int = 0, limit: int = 100) -> Page[ImportResultPublic]:
        """My imports, newest first."""
        ...

    def result(self, import_id: int) -> ImportResultPublic: ...

    def lines(self, import_id: int, offset: int = 0, limit: int = 100,
              errors_first: bool = True) -> Page[ImportLinePublic]:
        """The lines of an import: errors first then by line number, or by line only."""
        ...


@runtime_checkable
class MailArea(Protocol):
    def subscription(self) -> MailSubscriptionPublic: ...

    def set_daily_digest(self, enabled: bool) -> MailSubscriptionPublic:
        """Receive (or stop receiving) the daily digest of unread notifications, in my
        account's language, at my account's e-mail address."""
        ...

    def messages(self, offset: int = 0, limit: int = 100) -> Page[OutboxMessagePublic]:
        """The e-mails written for me, newest first, with their delivery state."""
        ...
