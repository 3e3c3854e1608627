"""Bulk orders (issue 14): ``repo.bulk`` over HTTP.

    POST   /contracts/{contract_id}/bulk-imports?filename=&check=&again=   bulk.start (raw body)
    GET    /contracts/{contract_id}/bulk-imports?offset=&limit=           bulk.imports
    GET    /bulk-imports?offset=&limit=                                   bulk.all_imports
    GET    /bulk-imports/{bulk_import_id}                                 bulk.get
    GET    /bulk-imports/{bulk_import_id}/lines?status=&sort=&order=&errors_first=
                                                                          bulk.lines
    GET    /bulk-imports/{bulk_import_id}/original                        bulk.original
    GET    /bulk-imports/{bulk_import_id}/errors-file                     bulk.errors_file

``POST`` answers 202 with the import and the job that runs it; a file refused whole
(not text, no order line, too many lines) is stored failed and answered 422 with its
code; past 5 MiB the body is refused (413) while it is read, before it is stored; the
same file again without ``again=true`` is 409 naming the earlier import.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Request, Response

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
from cofatui.errors import CofaError, FieldError, ValidationFailed
from cofatui.formats.bulk_orders import MAX_FILE_BYTES
from cofatui.schemas import Page
from cofatui.schemas_bulk import (
    BulkFile,
    BulkImportPublic,
    BulkLinePublic,
    BulkLineStatus,
    BulkSort,
    BulkStarted,
    SortOrder,
)

router = APIRouter(tags=["bulk orders"])

BulkImportId = Annotated[int, Path(ge=1, le=MAX_ID, description="bulk import id")]
#: What a bulk order file may be sent as: its bytes (the server reads the encoding and
#: the lines itself), declared as octet-stream or as the CSV text it is.
BULK_MEDIA_TYPES = ("application/octet-stream", "text/csv", "text/plain")
#: The header naming a file sent back; the field and parameter of the 422 answering a
#: file refused whole (what repository/http/bulk.py reads back).
FILE_NAME_HEADER = "X-File-Name"
REFUSED_FIELD = "file"
REFUSED_IMPORT_PARAM = "import_id"


class FileTooLarge(CofaError):
    """413: the file passed the 5 MiB a bulk order file may have, found while reading
    the body (nothing is stored)."""

    kind = "too_large"
    http_status = 413


def too_large() -> FileTooLarge:
    return FileTooLarge("bulk_api.too_large", max=MAX_FILE_BYTES)


def refused_whole(started: BulkStarted) -> ValidationFailed | None:
    """The 422 answering a file refused whole (stored failed, no job): the refusal's
    code and detail at the field ``file``, with the failed import's id."""
    refused = started.bulk_import.refused
    if started.job is not None or refused is None:
        return None
    params = {**refused.detail_params, "refusal": refused.code,
              REFUSED_IMPORT_PARAM: started.bulk_import.id}
    return ValidationFailed([FieldError(REFUSED_FIELD, refused.detail_code, params)])


@router.post("/contracts/{contract_id}/bulk-imports", name="bulk.start",
             response_model=BulkStarted, status_code=202,
             summary="Import a bulk order file (at most 5 MiB, 10 000 orders): the raw bytes "
                     "are the body; answers the import and the job that runs it",
             openapi_extra=raw_body(*BULK_MEDIA_TYPES, description="the file's bytes"))
async def start(request: Request, repo: Repo, contract_id: ContractId,
                filename: Annotated[str, Query(min_length=1, max_length=255)],
                check: Annotated[bool, Query(description="run everything but the writes: "
                                                         "nothing is ordered")] = False,
                again: Annotated[bool, Query(description="import a file already imported "
                                                         "into the contract (else 409)")] = False
                ) -> BulkStarted:
    # Streamed to a temporary file after the token was checked (api.uploads), cut off
    # past the size a bulk order file may have.
    file = await spool(request, max_bytes=MAX_FILE_BYTES, refusal=too_large)
    started = await store(request, file, lambda content: repo.bulk.start(
        contract_id, filename, content, check, again))
    refusal = refused_whole(started)
    if refusal is not None:
        raise refusal
    return started


@router.get("/contracts/{contract_id}/bulk-imports", name="bulk.imports",
            response_model=Page[BulkImportPublic],
            summary="The contract's imported files, by every user of it, newest first "
                    "(check runs are not listed)")
def imports(repo: Repo, contract_id: ContractId, offset: Offset = 0, limit: Limit = 100,
            after: Cursor = None, before: BeforeCursor = None, last: LastPage = False
            ) -> Page[BulkImportPublic]:
    return repo.bulk.imports(contract_id, offset, limit, seek_of(after, before, last))


@router.get("/bulk-imports", name="bulk.all_imports", response_model=Page[BulkImportPublic],
            summary="The imported files of all my contracts whose bulk orders I may read, "
                    "newest first (check runs are not listed)")
def all_imports(repo: Repo, offset: Offset = 0, limit: Limit = 100, after: Cursor = None,
                before: BeforeCursor = None, last: LastPage = False
                ) -> Page[BulkImportPublic]:
    return repo.bulk.imports(None, offset, limit, seek_of(after, before, last))


@router.get("/bulk-imports/{bulk_import_id}", name="bulk.get",
            response_model=BulkImportPublic,
            summary="One import: its status, totals and progress")
def get(repo: Repo, bulk_import_id: BulkImportId) -> BulkImportPublic:
    return repo.bulk.get(bulk_import_id)


@router.get("/bulk-imports/{bulk_import_id}/lines", name="bulk.lines",
            response_model=Page[BulkLinePublic],
            summary="The results of the lines, filtered, sorted, errors first if asked")
def lines(repo: Repo, bulk_import_id: BulkImportId, status: BulkLineStatus | None = None,
          sort: BulkSort = BulkSort.LINE, order: SortOrder = SortOrder.ASC,
          errors_first: bool = False, offset: Offset = 0, limit: Limit = 100,
          after: Cursor = None, before: BeforeCursor = None, last: LastPage = False
          ) -> Page[BulkLinePublic]:
    return repo.bulk.lines(bulk_import_id, status, sort, order, errors_first, offset, limit,
                           seek_of(after, before, last))


def _file(stored: BulkFile) -> Response:
    return Response(stored.content, media_type="application/octet-stream",
                    headers={"X-Content-Type-Options": "nosniff",
                             FILE_NAME_HEADER: quote(stored.name)})


_FILE_ANSWER: dict[int | str, dict[str, Any]] = {200: {"content": {"application/octet-stream": {}}}}


@router.get("/bulk-imports/{bulk_import_id}/original", name="bulk.original",
            response_class=Response, responses=_FILE_ANSWER,
            summary="The file as imported (its name in the X-File-Name header)")
def original(repo: Repo, bulk_import_id: BulkImportId) -> Response:
    return _file(repo.bulk.original(bulk_import_id))


@router.get("/bulk-imports/{bulk_import_id}/errors-file", name="bulk.errors_file",
            response_class=Response, responses=_FILE_ANSWER,
            summary="The lines in error (and not processed), as written, to fix and import "
                    "again (its name in the X-File-Name header)")
def errors_file(repo: Repo, bulk_import_id: BulkImportId) -> Response:
    return _file(repo.bulk.errors_file(bulk_import_id))
