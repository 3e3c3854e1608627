"""``repo.rates`` over HTTP."""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter

from cofatui.repository.http.client import HttpArea, page_params
from cofatui.schemas import (
    ExchangeRateCreate,
    ExchangeRatePublic,
    Page,
)

_RATE = TypeAdapter(ExchangeRatePublic)
_RATES = TypeAdapter(Page[ExchangeRatePublic])


class HttpRates(HttpArea):
    def record(self, data: ExchangeRateCreate) -> ExchangeRatePublic:
        return self._send(_RATE, "POST", "/exchange-rates", data.model_dump(mode="json"))

    def rows(self, currency: str | None = None, offset: int = 0,
             limit: int = 100) -> Page[ExchangeRatePublic]:
        params: dict[str, Any] = page_params(offset, limit)
        if currency is not None:
            params["currency"] = currency
        return self._get(_RATES, "/exchange-rates", params)
