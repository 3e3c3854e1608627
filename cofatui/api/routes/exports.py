"""Custom exports (issue 15): ``repo.exports`` over HTTP.

    GET    /export-columns?category=                      exports.columns
    GET    /export-templates?category=                    exports.templates
    GET    /export-templates/{template_id}                exports.template
    POST   /export-templates                              exports.create_template
    PATCH  /export-templates/{template_id}                exports.update_template
    DELETE /export-templates/{template_id}?version=       exports.delete_template
    GET    /export-scenarios?category=                    exports.scenarios
    GET    /export-scenarios/{scenario_id}                exports.scenario
    POST   /export-scenarios                              exports.create_scenario
    PATCH  /export-scenarios/{scenario_id}                exports.update_scenario
    DELETE /export-scenarios/{scenario_id}?version=       exports.delete_scenario
    POST   /export-scenarios/{scenario_id}/run            exports.run
    POST   /exports?category=&contract_id=&rows=&format=&name=&size=
                                                          exports.store_direct (raw body)
    GET    /exports?category=&offset=&limit=&after=&before=&last=  exports.runs
    GET    /exports/{export_id}                           exports.get_run
    DELETE /exports?ids=                                  exports.delete_runs
    GET    /exports/{export_id}/files/{format}            exports.download (streamed)

Everything is the token user's own: another user's template, scenario or export is
404, as one that does not exist. Versions travel in the body of a PATCH and in the
query of a DELETE (a DELETE has no body).

``POST /exports`` keeps a simple export written by a screen: the body is the
files' bytes one after the other, and the query names each file in the same order
(``format``, ``name`` and ``size`` repeated), so one request stores them all or none
without a multipart parser; past ``DIRECT_MAX_BYTES`` in all the body is refused (413)
while it is read, before anything is stored.

A file is streamed from its chunks in the database (``StreamingResponse``): the server
never holds a whole file, and its length is known beforehand (``Content-Length``); its
name travels in ``Content-Disposition`` (RFC 6266: an ASCII ``filename`` and the
UTF-8 ``filename*``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import Field

from cofatui.api.auth import Repo
from cofatui.api.routes.common import (
    MAX_ID,
    BeforeCursor,
    Count,
    Cursor,
    LastPage,
    Limit,
    Offset,
    seek_of,
)
from cofatui.api.uploads import raw_body, spool, store
from cofatui.enums import ExportCategory
from cofatui.errors import CofaError, ValidationFailed
from cofatui.repository.base import MAX_PAGE
from cofatui.schemas import Page
from cofatui.schemas_exports import (
    DirectExportFile,
    ExportColumnInfo,
    ExportRunPublic,
    ExportScenarioIn,
    ExportScenarioPublic,
    ExportScenarioUpdate,
    ExportTemplateIn,
    ExportTemplatePublic,
    ExportTemplateUpdate,
)
from cofatui.schemas_jobs import ExportFormat

router = APIRouter(tags=["exports"])

TemplateId = Annotated[int, Path(ge=1, le=MAX_ID, description="template id")]
ScenarioId = Annotated[int, Path(ge=1, le=MAX_ID, description="scenario id")]
ExportId = Annotated[int, Path(ge=1, le=MAX_ID, description="export id")]
Version = Annotated[int, Query(ge=0, le=MAX_ID, description="the version read")]
Category = Annotated[ExportCategory | None, Query(description="one category only")]

#: A direct export's files, in all (a 100 000-row portfolio as XLSX and CSV fits).
DIRECT_MAX_BYTES = 64 * 1024 * 1024
#: Ids one ``DELETE /exports`` takes (the HTTP repository sends more in several calls).
DELETE_MAX_IDS = MAX_PAGE
#: What a stored file is served as, by format (what the schema documents).
MEDIA_TYPES: dict[ExportFormat, str] = {
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ExportFormat.CSV: "text/csv; charset=utf-8",
}
_NOT_ASCII_NAME = re.compile(r'[^A-Za-z0-9 ._()+,=@-]')


class DirectTooLarge(CofaError):
    """413: a direct export's files pass ``DIRECT_MAX_BYTES``, found before or while
    reading the body (nothing is stored)."""

    kind = "too_large"
    http_status = 413


def too_large() -> DirectTooLarge:
    return DirectTooLarge("export_api.too_large", max=DIRECT_MAX_BYTES)


def content_disposition(name: str) -> str:
    """``attachment`` with the file's name (RFC 6266 and RFC 8187): an ASCII
    ``filename`` for old clients, the exact name in ``filename*``."""
    fallback = _NOT_ASCII_NAME.sub("_", name).strip() or "export"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


# --------------------------------------------------------------- columns


@router.get("/export-columns", name="exports.columns", response_model=list[ExportColumnInfo],
            summary="The columns a category's templates may hold, labelled in my language "
                    "as exports write them")
def columns(repo: Repo, category: Annotated[ExportCategory, Query()]
            ) -> list[ExportColumnInfo]:
    return repo.exports.columns(category)


# --------------------------------------------------------------- templates


@router.get("/export-templates", name="exports.templates",
            response_model=list[ExportTemplatePublic],
            summary="My templates and each category's default (default first, then by name)")
def templates(repo: Repo, category: Category = None) -> list[ExportTemplatePublic]:
    return repo.exports.templates(category)


@router.get("/export-templates/{template_id}", name="exports.template",
            response_model=ExportTemplatePublic, summary="One of my templates")
def template(repo: Repo, template_id: TemplateId) -> ExportTemplatePublic:
    return repo.exports.template(template_id)


@router.post("/export-templates", name="exports.create_template",
             response_model=ExportTemplatePublic, status_code=201,
             summary="Create a template (at most 10 per category, the default not counted)")
def create_template(repo: Repo, body: ExportTemplateIn) -> ExportTemplatePublic:
    return repo.exports.create_template(body)


@router.patch("/export-templates/{template_id}", name="exports.update_template",
              response_model=ExportTemplatePublic,
              summary="Change a template (the fields given); the default cannot change")
def update_template(repo: Repo, template_id: TemplateId,
                    body: ExportTemplateUpdate) -> ExportTemplatePublic:
    return repo.exports.update_template(template_id, body)


@router.delete("/export-templates/{template_id}", name="exports.delete_template",
               status_code=204, response_model=None,
               summary="Delete a template (not the default, nor one a scenario uses)")
def delete_template(repo: Repo, template_id: TemplateId, version: Version) -> None:
    repo.exports.delete_template(template_id, version)


# --------------------------------------------------------------- scenarios


@router.get("/export-scenarios", name="exports.scenarios",
            response_model=list[ExportScenarioPublic], summary="My scenarios, by name")
def scenarios(repo: Repo, category: Category = None) -> list[ExportScenarioPublic]:
    return repo.exports.scenarios(category)


@router.get("/export-scenarios/{scenario_id}", name="exports.scenario",
            response_model=ExportScenarioPublic, summary="One of my scenarios")
def scenario(repo: Repo, scenario_id: ScenarioId) -> ExportScenarioPublic:
    return repo.exports.scenario(scenario_id)


@router.post("/export-scenarios", name="exports.create_scenario",
             response_model=ExportScenarioPublic, status_code=201,
             summary="Create a scenario: filters, contracts, schedule (local times in "
                     "time_zone), format and e-mail (at most 10 per category)")
def create_scenario(repo: Repo, body: ExportScenarioIn) -> ExportScenarioPublic:
    return repo.exports.create_scenario(body)


@router.patch("/export-scenarios/{scenario_id}", name="exports.update_scenario",
              response_model=ExportScenarioPublic,
              summary="Change a scenario (the fields given; `clear` sets dates back to none)")
def update_scenario(repo: Repo, scenario_id: ScenarioId,
                    body: ExportScenarioUpdate) -> ExportScenarioPublic:
    return repo.exports.update_scenario(scenario_id, body)


@router.delete("/export-scenarios/{scenario_id}", name="exports.delete_scenario",
               status_code=204, response_model=None,
               summary="Delete a scenario (its generated files stay listed)")
def delete_scenario(repo: Repo, scenario_id: ScenarioId, version: Version) -> None:
    repo.exports.delete_scenario(scenario_id, version)


@router.post("/export-scenarios/{scenario_id}/run", name="exports.run",
             response_model=ExportRunPublic, status_code=202,
             summary="Run a scenario now: its job is queued; answers its line in the list "
                     "(status running; follow it with GET /exports/{id})")
def run(repo: Repo, scenario_id: ScenarioId) -> ExportRunPublic:
    return repo.exports.run(scenario_id)


# --------------------------------------------------------------- generated files


def _direct_files(formats: list[ExportFormat], names: list[str], sizes: list[int],
                  content: bytes) -> list[DirectExportFile]:
    """The body cut into the files the query names, in order."""
    if not (len(formats) == len(names) == len(sizes)):
        raise ValidationFailed.at("size", "export_api.files_mismatch", formats=len(formats),
                                  names=len(names), sizes=len(sizes))
    if sum(sizes) != len(content):
        raise ValidationFailed.at("size", "export_api.sizes_mismatch", declared=sum(sizes),
                                  received=len(content))
    files, start = [], 0
    for fmt, name, size in zip(formats, names, sizes, strict=True):
        files.append(DirectExportFile(format=fmt, name=name, content=content[start:start + size]))
        start += size
    return files


@router.post("/exports", name="exports.store_direct", response_model=ExportRunPublic,
             status_code=201,
             summary="Keep a simple export written by a screen as an \"Export direct\": the "
                     "body is the files one after the other, the query names each in order",
             openapi_extra=raw_body("application/octet-stream",
                                    description="the files' bytes, one after the other"))
async def store_direct(
        request: Request, repo: Repo, category: Annotated[ExportCategory, Query()],
        contract_id: Annotated[list[Annotated[int, Field(ge=1, le=MAX_ID)]],
                               Query(min_length=1, max_length=100,
                                     description="the contracts exported")],
        rows: Annotated[int, Query(ge=0, le=MAX_ID, description="rows written")],
        format: Annotated[list[ExportFormat],
                          Query(min_length=1, max_length=2,
                                description="each file's format, in order")],
        name: Annotated[list[Annotated[str, Field(min_length=1, max_length=200)]],
                        Query(min_length=1, max_length=2,
                              description="each file's name, in order")],
        size: Annotated[list[Annotated[int, Field(ge=1, le=DIRECT_MAX_BYTES)]],
                        Query(min_length=1, max_length=2,
                              description="each file's size in bytes, in order")],
) -> ExportRunPublic:
    if sum(size) > DIRECT_MAX_BYTES:
        raise too_large()
    file = await spool(request, max_bytes=DIRECT_MAX_BYTES, refusal=too_large)
    return await store(request, file, lambda content: repo.exports.store_direct(
        category, contract_id, rows, _direct_files(format, name, size, content)))


@router.get("/exports", name="exports.runs", response_model=Page[ExportRunPublic],
            summary="My generated files (scenario runs and direct exports), newest first",
            description="Page by key with `after`/`before` (a page's `last_cursor`/"
                        "`first_cursor`) or `last`; such a page is not counted (total -1).")
def runs(repo: Repo, category: Category = None, offset: Offset = 0,
         limit: Limit = 100, after: Cursor = None, before: BeforeCursor = None,
         last: LastPage = False) -> Page[ExportRunPublic]:
    return repo.exports.runs(category, offset, limit, seek_of(after, before, last))


@router.get("/exports/{export_id}", name="exports.get_run", response_model=ExportRunPublic,
            summary="One of my exports: status, progress, files, e-mail")
def get_run(repo: Repo, export_id: ExportId) -> ExportRunPublic:
    return repo.exports.get_run(export_id)


@router.delete("/exports", name="exports.delete_runs", response_model=Count,
               summary="Delete several of my exports at once (a running one is cancelled "
                       "first); ids not mine are ignored; answers how many were deleted")
def delete_runs(repo: Repo,
                ids: Annotated[list[Annotated[int, Field(ge=1, le=MAX_ID)]],
                               Query(min_length=1, max_length=DELETE_MAX_IDS,
                                     description="the exports to delete")]) -> Count:
    return Count(count=repo.exports.delete_runs(ids))


_FILE_ANSWER: dict[int | str, dict[str, Any]] = {200: {
    "description": "The file, streamed",
    "content": {media.split(";")[0]: {"schema": {"type": "string", "format": "binary"}}
                for media in MEDIA_TYPES.values()},
    "headers": {
        "Content-Disposition": {"description": "attachment; filename=…; filename*=UTF-8''…",
                                "schema": {"type": "string"}},
        "Content-Length": {"description": "the file's size", "schema": {"type": "integer"}},
    }}}


def _closing(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """The chunks, the reader closed when the answer ends (a client gone included)."""
    try:
        yield from chunks
    finally:
        close = getattr(chunks, "close", None)
        if callable(close):
            close()


@router.get("/exports/{export_id}/files/{format}", name="exports.download",
            response_class=StreamingResponse, responses=_FILE_ANSWER,
            summary="One file of an available export, streamed (its name in "
                    "Content-Disposition)")
def download(repo: Repo, export_id: ExportId,
             format: ExportFormat) -> StreamingResponse:
    found = repo.exports.download(export_id, format)
    return StreamingResponse(
        _closing(found.chunks), media_type=MEDIA_TYPES[format],
        headers={"Content-Disposition": content_disposition(found.name),
                 "Content-Length": str(found.size), "X-Content-Type-Options": "nosniff"})
