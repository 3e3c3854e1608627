"""``repo.turnover``'s import, template and supporting documents over HTTP, mixed into
``HttpTurnover`` (routes in ``api/routes/turnover.py``). A file is sent as the raw
body with its name as a query parameter, as every import of the API."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, TypeAdapter

from cofatui.formats.turnover_import import template_format
from cofatui.schemas_jobs import ImportResultPublic

if TYPE_CHECKING:
    import httpx

T = TypeVar("T")

_IMPORT = TypeAdapter(ImportResultPublic)
#: Seconds an import of the largest file may take on the server.
IMPORT_WAIT = 120.0


class DocumentId(BaseModel):
    """What ``POST …/documents`` answers: the new document's id."""

    id: int


_DOCUMENT = TypeAdapter(DocumentId)


def _declaration(declaration_id: int) -> str:
    return f"/turnover-declarations/{int(declaration_id)}"


class HttpTurnoverImportMixin:
    """import_file / template / attach of ``repo.turnover`` (see the protocol); the
    class it is mixed into (an ``HttpArea``) gives the calls."""

    if TYPE_CHECKING:
        def _call(self, method: str, path: str, *, params: Mapping[str, Any] | None = None,
                  body: Any = None, content: bytes | None = None,
                  wait: float | None = None, content_type: str | None = None
                  ) -> httpx.Response:
            ...

        def _parse(self, adapter: TypeAdapter[T], response: httpx.Response) -> T:
            ...

    def import_file(self, declaration_id: int, file_name: str,
                    content: bytes) -> ImportResultPublic:
        return self._parse(_IMPORT, self._call(
            "POST", _declaration(declaration_id) + "/import",
            params={"file_name": file_name}, content=bytes(content), wait=IMPORT_WAIT))

    def template(self, declaration_id: int, fmt: str) -> bytes:
        return self._call("GET", _declaration(declaration_id) + "/template",
                          params={"format": template_format(fmt)}).content

    def attach(self, declaration_id: int, file_name: str, content: bytes) -> int:
        return self._parse(_DOCUMENT, self._call(
            "POST", _declaration(declaration_id) + "/documents",
            params={"file_name": file_name}, content=bytes(content))).id


__all__ = ["DocumentId", "HttpTurnoverImportMixin"]
