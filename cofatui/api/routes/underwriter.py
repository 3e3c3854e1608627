"""Insurer staff: the queue of pending requests and company DRA changes. (Decisions on a
request are ``POST /products/{id}/decision``.)"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from cofatui.api.auth import Repo
from cofatui.api.routes.common import (
    BeforeCursor,
    CompanyId,
    Count,
    Cursor,
    LastPage,
    Limit,
    Offset,
    seek_of,
)
from cofatui.schemas import Page, QueueFilter, QueueItem

router = APIRouter(tags=["underwriter"])


@router.get("/underwriter/queue", name="underwriting.queue", response_model=Page[QueueItem],
            summary="Every pending request of every policyholder, oldest first",
            description="Page by key with `after`/`before` (a page's `last_cursor`/"
                        "`first_cursor`) or `last`; such a page is not counted (total -1).")
def underwriter_queue(repo: Repo, flt: Annotated[QueueFilter, Query()],
                      offset: Offset = 0, limit: Limit = 100, after: Cursor = None,
                      before: BeforeCursor = None, last: LastPage = False
                      ) -> Page[QueueItem]:
    return repo.underwriting.queue(flt, offset, limit, seek_of(after, before, last))


class DraBody(BaseModel):
    dra: int
    version: int = Field(description="the company version read; a stale one gets 409")
    comment: Annotated[str, Field(max_length=4000)] = ""


@router.put("/companies/{company_id}/dra", name="underwriting.set_company_dra",
            response_model=Count,
            summary="Change a company's DRA; returns the number of notifications sent")
def set_company_dra(repo: Repo, company_id: CompanyId, body: DraBody) -> Count:
    return Count(count=repo.underwriting.set_company_dra(company_id, body.dra, body.version,
                                                         body.comment))
