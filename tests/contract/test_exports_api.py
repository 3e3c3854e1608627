"""Custom exports over the API itself (issue 15 item 8): what only HTTP has — the token
on every route, a file streamed with its name in ``Content-Disposition`` (RFC 6266,
``filename*``) and its ``Content-Length``, a direct export's files sent as one body,
the statuses of the refusals (404 for another user's export, 409 for a stale
version, 422 naming the field) — and the HTTP repository reading a download in chunks.
The behaviour common to every backend is in the other ``test_exports*`` files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from cofatui.api.routes.exports import DIRECT_MAX_BYTES, content_disposition
from cofatui.clock import FixedClock
from cofatui.enums import ExportCategory
from cofatui.errors import NotFound
from cofatui.repository.http import open_http_repository
from cofatui.repository.http.exports import file_name
from cofatui.repository.sql import identity
from cofatui.schemas_jobs import ExportFormat
from tests.api_app import openapi_schema, shared_app
from tests.contract import dataset
from tests.contract.templates import SqliteTemplate

CSV_NAME = "Portefeuille été 2026.csv"
CSV = "\ufeffSociété;Pays\n=HYPERLINK(\"x\");FRA\nAlpha Industries;FRA\n".encode()


class Api:
    def __init__(self, client: TestClient, engine: Engine, ids: dataset.Ids) -> None:
        self.client, self.engine, self.ids = client, engine, ids
        self._tokens: dict[str, str] = {}

    def token(self, login: str) -> str:
        if login not in self._tokens:
            self._tokens[login] = identity.create_token(
                self.engine, login, clock=FixedClock(dataset.NOW))[0]
        return self._tokens[login]

    def call(self, method: str, path: str, login: str | None = "alice",
             **kwargs: Any) -> httpx.Response:
        headers = dict(kwargs.pop("headers", {}))
        if login is not None:
            headers["Authorization"] = f"Bearer {self.token(login)}"
        response: httpx.Response = self.client.request(method, path, headers=headers,
                                                       **kwargs)
        return response

    def direct(self, files: list[tuple[str, str, bytes]], login: str = "alice",
               contract: str = "A", **extra: object) -> httpx.Response:
        params: dict[str, Any] = {
            "category": "portfolio", "contract_id": [self.ids[contract]], "rows": 2,
            "format": [f for f, _, _ in files], "name": [n for _, n, _ in files],
            "size": [len(c) for _, _, c in files], **extra}
        return self.call("POST", "/exports", login, params=params,
                         content=b"".join(c for _, _, c in files),
                         headers={"Content-Type": "application/octet-stream"})

    def repo(self, login: str = "alice") -> Any:
        return open_http_repository(str(self.client.base_url), self.token(login),
                                    client=self.client)


@pytest.fixture
def api(tmp_path: Path, sqlite_template: SqliteTemplate) -> Iterator[Api]:
    engine, ids = sqlite_template.copy_to(tmp_path / "exports.sqlite")
    with shared_app(engine, FixedClock(dataset.NOW)) as app, \
            TestClient(app, raise_server_exceptions=False) as client:
        yield Api(client, engine, ids)
    engine.dispose()


def _template(api: Api, name: str = "ERP", login: str = "alice") -> dict[str, Any]:
    made = api.call("POST", "/export-templates", login, json={
        "category": "portfolio", "name": name, "description": "weekly feed",
        "columns": ["contract", "easy_number", "company_name", "decided_amount",
                    "currency"]})
    assert made.status_code == 201, made.text
    body: dict[str, Any] = made.json()
    return body


# --- the token ------------------------------------------------------------------------


def _export_operations(api: Api) -> list[tuple[str, str]]:
    schema = openapi_schema()
    found = []
    for path, item in schema["paths"].items():
        if path.startswith(("/export", "/exports")):
            concrete = path
            for name in ("template_id", "scenario_id", "export_id"):
                concrete = concrete.replace("{" + name + "}", "1")
            concrete = concrete.replace("{format}", "csv")
            found += [(method.upper(), concrete) for method in item]
    return found


def test_every_export_route_needs_the_token(api: Api) -> None:
    operations = _export_operations(api)
    assert len(operations) == 17
    for method, path in operations:
        response = api.call(method, path, login=None)
        assert response.status_code == 401, (method, path, response.text)
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert response.json()["error"] == "unauthenticated"


# --- downloads --------------------------------------------------------------------------


def test_a_file_is_streamed_with_its_name_and_length(api: Api) -> None:
    stored = api.direct([("csv", CSV_NAME, CSV)])
    assert stored.status_code == 201, stored.text
    run = stored.json()
    assert run["direct"] is True and run["status"] == "available"
    assert [(f["format"], f["size"]) for f in run["files"]] == [("csv", len(CSV))]
    with api.client.stream("GET", f"/exports/{run['id']}/files/csv", headers={
            "Authorization": f"Bearer {api.token('alice')}"}) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/csv")
        assert int(response.headers["content-length"]) == len(CSV)
        disposition = response.headers["content-disposition"]
        body = b"".join(response.iter_bytes())
    assert body == CSV
    assert disposition.startswith("attachment; ")
    assert "filename*=UTF-8''Portefeuille%20%C3%A9t%C3%A9%202026.csv" in disposition
    assert 'filename="Portefeuille _t_ 2026.csv"' in disposition  # the ASCII fallback
    assert file_name(disposition, "x") == CSV_NAME


def test_a_file_of_several_chunks_through_the_http_repository(api: Api) -> None:
    # Over 1 MiB: stored in several chunks, streamed back in several reads.
    xlsx = bytes(range(256)) * (5 * 1024 + 7)
    stored = api.direct([("xlsx", "big.xlsx", xlsx), ("csv", "big.csv", CSV)])
    assert stored.status_code == 201, stored.text
    export_id = stored.json()["id"]
    with api.repo() as repo:
        found = repo.exports.download(export_id, ExportFormat.XLSX)
        assert (found.name, found.size) == ("big.xlsx", len(xlsx))
        assert found.media_type.startswith(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        parts = list(found.chunks)
        assert len(parts) > 1 and b"".join(parts) == xlsx
        csv = repo.exports.download(export_id, ExportFormat.CSV)
        assert b"".join(csv.chunks) == CSV
        with pytest.raises(NotFound):
            repo.exports.download(export_id + 1000, ExportFormat.CSV)


def test_content_disposition_names_any_file() -> None:
    for name in ("export.csv", "a\"b\\c.csv", "Société;fin\r\n.xlsx", "日本.csv", ""):
        said = content_disposition(name)
        assert "\r" not in said and "\n" not in said
        assert said.count('"') == 2
        if name:
            assert file_name(said, "default") == name


# --- direct exports ----------------------------------------------------------------------


def test_a_direct_exports_sizes_must_add_up_to_the_body(api: Api) -> None:
    response = api.direct([("csv", "a.csv", CSV)], size=[len(CSV) + 1])
    assert response.status_code == 422, response.text
    assert [(f["field"], f["code"]) for f in response.json()["fields"]] == \
        [("size", "export_api.sizes_mismatch")]
    response = api.direct([("csv", "a.csv", CSV)], name=["a.csv", "b.csv"])
    assert response.status_code == 422
    assert response.json()["fields"][0]["code"] == "export_api.files_mismatch"


def test_a_direct_export_past_the_limit_is_413_and_nothing_is_stored(api: Api) -> None:
    response = api.direct([("csv", "a.csv", CSV)], size=[DIRECT_MAX_BYTES + 1])
    assert response.status_code in (413, 422), response.text  # the size's own bound
    response = api.direct([("csv", "a.csv", CSV), ("xlsx", "a.xlsx", CSV)],
                          size=[DIRECT_MAX_BYTES, DIRECT_MAX_BYTES])
    assert response.status_code == 413, response.text
    assert response.json()["code"] == "export_api.too_large"
    assert api.call("GET", "/exports").json()["total"] == 0


def test_a_direct_export_of_another_users_contract_is_refused(api: Api) -> None:
    response = api.direct([("csv", "a.csv", CSV)], contract="B")
    assert response.status_code in (403, 404), response.text
    assert api.call("GET", "/exports").json()["total"] == 0


# --- refusals ----------------------------------------------------------------------------


def test_another_users_export_is_404(api: Api) -> None:
    export_id = api.direct([("csv", CSV_NAME, CSV)]).json()["id"]
    for path in (f"/exports/{export_id}", f"/exports/{export_id}/files/csv"):
        response = api.call("GET", path, "both")
        assert response.status_code == 404, response.text
        assert response.json()["code"] == "exports.not_found"
    assert api.call("DELETE", "/exports", "both", params={"ids": [export_id]}).json() == \
        {"count": 0}
    assert api.call("GET", f"/exports/{export_id}").status_code == 200
    assert api.call("GET", f"/exports/{export_id}/files/xlsx").status_code == 404
    assert api.call("DELETE", "/exports", params={"ids": [export_id]}).json() == {"count": 1}
    assert api.call("GET", f"/exports/{export_id}").status_code == 404


def test_another_users_template_is_404(api: Api) -> None:
    template = _template(api)
    for method, kwargs in (("GET", {}), ("PATCH", {"json": {"version": template["version"],
                                                             "name": "Mine"}}),
                           ("DELETE", {"params": {"version": template["version"]}})):
        response = api.call(method, f"/export-templates/{template['id']}", "bob", **kwargs)
        assert response.status_code == 404, (method, response.text)
    assert [t["name"] for t in api.call("GET", "/export-templates", "bob",
                                        params={"category": "portfolio"}).json()
            if not t["default"]] == []


def test_a_stale_version_is_409(api: Api) -> None:
    template = _template(api)
    path = f"/export-templates/{template['id']}"
    changed = api.call("PATCH", path, json={"version": template["version"],
                                            "description": "monthly feed"})
    assert changed.status_code == 200, changed.text
    assert changed.json()["version"] != template["version"]
    stale = api.call("PATCH", path, json={"version": template["version"], "name": "Old"})
    assert stale.status_code == 409 and stale.json()["error"] == "conflict"
    stale = api.call("DELETE", path, params={"version": template["version"]})
    assert stale.status_code == 409
    assert api.call("DELETE", path, params={"version": changed.json()["version"]}
                    ).status_code == 204
    assert api.call("GET", path).status_code == 404


def test_field_errors_are_422_at_their_field(api: Api) -> None:
    cases: list[tuple[dict[str, Any], str]] = [
        ({"category": "portfolio", "name": "x" * 61, "columns": ["contract"]}, "name"),
        ({"category": "portfolio", "name": "A", "columns": ["contract"],
          "description": "d" * 251}, "description"),
        ({"category": "portfolio", "name": "A", "columns": ["no_such_column"]}, "columns"),
        ({"category": "portfolio", "name": "A", "columns": []}, "columns"),
        ({"category": "ledger", "name": "A", "columns": ["contract"]}, "category"),
    ]
    for body, field in cases:
        response = api.call("POST", "/export-templates", json=body)
        assert response.status_code == 422, (body, response.text)
        fields = response.json()["fields"]
        assert any(f["field"].split("[")[0].split(".")[0] == field for f in fields), \
            (body, fields)
    _template(api, "Taken")
    response = api.call("POST", "/export-templates", json={
        "category": "portfolio", "name": "Taken", "columns": ["contract"]})
    assert response.status_code == 422
    assert [f["field"] for f in response.json()["fields"]] == ["name"]


def test_a_scenario_run_over_http(api: Api) -> None:
    from cofatui.jobs.worker import Worker

    template = _template(api)
    made = api.call("POST", "/export-scenarios", json={
        "category": "portfolio", "name": "Weekly ERP", "template_id": template["id"],
        "contract_ids": [api.ids["A"]], "aggregation": "product", "format": "both"})
    assert made.status_code == 201, made.text
    scenario = made.json()
    assert scenario["policy_numbers"] == ["P-A"] and scenario["template_name"] == "ERP"
    bad = api.call("POST", "/export-scenarios", json={**{
        k: scenario[k] for k in ("category", "template_id", "contract_ids", "aggregation")},
        "name": "Theirs", "contract_ids": [api.ids["B"]]})
    assert bad.status_code == 422 and bad.json()["fields"][0]["field"].startswith(
        "contract_ids")
    started = api.call("POST", f"/export-scenarios/{scenario['id']}/run")
    assert started.status_code == 202, started.text
    run = started.json()
    assert run["status"] == "running" and run["name"] == "Weekly ERP"
    assert api.call("POST", f"/export-scenarios/{scenario['id'] + 99}/run").status_code == 404
    Worker(api.engine, clock=FixedClock(dataset.NOW), schedules=[]).drain()
    done = api.call("GET", f"/exports/{run['id']}").json()
    assert done["status"] == "available", done
    assert sorted(f["format"] for f in done["files"]) == ["csv", "xlsx"]
    listed = api.call("GET", "/exports", params={"category": "portfolio"}).json()
    assert [item["id"] for item in listed["items"]] == [run["id"]]
    assert api.call("GET", "/exports", params={"category": "claims"}).json()["total"] == 0
    csv = api.call("GET", f"/exports/{run['id']}/files/csv")
    assert csv.status_code == 200
    header = csv.content.decode("utf-8-sig").splitlines()[0].split(";")
    assert len(header) == 5 and int(csv.headers["content-length"]) == len(csv.content)
    # the scenario and its template: the template in use cannot go
    in_use = api.call("DELETE", f"/export-templates/{template['id']}",
                      params={"version": template["version"]})
    assert in_use.status_code == 400 and in_use.json()["code"] == "exports.template_in_use"
    assert api.call("DELETE", f"/export-scenarios/{scenario['id']}",
                    params={"version": scenario["version"]}).status_code == 204
    assert api.call("GET", f"/exports/{run['id']}").status_code == 200  # its files stay


def test_the_columns_in_my_language(api: Api) -> None:
    response = api.call("GET", "/export-columns", params={"category": "claims"})
    assert response.status_code == 200, response.text
    keys = [c["key"] for c in response.json()]
    assert "claim_reference" in keys and "company_name" not in keys
    assert api.call("GET", "/export-columns").status_code == 422
    with api.repo() as repo:
        assert [c.key for c in repo.exports.columns(ExportCategory.CLAIMS)] == keys


def test_the_schema_documents_the_download_and_the_refusals(api: Api) -> None:
    schema = openapi_schema()
    download = schema["paths"]["/exports/{export_id}/files/{format}"]["get"]
    assert {"200", "401", "404", "422"} <= set(download["responses"])
    ok = download["responses"]["200"]
    assert set(ok["content"]) == {"text/csv", "application/vnd.openxmlformats-"
                                              "officedocument.spreadsheetml.sheet"}
    assert {"Content-Disposition", "Content-Length"} <= set(ok["headers"])
    patch = schema["paths"]["/export-templates/{template_id}"]["patch"]
    assert {"401", "404", "409", "422"} <= set(patch["responses"])
    direct = schema["paths"]["/exports"]["post"]
    assert {"413", "415"} <= set(direct["responses"])
    assert set(direct["requestBody"]["content"]) == {"application/octet-stream"}
