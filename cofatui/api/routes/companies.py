"""The company database: search, read, create; favourites per user."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, StrictBool

from cofatui.api.auth import Repo
from cofatui.api.routes.common import (
    BeforeCursor,
    CompanyId,
    Cursor,
    LastPage,
    Limit,
    Offset,
    seek_of,
)
from cofatui.schemas import CompanyCreate, CompanyPublic, CompanySearch, Page

router = APIRouter(tags=["companies"])


@router.get("/companies", name="companies.search", response_model=Page[CompanyPublic],
            summary="Search companies (country + name prefix, or an identifier)",
            description="Page by key with `after`/`before` (a page's `last_cursor`/"
                        "`first_cursor`) or `last`; such a page is not counted (total -1).")
def search_companies(repo: Repo, search: Annotated[CompanySearch, Query()],
                     offset: Offset = 0, limit: Limit = 100, after: Cursor = None,
                     before: BeforeCursor = None, last: LastPage = False
                     ) -> Page[CompanyPublic]:
    return repo.companies.search(search, offset, limit, seek_of(after, before, last))


@router.get("/companies/{company_id}", name="companies.get", response_model=CompanyPublic)
def get_company(repo: Repo, company_id: CompanyId) -> CompanyPublic:
    return repo.companies.get(company_id)


@router.post("/companies", name="companies.create", response_model=CompanyPublic, status_code=201)
def create_company(repo: Repo, data: CompanyCreate) -> CompanyPublic:
    return repo.companies.create(data)


class FavouriteBody(BaseModel):
    favourite: StrictBool  # true or false, not 0 or "yes"


@router.put("/companies/{company_id}/favourite", name="portfolio.set_favourite",
            status_code=204, response_class=Response,
            summary="Mark or unmark a company as one of my favourites")
def set_favourite(repo: Repo, company_id: CompanyId, body: FavouriteBody) -> Response:
    repo.portfolio.set_favourite(company_id, body.favourite)
    return Response(status_code=204)
