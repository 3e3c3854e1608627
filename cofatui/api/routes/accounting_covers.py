"""The other covers of seed 002 and a claim's accounting facts (issue 20 items 3 and 5):
``repo.covers`` and ``repo.claim_accounting`` over HTTP, one route per method.

    GET  /covers?contract_id=&offset=&limit=&after=&before=&last=  covers.list
    GET  /covers/{cover_id}                           covers.get
    POST /covers                                      covers.create
    GET  /covers/{cover_id}/receivables               covers.receivables
    POST /cover-receivables                           covers.add_receivable
    GET  /covers/{cover_id}/events                    covers.events
    POST /cover-events                                covers.record_event
    GET  /claims/{claim_id}/accounting                claim_accounting.get
    POST /claims/{claim_id}/accounting/received       claim_accounting.record_received
    POST /claims/{claim_id}/accounting/irrecoverable  claim_accounting.declare_irrecoverable
    PUT  /claims/{claim_id}/accounting/vat-recoverable
                                                      claim_accounting.set_vat_recoverable
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from cofatui.api.auth import Repo
from cofatui.api.routes.accounting import NOT_FOUND
from cofatui.api.routes.common import (
    MAX_ID,
    BeforeCursor,
    Cursor,
    LastPage,
    Limit,
    Offset,
    seek_of,
)
from cofatui.schemas import Page
from cofatui.schemas_accounting import (
    ClaimAccountingPublic,
    ClaimIrrecoverable,
    ClaimVatSwitch,
    CoverCreate,
    CoverEventCreate,
    CoverEventPublic,
    CoverPublic,
    IndemnityReceived,
    ReceivableCreate,
    ReceivablePublic,
)

router = APIRouter(tags=["accounting: covers"])

CoverId = Annotated[int, Path(ge=1, le=MAX_ID, description="cover id")]
ClaimId = Annotated[int, Path(ge=1, le=MAX_ID, description="claim id")]
ContractFilter = Annotated[int | None, Query(ge=1, le=MAX_ID,
                                             description="one contract (none: all mine)")]


# --- covers ----------------------------------------------------------------------------


@router.get("/covers", name="covers.list", responses=NOT_FOUND, response_model=Page[CoverPublic],
            summary="Prospection and exchange covers of the contracts I may read",
            description="Page by key with `after`/`before` (a page's `last_cursor`/"
                        "`first_cursor`) or `last`; such a page is not counted (total -1).")
def covers_list(repo: Repo, contract_id: ContractFilter = None, offset: Offset = 0,
                limit: Limit = 100, after: Cursor = None, before: BeforeCursor = None,
                last: LastPage = False) -> Page[CoverPublic]:
    return repo.covers.list(contract_id, offset, limit, seek_of(after, before, last))


@router.get("/covers/{cover_id}", name="covers.get", response_model=CoverPublic,
            responses=NOT_FOUND, summary="A cover")
def cover(repo: Repo, cover_id: CoverId) -> CoverPublic:
    return repo.covers.get(cover_id)


@router.post("/covers", name="covers.create", responses=NOT_FOUND,
             response_model=CoverPublic, status_code=201,
             summary="Record a prospection or an exchange cover")
def create(repo: Repo, body: CoverCreate) -> CoverPublic:
    return repo.covers.create(body)


@router.get("/covers/{cover_id}/receivables", name="covers.receivables",
            response_model=list[ReceivablePublic], responses=NOT_FOUND,
            summary="The receivables an exchange cover covers")
def receivables(repo: Repo, cover_id: CoverId) -> list[ReceivablePublic]:
    return repo.covers.receivables(cover_id)


@router.post("/cover-receivables", name="covers.add_receivable", responses=NOT_FOUND,
             response_model=ReceivablePublic, status_code=201,
             summary="Add a covered receivable to an exchange cover")
def add_receivable(repo: Repo, body: ReceivableCreate) -> ReceivablePublic:
    return repo.covers.add_receivable(body)


@router.get("/covers/{cover_id}/events", name="covers.events",
            response_model=list[CoverEventPublic], responses=NOT_FOUND,
            summary="A cover's events, oldest first")
def events(repo: Repo, cover_id: CoverId) -> list[CoverEventPublic]:
    return repo.covers.events(cover_id)


@router.post("/cover-events", name="covers.record_event", responses=NOT_FOUND,
             response_model=CoverEventPublic,
             status_code=201, summary="Record a cover event and its proposed entry")
def record_event(repo: Repo, body: CoverEventCreate) -> CoverEventPublic:
    return repo.covers.record_event(body)


# --- a claim's accounting facts ---------------------------------------------------------


@router.get("/claims/{claim_id}/accounting", name="claim_accounting.get",
            response_model=ClaimAccountingPublic, responses=NOT_FOUND,
            summary="What the books know of a claim beyond the claim itself")
def claim_accounting(repo: Repo, claim_id: ClaimId) -> ClaimAccountingPublic:
    return repo.claim_accounting.get(claim_id)


@router.post("/claims/{claim_id}/accounting/received",
             name="claim_accounting.record_received", response_model=ClaimAccountingPublic,
             responses=NOT_FOUND, summary="The indemnity as the bank credited it (EUR)")
def record_received(repo: Repo, claim_id: ClaimId,
                    body: IndemnityReceived) -> ClaimAccountingPublic:
    return repo.claim_accounting.record_received(claim_id, body)


@router.post("/claims/{claim_id}/accounting/irrecoverable",
             name="claim_accounting.declare_irrecoverable",
             response_model=ClaimAccountingPublic, responses=NOT_FOUND,
             summary="Declare a closed claim without indemnity irrecoverable (written off)")
def declare_irrecoverable(repo: Repo, claim_id: ClaimId,
                          body: ClaimIrrecoverable) -> ClaimAccountingPublic:
    return repo.claim_accounting.declare_irrecoverable(claim_id, body)


@router.put("/claims/{claim_id}/accounting/vat-recoverable",
            name="claim_accounting.set_vat_recoverable",
            response_model=ClaimAccountingPublic, responses=NOT_FOUND,
            summary="Switch whether the write-off reverses the VAT (art. 272 CGI)")
def set_vat_recoverable(repo: Repo, claim_id: ClaimId,
                        body: ClaimVatSwitch) -> ClaimAccountingPublic:
    return repo.claim_accounting.set_vat_recoverable(claim_id, body)


__all__ = ["router"]
