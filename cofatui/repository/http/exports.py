"""``repo.exports`` over HTTP (routes in ``api/routes/exports.py``).

A downloaded file is streamed: :meth:`HttpExports.download` answers once the server
has sent the headers (its name, size and type), and its ``chunks`` read the body as
it arrives, the response held open while they are iterated and closed after (or when
the iterator is closed early). A file is never held whole in memory here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import unquote

import httpx
from pydantic import TypeAdapter

from cofatui.enums import ExportCategory
from cofatui.errors import Unavailable
from cofatui.repository.http.client import HttpArea, _reason, count_of, seek_params
from cofatui.schemas import Page, Seek
from cofatui.schemas_exports import (
    DirectExportFile,
    ExportColumnInfo,
    ExportDownload,
    ExportRunPublic,
    ExportScenarioIn,
    ExportScenarioPublic,
    ExportScenarioUpdate,
    ExportTemplateIn,
    ExportTemplatePublic,
    ExportTemplateUpdate,
)
from cofatui.schemas_jobs import ExportFormat

_COLUMNS = TypeAdapter(list[ExportColumnInfo])
_TEMPLATE = TypeAdapter(ExportTemplatePublic)
_TEMPLATES = TypeAdapter(list[ExportTemplatePublic])
_SCENARIO = TypeAdapter(ExportScenarioPublic)
_SCENARIOS = TypeAdapter(list[ExportScenarioPublic])
_RUN = TypeAdapter(ExportRunPublic)
_RUNS = TypeAdapter(Page[ExportRunPublic])
#: Ids sent in one ``DELETE /exports`` (the route's limit).
DELETE_BATCH = 500
#: Bytes handed out at a time by a download's chunks.
DOWNLOAD_CHUNK = 256 * 1024
_FILENAME_STAR = re.compile(r"filename\*\s*=\s*UTF-8''([^;]+)", re.IGNORECASE)
_FILENAME = re.compile(r'filename\s*=\s*"([^"]*)"', re.IGNORECASE)


def _category(category: ExportCategory | None) -> dict[str, str]:
    return {} if category is None else {"category": ExportCategory(category).value}


def file_name(disposition: str, default: str) -> str:
    """The name a ``Content-Disposition`` gives (``filename*`` first, RFC 6266)."""
    found = _FILENAME_STAR.search(disposition)
    if found:
        return unquote(found.group(1).strip())
    found = _FILENAME.search(disposition)
    return found.group(1) if found else default


class HttpExports(HttpArea):
    # ----------------------------------------------------------- columns

    def columns(self, category: ExportCategory) -> list[ExportColumnInfo]:
        return self._get(_COLUMNS, "/export-columns",
                         {"category": ExportCategory(category).value})

    # ----------------------------------------------------------- templates

    def templates(self, category: ExportCategory | None = None) -> list[ExportTemplatePublic]:
        return self._get(_TEMPLATES, "/export-templates", _category(category))

    def template(self, template_id: int) -> ExportTemplatePublic:
        return self._get(_TEMPLATE, f"/export-templates/{int(template_id)}")

    def create_template(self, data: ExportTemplateIn) -> ExportTemplatePublic:
        return self._send(_TEMPLATE, "POST", "/export-templates", data.model_dump(mode="json"))

    def update_template(self, template_id: int,
                        data: ExportTemplateUpdate) -> ExportTemplatePublic:
        # Only the fields given: the server's model then has the same fields set.
        return self._send(_TEMPLATE, "PATCH", f"/export-templates/{int(template_id)}",
                          data.model_dump(mode="json", exclude_unset=True))

    def delete_template(self, template_id: int, version: int) -> None:
        self._call("DELETE", f"/export-templates/{int(template_id)}",
                   params={"version": int(version)})

    # ----------------------------------------------------------- scenarios

    def scenarios(self, category: ExportCategory | None = None) -> list[ExportScenarioPublic]:
        return self._get(_SCENARIOS, "/export-scenarios", _category(category))

    def scenario(self, scenario_id: int) -> ExportScenarioPublic:
        return self._get(_SCENARIO, f"/export-scenarios/{int(scenario_id)}")

    def create_scenario(self, data: ExportScenarioIn) -> ExportScenarioPublic:
        return self._send(_SCENARIO, "POST", "/export-scenarios", data.model_dump(mode="json"))

    def update_scenario(self, scenario_id: int,
                        data: ExportScenarioUpdate) -> ExportScenarioPublic:
        return self._send(_SCENARIO, "PATCH", f"/export-scenarios/{int(scenario_id)}",
                          data.model_dump(mode="json", exclude_unset=True))

    def delete_scenario(self, scenario_id: int, version: int) -> None:
        self._call("DELETE", f"/export-scenarios/{int(scenario_id)}",
                   params={"version": int(version)})

    def run(self, scenario_id: int) -> ExportRunPublic:
        return self._parse(_RUN, self._call("POST", f"/export-scenarios/{int(scenario_id)}/run"))

    # ----------------------------------------------------------- generated files

    def store_direct(self, category: ExportCategory, contract_ids: list[int], rows: int,
                     files: list[DirectExportFile]) -> ExportRunPublic:
        params: dict[str, object] = {
            "category": ExportCategory(category).value,
            "contract_id": [int(c) for c in contract_ids], "rows": int(rows),
            "format": [ExportFormat(f.format).value for f in files],
            "name": [f.name for f in files], "size": [len(f.content) for f in files]}
        response = self._call("POST", "/exports", params=params,
                              content=b"".join(bytes(f.content) for f in files))
        return self._parse(_RUN, response)

    def runs(self, category: ExportCategory | None = None, offset: int = 0,
             limit: int = 100, seek: Seek | None = None) -> Page[ExportRunPublic]:
        return self._get(_RUNS, "/exports", {**_category(category),
                                             **seek_params(offset, limit, seek)})

    def get_run(self, export_id: int) -> ExportRunPublic:
        return self._get(_RUN, f"/exports/{int(export_id)}")

    def delete_runs(self, export_ids: list[int]) -> int:
        ids = list(dict.fromkeys(int(i) for i in export_ids if int(i) >= 1))
        deleted = 0
        for start in range(0, len(ids), DELETE_BATCH):
            response = self._call("DELETE", "/exports",
                                  params={"ids": ids[start:start + DELETE_BATCH]})
            deleted += count_of(response)
        return deleted

    def download(self, export_id: int, fmt: ExportFormat) -> ExportDownload:
        http = self.http
        fmt = ExportFormat(fmt)
        url = f"{http.base_url}/exports/{int(export_id)}/files/{fmt.value}"
        request = http._client.build_request(
            "GET", url, headers={**http._headers, "Accept": "*/*"})
        try:
            response = http._client.send(request, stream=True)
        except httpx.TimeoutException as exc:
            raise Unavailable("api.client.timeout", url=http.base_url) from exc
        except httpx.TransportError as exc:
            raise Unavailable("api.client.unreachable", url=http.base_url,
                              reason=_reason(exc)) from exc
        if not response.is_success:
            try:
                response.read()
            finally:
                response.close()
            raise http._error(response)
        default = f"export-{int(export_id)}.{fmt.value}"
        try:
            size = int(response.headers.get("content-length", "-1"))
        except ValueError:
            size = -1
        return ExportDownload(
            name=file_name(response.headers.get("content-disposition", ""), default),
            size=size, media_type=response.headers.get("content-type", ""),
            chunks=self._chunks(response))

    def _chunks(self, response: httpx.Response) -> Iterator[bytes]:
        try:
            try:
                yield from response.iter_bytes(DOWNLOAD_CHUNK)
            except httpx.TransportError as exc:
                raise Unavailable("api.client.unreachable", url=self.http.base_url,
                                  reason=_reason(exc)) from exc
        finally:
            response.close()
