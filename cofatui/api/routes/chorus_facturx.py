"""Factur-X of Chorus Pro invoices (issue 19 items 4 and 5): ``repo.chorus_facturx``
over HTTP, one route per method.

    GET  /chorus/invoices/{invoice_id}/facturx?language=   chorus_facturx.export (bytes)
    GET  /chorus/invoices/{invoice_id}/cii?language=       chorus_facturx.export_cii
    GET  /chorus/invoices/{invoice_id}/pdf?language=       chorus_facturx.export_pdf
    POST /chorus/facturx-exports      chorus_facturx.export_selection (a job, 202)
    POST /chorus/facturx-imports      chorus_facturx.import_files (multipart: files)

An export answers the file itself (``application/pdf`` for the Factur-X and the PDF,
``application/xml`` for the CII), never sniffed, its name (the invoice number with
``/`` as ``-``) in ``Content-Disposition`` and, exactly, in :data:`FILE_NAME_HEADER`.
An import is one multipart form of one ``files`` part per received Factur-X; each
part is cut at 11 MiB as the deposit's (past Chorus Pro's 10 MB, which the reader
words), and a refused file is an outcome of the batch, never an error answer.
"""

from __future__ import annotations

import io
from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, File, Query, Request, Response, UploadFile

from cofatui.api.auth import Repo
from cofatui.api.routes.chorus_directory import NOT_FOUND
from cofatui.api.routes.chorus_forms import refuse_oversized, uploaded
from cofatui.api.routes.chorus_invoices import InvoiceId
from cofatui.api.routes.exports import content_disposition
from cofatui.api.uploads import store
from cofatui.enums import FacturxFormat
from cofatui.schemas_facturx import FacturxExportRequest, FacturxFile, FacturxImportBatch
from cofatui.schemas_jobs import JobPublic

router = APIRouter(tags=["chorus pro: factur-x"])

#: The exact file name (percent-encoded UTF-8), besides Content-Disposition's.
FILE_NAME_HEADER = "X-File-Name"
#: What each format is served as.
MEDIA_TYPES: dict[FacturxFormat, str] = {FacturxFormat.FACTURX: "application/pdf",
                                         FacturxFormat.XML: "application/xml",
                                         FacturxFormat.PDF: "application/pdf"}


#: The path segment of each format (issue 19 item 4 names ``/facturx`` and ``/cii``).
PATH_OF_FORMAT: dict[FacturxFormat, str] = {FacturxFormat.FACTURX: "facturx",
                                            FacturxFormat.XML: "cii",
                                            FacturxFormat.PDF: "pdf"}
#: The names of the routes besides ``chorus_facturx.export`` (the Factur-X's): the same
#: method, one path per format.
FORMAT_ROUTES = frozenset({"chorus_facturx.export_cii", "chorus_facturx.export_pdf"})

Language = Annotated[Literal["fr", "en"] | None,
                     Query(description="the PDF's language (default: my account's)")]
Files = Annotated[list[UploadFile], File(description="the received Factur-X PDFs, one part "
                                                     "each")]


def _served(made: FacturxFile) -> Response:
    # A file to save, never to be sniffed or shown inline by a browser.
    return Response(made.content, media_type=made.media_type, headers={
        "X-Content-Type-Options": "nosniff",
        "Content-Disposition": content_disposition(made.file_name),
        FILE_NAME_HEADER: quote(made.file_name, safe="")})


def _export_route(fmt: FacturxFormat, what: str) -> None:
    """``GET /chorus/invoices/{invoice_id}/<segment>``: one literal path per format
    (a path parameter there would also match ``…/send`` and the other invoice routes,
    and their 405's Allow would then name GET)."""
    segment = PATH_OF_FORMAT[fmt]
    name = "chorus_facturx.export" + ("" if fmt is FacturxFormat.FACTURX else f"_{segment}")

    def export(repo: Repo, invoice_id: InvoiceId, language: Language = None) -> Response:
        return _served(repo.chorus_facturx.export(invoice_id, fmt, language))

    router.add_api_route(
        f"/chorus/invoices/{{invoice_id}}/{segment}", export, methods=["GET"], name=name,
        response_class=Response,
        responses={**NOT_FOUND, 200: {"content": {MEDIA_TYPES[fmt]: {}},
                                      "description": what}},
        summary=f"An invoice as {what}; the Chorus Pro constraints are checked first "
                "(422 at their fields)")


_export_route(FacturxFormat.FACTURX, "its Factur-X (PDF/A-3 with factur-x.xml)")
_export_route(FacturxFormat.XML, "its EN 16931 CII XML")
_export_route(FacturxFormat.PDF, "its PDF/A-3 alone")


@router.post("/chorus/facturx-exports", name="chorus_facturx.export_selection",
             response_model=JobPublic, status_code=202, responses=NOT_FOUND,
             summary="Queue the export of several invoices: a job whose file is a ZIP of "
                     "one file per invoice, its result list in params.import_id")
def export_selection(repo: Repo, body: FacturxExportRequest,
                     language: Language = None) -> JobPublic:
    return repo.chorus_facturx.export_selection(body, language)


@router.post("/chorus/facturx-imports", name="chorus_facturx.import_files",
             response_model=FacturxImportBatch,
             summary="Import received Factur-X files (recipient side), each on its own: "
                     "one outcome per file (imported, or refused with coded reasons)")
async def import_files(request: Request, repo: Repo,
                       files: Files = []  # noqa: B006 — FastAPI's default, never mutated
                       ) -> FacturxImportBatch:
    refuse_oversized(files)
    # In one of the app's upload threads (api/uploads.py), which bound how many forms'
    # files are in memory at once; the spooled parts are read back there.
    return await store(request, io.BytesIO(), lambda _: repo.chorus_facturx.import_files(
        [uploaded(f) for f in files]))


__all__ = ["FILE_NAME_HEADER", "FORMAT_ROUTES", "PATH_OF_FORMAT", "router"]
