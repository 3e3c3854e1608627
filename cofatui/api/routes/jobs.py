"""Jobs, import results and the mail subscription: ``repo.jobs``, ``repo.imports`` and
``repo.mail`` over HTTP.

    POST   /jobs                              jobs.queue
    GET    /jobs?offset=&limit=               jobs.list
    GET    /jobs/{job_id}                     jobs.get
    POST   /jobs/{job_id}/cancel              jobs.cancel
    GET    /jobs/{job_id}/file                jobs.result_file (raw bytes, name in a header)
    POST   /imports?kind=&contract_id=&file_name=&mode=   imports.run (raw body)
    GET    /imports                           imports.results
    GET    /imports/{import_id}               imports.result
    GET    /imports/{import_id}/lines         imports.lines
    GET    /mail/subscription                 mail.subscription
    PUT    /mail/subscription                 mail.set_daily_digest
    GET    /mail/messages                     mail.messages
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import BaseModel, StrictBool

from cofatui.api.auth import Repo
from cofatui.api.routes.common import (
    MAX_ID,
    BeforeCursor,
    ContractId,
    Cursor,
    LastPage,
    Limit,
    Offset,
    seek_of,
)
from cofatui.api.uploads import raw_body, spool, store
from cofatui.schemas import Page
from cofatui.schemas_jobs import (
    ImportKind,
    ImportLinePublic,
    ImportMode,
    ImportResultPublic,
    JobKind,
    JobPublic,
    MailSubscriptionPublic,
    OutboxMessagePublic,
)

router = APIRouter(tags=["jobs"])

JobId = Annotated[int, Path(ge=1, le=MAX_ID, description="job id")]
ImportId = Annotated[int, Path(ge=1, le=MAX_ID, description="import id")]
FILE_NAME_HEADER = "X-File-Name"


class JobBody(BaseModel):
    kind: JobKind
    params: dict[str, Any] = {}


class DigestBody(BaseModel):
    daily_digest: StrictBool  # true or false, not 0 or "yes"


@router.post("/jobs", name="jobs.queue",
             response_model=JobPublic, summary="Queue a job (an export)")
def queue_job(repo: Repo, body: JobBody) -> JobPublic:
    return repo.jobs.queue(body.kind.value, body.params)


@router.get("/jobs", name="jobs.list",
            response_model=Page[JobPublic], summary="My jobs, newest first")
def list_jobs(repo: Repo, offset: Offset = 0, limit: Limit = 100, after: Cursor = None,
              before: BeforeCursor = None, last: LastPage = False) -> Page[JobPublic]:
    return repo.jobs.list(offset, limit, seek_of(after, before, last))


@router.get("/jobs/{job_id}", name="jobs.get",
            response_model=JobPublic, summary="One of my jobs")
def get_job(repo: Repo, job_id: JobId) -> JobPublic:
    return repo.jobs.get(job_id)


@router.post("/jobs/{job_id}/cancel", name="jobs.cancel", response_model=JobPublic,
             summary="Cancel a job (a running one stops at its next step)")
def cancel_job(repo: Repo, job_id: JobId) -> JobPublic:
    return repo.jobs.cancel(job_id)


@router.get("/jobs/{job_id}/file", name="jobs.result_file", response_class=Response,
            responses={200: {"content": {"application/octet-stream": {}}}},
            summary="The file a job produced (its name in the X-File-Name header)")
def job_file(repo: Repo, job_id: JobId) -> Response:
    stored = repo.jobs.result_file(job_id)
    return Response(stored.content, media_type="application/octet-stream",
                    headers={"X-Content-Type-Options": "nosniff",
                             FILE_NAME_HEADER: quote(stored.name)})


#: What an import file may be sent as: its bytes (the pipeline finds the encoding and
#: the separator itself), declared as octet-stream or as the CSV text it is.
IMPORT_MEDIA_TYPES = ("application/octet-stream", "text/csv", "text/plain")


@router.post("/imports", name="imports.run", response_model=ImportResultPublic,
             summary="Import a file (read, checked and applied on the server); the raw "
                     "bytes are the body",
             # Not required: an empty file is the pipeline's to refuse, with its reason.
             openapi_extra=raw_body(*IMPORT_MEDIA_TYPES, description="the file's bytes",
                                    required=False))
async def run_import(request: Request, repo: Repo,
                     kind: Annotated[ImportKind, Query()],
                     contract_id: Annotated[int, Query(ge=1, le=MAX_ID)],
                     file_name: Annotated[str, Query(min_length=1, max_length=255)],
                     mode: Annotated[ImportMode, Query()] = ImportMode.PER_LINE
                     ) -> ImportResultPublic:
    # Streamed to a temporary file after the token was checked (api.uploads); the size
    # limit is the middleware's, the pipeline refuses what is over its own (an empty
    # file too, with its reason).
    file = await spool(request)
    return await store(request, file, lambda content: repo.imports.run(
        kind.value, contract_id, file_name, content, mode))


@router.get("/imports", name="imports.results", response_model=Page[ImportResultPublic],
            summary="My imports, newest first")
def import_results(repo: Repo, offset: Offset = 0, limit: Limit = 100, after: Cursor = None,
                   before: BeforeCursor = None, last: LastPage = False
                   ) -> Page[ImportResultPublic]:
    return repo.imports.results(offset, limit, seek_of(after, before, last))


@router.get("/imports/{import_id}", name="imports.result",
            response_model=ImportResultPublic,
            summary="One of my imports")
def import_result(repo: Repo, import_id: ImportId) -> ImportResultPublic:
    return repo.imports.result(import_id)


@router.get("/imports/{import_id}/lines", name="imports.lines",
            response_model=Page[ImportLinePublic],
            summary="The lines of an import, errors first unless told otherwise")
def import_lines(repo: Repo, import_id: ImportId, offset: Offset = 0, limit: Limit = 100,
                 errors_first: bool = True, after: Cursor = None,
                 before: BeforeCursor = None, last: LastPage = False
                 ) -> Page[ImportLinePublic]:
    return repo.imports.lines(import_id, offset, limit, errors_first,
                              seek_of(after, before, last))


@router.get("/mail/subscription", name="mail.subscription",
            response_model=MailSubscriptionPublic,
            summary="Whether I receive the daily digest, and where")
def mail_subscription(repo: Repo) -> MailSubscriptionPublic:
    return repo.mail.subscription()


@router.put("/mail/subscription", name="mail.set_daily_digest",
            response_model=MailSubscriptionPublic,
            summary="Turn the daily digest on or off")
def set_mail_subscription(repo: Repo, body: DigestBody) -> MailSubscriptionPublic:
    return repo.mail.set_daily_digest(body.daily_digest)


@router.get("/mail/messages", name="mail.messages",
            response_model=Page[OutboxMessagePublic],
            summary="The e-mails written for me, newest first")
def mail_messages(repo: Repo, offset: Offset = 0, limit: Limit = 100, after: Cursor = None,
                  before: BeforeCursor = None, last: LastPage = False
                  ) -> Page[OutboxMessagePublic]:
    return repo.mail.messages(offset, limit, seek_of(after, before, last))


__all__ = ["ContractId", "router"]
