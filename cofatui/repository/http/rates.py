"""``repo.rates`` over HTTP."""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter

from cofatui.repository.http.client import HttpArea, seek_params
from cofatui.schemas import (
    ExchangeRateCreate,
    ExchangeRatePublic,
    Page,
    Seek,
)

_RATE = TypeAdapter(ExchangeRatePublic)
_RATES = TypeAdapter(Page[ExchangeRatePublic])


class HttpRates(HttpArea):
    def record(self, data: ExchangeRateCreate) -> ExchangeRatePublic:
        return self._send(_RATE, "POST", "/exchange-rates", data.model_dump(mode="json"))

    def rows(self, currency: str | None = None, offset: int = 0,
             limit: int = 100, seek: Seek | None = None) -> Page[ExchangeRatePublic]:
        params: dict[str, Any] = seek_params(offset, limit, seek)
        if currency is not None:
            params["currency"] = currency
        return self._get(_RATES, "/exchange-rates", params)
