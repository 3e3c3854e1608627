"""``repo.turnover`` over HTTP (routes in ``api/routes/turnover.py``); import, template
and attachments come from :class:`HttpTurnoverImportMixin`."""

from __future__ import annotations

from pydantic import TypeAdapter

from cofatui.repository.http.client import HttpArea, query_params, seek_params
from cofatui.repository.http.turnover_import import HttpTurnoverImportMixin
from cofatui.schemas import Page, Seek
from cofatui.schemas_turnover import (
    TurnoverDeclarationPublic,
    TurnoverFilter,
    TurnoverLinePublic,
    TurnoverRequestIn,
    TurnoverUpdate,
)

_DECLARATION = TypeAdapter(TurnoverDeclarationPublic)
_DECLARATIONS = TypeAdapter(Page[TurnoverDeclarationPublic])
_LINES = TypeAdapter(Page[TurnoverLinePublic])


def _path(declaration_id: int) -> str:
    return f"/turnover-declarations/{int(declaration_id)}"


class HttpTurnover(HttpTurnoverImportMixin, HttpArea):
    def request(self, data: TurnoverRequestIn) -> TurnoverDeclarationPublic:
        return self._send(_DECLARATION, "POST", "/turnover-declarations",
                          data.model_dump(mode="json"))

    def cancel(self, declaration_id: int, version: int) -> TurnoverDeclarationPublic:
        return self._send(_DECLARATION, "POST", _path(declaration_id) + "/cancel",
                          {"version": version})

    def requests(self, flt: TurnoverFilter | None = None, offset: int = 0,
                 limit: int = 100, seek: Seek | None = None
                 ) -> Page[TurnoverDeclarationPublic]:
        return self._get(_DECLARATIONS, "/underwriter/turnover-declarations",
                         {**query_params(flt), **seek_params(offset, limit, seek)})

    def declarations(self, contract_id: int, offset: int = 0, limit: int = 100,
                     seek: Seek | None = None) -> Page[TurnoverDeclarationPublic]:
        return self._get(_DECLARATIONS, f"/contracts/{int(contract_id)}/turnover-declarations",
                         seek_params(offset, limit, seek))

    def get(self, declaration_id: int) -> TurnoverDeclarationPublic:
        return self._get(_DECLARATION, _path(declaration_id))

    def lines(self, declaration_id: int, offset: int = 0, limit: int = 50,
              text: str | None = None, seek: Seek | None = None
              ) -> Page[TurnoverLinePublic]:
        params: dict[str, object] = dict(seek_params(offset, limit, seek))
        if text:
            params["text"] = text
        return self._get(_LINES, _path(declaration_id) + "/lines", params)

    def update(self, declaration_id: int, data: TurnoverUpdate) -> TurnoverDeclarationPublic:
        return self._send(_DECLARATION, "PUT", _path(declaration_id),
                          data.model_dump(mode="json"))

    def send(self, declaration_id: int, version: int) -> TurnoverDeclarationPublic:
        return self._send(_DECLARATION, "POST", _path(declaration_id) + "/send",
                          {"version": version})
