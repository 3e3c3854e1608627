"""Claims: declaration (with its invoice and payment lines) and the claims list."""

from __future__ import annotations

from fastapi import APIRouter

from cofatui.api.auth import Repo
from cofatui.api.routes.common import ContractId, Limit, Offset
from cofatui.schemas import ClaimCreate, ClaimPublic, Page

router = APIRouter(tags=["claims"])


@router.post("/claims", response_model=ClaimPublic, status_code=201,
             summary="Declare a claim; all lines are written or none")
def submit_claim(repo: Repo, data: ClaimCreate) -> ClaimPublic:
    return repo.submit_claim(data)


@router.get("/contracts/{contract_id}/claims", response_model=Page[ClaimPublic])
def claims(repo: Repo, contract_id: ContractId, offset: Offset = 0,
           limit: Limit = 100) -> Page[ClaimPublic]:
    return repo.claims(contract_id, offset, limit)
