"""Premiums (issue 20 item 2): ``repo.premiums`` over HTTP, one route per method.

    GET  /contracts/{contract_id}/premium-terms       premiums.terms (null: none set)
    PUT  /premium-terms                               premiums.set_terms
    GET  /contracts/{contract_id}/premium-prices      premiums.prices
    PUT  /premium-prices                              premiums.set_price (null: removed)
    GET  /premium-notices?contract_id=&status=&kind=&text=&offset=&limit=
                                                      premiums.notices
    GET  /premium-notices/{notice_id}                 premiums.notice
    POST /premium-notices                             premiums.create_notice
    POST /premium-schedules                           premiums.issue_schedule
    POST /premium-adjustments                         premiums.issue_adjustment
    POST /services-billings                           premiums.bill_services
    POST /premium-notices/{notice_id}/cancel          premiums.cancel_notice
    POST /premium-payments                            premiums.pay
    GET  /contracts/{contract_id}/premium-payments    premiums.payments
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from cofatui.api.auth import Repo
from cofatui.api.routes.accounting import NOT_FOUND
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
from cofatui.schemas import BodyInt, Page
from cofatui.schemas_accounting import (
    NoticeAdjustment,
    NoticeCreate,
    NoticeFilter,
    NoticePublic,
    NoticeSchedule,
    PaymentCreate,
    PaymentPublic,
    PremiumPricePublic,
    PremiumPriceSet,
    PremiumTermsPublic,
    PremiumTermsSet,
    ServicesBilling,
)

router = APIRouter(tags=["accounting: premiums"])

NoticeId = Annotated[int, Path(ge=1, le=MAX_ID, description="premium notice id")]


class NoticeQuery(NoticeFilter):
    # Beside offset and limit in the query string.
    model_config = ConfigDict(extra="ignore")


class VersionBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: BodyInt = Field(description="the version read; a stale one gets 409")


@router.get("/contracts/{contract_id}/premium-terms", name="premiums.terms",
            response_model=PremiumTermsPublic | None, responses=NOT_FOUND,
            summary="The contract's premium terms (null when not set)")
def terms(repo: Repo, contract_id: ContractId) -> PremiumTermsPublic | None:
    return repo.premiums.terms(contract_id)


@router.put("/premium-terms", name="premiums.set_terms", responses=NOT_FOUND,
            response_model=PremiumTermsPublic,
            summary="Set a contract's premium terms (insurer staff)")
def set_terms(repo: Repo, body: PremiumTermsSet) -> PremiumTermsPublic:
    return repo.premiums.set_terms(body)


@router.get("/contracts/{contract_id}/premium-prices", name="premiums.prices",
            response_model=list[PremiumPricePublic], responses=NOT_FOUND,
            summary="The contract's price list per product code")
def prices(repo: Repo, contract_id: ContractId) -> list[PremiumPricePublic]:
    return repo.premiums.prices(contract_id)


@router.put("/premium-prices", name="premiums.set_price", responses=NOT_FOUND,
            response_model=PremiumPricePublic | None,
            summary="Set a product code's price (a zero price removes it: null)")
def set_price(repo: Repo, body: PremiumPriceSet) -> PremiumPricePublic | None:
    return repo.premiums.set_price(body)


@router.get("/premium-notices", name="premiums.notices", responses=NOT_FOUND,
            response_model=Page[NoticePublic],
            summary="Notices of the contracts I may read, due date first",
            description="Page by key with `after`/`before` (a page's `last_cursor`/"
                        "`first_cursor`) or `last`; such a page is not counted (total -1).")
def notices(repo: Repo, flt: Annotated[NoticeQuery, Query()], offset: Offset = 0,
            limit: Limit = 100, after: Cursor = None, before: BeforeCursor = None,
            last: LastPage = False) -> Page[NoticePublic]:
    return repo.premiums.notices(flt, offset, limit, seek_of(after, before, last))


@router.get("/premium-notices/{notice_id}", name="premiums.notice",
            response_model=NoticePublic, responses=NOT_FOUND,
            summary="A notice with its lines")
def notice(repo: Repo, notice_id: NoticeId) -> NoticePublic:
    return repo.premiums.notice(notice_id)


@router.post("/premium-notices", name="premiums.create_notice", responses=NOT_FOUND,
             response_model=NoticePublic,
             status_code=201,
             summary="A manual notice (insurer staff) or one received on paper, typed in")
def create_notice(repo: Repo, body: NoticeCreate) -> NoticePublic:
    return repo.premiums.create_notice(body)


@router.post("/premium-schedules", name="premiums.issue_schedule", responses=NOT_FOUND,
             response_model=list[NoticePublic], status_code=201,
             summary="Issue the provisional instalments of an insurance year")
def issue_schedule(repo: Repo, body: NoticeSchedule) -> list[NoticePublic]:
    return repo.premiums.issue_schedule(body)


@router.post("/premium-adjustments", name="premiums.issue_adjustment", responses=NOT_FOUND,
             response_model=NoticePublic, status_code=201,
             summary="Issue the adjustment of a past insurance year (negative: a refund)")
def issue_adjustment(repo: Repo, body: NoticeAdjustment) -> NoticePublic:
    return repo.premiums.issue_adjustment(body)


@router.post("/services-billings", name="premiums.bill_services", responses=NOT_FOUND,
             response_model=list[NoticePublic],
             summary="Gather a month's information products and intervention fees into "
                     "notices (the same month twice adds nothing)")
def bill_services(repo: Repo, body: ServicesBilling) -> list[NoticePublic]:
    return repo.premiums.bill_services(body)


@router.post("/premium-notices/{notice_id}/cancel", name="premiums.cancel_notice",
             response_model=NoticePublic, responses=NOT_FOUND,
             summary="Withdraw an unpaid notice")
def cancel_notice(repo: Repo, notice_id: NoticeId, body: VersionBody) -> NoticePublic:
    return repo.premiums.cancel_notice(notice_id, body.version)


@router.post("/premium-payments", name="premiums.pay", responses=NOT_FOUND,
             response_model=PaymentPublic,
             status_code=201,
             summary="Record a payment of whole notices (EUR debited for another "
                     "currency) and its proposed entry")
def pay(repo: Repo, body: PaymentCreate) -> PaymentPublic:
    return repo.premiums.pay(body)


@router.get("/contracts/{contract_id}/premium-payments", name="premiums.payments",
            response_model=Page[PaymentPublic], responses=NOT_FOUND,
            summary="The contract's premium payments, newest first",
            description="Page by key with `after`/`before` (a page's `last_cursor`/"
                        "`first_cursor`) or `last`; such a page is not counted (total -1).")
def payments(repo: Repo, contract_id: ContractId, offset: Offset = 0,
             limit: Limit = 100, after: Cursor = None, before: BeforeCursor = None,
             last: LastPage = False) -> Page[PaymentPublic]:
    return repo.premiums.payments(contract_id, offset, limit, seek_of(after, before, last))


__all__ = ["router"]
