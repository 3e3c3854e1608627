"""``repo.jobs`` over HTTP (routes in ``api/routes/jobs.py``)."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from pydantic import TypeAdapter

from cofatui.repository.http.client import HttpArea, seek_params
from cofatui.schemas import Page, Seek
from cofatui.schemas_jobs import JobFileContent, JobPublic

_JOB = TypeAdapter(JobPublic)
_JOBS = TypeAdapter(Page[JobPublic])


class HttpJobs(HttpArea):
    def queue(self, kind: str, params: dict[str, Any]) -> JobPublic:
        return self._send(_JOB, "POST", "/jobs", {"kind": kind, "params": params})

    def list(self, offset: int = 0, limit: int = 100,
             seek: Seek | None = None) -> Page[JobPublic]:
        return self._get(_JOBS, "/jobs", seek_params(offset, limit, seek))

    def get(self, job_id: int) -> JobPublic:
        return self._get(_JOB, f"/jobs/{int(job_id)}")

    def cancel(self, job_id: int) -> JobPublic:
        return self._send(_JOB, "POST", f"/jobs/{int(job_id)}/cancel", None)

    def result_file(self, job_id: int) -> JobFileContent:
        response = self._call("GET", f"/jobs/{int(job_id)}/file")
        name = unquote(response.headers.get("X-File-Name", "")) or f"job-{int(job_id)}"
        return JobFileContent(name=name, content=response.content)
