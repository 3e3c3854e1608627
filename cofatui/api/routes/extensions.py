"""Extensions of due date: list, request, cancel, modify the plan, and the
underwriter's decision. Versions travel in the body."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from cofatui.api.auth import Repo
from cofatui.api.routes.common import MAX_ID, ContractId
from cofatui.schemas import ExtensionCreate, ExtensionDecisionInput, ExtensionPublic, PlanLineInput

router = APIRouter(tags=["extensions"])

ExtensionId = Annotated[int, Path(ge=1, le=MAX_ID, description="extension id")]


@router.get("/contracts/{contract_id}/extensions", name="extensions.rows",
            response_model=list[ExtensionPublic],
            summary="The contract's extensions, optionally of one company")
def extensions(repo: Repo, contract_id: ContractId,
               company_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None
               ) -> list[ExtensionPublic]:
    return repo.extensions.rows(contract_id, company_id)


@router.post("/extensions", name="extensions.request",
             response_model=ExtensionPublic, status_code=201,
             summary="Request an extension of due date (granted at once within the DMC)")
def request_extension(repo: Repo, data: ExtensionCreate) -> ExtensionPublic:
    return repo.extensions.request(data)


class Versioned(BaseModel):
    version: int = Field(description="the version read; a stale one gets 409")


class PlanBody(Versioned):
    plan: list[PlanLineInput]


class ExtensionDecisionBody(Versioned):
    decision: ExtensionDecisionInput


@router.post("/extensions/{extension_id}/cancel", name="extensions.cancel",
             response_model=ExtensionPublic,
             summary="Cancel a pending extension")
def cancel_extension(repo: Repo, extension_id: ExtensionId, body: Versioned) -> ExtensionPublic:
    return repo.extensions.cancel(extension_id, body.version)


@router.put("/extensions/{extension_id}/plan", name="extensions.modify",
            response_model=ExtensionPublic,
            summary="A new plan for an active extension")
def modify_extension(repo: Repo, extension_id: ExtensionId, body: PlanBody) -> ExtensionPublic:
    return repo.extensions.modify(extension_id, body.plan, body.version)


@router.post("/extensions/{extension_id}/decision", name="extensions.decide",
             response_model=ExtensionPublic,
             tags=["underwriter"], summary="Accept, accept another plan, or refuse")
def decide_extension(repo: Repo, extension_id: ExtensionId,
                     body: ExtensionDecisionBody) -> ExtensionPublic:
    return repo.extensions.decide(extension_id, body.decision, body.version)
