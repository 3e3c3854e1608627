"""``repo.documents`` over HTTP."""

from __future__ import annotations

import base64
from typing import Any

from pydantic import TypeAdapter

from cofatui.enums import DocumentSource
from cofatui.repository.http.client import HttpArea, seek_params
from cofatui.schemas import Page, Seek
from cofatui.schemas_documents import DocumentFilter, DocumentRow

_SOURCES = TypeAdapter(list[DocumentSource])
_ROWS = TypeAdapter(Page[DocumentRow])
#: The header the server sends the document's row in (api/routes/documents.py).
ROW_HEADER = "X-Cofatui-Document"


class HttpDocuments(HttpArea):
    def sources(self, contract_id: int) -> list[DocumentSource]:
        return self._get(_SOURCES, f"/contracts/{int(contract_id)}/document-sources")

    def rows(self, contract_id: int, flt: DocumentFilter, offset: int = 0,
             limit: int = 100, seek: Seek | None = None) -> Page[DocumentRow]:
        params: dict[str, Any] = {"category": flt.source.value, "sort": flt.sort,
                                  "descending": flt.descending,
                                  **seek_params(offset, limit, seek)}
        if flt.company_id is not None:
            params["company_id"] = int(flt.company_id)
        if flt.text:
            params["text"] = flt.text
        return self._get(_ROWS, f"/contracts/{int(contract_id)}/documents", params)

    def content(self, document_id: int) -> tuple[DocumentRow, bytes]:
        response = self._call("GET", f"/documents/{int(document_id)}/content")
        row = DocumentRow.model_validate_json(base64.b64decode(response.headers[ROW_HEADER]))
        return row, response.content
