"""``repo.imports`` over HTTP (routes in ``api/routes/jobs.py``)."""

from __future__ import annotations

from pydantic import TypeAdapter

from cofatui.repository.http.client import HttpArea, page_params
from cofatui.schemas import Page
from cofatui.schemas_jobs import ImportLinePublic, ImportMode, ImportResultPublic

_IMPORT = TypeAdapter(ImportResultPublic)
_IMPORTS = TypeAdapter(Page[ImportResultPublic])
_LINES = TypeAdapter(Page[ImportLinePublic])


class HttpImports(HttpArea):
    def run(self, kind: str, contract_id: int, file_name: str, content: bytes,
            mode: ImportMode) -> ImportResultPublic:
        response = self._call("POST", "/imports", params={
            "kind": kind, "contract_id": int(contract_id), "file_name": file_name,
            "mode": ImportMode(mode).value}, content=bytes(content))
        return self._parse(_IMPORT, response)

    def results(self, offset: int = 0, limit: int = 100) -> Page[ImportResultPublic]:
        return self._get(_IMPORTS, "/imports", page_params(offset, limit))

    def result(self, import_id: int) -> ImportResultPublic:
        return self._get(_IMPORT, f"/imports/{int(import_id)}")

    def lines(self, import_id: int, offset: int = 0, limit: int = 100,
              errors_first: bool = True) -> Page[ImportLinePublic]:
        return self._get(_LINES, f"/imports/{int(import_id)}/lines",
                              {**page_params(offset, limit), "errors_first": errors_first})
