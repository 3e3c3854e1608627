"""Turnover declarations (issue 17 items 2–3): the underwriter's requests and back
office, the policyholder's list, grid, save, send, import, template and supporting
documents. Versions travel in the body."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import BaseModel, Field

from cofatui.api.auth import Repo
from cofatui.api.routes.common import (
    ERROR_RESPONSES,
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
from cofatui.rules.attachments import MAX_ATTACHMENT_BYTES, too_large
from cofatui.schemas import Page
from cofatui.schemas_jobs import ImportResultPublic
from cofatui.schemas_turnover import (
    GRID_PAGE,
    TurnoverDeclarationPublic,
    TurnoverFilter,
    TurnoverLinePublic,
    TurnoverRequestIn,
    TurnoverUpdate,
)

router = APIRouter(tags=["turnover"])

DeclarationId = Annotated[int, Path(ge=1, le=MAX_ID, description="declaration id")]
FileName = Annotated[str, Query(min_length=1, max_length=255)]
#: What an import file may be sent as (as the other imports take it).
IMPORT_MEDIA_TYPES = ("application/octet-stream", "text/csv", "text/plain")
#: A supporting document, checked by its content whatever it is sent as.
DOCUMENT_MEDIA_TYPES = ("application/octet-stream", "application/pdf", "image/jpeg",
                        "image/png", "image/gif", "text/csv",
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
TEMPLATE_TYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                  "csv": "text/csv"}


class Versioned(BaseModel):
    version: int = Field(description="the version read; a stale one gets 409")


class DocumentId(BaseModel):
    id: int = Field(description="the document's id (GET /documents/{id}/content)")


#: The lists' paging by key (issue 21).
_BY_KEY = ("Page by key with `after`/`before` (a page's `last_cursor`/`first_cursor`) or "
           "`last`.")


# --- insurer side -------------------------------------------------------------------
@router.post("/turnover-declarations", name="turnover.request",
             response_model=TurnoverDeclarationPublic, status_code=201, tags=["underwriter"],
             # The contract is named in the body: an unknown one is not found.
             responses={404: ERROR_RESPONSES[404]},
             summary="Issue a turnover declaration request (with its notification and "
                     "reminders)")
def request_declaration(repo: Repo, data: TurnoverRequestIn) -> TurnoverDeclarationPublic:
    return repo.turnover.request(data)


@router.get("/underwriter/turnover-declarations", name="turnover.requests",
            response_model=Page[TurnoverDeclarationPublic], tags=["underwriter"],
            summary="Requests across contracts, the latest due first, with days late",
            description=_BY_KEY)
def requests(repo: Repo, flt: Annotated[TurnoverFilter, Query()], offset: Offset = 0,
             limit: Limit = 100, after: Cursor = None, before: BeforeCursor = None,
             last: LastPage = False) -> Page[TurnoverDeclarationPublic]:
    return repo.turnover.requests(flt, offset, limit, seek_of(after, before, last))


@router.post("/turnover-declarations/{declaration_id}/cancel", name="turnover.cancel",
             response_model=TurnoverDeclarationPublic, tags=["underwriter"],
             summary="Withdraw a request that is not sent")
def cancel(repo: Repo, declaration_id: DeclarationId,
           body: Versioned) -> TurnoverDeclarationPublic:
    return repo.turnover.cancel(declaration_id, body.version)


# --- policyholder side --------------------------------------------------------------
@router.get("/contracts/{contract_id}/turnover-declarations", name="turnover.declarations",
            response_model=Page[TurnoverDeclarationPublic],
            summary="The contract's declarations, newest period first", description=_BY_KEY)
def declarations(repo: Repo, contract_id: ContractId, offset: Offset = 0,
                 limit: Limit = 100, after: Cursor = None, before: BeforeCursor = None,
                 last: LastPage = False) -> Page[TurnoverDeclarationPublic]:
    return repo.turnover.declarations(contract_id, offset, limit,
                                      seek_of(after, before, last))


@router.get("/turnover-declarations/{declaration_id}", name="turnover.get",
            response_model=TurnoverDeclarationPublic, summary="One declaration")
def get(repo: Repo, declaration_id: DeclarationId) -> TurnoverDeclarationPublic:
    return repo.turnover.get(declaration_id)


@router.get("/turnover-declarations/{declaration_id}/lines", name="turnover.lines",
            response_model=Page[TurnoverLinePublic],
            summary="One page of the grid (a new declaration is pre-filled on first read)",
            description="Page by key with `after`/`before` (a page's `last_cursor`/"
                        "`first_cursor`) or `last`; every page is counted.")
def lines(repo: Repo, declaration_id: DeclarationId, offset: Offset = 0,
          limit: Limit = GRID_PAGE,
          text: Annotated[str | None, Query(max_length=100)] = None,
          after: Cursor = None, before: BeforeCursor = None, last: LastPage = False
          ) -> Page[TurnoverLinePublic]:
    return repo.turnover.lines(declaration_id, offset, limit, text,
                               seek_of(after, before, last))


@router.put("/turnover-declarations/{declaration_id}", name="turnover.update",
            response_model=TurnoverDeclarationPublic,
            summary="Save: upsert the lines given (a null amount clears one), the contact "
                    "and \"nothing to declare\"")
def update(repo: Repo, declaration_id: DeclarationId,
           data: TurnoverUpdate) -> TurnoverDeclarationPublic:
    return repo.turnover.update(declaration_id, data)


@router.post("/turnover-declarations/{declaration_id}/send", name="turnover.send",
             response_model=TurnoverDeclarationPublic,
             summary="Send (lines without an amount are sent as 0); it is then frozen")
def send(repo: Repo, declaration_id: DeclarationId,
         body: Versioned) -> TurnoverDeclarationPublic:
    return repo.turnover.send(declaration_id, body.version)


@router.post("/turnover-declarations/{declaration_id}/import", name="turnover.import_file",
             response_model=ImportResultPublic,
             summary="Import an XLSX or CSV (the raw file is the body), all or nothing, "
                     "with a result per line",
             openapi_extra=raw_body(*IMPORT_MEDIA_TYPES, description="the file's bytes"))
async def import_file(request: Request, repo: Repo, declaration_id: DeclarationId,
                      file_name: FileName) -> ImportResultPublic:
    file = await spool(request)
    return await store(request, file, lambda content: repo.turnover.import_file(
        declaration_id, file_name, content))


_FILE_ANSWER: dict[int | str, dict[str, Any]] = {
    200: {"content": {media: {} for media in TEMPLATE_TYPES.values()}}}


@router.get("/turnover-declarations/{declaration_id}/template", name="turnover.template",
            response_class=Response, responses=_FILE_ANSWER,
            summary="The import template of the declaration's breakdown, with its lines")
def template(repo: Repo, declaration_id: DeclarationId,
             format: Literal["xlsx", "csv"] = "xlsx") -> Response:
    content = repo.turnover.template(declaration_id, format)
    name = f"turnover-{declaration_id}.{format}"
    return Response(content, media_type=TEMPLATE_TYPES[format],
                    headers={"X-Content-Type-Options": "nosniff",
                             "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"})


@router.post("/turnover-declarations/{declaration_id}/documents", name="turnover.attach",
             response_model=DocumentId, status_code=201,
             summary="Attach a supporting document (checked by its content, at most 10 MB)",
             openapi_extra=raw_body(*DOCUMENT_MEDIA_TYPES, description="the file's bytes"))
async def attach(request: Request, repo: Repo, declaration_id: DeclarationId,
                 file_name: FileName) -> DocumentId:
    file = await spool(request, max_bytes=MAX_ATTACHMENT_BYTES, refusal=too_large)
    return DocumentId(id=await store(request, file, lambda content: repo.turnover.attach(
        declaration_id, file_name, content)))


__all__ = ["router"]
