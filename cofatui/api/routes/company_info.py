"""Company information sent by a policyholder and the underwriter's outcome (issue 17
item 4, seed "ENVOYER DES INFORMATIONS SUR UNE ENTREPRISE").

    POST /company-information                        company_info.send (multipart)
    GET  /contracts/{cid}/company-information        company_info.submissions
    GET  /company-information/{id}                   company_info.get
    POST /company-information/{id}/decision          company_info.decide
    GET  /underwriter/company-information            company_info.queue

The sending is a multipart form: a part ``data`` holding the form's fields as JSON
(:class:`~cofatui.schemas_company_info.CompanyInfoIn`) and one part ``files`` per file.
The form is read as it streams in, each file to a temporary file (in memory up to
1 MiB, then on disk), the whole body cut at 50 MB and some
(:data:`cofatui.api.middleware.BODY_LIMITS`); a file over 10 MB is refused before any
is read back; the repository then checks every file by its content, in one of the
upload threads (:func:`cofatui.api.uploads.store`), which bound how many sendings are
in memory at once.
"""

from __future__ import annotations

import io
from typing import Annotated

from fastapi import APIRouter, File, Form, Path, Query, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

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
from cofatui.api.uploads import store
from cofatui.enums import CompanyInfoForm, CompanyInfoStatus, CompanyInfoType
from cofatui.errors import FieldError, ValidationFailed
from cofatui.rules.attachments import (
    MAX_ATTACHMENT_BYTES,
    MAX_DOCUMENTS,
    MAX_DOCUMENTS_BYTES,
    MAX_NAME_CHARS,
)
from cofatui.schemas import Page
from cofatui.schemas_company_info import (
    CompanyInfoDecision,
    CompanyInfoFilter,
    CompanyInfoIn,
    CompanyInfoPublic,
    UploadedFile,
)

router = APIRouter(tags=["company information"])

SubmissionId = Annotated[int, Path(ge=1, le=MAX_ID, description="submission id")]
#: The form's JSON part is a few KiB (a description of 2 000 characters at most).
MAX_DATA_CHARS = 64 * 1024


def _part_refusals(files: list[UploadFile]) -> list[FieldError]:
    """What can be refused from the parts' names and sizes alone, before a byte is read
    back. A name longer than a file's (255 characters, as ``UploadedFile`` holds it) is
    refused at its part: unchecked here, it failed the request as a server error."""
    errors = [FieldError(f"files.{i}", "attachments.name_too_long",
                         {"count": len(_part_name(f)), "max": MAX_NAME_CHARS})
              for i, f in enumerate(files) if len(_part_name(f)) > MAX_NAME_CHARS]
    errors += [FieldError(f"files.{i}", "attachments.too_large",
                          {"megabytes": MAX_ATTACHMENT_BYTES // (1024 * 1024)})
               for i, f in enumerate(files) if (f.size or 0) > MAX_ATTACHMENT_BYTES]
    if len(files) > MAX_DOCUMENTS:
        errors.append(FieldError("files", "attachments.too_many_documents",
                                 {"count": MAX_DOCUMENTS}))
    if sum(f.size or 0 for f in files) > MAX_DOCUMENTS_BYTES:
        errors.append(FieldError("files", "attachments.documents_too_large",
                                 {"megabytes": MAX_DOCUMENTS_BYTES // (1024 * 1024)}))
    return errors


def _part_name(upload: UploadFile) -> str:
    """The file's name as the sender gave it: a form encodes a double quote in a part's
    filename as ``%22`` (HTML5, as browsers and httpx send it); line breaks, encoded
    too, are refused anyway (rules.attachments)."""
    return (upload.filename or "").replace("%22", '"')


@router.post("/company-information", name="company_info.send",
             response_model=CompanyInfoPublic, status_code=201,
             summary="Send negative information or an information transmission on a "
                     "company, with its files (PDF, JPG, PNG, GIF, XLSX or CSV, recognised "
                     "by their content; 10 MB each, 50 MB in all; 1 to 10 for a "
                     "transmission): in progress at once, notified to the contract")
async def send(request: Request, repo: Repo,
               data: Annotated[str, Form(max_length=MAX_DATA_CHARS,
                                         description="the form's fields as JSON "
                                                     "(CompanyInfoIn)")],
               files: Annotated[list[UploadFile], File(
                   description="the files, one part each")] = []  # noqa: B006 — FastAPI's default, never mutated
               ) -> CompanyInfoPublic:
    try:
        form = CompanyInfoIn.model_validate_json(data)
    except ValidationError as exc:
        raise RequestValidationError(exc.errors(include_url=False)) from None
    refusals = _part_refusals(files)
    if refusals:
        raise ValidationFailed(refusals)

    def call(_: bytes) -> CompanyInfoPublic:
        # In an upload thread: the spooled files are read back here, not in the loop.
        uploads = [UploadedFile(name=_part_name(f), content=f.file.read()) for f in files]
        return repo.company_info.send(form, uploads)

    # ``store`` lends one of the app's upload slots; the files are the form's own.
    return await store(request, io.BytesIO(), call)


@router.get("/contracts/{contract_id}/company-information", name="company_info.submissions",
            response_model=Page[CompanyInfoPublic],
            summary="The contract's company information, newest first")
def submissions(repo: Repo, contract_id: ContractId,
                company_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
                country: Annotated[str | None, Query(min_length=2, max_length=3)] = None,
                form: CompanyInfoForm | None = None, info_type: CompanyInfoType | None = None,
                dra_review: bool | None = None, status: CompanyInfoStatus | None = None,
                offset: Offset = 0, limit: Limit = 100, after: Cursor = None,
                before: BeforeCursor = None, last: LastPage = False
                ) -> Page[CompanyInfoPublic]:
    return repo.company_info.submissions(CompanyInfoFilter(
        contract_id=contract_id, company_id=company_id, country=country, form=form,
        info_type=info_type, dra_review=dra_review, status=status), offset, limit,
        seek_of(after, before, last))


@router.get("/company-information/{submission_id}", name="company_info.get",
            response_model=CompanyInfoPublic,
            summary="One submission with its documents (their bytes: GET "
                    "/documents/{id}/content)")
def get(repo: Repo, submission_id: SubmissionId) -> CompanyInfoPublic:
    return repo.company_info.get(submission_id)


@router.post("/company-information/{submission_id}/decision", name="company_info.decide",
             response_model=CompanyInfoPublic,
             summary="The underwriter's outcome, given once and notified to the contract")
def decide(repo: Repo, submission_id: SubmissionId,
           body: CompanyInfoDecision) -> CompanyInfoPublic:
    return repo.company_info.decide(submission_id, body)


@router.get("/underwriter/company-information", name="company_info.queue",
            response_model=Page[CompanyInfoPublic],
            summary="The back office: submissions across policyholders, oldest first "
                    "(in progress unless a status is asked)")
def queue(repo: Repo, contract_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
          country: Annotated[str | None, Query(min_length=2, max_length=3)] = None,
          form: CompanyInfoForm | None = None, info_type: CompanyInfoType | None = None,
          dra_review: bool | None = None, status: CompanyInfoStatus | None = None,
          offset: Offset = 0, limit: Limit = 100, after: Cursor = None,
          before: BeforeCursor = None, last: LastPage = False) -> Page[CompanyInfoPublic]:
    return repo.company_info.queue(CompanyInfoFilter(
        contract_id=contract_id, country=country, form=form, info_type=info_type,
        dra_review=dra_review, status=status), offset, limit, seek_of(after, before, last))
