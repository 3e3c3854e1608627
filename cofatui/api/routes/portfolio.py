"""A contract's portfolio: criteria search and entry updates (with version)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
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
    WithTotal,
    seek_of,
)
from cofatui.schemas import Page, PortfolioCriteria, PortfolioEntryUpdate, PortfolioRow

router = APIRouter(tags=["portfolio"])


@router.get("/contracts/{contract_id}/portfolio", name="portfolio.rows",
            response_model=Page[PortfolioRow],
            summary="The contract's portfolio, most recently updated first",
            description="Every criterion is an optional query parameter (lists repeat the "
                        "parameter: `product_codes=CRL&product_codes=RLI`); they combine "
                        "with AND. Page by key with `after`/`before` (a page's "
                        "`last_cursor`/`first_cursor`) or `last` (the last page); "
                        "`offset` is then ignored.")
def portfolio(repo: Repo, contract_id: ContractId,
              criteria: Annotated[PortfolioCriteria, Query()],
              offset: Offset = 0, limit: Limit = 100,
              with_total: WithTotal = True, after: Cursor = None,
              before: BeforeCursor = None, last: LastPage = False) -> Page[PortfolioRow]:
    return repo.portfolio.rows(contract_id, criteria, offset, limit, with_total=with_total,
                               seek=seek_of(after, before, last))


class EntryUpdate(BaseModel):
    version: int = Field(description="the version read; a stale one gets 409")
    changes: PortfolioEntryUpdate


@router.patch("/portfolio-entries/{entry_id}", name="portfolio.update_entry",
              response_model=PortfolioRow,
              summary="Change a portfolio entry (client reference, amounts, custom fields)")
def update_portfolio_entry(repo: Repo,
                           entry_id: Annotated[int, Path(ge=1, le=MAX_ID)],
                           body: EntryUpdate) -> PortfolioRow:
    return repo.portfolio.update_entry(entry_id, body.changes, body.version)
