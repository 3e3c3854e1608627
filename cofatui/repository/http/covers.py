"""``repo.covers`` over HTTP (routes: ``api/routes/accounting_covers.py``)."""

from __future__ import annotations

import builtins
from typing import Any

from pydantic import TypeAdapter

from cofatui.repository.http.client import HttpArea, seek_params
from cofatui.schemas import Page, Seek
from cofatui.schemas_accounting import (
    CoverCreate,
    CoverEventCreate,
    CoverEventPublic,
    CoverPublic,
    ReceivableCreate,
    ReceivablePublic,
)

_COVER = TypeAdapter(CoverPublic)
_COVER_PAGE = TypeAdapter(Page[CoverPublic])
_RECEIVABLE = TypeAdapter(ReceivablePublic)
_RECEIVABLES = TypeAdapter(list[ReceivablePublic])
_EVENT = TypeAdapter(CoverEventPublic)
_EVENTS = TypeAdapter(list[CoverEventPublic])


class HttpCovers(HttpArea):
    """``repo.covers`` over HTTP."""

    def list(self, contract_id: int | None = None, offset: int = 0,
             limit: int = 100, seek: Seek | None = None) -> Page[CoverPublic]:
        params: dict[str, Any] = seek_params(offset, limit, seek)
        if contract_id is not None:
            params["contract_id"] = int(contract_id)
        return self._get(_COVER_PAGE, "/covers", params)

    def get(self, cover_id: int) -> CoverPublic:
        return self._get(_COVER, f"/covers/{int(cover_id)}")

    def create(self, data: CoverCreate) -> CoverPublic:
        return self._send(_COVER, "POST", "/covers", data.model_dump(mode="json"))

    def receivables(self, cover_id: int) -> builtins.list[ReceivablePublic]:
        return self._get(_RECEIVABLES, f"/covers/{int(cover_id)}/receivables")

    def add_receivable(self, data: ReceivableCreate) -> ReceivablePublic:
        return self._send(_RECEIVABLE, "POST", "/cover-receivables",
                          data.model_dump(mode="json"))

    def events(self, cover_id: int) -> builtins.list[CoverEventPublic]:
        return self._get(_EVENTS, f"/covers/{int(cover_id)}/events")

    def record_event(self, data: CoverEventCreate) -> CoverEventPublic:
        return self._send(_EVENT, "POST", "/cover-events", data.model_dump(mode="json"))
