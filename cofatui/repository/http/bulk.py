"""``repo.bulk`` over HTTP (routes in ``api/routes/bulk.py``).

A file refused whole is answered 422 by the API (with the refusal's code and the id of
the import stored failed); :meth:`HttpBulk.start` turns that answer back into what the
protocol returns on every backend: the failed import, without a job.
"""

from __future__ import annotations

from urllib.parse import unquote

from pydantic import TypeAdapter

from cofatui.errors import ValidationFailed
from cofatui.repository.http.client import HttpArea, seek_params
from cofatui.schemas import Page, Seek
from cofatui.schemas_bulk import (
    BulkFile,
    BulkImportPublic,
    BulkLinePublic,
    BulkLineStatus,
    BulkSort,
    BulkStarted,
    SortOrder,
)

_STARTED = TypeAdapter(BulkStarted)
_IMPORT = TypeAdapter(BulkImportPublic)
_IMPORTS = TypeAdapter(Page[BulkImportPublic])
_LINES = TypeAdapter(Page[BulkLinePublic])
#: The header naming a file sent back (the original, the lines in error).
FILE_NAME_HEADER = "X-File-Name"
#: The field of the 422 answering a file refused whole, and its parameter naming the
#: import stored failed.
REFUSED_FIELD = "file"
REFUSED_IMPORT_PARAM = "import_id"


def refused_import_id(error: ValidationFailed) -> int | None:
    """The failed import a 422 of ``POST …/bulk-imports`` names, if it is the refusal
    of a file refused whole (not a malformed request)."""
    for field in error.errors:
        import_id = field.params.get(REFUSED_IMPORT_PARAM)
        if field.field == REFUSED_FIELD and isinstance(import_id, int):
            return import_id
    return None


class HttpBulk(HttpArea):
    def start(self, contract_id: int, file_name: str, content: bytes, check: bool = False,
              again: bool = False) -> BulkStarted:
        try:
            response = self._call(
                "POST", f"/contracts/{int(contract_id)}/bulk-imports",
                params={"filename": file_name, "check": bool(check), "again": bool(again)},
                content=bytes(content))
        except ValidationFailed as error:
            import_id = refused_import_id(error)
            if import_id is None:
                raise
            return BulkStarted(bulk_import=self.get(import_id), job=None)
        return self._parse(_STARTED, response)

    def imports(self, contract_id: int | None = None, offset: int = 0,
                limit: int = 100, seek: Seek | None = None) -> Page[BulkImportPublic]:
        path = "/bulk-imports" if contract_id is None \
            else f"/contracts/{int(contract_id)}/bulk-imports"
        return self._get(_IMPORTS, path, seek_params(offset, limit, seek))

    def get(self, import_id: int) -> BulkImportPublic:
        return self._get(_IMPORT, f"/bulk-imports/{int(import_id)}")

    def lines(self, import_id: int, status: BulkLineStatus | None = None,
              sort: BulkSort = BulkSort.LINE, order: SortOrder = SortOrder.ASC,
              errors_first: bool = False, offset: int = 0,
              limit: int = 100, seek: Seek | None = None) -> Page[BulkLinePublic]:
        params: dict[str, object] = {**seek_params(offset, limit, seek),
                                     "sort": BulkSort(sort).value,
                                     "order": SortOrder(order).value,
                                     "errors_first": bool(errors_first)}
        if status is not None:
            params["status"] = BulkLineStatus(status).value
        return self._get(_LINES, f"/bulk-imports/{int(import_id)}/lines", params)

    def original(self, import_id: int) -> BulkFile:
        return self._file(import_id, "original")

    def errors_file(self, import_id: int) -> BulkFile:
        return self._file(import_id, "errors-file")

    def _file(self, import_id: int, what: str) -> BulkFile:
        response = self._call("GET", f"/bulk-imports/{int(import_id)}/{what}")
        name = unquote(response.headers.get(FILE_NAME_HEADER, "")) or f"bulk-{int(import_id)}.csv"
        return BulkFile(name=name, content=response.content)
