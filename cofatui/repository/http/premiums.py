"""``repo.premiums`` over HTTP (routes: ``api/routes/accounting_premiums.py``)."""

from __future__ import annotations

from pydantic import TypeAdapter

from cofatui.repository.http.client import HttpArea, query_params, seek_params
from cofatui.schemas import Page, Seek
from cofatui.schemas_accounting import (
    NoticeAdjustment,
    NoticeCreate,
    NoticeFilter,
    NoticePublic,
    NoticeSchedule,
    PaymentCreate,
    PaymentPublic,
    PremiumPricePublic,
    PremiumPriceSet,
    PremiumTermsPublic,
    PremiumTermsSet,
    ServicesBilling,
)

_TERMS = TypeAdapter(PremiumTermsPublic)
_TERMS_OR_NONE: TypeAdapter[PremiumTermsPublic | None] = TypeAdapter(PremiumTermsPublic | None)
_PRICE_OR_NONE: TypeAdapter[PremiumPricePublic | None] = TypeAdapter(PremiumPricePublic | None)
_PRICES = TypeAdapter(list[PremiumPricePublic])
_NOTICE = TypeAdapter(NoticePublic)
_NOTICES = TypeAdapter(list[NoticePublic])
_NOTICE_PAGE = TypeAdapter(Page[NoticePublic])
_PAYMENT = TypeAdapter(PaymentPublic)
_PAYMENT_PAGE = TypeAdapter(Page[PaymentPublic])


class HttpPremiums(HttpArea):
    """``repo.premiums`` over HTTP."""

    def terms(self, contract_id: int) -> PremiumTermsPublic | None:
        return self._get(_TERMS_OR_NONE, f"/contracts/{int(contract_id)}/premium-terms")

    def set_terms(self, data: PremiumTermsSet) -> PremiumTermsPublic:
        return self._send(_TERMS, "PUT", "/premium-terms", data.model_dump(mode="json"))

    def prices(self, contract_id: int) -> list[PremiumPricePublic]:
        return self._get(_PRICES, f"/contracts/{int(contract_id)}/premium-prices")

    def set_price(self, data: PremiumPriceSet) -> PremiumPricePublic | None:
        return self._send(_PRICE_OR_NONE, "PUT", "/premium-prices",
                          data.model_dump(mode="json"))

    def notices(self, flt: NoticeFilter, offset: int = 0,
                limit: int = 100, seek: Seek | None = None) -> Page[NoticePublic]:
        return self._get(_NOTICE_PAGE, "/premium-notices",
                         {**query_params(flt), **seek_params(offset, limit, seek)})

    def notice(self, notice_id: int) -> NoticePublic:
        return self._get(_NOTICE, f"/premium-notices/{int(notice_id)}")

    def create_notice(self, data: NoticeCreate) -> NoticePublic:
        return self._send(_NOTICE, "POST", "/premium-notices", data.model_dump(mode="json"))

    def issue_schedule(self, data: NoticeSchedule) -> list[NoticePublic]:
        return self._send(_NOTICES, "POST", "/premium-schedules",
                          data.model_dump(mode="json"))

    def issue_adjustment(self, data: NoticeAdjustment) -> NoticePublic:
        return self._send(_NOTICE, "POST", "/premium-adjustments",
                          data.model_dump(mode="json"))

    def bill_services(self, data: ServicesBilling) -> list[NoticePublic]:
        return self._send(_NOTICES, "POST", "/services-billings",
                          data.model_dump(mode="json"))

    def cancel_notice(self, notice_id: int, version: int) -> NoticePublic:
        return self._send(_NOTICE, "POST", f"/premium-notices/{int(notice_id)}/cancel",
                          {"version": version})

    def pay(self, data: PaymentCreate) -> PaymentPublic:
        return self._send(_PAYMENT, "POST", "/premium-payments", data.model_dump(mode="json"))

    def payments(self, contract_id: int, offset: int = 0,
                 limit: int = 100, seek: Seek | None = None) -> Page[PaymentPublic]:
        return self._get(_PAYMENT_PAGE, f"/contracts/{int(contract_id)}/premium-payments",
                         seek_params(offset, limit, seek))
