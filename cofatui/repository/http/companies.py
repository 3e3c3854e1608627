"""``repo.companies`` over HTTP."""

from __future__ import annotations

from pydantic import TypeAdapter

from cofatui.repository.http.client import HttpArea, query_params, seek_params
from cofatui.schemas import (
    CompanyCreate,
    CompanyPublic,
    CompanySearch,
    Page,
    Seek,
)

_COMPANIES = TypeAdapter(Page[CompanyPublic])
_COMPANY = TypeAdapter(CompanyPublic)


class HttpCompanies(HttpArea):
    def get(self, company_id: int) -> CompanyPublic:
        return self._get(_COMPANY, f"/companies/{int(company_id)}")

    def search(self, search: CompanySearch, offset: int = 0, limit: int = 100,
               seek: Seek | None = None) -> Page[CompanyPublic]:
        params = {**query_params(search), **seek_params(offset, limit, seek)}
        return self._get(_COMPANIES, "/companies", params)

    def create(self, data: CompanyCreate) -> CompanyPublic:
        return self._send(_COMPANY, "POST", "/companies", data.model_dump(mode="json"))
