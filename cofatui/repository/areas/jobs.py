"""``repo.jobs``: the user's background jobs (exports, queued imports).

Workers (``cofatui.jobs``) run the jobs; they are no part of this protocol, which is
what screens, the API and the CLI call. A user sees and cancels only their own jobs.
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

from cofatui.schemas import Page, Seek
from cofatui.schemas_jobs import JobFileContent, JobPublic


@runtime_checkable
class JobsArea(Protocol):
    def queue(self, kind: str, params: dict[str, Any]) -> JobPublic:
        """Queue a job of a user kind (``JobKind``).

        Raises: ValidationFailed (an unknown kind, bad parameters); Forbidden (a
        contract named in the parameters that the user may not read)."""
        ...

    def list(self, offset: int = 0, limit: int = 100,
             seek: Seek | None = None) -> Page[JobPublic]:
        """My jobs, newest first (by key when ``seek`` is given, with the page's
        cursors). Raises ValidationFailed at ``cursor`` (a cursor not of this list)."""
        ...

    def get(self, job_id: int) -> JobPublic:
        """Raises: NotFound (no such job, or another user's)."""
        ...

    def cancel(self, job_id: int) -> JobPublic:
        """A queued job is cancelled at once; a running one stops at its next step
        (``cancel_requested``).

        Raises: NotFound (not my job); RuleViolation (the job has finished)."""
        ...

    def result_file(self, job_id: int) -> JobFileContent:
        """The file a finished job produced.

        Raises: NotFound (not my job, or it produced no file)."""
        ...
