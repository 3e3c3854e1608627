"""``repo.imports`` over HTTP (routes in ``api/routes/jobs.py``)."""

from __future__ import annotations

from pydantic import TypeAdapter

from cofatui.repository.http.client import HttpArea, seek_params
from cofatui.schemas import Page, Seek
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

    def results(self, offset: int = 0, limit: int = 100,
                seek: Seek | None = None) -> Page[ImportResultPublic]:
        return self._get(_IMPORTS, "/imports", seek_params(offset, limit, seek))

    def result(self, import_id: int) -> ImportResultPublic:
        return self._get(_IMPORT, f"/imports/{int(import_id)}")

    def lines(self, import_id: int, offset: int = 0, limit: int = 100,
              errors_first: bool = True, seek: Seek | None = None) -> Page[ImportLinePublic]:
        return self._get(_LINES, f"/imports/{int(import_id)}/lines",
                         {**seek_params(offset, limit, seek), "errors_first": errors_first})
