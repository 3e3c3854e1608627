"""Products on companies: lists, history, pending requests, ending guarantees, WAP;
the company detail, NEW ACTION and the commands on a product (versions in the body)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from cofatui.api.auth import Repo
from cofatui.api.routes.common import (
    MAX_ID,
    BeforeCursor,
    CompanyId,
    ContractId,
    Count,
    Cursor,
    LastPage,
    Limit,
    Offset,
    _error,
    seek_of,
)
from cofatui.schemas import (
    CompanyDetail,
    EndingGuarantee,
    NewActionItem,
    Page,
    PendingRequest,
    ProductEventPublic,
    ProductPublic,
    ProductRequest,
    UnderwriterDecisionInput,
    WapSummary,
)

router = APIRouter(tags=["products"])


@router.get("/contracts/{contract_id}/companies/{company_id}/products", name="products.of_company",
            response_model=list[ProductPublic])
def company_products(repo: Repo, contract_id: ContractId,
                     company_id: CompanyId) -> list[ProductPublic]:
    return repo.products.of_company(contract_id, company_id)


@router.get("/products/{product_id}/history", name="products.history",
            response_model=list[ProductEventPublic])
def product_history(repo: Repo, product_id: Annotated[int, Path(ge=1, le=MAX_ID)]
                    ) -> list[ProductEventPublic]:
    return repo.products.history(product_id)


@router.get("/contracts/{contract_id}/pending-requests", name="products.pending_requests",
            response_model=Page[PendingRequest],
            summary="Every pending request of the contract, oldest first")
def pending_requests(repo: Repo, contract_id: ContractId, offset: Offset = 0,
                     limit: Limit = 100, after: Cursor = None, before: BeforeCursor = None,
                     last: LastPage = False) -> Page[PendingRequest]:
    return repo.products.pending_requests(contract_id, offset, limit,
                                          seek_of(after, before, last))


@router.get("/contracts/{contract_id}/ending-guarantees", name="products.ending_guarantees",
            response_model=Page[EndingGuarantee],
            summary="Standing covers ending within N days, soonest first; the first page "
                    "also raises today's TopLiner end alerts (once per product and day)")
def ending_guarantees(repo: Repo, contract_id: ContractId,
                      within_days: Annotated[int, Query(ge=0, le=3660)] = 30,
                      offset: Offset = 0, limit: Limit = 100, after: Cursor = None,
                      before: BeforeCursor = None, last: LastPage = False
                      ) -> Page[EndingGuarantee]:
    seek = seek_of(after, before, last)
    if offset == 0 and seek is None:  # the home data: whoever serves it first today
        repo.products.raise_end_alerts(contract_id)  # raises the alerts
    return repo.products.ending_guarantees(contract_id, within_days, offset, limit, seek)


@router.post("/contracts/{contract_id}/end-alerts", name="products.raise_end_alerts",
             response_model=Count,
             summary="Raise today's TopLiner end alerts of the contract (idempotent: one "
                     "notification per product and day)")
def raise_end_alerts(repo: Repo, contract_id: ContractId) -> Count:
    return Count(count=repo.products.raise_end_alerts(contract_id))


@router.get("/contracts/{contract_id}/wap", name="products.wap", response_model=WapSummary,
            summary="Weighted average probability of default of the portfolio")
def wap(repo: Repo, contract_id: ContractId) -> WapSummary:
    return repo.products.wap(contract_id)


# --- company detail, NEW ACTION and product commands ----------------------------------


@router.get("/contracts/{contract_id}/companies/{company_id}", name="products.company_detail",
            response_model=CompanyDetail,
            summary="A company as seen from a contract: entry, products, claims")
def company_detail(repo: Repo, contract_id: ContractId, company_id: CompanyId) -> CompanyDetail:
    return repo.products.company_detail(contract_id, company_id)


@router.get("/contracts/{contract_id}/companies/{company_id}/new-action",
            name="products.new_action_menu", response_model=list[NewActionItem],
            summary="The products that can be ordered on a company, and why not")
def new_action_menu(repo: Repo, contract_id: ContractId,
                    company_id: CompanyId) -> list[NewActionItem]:
    return repo.products.new_action_menu(contract_id, company_id)


@router.post("/products", name="products.request", response_model=ProductPublic, status_code=201,
             summary="Order a product on a company (NEW ACTION)",
             responses={404: _error("No such contract or company (ids of the body)")})
def request_product(repo: Repo, request: ProductRequest) -> ProductPublic:
    return repo.products.request(request)


class Versioned(BaseModel):
    version: int = Field(description="the version read; a stale one gets 409")


class ModifyBody(Versioned):
    amount: Decimal


class TransformBody(Versioned):
    target: Annotated[str, Field(min_length=1, max_length=20)]
    amount: Decimal | None = Field(default=None, description="required into an Agrément")


class QuoteAnswerBody(Versioned):
    answer: Annotated[str, Field(min_length=1, max_length=20,
                                 description="refuse | new_simulation | buy")]


class DecisionBody(Versioned):
    decision: UnderwriterDecisionInput


ProductId = Annotated[int, Path(ge=1, le=MAX_ID, description="product id")]


@router.post("/products/{product_id}/modify", name="products.modify", response_model=ProductPublic,
             summary="Request a new amount")
def modify_product(repo: Repo, product_id: ProductId, body: ModifyBody) -> ProductPublic:
    return repo.products.modify(product_id, body.amount, body.version)


@router.post("/products/{product_id}/transform", name="products.transform",
             response_model=ProductPublic,
             summary="Ask to replace a cover by another kind: granted at once, the new "
                     "product is returned; otherwise the product with its request")
def transform_product(repo: Repo, product_id: ProductId, body: TransformBody) -> ProductPublic:
    return repo.products.transform(product_id, body.target, body.version, body.amount)


@router.post("/products/{product_id}/renew", name="products.renew", response_model=ProductPublic,
             summary="Ask to renew a cover that ends (decided like an amendment)")
def renew_product(repo: Repo, product_id: ProductId, body: Versioned) -> ProductPublic:
    return repo.products.renew(product_id, body.version)


@router.post("/products/{product_id}/cancel-request", name="products.cancel_request",
             response_model=ProductPublic,
             summary="Withdraw the request pending on a product (the standing decision "
                     "stays)")
def cancel_request(repo: Repo, product_id: ProductId, body: Versioned) -> ProductPublic:
    return repo.products.cancel_request(product_id, body.version)


@router.post("/products/{product_id}/delete", name="products.delete", response_model=ProductPublic,
             summary="Delete a product (refused while a request on it is pending), or "
                     "cancel a product that is only a first request")
def delete_product(repo: Repo, product_id: ProductId, body: Versioned) -> ProductPublic:
    return repo.products.delete(product_id, body.version)


@router.post("/products/{product_id}/stop-monitoring", name="products.stop_monitoring",
             response_model=ProductPublic)
def stop_monitoring(repo: Repo, product_id: ProductId, body: Versioned) -> ProductPublic:
    return repo.products.stop_monitoring(product_id, body.version)


@router.post("/products/{product_id}/quote-answer", name="products.answer_topliner_quote",
             response_model=ProductPublic,
             summary="Answer a TopLiner quote: refuse, new simulation (a refusal) or buy")
def answer_topliner_quote(repo: Repo, product_id: ProductId,
                          body: QuoteAnswerBody) -> ProductPublic:
    return repo.products.answer_topliner_quote(product_id, body.answer, body.version)


@router.post("/products/{product_id}/decision", name="underwriting.decide",
             response_model=ProductPublic,
             tags=["underwriter"],
             summary="Decide the request pending on a product (underwriters; the version "
                     "is the product's)")
def decide_request(repo: Repo, product_id: ProductId, body: DecisionBody) -> ProductPublic:
    return repo.underwriting.decide(product_id, body.decision, body.version)
