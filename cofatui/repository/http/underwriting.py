"""``repo.underwriting`` over HTTP."""

from __future__ import annotations

from pydantic import TypeAdapter

from cofatui.repository.http.client import HttpArea, count_of, query_params, seek_params
from cofatui.schemas import (
    Page,
    ProductPublic,
    QueueFilter,
    QueueItem,
    Seek,
    UnderwriterDecisionInput,
)

_PRODUCT = TypeAdapter(ProductPublic)
_QUEUE = TypeAdapter(Page[QueueItem])


class HttpUnderwriting(HttpArea):
    def queue(self, flt: QueueFilter | None = None, offset: int = 0,
              limit: int = 100, seek: Seek | None = None) -> Page[QueueItem]:
        params = {**query_params(flt), **seek_params(offset, limit, seek)}
        return self._get(_QUEUE, "/underwriter/queue", params)

    def decide(self, product_id: int, decision: UnderwriterDecisionInput,
               version: int) -> ProductPublic:
        return self._send(_PRODUCT, "POST", f"/products/{int(product_id)}/decision",
                          {"decision": decision.model_dump(mode="json"), "version": version})

    def set_company_dra(self, company_id: int, dra: int, version: int,
                        comment: str = "") -> int:
        return count_of(self._call("PUT", f"/companies/{int(company_id)}/dra",
                                 body={"dra": dra, "version": version, "comment": comment}))
