"""Claims: declaration (with its invoice and payment lines), the claims list and the
claims portfolio, the claim detail, additional declarations and attachments, and the
claims handler's actions. Versions travel in the body."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel, Field

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
from cofatui.rules.attachments import MAX_ATTACHMENT_BYTES, too_large
from cofatui.schemas import (
    AdditionalDeclaration,
    ClaimCreate,
    ClaimDetail,
    ClaimPublic,
    ClaimQueueFilter,
    ClaimQueueItem,
    ClaimStatusChange,
    DebtorClaimsRow,
    DocumentPublic,
    ExchangeRateCreate,
    ExchangeRatePublic,
    IndemnityUpdate,
    LineValidation,
    Page,
)

router = APIRouter(tags=["claims"])

ClaimId = Annotated[int, Path(ge=1, le=MAX_ID, description="claim id")]


@router.post("/claims", name="claims.submit", response_model=ClaimPublic, status_code=201,
             summary="Declare a claim; all lines are written or none")
def submit_claim(repo: Repo, data: ClaimCreate) -> ClaimPublic:
    return repo.claims.submit(data)


@router.get("/contracts/{contract_id}/claims", name="claims.rows", response_model=Page[ClaimPublic],
            summary="The contract's claims, the latest updated first",
            description="Page by key with `after`/`before` (a page's `last_cursor`/"
                        "`first_cursor`) or `last`; such a page is not counted (total -1).")
def claims(repo: Repo, contract_id: ContractId, offset: Offset = 0,
           limit: Limit = 100, after: Cursor = None, before: BeforeCursor = None,
           last: LastPage = False) -> Page[ClaimPublic]:
    return repo.claims.rows(contract_id, offset, limit, seek_of(after, before, last))


@router.get("/contracts/{contract_id}/claims-portfolio", name="claims.portfolio",
            response_model=Page[DebtorClaimsRow],
            summary="One row per debtor with its latest claim",
            description="Page by key with `after`/`before` (a page's `last_cursor`/"
                        "`first_cursor`) or `last`; such a page is not counted (total -1).")
def claims_portfolio(repo: Repo, contract_id: ContractId,
                     text: Annotated[str | None, Query(max_length=200)] = None,
                     offset: Offset = 0, limit: Limit = 100, after: Cursor = None,
                     before: BeforeCursor = None,
                     last: LastPage = False) -> Page[DebtorClaimsRow]:
    return repo.claims.portfolio(contract_id, text, offset, limit,
                                 seek_of(after, before, last))


@router.get("/claims/{claim_id}", name="claims.detail", response_model=ClaimDetail,
            summary="A claim with its declarations, lines, documents and debtor history")
def claim_detail(repo: Repo, claim_id: ClaimId) -> ClaimDetail:
    return repo.claims.detail(claim_id)


class DeclarationBody(BaseModel):
    version: int = Field(description="the claim version read; a stale one gets 409")
    declaration: AdditionalDeclaration


@router.post("/claims/{claim_id}/declarations", name="claims.add_declaration",
             response_model=ClaimPublic, status_code=201,
             summary="An additional declaration (new lines, intervention, contact)")
def add_declaration(repo: Repo, claim_id: ClaimId, body: DeclarationBody) -> ClaimPublic:
    return repo.claims.add_declaration(claim_id, body.declaration, body.version)


#: What an attachment may be sent as. The server recognises the file by its content
#: (rules.attachments), so a declared type is only the client's word: octet-stream, or
#: the type of one of the files accepted; a form, JSON or text is a client's mistake
#: (``curl --data-binary`` sends a form type unless told otherwise) and gets 415.
DOCUMENT_MEDIA_TYPES = ("application/octet-stream", "application/pdf", "image/jpeg",
                        "image/png", "image/gif")


@router.post("/claims/{claim_id}/documents", name="claims.add_document",
             response_model=DocumentPublic, status_code=201,
             summary="Attach a file (PDF, JPG, PNG or GIF, at most 10 MB): the raw bytes "
                     "are the body; it is stored under its name with the extension of "
                     "the type found in its content",
             openapi_extra=raw_body(*DOCUMENT_MEDIA_TYPES, description="the file's bytes"))
async def add_document(request: Request, repo: Repo, claim_id: ClaimId,
                       filename: Annotated[str, Query(min_length=1, max_length=255)],
                       category: Annotated[str, Query(max_length=30)],
                       comment: Annotated[str, Query(max_length=2000)] = "") -> DocumentPublic:
    # Streamed to a temporary file after the token was checked, cut off past the size
    # an attachment may have (api.uploads).
    file = await spool(request, max_bytes=MAX_ATTACHMENT_BYTES, refusal=too_large)
    return await store(request, file, lambda content: repo.claims.add_document(
        claim_id, filename, content, category, comment))


class LinesBody(BaseModel):
    version: int
    lines: LineValidation


class StatusBody(BaseModel):
    version: int
    change: ClaimStatusChange


class IndemnityBody(BaseModel):
    version: int
    update: IndemnityUpdate


@router.post("/claims/{claim_id}/line-validation", name="claims.validate_lines",
             response_model=ClaimPublic,
             tags=["underwriter"], summary="Mark invoice and payment lines validated")
def validate_claim_lines(repo: Repo, claim_id: ClaimId, body: LinesBody) -> ClaimPublic:
    return repo.claims.validate_lines(claim_id, body.lines, body.version)


@router.post("/claims/{claim_id}/status", name="claims.set_status",
             response_model=ClaimPublic, tags=["underwriter"],
             summary="Accept, reject, close or cancel a claim")
def set_claim_status(repo: Repo, claim_id: ClaimId, body: StatusBody) -> ClaimPublic:
    return repo.claims.set_status(claim_id, body.change, body.version)


@router.put("/claims/{claim_id}/indemnity", name="claims.set_indemnity",
            response_model=ClaimPublic, tags=["underwriter"],
            summary="Set the covered amount and the indemnity")
def set_indemnity(repo: Repo, claim_id: ClaimId, body: IndemnityBody) -> ClaimPublic:
    return repo.claims.set_indemnity(claim_id, body.update, body.version)


@router.post("/exchange-rates", name="rates.record",
             response_model=ExchangeRatePublic, status_code=201,
             tags=["underwriter"],
             summary="Record an exchange rate (1 base = rate quote on rate_date); claims "
                     "handlers only. The same pair, day and source again corrects it")
def record_exchange_rate(repo: Repo, data: ExchangeRateCreate) -> ExchangeRatePublic:
    return repo.rates.record(data)


@router.get("/exchange-rates", name="rates.rows", response_model=Page[ExchangeRatePublic],
            summary="Recorded exchange rates, newest day first",
            description="Page by key with `after`/`before` (a page's `last_cursor`/"
                        "`first_cursor`) or `last`.")
def exchange_rates(repo: Repo,
                   currency: Annotated[str | None, Query(max_length=3)] = None,
                   offset: Offset = 0, limit: Limit = 100, after: Cursor = None,
                   before: BeforeCursor = None,
                   last: LastPage = False) -> Page[ExchangeRatePublic]:
    return repo.rates.rows(currency, offset, limit, seek_of(after, before, last))


@router.get("/underwriter/claims", name="claims.queue", response_model=Page[ClaimQueueItem],
            summary="The claims handler's queue: registered claims of every policyholder, "
                    "oldest first (open ones unless a status is chosen)",
            description="Page by key with `after`/`before` (a page's `last_cursor`/"
                        "`first_cursor`) or `last`; such a page is not counted (total -1).")
def claims_queue(repo: Repo, flt: Annotated[ClaimQueueFilter, Query()],
                 offset: Offset = 0, limit: Limit = 100, after: Cursor = None,
                 before: BeforeCursor = None, last: LastPage = False
                 ) -> Page[ClaimQueueItem]:
    return repo.claims.queue(flt, offset, limit, seek_of(after, before, last))
