"""``repo.products`` over HTTP."""

from __future__ import annotations

from decimal import Decimal

from pydantic import TypeAdapter

from cofatui.repository.http.client import HttpArea, count_of, seek_params
from cofatui.schemas import (
    CompanyDetail,
    EndingGuarantee,
    NewActionItem,
    Page,
    PendingRequest,
    ProductEventPublic,
    ProductPublic,
    ProductRequest,
    Seek,
    WapSummary,
)

_DETAIL = TypeAdapter(CompanyDetail)
_ENDING = TypeAdapter(Page[EndingGuarantee])
_EVENTS = TypeAdapter(list[ProductEventPublic])
_MENU = TypeAdapter(list[NewActionItem])
_PENDING = TypeAdapter(Page[PendingRequest])
_PRODUCT = TypeAdapter(ProductPublic)
_PRODUCTS = TypeAdapter(list[ProductPublic])
_WAP = TypeAdapter(WapSummary)


class HttpProducts(HttpArea):
    def of_company(self, contract_id: int, company_id: int) -> list[ProductPublic]:
        return self._get(_PRODUCTS,
                         f"/contracts/{int(contract_id)}/companies/{int(company_id)}/products")

    def history(self, product_id: int) -> list[ProductEventPublic]:
        return self._get(_EVENTS, f"/products/{int(product_id)}/history")

    def pending_requests(self, contract_id: int, offset: int = 0, limit: int = 100,
                         seek: Seek | None = None) -> Page[PendingRequest]:
        return self._get(_PENDING, f"/contracts/{int(contract_id)}/pending-requests",
                         seek_params(offset, limit, seek))

    def ending_guarantees(self, contract_id: int, within_days: int, offset: int = 0,
                          limit: int = 100, seek: Seek | None = None
                          ) -> Page[EndingGuarantee]:
        return self._get(_ENDING, f"/contracts/{int(contract_id)}/ending-guarantees",
                         {"within_days": int(within_days), **seek_params(offset, limit, seek)})

    def raise_end_alerts(self, contract_id: int) -> int:
        return count_of(self._call("POST", f"/contracts/{int(contract_id)}/end-alerts",
                                 body={}))

    def wap(self, contract_id: int) -> WapSummary:
        return self._get(_WAP, f"/contracts/{int(contract_id)}/wap")

    def company_detail(self, contract_id: int, company_id: int) -> CompanyDetail:
        return self._get(_DETAIL, f"/contracts/{int(contract_id)}/companies/{int(company_id)}")

    def new_action_menu(self, contract_id: int, company_id: int) -> list[NewActionItem]:
        return self._get(_MENU, f"/contracts/{int(contract_id)}/companies/{int(company_id)}"
                                "/new-action")

    def request(self, request: ProductRequest) -> ProductPublic:
        return self._send(_PRODUCT, "POST", "/products", request.model_dump(mode="json"))

    def modify(self, product_id: int, amount: Decimal, version: int) -> ProductPublic:
        return self._send(_PRODUCT, "POST", f"/products/{int(product_id)}/modify",
                          {"amount": str(amount), "version": version})

    def transform(self, product_id: int, target: str, version: int,
                  amount: Decimal | None = None) -> ProductPublic:
        return self._send(_PRODUCT, "POST", f"/products/{int(product_id)}/transform",
                          {"target": target, "version": version,
                           "amount": None if amount is None else str(amount)})

    def renew(self, product_id: int, version: int) -> ProductPublic:
        return self._send(_PRODUCT, "POST", f"/products/{int(product_id)}/renew",
                          {"version": version})

    def cancel_request(self, product_id: int, version: int) -> ProductPublic:
        return self._send(_PRODUCT, "POST", f"/products/{int(product_id)}/cancel-request",
                          {"version": version})

    def delete(self, product_id: int, version: int) -> ProductPublic:
        return self._send(_PRODUCT, "POST", f"/products/{int(product_id)}/delete",
                          {"version": version})

    def stop_monitoring(self, product_id: int, version: int) -> ProductPublic:
        return self._send(_PRODUCT, "POST", f"/products/{int(product_id)}/stop-monitoring",
                          {"version": version})

    def answer_topliner_quote(self, product_id: int, answer: str,
                              version: int) -> ProductPublic:
        return self._send(_PRODUCT, "POST", f"/products/{int(product_id)}/quote-answer",
                          {"answer": answer, "version": version})
