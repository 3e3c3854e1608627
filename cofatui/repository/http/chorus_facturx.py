"""``repo.chorus_facturx`` over HTTP (routes: ``api/routes/chorus_facturx.py``).

An export comes back as the file's bytes, its name in a header; an import is one
multipart form of one ``files`` part per received Factur-X."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import unquote

from pydantic import TypeAdapter

from cofatui.enums import FacturxFormat
from cofatui.repository.http.chorus_invoices import UPLOAD_WAIT_SECONDS, multipart
from cofatui.repository.http.client import HttpArea
from cofatui.schemas_company_info import UploadedFile
from cofatui.schemas_facturx import FacturxExportRequest, FacturxFile, FacturxImportBatch
from cofatui.schemas_jobs import JobPublic

_JOB = TypeAdapter(JobPublic)
_BATCH = TypeAdapter(FacturxImportBatch)
#: The header the server sends the exact file name in (api/routes/chorus_facturx.py).
FILE_NAME_HEADER = "X-File-Name"
#: The path segment of each format (``/cii`` for the XML, issue 19 item 4).
_PATHS = {FacturxFormat.FACTURX: "facturx", FacturxFormat.XML: "cii",
          FacturxFormat.PDF: "pdf"}
#: Time the server may take to make a 200-line Factur-X, beyond the client's timeout.
EXPORT_WAIT_SECONDS = 60.0


def _language(language: str | None) -> dict[str, Any]:
    return {} if language is None else {"language": language}


class HttpChorusFacturx(HttpArea):
    def export(self, invoice_id: int, fmt: FacturxFormat = FacturxFormat.FACTURX,
               language: str | None = None) -> FacturxFile:
        response = self._call(
            "GET", f"/chorus/invoices/{int(invoice_id)}/{_PATHS[FacturxFormat(fmt)]}",
            params=_language(language), wait=EXPORT_WAIT_SECONDS)
        return FacturxFile(file_name=unquote(response.headers.get(FILE_NAME_HEADER, "")),
                           media_type=response.headers.get("Content-Type", ""),
                           content=response.content)

    def export_selection(self, request: FacturxExportRequest,
                         language: str | None = None) -> JobPublic:
        return self._parse(_JOB, self._call(
            "POST", "/chorus/facturx-exports", params=_language(language),
            body=request.model_dump(mode="json")))

    def import_files(self, files: Sequence[UploadedFile]) -> FacturxImportBatch:
        content, content_type = multipart(None, files)
        return self._parse(_BATCH, self._call(
            "POST", "/chorus/facturx-imports", content=content, content_type=content_type,
            wait=UPLOAD_WAIT_SECONDS))
