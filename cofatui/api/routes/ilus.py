"""ILUs, "demandes d'engagements" (issue 17 item 6): the underwriter issues one, the
policyholder lists and answers them, the back office lists those issued. Versions
travel in the body."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

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
from cofatui.enums import IluView
from cofatui.schemas import Page
from cofatui.schemas_ilu import IluAnswer, IluCreate, IluPublic

router = APIRouter(tags=["ilus"])

IluId = Annotated[int, Path(ge=1, le=MAX_ID, description="ILU id")]


@router.post("/ilus", name="ilus.create", response_model=IluPublic, status_code=201,
             tags=["underwriter"],
             summary="Issue an ILU on a covered buyer, with its notification")
def create_ilu(repo: Repo, data: IluCreate) -> IluPublic:
    return repo.ilus.create(data)


@router.get("/contracts/{contract_id}/ilus", name="ilus.ilus",
            response_model=Page[IluPublic],
            summary="The contract's ILUs: active (open) or closed (answered, expired)")
def contract_ilus(repo: Repo, contract_id: ContractId, view: IluView = IluView.ACTIVE,
                  company_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
                  offset: Offset = 0, limit: Limit = 100, after: Cursor = None,
                  before: BeforeCursor = None, last: LastPage = False) -> Page[IluPublic]:
    return repo.ilus.ilus(contract_id, view, company_id, offset, limit,
                          seek_of(after, before, last))


@router.get("/ilus/{ilu_id}", name="ilus.get", response_model=IluPublic,
            summary="One ILU (an open one past its deadline reads as expired)")
def get_ilu(repo: Repo, ilu_id: IluId) -> IluPublic:
    return repo.ilus.get(ilu_id)


@router.post("/ilus/{ilu_id}/answer", name="ilus.answer", response_model=IluPublic,
             summary="Answer an ILU once; deleting the cover happens in the same transaction")
def answer_ilu(repo: Repo, ilu_id: IluId, data: IluAnswer) -> IluPublic:
    return repo.ilus.answer(ilu_id, data)


@router.get("/underwriter/ilus", name="ilus.issued", response_model=Page[IluPublic],
            tags=["underwriter"], summary="The ILUs issued across contracts, newest first")
def issued_ilus(repo: Repo, offset: Offset = 0, limit: Limit = 100,
                view: IluView | None = None, after: Cursor = None,
                before: BeforeCursor = None, last: LastPage = False) -> Page[IluPublic]:
    return repo.ilus.issued(offset, limit, view, seek_of(after, before, last))
