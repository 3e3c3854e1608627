"""``repo.claims`` over HTTP."""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter

from cofatui.repository.http.client import HttpArea, query_params, seek_params
from cofatui.schemas import (
    AdditionalDeclaration,
    ClaimCreate,
    ClaimDetail,
    ClaimPublic,
    ClaimQueueFilter,
    ClaimQueueItem,
    ClaimStatusChange,
    DebtorClaimsRow,
    DocumentPublic,
    IndemnityUpdate,
    LineValidation,
    Page,
    Seek,
)

_CLAIM = TypeAdapter(ClaimPublic)
_CLAIMS = TypeAdapter(Page[ClaimPublic])
_CLAIM_DETAIL = TypeAdapter(ClaimDetail)
_CLAIM_QUEUE = TypeAdapter(Page[ClaimQueueItem])
_DEBTORS = TypeAdapter(Page[DebtorClaimsRow])
_DOCUMENT = TypeAdapter(DocumentPublic)


class HttpClaims(HttpArea):
    def submit(self, data: ClaimCreate) -> ClaimPublic:
        return self._send(_CLAIM, "POST", "/claims", data.model_dump(mode="json"))

    def rows(self, contract_id: int, offset: int = 0, limit: int = 100,
             seek: Seek | None = None) -> Page[ClaimPublic]:
        params = seek_params(offset, limit, seek)
        return self._get(_CLAIMS, f"/contracts/{int(contract_id)}/claims", params)

    def portfolio(self, contract_id: int, text: str | None = None, offset: int = 0,
                  limit: int = 100, seek: Seek | None = None) -> Page[DebtorClaimsRow]:
        params: dict[str, Any] = seek_params(offset, limit, seek)
        if text is not None:
            params["text"] = text
        return self._get(_DEBTORS, f"/contracts/{int(contract_id)}/claims-portfolio", params)

    def detail(self, claim_id: int) -> ClaimDetail:
        return self._get(_CLAIM_DETAIL, f"/claims/{int(claim_id)}")

    def add_declaration(self, claim_id: int, data: AdditionalDeclaration,
                        version: int) -> ClaimPublic:
        return self._send(_CLAIM, "POST", f"/claims/{int(claim_id)}/declarations",
                          {"version": version, "declaration": data.model_dump(mode="json")})

    def add_document(self, claim_id: int, filename: str, content: bytes, category: str,
                     comment: str = "") -> DocumentPublic:
        response = self._call("POST", f"/claims/{int(claim_id)}/documents",
                              params={"filename": filename, "category": category,
                                      "comment": comment},
                              content=bytes(content))
        return self._parse(_DOCUMENT, response)

    def validate_lines(self, claim_id: int, lines: LineValidation,
                       version: int) -> ClaimPublic:
        return self._send(_CLAIM, "POST", f"/claims/{int(claim_id)}/line-validation",
                          {"version": version, "lines": lines.model_dump(mode="json")})

    def set_status(self, claim_id: int, change: ClaimStatusChange,
                   version: int) -> ClaimPublic:
        return self._send(_CLAIM, "POST", f"/claims/{int(claim_id)}/status",
                          {"version": version, "change": change.model_dump(mode="json")})

    def set_indemnity(self, claim_id: int, update: IndemnityUpdate,
                      version: int) -> ClaimPublic:
        return self._send(_CLAIM, "PUT", f"/claims/{int(claim_id)}/indemnity",
                          {"version": version, "update": update.model_dump(mode="json")})

    def queue(self, flt: ClaimQueueFilter | None = None, offset: int = 0,
              limit: int = 100, seek: Seek | None = None) -> Page[ClaimQueueItem]:
        return self._get(_CLAIM_QUEUE, "/underwriter/claims",
                         {**query_params(flt), **seek_params(offset, limit, seek)})
