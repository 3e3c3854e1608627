"""The HTTP edge (issue 13): attachments named after the type found in their content on
every backend; and, over HTTP in-process, 415 for a body of the wrong media type, the
``Allow`` header of a 405 listing every method of the path, streamed uploads, and the
refusals each operation documents in the OpenAPI schema.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from cofatui import migrations
from cofatui.api.app import create_app
from cofatui.api.operations import ERROR_SCHEMA_REF
from cofatui.clock import FixedClock
from cofatui.errors import ValidationFailed
from cofatui.repository.sql import make_engine
from cofatui.rules.attachments import MAX_ATTACHMENT_BYTES
from cofatui.schemas import ClaimCreate
from cofatui.schemas_jobs import ImportMode
from tests.contract import dataset
from tests.contract.conftest import Backend, make_token
from tests.contract.refusals import field_codes
from tests.contract.test_claims_follow_up import PDF, PNG, invoice, submit

METHODS = ("get", "put", "post", "delete", "patch")


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", b'<Types><Override ContentType="application/'
                         b'vnd.openxmlformats-officedocument.wordprocessingml.document'
                         b'.main+xml"/></Types>')
        archive.writestr("word/document.xml", b"<w:document/>")
    return buffer.getvalue()


# --- every backend: the attachment's name and type -----------------------------------


def test_an_attachment_is_stored_under_the_extension_of_its_content(backend: Backend) -> None:
    claim = submit(backend)
    alice = backend.open("alice")
    pdf = alice.claims.add_document(claim.id, "x.exe", PDF, "contractual")
    png = alice.claims.add_document(claim.id, "scan", PNG, "other")
    kept = alice.claims.add_document(claim.id, "Facture.PDF", PDF, "other")
    assert (pdf.filename, pdf.content_type) == ("x.pdf", "application/pdf")
    assert (png.filename, png.content_type) == ("scan.png", "image/png")
    assert kept.filename == "Facture.PDF"
    assert {d.filename for d in alice.claims.detail(claim.id).documents} \
        == {"x.pdf", "scan.png", "Facture.PDF"}
    assert alice.documents.content(pdf.id)[1] == PDF


@pytest.mark.parametrize(("content", "code", "params"), [
    (_docx(), "attachments.type_not_allowed", {"type": "DOCX"}),
    (b"reference;amount\nF-1;12\nF-2;13\n", "attachments.type_not_allowed", {"type": "CSV"}),
    (b"MZ\x90\x00\x03\x00 a program", "attachments.wrong_type", {}),
    (PDF + bytes(MAX_ATTACHMENT_BYTES), "attachments.too_large", {"megabytes": 10}),
], ids=["docx", "csv", "program", "too-large"])
def test_an_attachment_of_another_type_is_refused_at_the_file(
        backend: Backend, content: bytes, code: str, params: dict[str, object]) -> None:
    claim = submit(backend)
    with pytest.raises(ValidationFailed) as refused:
        backend.open("alice").claims.add_document(claim.id, "invoice.pdf", content, "other")
    assert field_codes(refused.value) == {"file": code}
    assert dict(refused.value.errors[0].params) == params
    assert backend.open("alice").claims.detail(claim.id).documents == []


def test_an_imports_arguments_are_checked_like_every_areas(backend: Backend) -> None:
    with pytest.raises(ValidationFailed) as refused:
        backend.open("alice").imports.run("client_references", backend.ids["A"], "refs\x00.csv",
                                          b"EasyNumber;Client reference\n", ImportMode.PER_LINE)
    assert field_codes(refused.value) == {"file_name": "input.control_character"}


# --- over HTTP, in-process -----------------------------------------------------------


@dataclass
class Api:
    client: TestClient
    engine: Engine
    headers: dict[str, str]
    schema: dict[str, Any]
    ids: dataset.Ids


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    path: Path = tmp_path_factory.mktemp("edge") / "api.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    migrations.upgrade(engine)
    ids = dataset.build(engine)
    clock = FixedClock(dataset.NOW)
    app = create_app(engine, clock=clock)
    with TestClient(app) as client:
        token = make_token(engine, "alice", clock)
        yield Api(client, engine, {"Authorization": f"Bearer {token}"}, app.openapi(), ids)
    engine.dispose()


@pytest.fixture(scope="module")
def claim_id(api: Api) -> int:
    """A registered claim of alice's (one open claim per debtor: shared by the tests)."""
    body = ClaimCreate(contract_id=api.ids["A"], company_id=api.ids["beta"],
                       contact_name="Alice", contact_email="alice@example.test",
                       reason="insolvency", invoices=[invoice("E-1")]).model_dump(mode="json")
    answer = api.client.post("/claims", json=body, headers=api.headers)
    assert answer.status_code == 201, answer.text
    return int(answer.json()["id"])


@pytest.mark.parametrize("content_type", [
    "application/x-www-form-urlencoded", "text/plain", "multipart/form-data; boundary=x",
    "application/xml", None])
def test_a_json_route_refuses_another_media_type_with_415(api: Api,
                                                         content_type: str | None) -> None:
    headers = {**api.headers, **({"Content-Type": content_type} if content_type else {})}
    answer = api.client.post("/companies", content=b"name=Acme&country=FRA", headers=headers)
    assert answer.status_code == 415
    body = answer.json()
    assert body["error"] == "unsupported_media_type"
    assert body["code"] == ("api.unsupported_media_type" if content_type
                            else "api.missing_media_type")
    assert body["params"]["accepted"] == "application/json"
    assert answer.headers["accept-post"] == "application/json"


@pytest.mark.parametrize("content_type", [
    "application/json", "application/json; charset=utf-8", "Application/JSON"])
def test_a_json_route_takes_json(api: Api, content_type: str) -> None:
    answer = api.client.post("/companies", content=b'{"name": ""}',
                             headers={**api.headers, "Content-Type": content_type})
    assert answer.status_code == 422  # reached the validation of the fields
    assert answer.json()["error"] == "validation_failed"


def test_a_body_route_is_refused_before_its_body_is_read_and_without_a_token_401(
        api: Api) -> None:
    answer = api.client.post("/companies", content=b"a=b",
                             headers={"Content-Type": "text/plain"})
    assert answer.status_code == 401  # the token first, then the media type


@pytest.mark.parametrize(("content_type", "status"), [
    ("application/octet-stream", 201), ("application/pdf", 201), (None, 201),
    ("application/x-www-form-urlencoded", 415), ("application/json", 415),
    ("text/plain", 415)])
def test_an_attachment_is_sent_as_its_bytes(api: Api, claim_id: int,
                                            content_type: str | None, status: int) -> None:
    headers = {**api.headers, **({"Content-Type": content_type} if content_type else {})}
    answer = api.client.post(f"/claims/{claim_id}/documents",
                             params={"filename": "a.pdf", "category": "other"},
                             content=PDF, headers=headers)
    assert answer.status_code == status, answer.text
    if status == 415:
        assert "application/octet-stream" in answer.json()["params"]["accepted"]


def test_an_attachment_over_the_limit_is_cut_off_as_it_arrives(api: Api, claim_id: int
                                                                ) -> None:

    def chunks() -> Iterator[bytes]:
        yield PDF
        for _ in range(MAX_ATTACHMENT_BYTES // 65536 + 2):
            yield bytes(65536)

    answer = api.client.post(f"/claims/{claim_id}/documents",
                             params={"filename": "a.pdf", "category": "other"},
                             content=chunks(),
                             headers={**api.headers, "Content-Type": "application/pdf"})
    assert answer.status_code == 422
    assert [(f["field"], f["code"]) for f in answer.json()["fields"]] \
        == [("file", "attachments.too_large")]


@pytest.mark.parametrize(("content_type", "status"), [
    ("text/csv", 200), ("text/plain; charset=windows-1252", 200),
    ("application/octet-stream", 200), ("application/json", 415)])
def test_an_import_is_sent_as_its_bytes(api: Api, content_type: str, status: int) -> None:
    answer = api.client.post("/imports", params={
        "kind": "client_references", "contract_id": api.ids["A"], "file_name": "refs.csv"},
        content=b"EasyNumber;Client reference\nZZZ999;REF-1\n",
        headers={**api.headers, "Content-Type": content_type})
    assert answer.status_code == status, answer.text


def _documented_methods(api: Api, path: str) -> set[str]:
    return {m.upper() for m in api.schema["paths"][path] if m in METHODS}


def _concrete(path: str) -> str:
    """``/claims/{claim_id}`` → ``/claims/1``."""
    return "/".join("1" if part.startswith("{") else part for part in path.split("/"))


def test_a_405_allows_every_method_of_its_path(api: Api) -> None:
    checked = 0
    for path in api.schema["paths"]:
        documented = _documented_methods(api, path)
        # HEAD and OPTIONS are not served (no route answers them): 405, and not allowed.
        for method in ({m.upper() for m in METHODS} | {"HEAD", "OPTIONS"}) - documented:
            answer = api.client.request(method, _concrete(path), headers=api.headers)
            assert answer.status_code == 405, (method, path, answer.status_code)
            assert set(answer.headers["allow"].split(", ")) == documented, (method, path)
            checked += 1
    assert checked > 100
    answer = api.client.delete("/companies", headers=api.headers)
    assert answer.headers["allow"] == "GET, POST"


def test_the_schema_documents_each_operations_refusals(api: Api) -> None:
    for path, item in api.schema["paths"].items():
        for method, op in item.items():
            if method not in METHODS:
                continue
            documented = set(op["responses"])
            has_body = "requestBody" in op
            expected = {"503"}
            if op.get("parameters") or has_body:
                expected.add("422")
            if op.get("security"):
                expected |= {"401", "403"}
            if "{" in path:
                expected.add("404")
            if method != "get":
                expected |= {"400", "409"}
            if has_body:
                expected |= {"408", "413", "415"}
            assert expected <= documented, (method, path, expected - documented)
            for status in expected - {"503"} if path == "/health" else expected:
                content = op["responses"][status]["content"]["application/json"]
                assert content["schema"] == {"$ref": ERROR_SCHEMA_REF}, (method, path, status)
    login = api.schema["paths"]["/auth/token"]["post"]
    assert {"401", "429"} <= set(login["responses"])  # wrong password; too many logins
    raw = api.schema["paths"]["/claims/{claim_id}/documents"]["post"]["requestBody"]
    assert set(raw["content"]) == {"application/octet-stream", "application/pdf",
                                   "image/jpeg", "image/png", "image/gif"}
