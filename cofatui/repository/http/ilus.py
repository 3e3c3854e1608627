"""``repo.ilus`` over HTTP."""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter

from cofatui.enums import IluView
from cofatui.repository.http.client import HttpArea, seek_params
from cofatui.schemas import Page, Seek
from cofatui.schemas_ilu import IluAnswer, IluCreate, IluPublic

_ILU = TypeAdapter(IluPublic)
_ILUS = TypeAdapter(Page[IluPublic])


class HttpIlus(HttpArea):
    def create(self, data: IluCreate) -> IluPublic:
        return self._send(_ILU, "POST", "/ilus", data.model_dump(mode="json"))

    def ilus(self, contract_id: int, view: IluView = IluView.ACTIVE,
             company_id: int | None = None, offset: int = 0,
             limit: int = 100, seek: Seek | None = None) -> Page[IluPublic]:
        params: dict[str, Any] = {"view": IluView(view).value,
                                  **seek_params(offset, limit, seek)}
        if company_id is not None:
            params["company_id"] = int(company_id)
        return self._get(_ILUS, f"/contracts/{int(contract_id)}/ilus", params)

    def get(self, ilu_id: int) -> IluPublic:
        return self._get(_ILU, f"/ilus/{int(ilu_id)}")

    def answer(self, ilu_id: int, data: IluAnswer) -> IluPublic:
        return self._send(_ILU, "POST", f"/ilus/{int(ilu_id)}/answer",
                          data.model_dump(mode="json"))

    def issued(self, offset: int = 0, limit: int = 100,
               view: IluView | None = None, seek: Seek | None = None) -> Page[IluPublic]:
        params: dict[str, Any] = seek_params(offset, limit, seek)
        if view is not None:
            params["view"] = IluView(view).value
        return self._get(_ILUS, "/underwriter/ilus", params)
