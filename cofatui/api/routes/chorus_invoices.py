"""Chorus Pro invoices (issue 18 items 4–10): ``repo.chorus_invoices`` over HTTP, one
route per method.

    POST   /chorus/invoices?signed=&submit=  (multipart)   chorus_invoices.create
    PUT    /chorus/invoices/{invoice_id}/draft             chorus_invoices.update_draft
    DELETE /chorus/invoices/{invoice_id}?version=          chorus_invoices.delete_draft
    POST   /chorus/invoices/{invoice_id}/submission        chorus_invoices.submit
    POST   /chorus/invoices/{invoice_id}/files (multipart) chorus_invoices.add_files
    GET    /chorus/invoices/{invoice_id}/files/{file_id}   chorus_invoices.file_content (bytes)
    GET    /chorus/invoices/{invoice_id}                   chorus_invoices.get
    GET    /chorus/dashboard?side=&structure_id=           chorus_invoices.dashboard
    GET    /chorus/invoices?side=&states=&...              chorus_invoices.search
    GET    /chorus/anomalies?structure_id=                 chorus_invoices.anomalies
    GET    /chorus/returns                                 chorus_invoices.returns
    POST   /chorus/returns/acknowledgement                 chorus_invoices.acknowledge_returns
    POST   /chorus/invoices/{invoice_id}/process           chorus_invoices.process
    POST   /chorus/invoices/{invoice_id}/correction        chorus_invoices.correct
    POST   /chorus/invoices/{invoice_id}/completion (multipart)
                                                           chorus_invoices.complete
    POST   /chorus/invoices/{invoice_id}/payment-mode      chorus_invoices.change_payment_mode
    POST   /chorus/invoices/{invoice_id}/credit-note       chorus_invoices.credit_note
    POST   /chorus/invoices/{invoice_id}/reissue           chorus_invoices.reissue

A deposit is a multipart form (:mod:`cofatui.api.routes.chorus_forms`): ``data`` the
invoice as JSON (:class:`~cofatui.schemas_chorus.ChorusInvoiceCreate`, what ``cofatui
chorus invoice deposit FILE`` reads), ``pdf`` the deposited PDF (none: an entry by
form) and one ``files`` part per attachment. A deposit that ends non-compliant is a
success (201): its ``state`` and ``reasons`` say why.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, File, Form, Path, Query, Request, Response, UploadFile
from pydantic import BaseModel, Field

from cofatui.api.auth import Repo
from cofatui.api.routes.chorus_directory import NOT_FOUND
from cofatui.api.routes.chorus_forms import (
    MAX_DATA_CHARS,
    form_model,
    refuse_oversized,
    uploaded,
)
from cofatui.api.routes.common import (
    MAX_ID,
    BeforeCursor,
    Cursor,
    LastPage,
    Limit,
    Offset,
    seek_of,
)
from cofatui.api.routes.exports import content_disposition
from cofatui.api.uploads import store
from cofatui.enums import ChorusSpace
from cofatui.schemas import BodyInt, Page
from cofatui.schemas_chorus import (
    ChorusAnomaly,
    ChorusCompletion,
    ChorusCorrection,
    ChorusDashboard,
    ChorusDraftUpdate,
    ChorusInvoiceCreate,
    ChorusInvoiceDetail,
    ChorusInvoiceRef,
    ChorusInvoiceRow,
    ChorusInvoiceSearch,
    ChorusPaymentModeChange,
    ChorusProcess,
)

router = APIRouter(tags=["chorus pro: invoices"])

InvoiceId = Annotated[int, Path(ge=1, le=MAX_ID, description="invoice id")]
StructureFilter = Annotated[int | None, Query(ge=1, le=MAX_ID,
                                              description="one of my structures (none: all)")]
#: The header carrying a file's row with its bytes (base64 of its JSON), as for the
#: documents sent: the body stays the file itself.
FILE_HEADER = "X-Cofatui-Chorus-File"
Files = Annotated[list[UploadFile], File(description="the attachments, one part each")]


class SearchQuery(ChorusInvoiceSearch):
    """The search's criteria as query parameters; a structure id is a database id."""

    structure_id: int | None = Field(default=None, ge=1, le=MAX_ID)


class VersionBody(BaseModel):
    version: BodyInt = Field(description="the version read; a stale one gets 409")


class ReissueBody(BaseModel):
    # As ChorusInvoiceCreate's: past 20 characters, the rules' refusal says why.
    number: str = Field(max_length=40, description="the new draft's number")


# --- entry and deposit ----------------------------------------------------------------


@router.post("/chorus/invoices", name="chorus_invoices.create", responses=NOT_FOUND,
             response_model=ChorusInvoiceDetail, status_code=201,
             summary="Deposit a PDF invoice (part pdf) or enter one by form (no pdf), with "
                     "its attachments: a draft (submit=false), or deposited and checked at "
                     "once (made available, or non-compliant with its reasons)")
async def create(request: Request, repo: Repo,
                 data: Annotated[str, Form(max_length=MAX_DATA_CHARS, description=(
                     "the invoice as JSON (ChorusInvoiceCreate)"))],
                 pdf: Annotated[UploadFile | None, File(
                     description="the deposited PDF, the main document")] = None,
                 files: Files = [],  # noqa: B006 — FastAPI's default, never mutated
                 signed: Annotated[bool, Query(description="a signed PDF")] = False,
                 submit: Annotated[bool, Query(description="false: keep a draft")] = True
                 ) -> ChorusInvoiceDetail:
    invoice = form_model(ChorusInvoiceCreate, data)
    refuse_oversized(files, pdf)

    def call(_: bytes) -> ChorusInvoiceDetail:
        # In an upload thread: the spooled parts are read back here, not in the loop.
        return repo.chorus_invoices.create(
            invoice, uploaded(pdf) if pdf is not None else None,
            [uploaded(f) for f in files], signed=signed, submit=submit)

    return await _stored(request, call)


@router.put("/chorus/invoices/{invoice_id}/draft", name="chorus_invoices.update_draft",
            response_model=ChorusInvoiceDetail, summary="Save a draft again (every field)")
def update_draft(repo: Repo, invoice_id: InvoiceId,
                 body: ChorusDraftUpdate) -> ChorusInvoiceDetail:
    return repo.chorus_invoices.update_draft(invoice_id, body)


@router.delete("/chorus/invoices/{invoice_id}", name="chorus_invoices.delete_draft",
               status_code=204, response_class=Response, summary="Delete a draft")
def delete_draft(repo: Repo, invoice_id: InvoiceId,
                 version: Annotated[int, Query(ge=0, le=MAX_ID,
                                               description="the version read")]) -> Response:
    repo.chorus_invoices.delete_draft(invoice_id, version)
    return Response(status_code=204)


@router.post("/chorus/invoices/{invoice_id}/submission", name="chorus_invoices.submit",
             response_model=ChorusInvoiceDetail,
             summary="Deposit a draft: checked at once (made available or non-compliant)")
def submit(repo: Repo, invoice_id: InvoiceId, body: VersionBody) -> ChorusInvoiceDetail:
    return repo.chorus_invoices.submit(invoice_id, body.version)


@router.post("/chorus/invoices/{invoice_id}/files", name="chorus_invoices.add_files",
             response_model=ChorusInvoiceDetail,
             summary="Attach files to a draft, non-compliant, to-recycle or suspended "
                     "invoice of mine (Chorus Pro's limits: 10 MB each, 120 MB per invoice)")
async def add_files(request: Request, repo: Repo, invoice_id: InvoiceId,
                    files: Files = []  # noqa: B006 — FastAPI's default, never mutated
                    ) -> ChorusInvoiceDetail:
    refuse_oversized(files)
    return await _stored(request, lambda _: repo.chorus_invoices.add_files(
        invoice_id, [uploaded(f) for f in files]))


@router.get("/chorus/invoices/{invoice_id}/files/{file_id}",
            name="chorus_invoices.file_content", response_class=Response,
            responses={200: {"content": {"application/octet-stream": {}}}},
            summary="The bytes of an invoice's file; its row (name, type, checksum) is in "
                    f"the {FILE_HEADER} header (base64 JSON)")
def file_content(repo: Repo, invoice_id: InvoiceId,
                 file_id: Annotated[int, Path(ge=1, le=MAX_ID)]) -> Response:
    row, content = repo.chorus_invoices.file_content(invoice_id, file_id)
    encoded = base64.b64encode(row.model_dump_json().encode()).decode("ascii")
    # Sent as bytes, never to be sniffed or shown inline: Chorus Pro takes HTML and SVG
    # attachments, which a browser would otherwise run.
    return Response(content, media_type="application/octet-stream", headers={
        "X-Content-Type-Options": "nosniff",
        "Content-Disposition": content_disposition(row.filename),
        FILE_HEADER: encoded})


# --- reading --------------------------------------------------------------------------


@router.get("/chorus/invoices/{invoice_id}", name="chorus_invoices.get",
            response_model=ChorusInvoiceDetail,
            summary="An invoice with its lines, VAT, files, history and the moves and "
                    "actions open to me")
def get(repo: Repo, invoice_id: InvoiceId) -> ChorusInvoiceDetail:
    return repo.chorus_invoices.get(invoice_id)


@router.get("/chorus/dashboard", name="chorus_invoices.dashboard", responses=NOT_FOUND,
            response_model=ChorusDashboard,
            summary="A count per state on one side, for one of my structures or all")
def dashboard(repo: Repo, side: ChorusSpace,
              structure_id: StructureFilter = None) -> ChorusDashboard:
    return repo.chorus_invoices.dashboard(side, structure_id)


@router.get("/chorus/invoices", name="chorus_invoices.search", responses=NOT_FOUND,
            response_model=Page[ChorusInvoiceRow],
            summary="Search one side, newest deposit first",
            description="Every criterion is an optional query parameter (several states "
                        "repeat it: `states=suspended&states=rejected`); they combine "
                        "with AND.")
def search(repo: Repo, criteria: Annotated[SearchQuery, Query()], offset: Offset = 0,
           limit: Limit = 100, after: Cursor = None, before: BeforeCursor = None,
           last: LastPage = False) -> Page[ChorusInvoiceRow]:
    return repo.chorus_invoices.search(
        ChorusInvoiceSearch.model_validate(criteria.model_dump()), offset, limit,
        seek_of(after, before, last))


@router.get("/chorus/anomalies", name="chorus_invoices.anomalies", responses=NOT_FOUND,
            response_model=Page[ChorusAnomaly],
            summary="My issued invoices non-compliant, to recycle, suspended or rejected, "
                    "newest change first, with the recipient's comment")
def anomalies(repo: Repo, structure_id: StructureFilter = None, offset: Offset = 0,
              limit: Limit = 100, after: Cursor = None, before: BeforeCursor = None,
              last: LastPage = False) -> Page[ChorusAnomaly]:
    return repo.chorus_invoices.anomalies(structure_id, offset, limit,
                                          seek_of(after, before, last))


@router.get("/chorus/returns", name="chorus_invoices.returns",
            response_model=list[ChorusInvoiceRef],
            summary="My issued invoices rejected or suspended since I last acknowledged")
def returns(repo: Repo) -> list[ChorusInvoiceRef]:
    return repo.chorus_invoices.returns()


@router.post("/chorus/returns/acknowledgement", name="chorus_invoices.acknowledge_returns",
             status_code=204, response_class=Response,
             summary="The returns were read: none until the next one")
def acknowledge_returns(repo: Repo) -> Response:
    repo.chorus_invoices.acknowledge_returns()
    return Response(status_code=204)


# --- moves and answers ----------------------------------------------------------------


@router.post("/chorus/invoices/{invoice_id}/process", name="chorus_invoices.process",
             response_model=ChorusInvoiceDetail,
             summary="A recipient's move, as the state table allows it now")
def process(repo: Repo, invoice_id: InvoiceId, body: ChorusProcess) -> ChorusInvoiceDetail:
    return repo.chorus_invoices.process(invoice_id, body)


@router.post("/chorus/invoices/{invoice_id}/correction", name="chorus_invoices.correct",
             response_model=ChorusInvoiceDetail,
             summary="Correct a non-compliant or to-recycle invoice and deposit it again "
                     "(number kept)")
def correct(repo: Repo, invoice_id: InvoiceId,
            body: ChorusCorrection) -> ChorusInvoiceDetail:
    return repo.chorus_invoices.correct(invoice_id, body)


@router.post("/chorus/invoices/{invoice_id}/completion", name="chorus_invoices.complete",
             response_model=ChorusInvoiceDetail,
             summary="Complete a suspended invoice with new files (part data: "
                     "ChorusCompletion as JSON)")
async def complete(request: Request, repo: Repo, invoice_id: InvoiceId,
                   data: Annotated[str, Form(max_length=MAX_DATA_CHARS, description=(
                       "the completion as JSON (ChorusCompletion)"))],
                   files: Files = []  # noqa: B006 — FastAPI's default, never mutated
                   ) -> ChorusInvoiceDetail:
    completion = form_model(ChorusCompletion, data)
    refuse_oversized(files)
    return await _stored(request, lambda _: repo.chorus_invoices.complete(
        invoice_id, completion, [uploaded(f) for f in files]))


@router.post("/chorus/invoices/{invoice_id}/payment-mode",
             name="chorus_invoices.change_payment_mode", response_model=ChorusInvoiceDetail,
             summary="A rejected invoice paid by direct debit becomes a transfer")
def change_payment_mode(repo: Repo, invoice_id: InvoiceId,
                        body: ChorusPaymentModeChange) -> ChorusInvoiceDetail:
    return repo.chorus_invoices.change_payment_mode(invoice_id, body)


@router.post("/chorus/invoices/{invoice_id}/credit-note", name="chorus_invoices.credit_note",
             response_model=ChorusInvoiceDetail, status_code=201,
             summary="Issue the credit note (381) that invalidates the invoice, deposited "
                     "at once; the answer is the credit note")
def credit_note(repo: Repo, invoice_id: InvoiceId) -> ChorusInvoiceDetail:
    return repo.chorus_invoices.credit_note(invoice_id)


@router.post("/chorus/invoices/{invoice_id}/reissue", name="chorus_invoices.reissue",
             response_model=ChorusInvoiceDetail, status_code=201,
             summary="Copy the invoice into a new draft with a new number, linked to it")
def reissue(repo: Repo, invoice_id: InvoiceId, body: ReissueBody) -> ChorusInvoiceDetail:
    return repo.chorus_invoices.reissue(invoice_id, body.number)


async def _stored(request: Request, call: Callable[[bytes], ChorusInvoiceDetail]
                  ) -> ChorusInvoiceDetail:
    """``call`` in one of the app's upload threads (:func:`cofatui.api.uploads.store`),
    which bound how many forms' files are in memory at once; the files are the form's."""
    return await store(request, io.BytesIO(), call)


__all__ = ["FILE_HEADER", "router"]
