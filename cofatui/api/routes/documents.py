"""The documents sent (issue 17 item 5, seed "Documents téléchargés"): the tabs a
contract has, one page of a tab, and one document's bytes whatever owns it.

    GET /contracts/{cid}/document-sources                 documents.sources
    GET /contracts/{cid}/documents?category=&company_id=  documents.rows
    GET /documents/{document_id}/content                  documents.content (raw bytes)
"""

from __future__ import annotations

import base64
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

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
from cofatui.api.routes.exports import content_disposition
from cofatui.enums import DocumentSource
from cofatui.schemas import Page
from cofatui.schemas_documents import DocumentFilter, DocumentRow

router = APIRouter(tags=["documents"])

#: The header carrying the document's row with its bytes (base64 of its JSON): one
#: route answers ``repo.documents.content`` whole, and the body stays the file itself.
ROW_HEADER = "X-Cofatui-Document"
#: What a document is sent as: the type its content was recognised as when stored
#: (rules.attachments: PDF, images, and XLSX or CSV for balances).
STORED_TYPES = ("application/pdf", "image/jpeg", "image/png", "image/gif", "text/csv",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "application/octet-stream")


@router.get("/contracts/{contract_id}/document-sources", name="documents.sources",
            response_model=list[DocumentSource],
            summary="The tabs of the documents sent: the sources the contract has "
                    "documents of that I may read")
def sources(repo: Repo, contract_id: ContractId) -> list[DocumentSource]:
    return repo.documents.sources(contract_id)


@router.get("/contracts/{contract_id}/documents", name="documents.rows",
            response_model=Page[DocumentRow],
            summary="One page of a tab of the documents sent (never their bytes)")
def rows(repo: Repo, contract_id: ContractId, category: DocumentSource,
         company_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
         text: Annotated[str | None, Query(max_length=100)] = None,
         sort: Annotated[str, Query(max_length=20,
                                    description="created_at, filename, size or company")]
         = "created_at",
         descending: bool = True, offset: Offset = 0,
         limit: Limit = 100, after: Cursor = None, before: BeforeCursor = None,
         last: LastPage = False) -> Page[DocumentRow]:
    flt = DocumentFilter(source=category, company_id=company_id, text=text, sort=sort,
                         descending=descending)
    return repo.documents.rows(contract_id, flt, offset, limit, seek_of(after, before, last))


@router.get("/documents/{document_id}/content", name="documents.content",
            response_class=Response,
            responses={200: {"content": {media: {} for media in STORED_TYPES}}},
            summary="The bytes of a sent document, with its stored type; its row is in "
                    f"the {ROW_HEADER} header (base64 JSON)")
def content(repo: Repo,
            document_id: Annotated[int, Path(ge=1, le=MAX_ID)]) -> Response:
    row, data = repo.documents.content(document_id)
    encoded = base64.b64encode(row.model_dump_json().encode()).decode("ascii")
    return Response(data, media_type=row.content_type, headers={
        # The type is what the content is (rules.attachments): never sniffed again.
        "X-Content-Type-Options": "nosniff",
        "Content-Disposition": content_disposition(row.filename),
        ROW_HEADER: encoded})
