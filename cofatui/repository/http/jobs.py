"""``repo.jobs``, ``repo.imports`` and ``repo.mail`` over HTTP (routes in
``api/routes/jobs.py``), sharing the transport of :class:`HttpRepository`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from pydantic import TypeAdapter

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

if TYPE_CHECKING:
    from cofatui.repository.http import HttpRepository

_JOB = TypeAdapter(JobPublic)
_JOBS = TypeAdapter(Page[JobPublic])
_IMPORT = TypeAdapter(ImportResultPublic)
_IMPORTS = TypeAdapter(Page[ImportResultPublic])
_LINES = TypeAdapter(Page[ImportLinePublic])
_SUBSCRIPTION = TypeAdapter(MailSubscriptionPublic)
_MESSAGES = TypeAdapter(Page[OutboxMessagePublic])


def _page(offset: int, limit: int) -> dict[str, int]:
    from cofatui.repository.http.client import _page as page  # http.py imports this module

    return page(offset, limit)


class HttpJobs:
    def __init__(self, http: HttpRepository) -> None:
        self.http = http

    def queue(self, kind: str, params: dict[str, Any]) -> JobPublic:
        return self.http._send(_JOB, "POST", "/jobs", {"kind": kind, "params": params})

    def list(self, offset: int = 0, limit: int = 100) -> Page[JobPublic]:
        return self.http._get(_JOBS, "/jobs", _page(offset, limit))

    def get(self, job_id: int) -> JobPublic:
        return self.http._get(_JOB, f"/jobs/{int(job_id)}")

    def cancel(self, job_id: int) -> JobPublic:
        return self.http._send(_JOB, "POST", f"/jobs/{int(job_id)}/cancel", None)

    def result_file(self, job_id: int) -> JobFileContent:
        response = self.http._call("GET", f"/jobs/{int(job_id)}/file")
        name = unquote(response.headers.get("X-File-Name", "")) or f"job-{int(job_id)}"
        return JobFileContent(name=name, content=response.content)


class HttpImports:
    def __init__(self, http: HttpRepository) -> None:
        self.http = http

    def run(self, kind: str, contract_id: int, file_name: str, content: bytes,
            mode: ImportMode) -> ImportResultPublic:
        response = self.http._call("POST", "/imports", params={
            "kind": kind, "contract_id": int(contract_id), "file_name": file_name,
            "mode": ImportMode(mode).value}, content=bytes(content))
        return self.http._parse(_IMPORT, response)

    def results(self, offset: int = 0, limit: int = 100) -> Page[ImportResultPublic]:
        return self.http._get(_IMPORTS, "/imports", _page(offset, limit))

    def result(self, import_id: int) -> ImportResultPublic:
        return self.http._get(_IMPORT, f"/imports/{int(import_id)}")

    def lines(self, import_id: int, offset: int = 0, limit: int = 100,
              errors_first: bool = True) -> Page[ImportLinePublic]:
        return self.http._get(_LINES, f"/imports/{int(import_id)}/lines",
                              {**_page(offset, limit), "errors_first": errors_first})


class HttpMail:
    def __init__(self, http: HttpRepository) -> None:
        self.http = http

    def subscription(self) -> MailSubscriptionPublic:
        return self.http._get(_SUBSCRIPTION, "/mail/subscription")

    def set_daily_digest(self, enabled: bool) -> MailSubscriptionPublic:
        return self.http._send(_SUBSCRIPTION, "PUT", "/mail/subscription",
                               {"daily_digest": bool(enabled)})

    def messages(self, offset: int = 0, limit: int = 100) -> Page[OutboxMessagePublic]:
        return self.http._get(_MESSAGES, "/mail/messages", _page(offset, limit))


class HttpJobAreas:
    """Gives :class:`HttpRepository` its ``jobs``, ``imports`` and ``mail`` areas."""

    @property
    def jobs(self) -> HttpJobs:
        return HttpJobs(self)  # type: ignore[arg-type]

    @property
    def imports(self) -> HttpImports:
        return HttpImports(self)  # type: ignore[arg-type]

    @property
    def mail(self) -> HttpMail:
        return HttpMail(self)  # type: ignore[arg-type]
