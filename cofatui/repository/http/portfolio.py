"""``repo.portfolio`` over HTTP."""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter

from cofatui.repository.http.client import HttpArea, query_params, seek_params
from cofatui.schemas import (
    Page,
    PortfolioCriteria,
    PortfolioEntryUpdate,
    PortfolioRow,
    Seek,
)

_PORTFOLIO = TypeAdapter(Page[PortfolioRow])
_ROW = TypeAdapter(PortfolioRow)


class HttpPortfolio(HttpArea):
    def rows(self, contract_id: int, criteria: PortfolioCriteria | None = None,
             offset: int = 0, limit: int = 100, with_total: bool = True,
             seek: Seek | None = None) -> Page[PortfolioRow]:
        params: dict[str, Any] = {**query_params(criteria), **seek_params(offset, limit, seek)}
        if not with_total:
            params["with_total"] = False
        return self._get(_PORTFOLIO, f"/contracts/{int(contract_id)}/portfolio", params)

    def update_entry(self, entry_id: int, changes: PortfolioEntryUpdate,
                     version: int) -> PortfolioRow:
        body = {"version": version, "changes": changes.model_dump(mode="json")}
        return self._send(_ROW, "PATCH", f"/portfolio-entries/{int(entry_id)}", body)

    def set_favourite(self, company_id: int, favourite: bool) -> None:
        self._call("PUT", f"/companies/{int(company_id)}/favourite",
                   body={"favourite": bool(favourite)})
