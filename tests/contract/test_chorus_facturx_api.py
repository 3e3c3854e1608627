"""The Factur-X routes and their HTTP client (issue 19 items 4 and 5), apart from the SQL
repository: the app serves a recording stand-in for ``repo.chorus_facturx``, so these
tests say what the transport alone must keep.

- Every method, called on the HTTP repository, reaches the server's area with the
  very arguments given (each format, a language or none, files with quotes and
  accents, several files) and returns the very value the area returned.
- An export is served as the file itself under its media type, never sniffed, its
  exact name (accents, quotes) back on the client; ``/cii`` is the XML.
- An import part over 11 MiB is refused at its field before the area is called;
  several parts of several MiB get through the server's body limit.
- A refusal comes back as the same error; bad path segments and languages are 422.

The behaviour behind the routes (rights, constraints, refusals per file) is the
contract suite's, run on the http backends: ``test_chorus_facturx*.py``.
"""

from __future__ import annotations

import typing
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from fastapi.testclient import TestClient

from cofatui.api.auth import repository
from cofatui.api.routes.chorus_forms import MAX_FILE_PART_BYTES
from cofatui.clock import FixedClock
from cofatui.enums import FacturxFormat
from cofatui.errors import FieldError, ValidationFailed
from cofatui.repository.areas import ChorusFacturxArea
from cofatui.repository.http import HttpRepository
from cofatui.repository.sql import identity
from cofatui.schemas_company_info import UploadedFile
from cofatui.schemas_facturx import FacturxExportRequest, FacturxFile
from tests.api_app import shared_app
from tests.contract import dataset
from tests.contract.templates import SqliteTemplate
from tests.contract.test_chorus_api import (
    PDF,
    Recorder,
    arguments,
    normalised,
    protocol_methods,
    sample,
)

#: What the stand-in exports: a name with an accent, a quote and a space, as a number
#: with ``/`` made into ``-`` may be.
EXPORTED = FacturxFile(file_name='F-2026-"é" 01.pdf', media_type="application/pdf",
                       content=PDF + b"\x00\xff")


@dataclass
class FacturxRecorder(Recorder):
    """The recorder, answering ``export`` with a file a browser could take as one."""

    exported: FacturxFile = EXPORTED

    def answer(self, name: str) -> Any:
        return self.exported if name == "export" else super().answer(name)


@dataclass
class Env:
    """The HTTP repository and a raw client of an app whose ``repo.<area_name>`` is
    ``area`` (a recorder), alice's token in ``headers``."""

    repo: HttpRepository
    client: TestClient
    headers: dict[str, str]
    area: Any
    area_name: str

    def check_call(self, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        """The method called on the HTTP repository reaches the area with the very
        arguments given and returns the very value the area returned."""
        answer = getattr(getattr(self.repo, self.area_name), name)(*args, **kwargs)
        method = protocol_methods(self.area.protocol)[name]
        assert self.area.calls == [(name, arguments(method, args, kwargs))]
        assert normalised(answer) == normalised(self.area.answer(name))


@contextmanager
def stand_in(tmp_path: Path, template: SqliteTemplate, area_name: str,
             area: Recorder) -> Iterator[Env]:
    """The app serving ``area`` as ``repo.<area_name>`` (the connector's test too)."""
    engine, _ids = template.copy_to(tmp_path / "contract.sqlite")
    clock = FixedClock(dataset.NOW)
    token, _ = identity.create_token(engine, "alice", clock=clock)
    areas = SimpleNamespace(**{area_name: area})
    try:
        with shared_app(engine, clock) as app, TestClient(app) as client:
            app.dependency_overrides[repository] = lambda: areas
            try:
                yield Env(HttpRepository(str(client.base_url), token, client=client), client,
                          {"Authorization": f"Bearer {token}"}, area, area_name)
            finally:
                app.dependency_overrides.pop(repository, None)
    finally:
        engine.dispose()


Calls = dict[str, list[tuple[tuple[Any, ...], dict[str, Any]]]]


def method_cases(protocol: type, calls: Calls) -> list[Any]:
    """One case per call of ``calls`` (every method of ``protocol`` has some)."""
    assert set(calls) == set(protocol_methods(protocol)), "a call for every method"
    return [pytest.param(name, args, kwargs, id=f"{name}-{i}")
            for name in protocol_methods(protocol)
            for i, (args, kwargs) in enumerate(calls[name])]


@pytest.fixture
def env(tmp_path: Path, sqlite_template: SqliteTemplate) -> Iterator[Env]:
    with stand_in(tmp_path, sqlite_template, "chorus_facturx",
                  FacturxRecorder(ChorusFacturxArea)) as made:
        yield made


FILES = [UploadedFile(name='facture "reçue".pdf', content=PDF),
         UploadedFile(name="F-2.pdf", content=PDF + b"\x00" * 10)]
CALLS: Calls = {
    "export": [((3,), {}), ((3, FacturxFormat.XML, "fr"), {}),
               ((4, FacturxFormat.PDF), {"language": "en"}), ((5, FacturxFormat.FACTURX), {})],
    "export_selection": [((FacturxExportRequest(invoice_ids=[3, 9, 4],
                                                format=FacturxFormat.XML),), {}),
                         ((FacturxExportRequest(invoice_ids=[1]), "en"), {})],
    "import_files": [((FILES,), {}), (([FILES[0]],), {})],
}


@pytest.mark.parametrize(("name", "args", "kwargs"),
                         method_cases(ChorusFacturxArea, CALLS))
def test_a_method_reaches_the_server_area_unchanged_and_returns_its_answer(
        env: Env, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    env.check_call(name, args, kwargs)


@pytest.mark.parametrize(("segment", "fmt", "media_type"), [
    ("facturx", FacturxFormat.FACTURX, "application/pdf"),
    ("cii", FacturxFormat.XML, "application/xml"),
    ("pdf", FacturxFormat.PDF, "application/pdf")])
def test_an_export_is_the_file_under_its_media_type_never_sniffed(
        env: Env, segment: str, fmt: FacturxFormat, media_type: str) -> None:
    env.area.exported = FacturxFile(file_name="F-1.x", media_type=media_type, content=PDF)
    response = env.client.get(f"/chorus/invoices/3/{segment}", params={"language": "fr"},
                              headers=env.headers)
    assert response.status_code == 200, response.text
    assert response.content == PDF
    assert response.headers["content-type"] == media_type
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["content-disposition"].startswith('attachment; filename="F-1.x"')
    assert env.area.calls == [("export", {"invoice_id": 3, "fmt": fmt, "language": "fr"})]


def test_an_exported_name_comes_back_exactly(env: Env) -> None:
    made = env.repo.chorus_facturx.export(3)
    assert made == EXPORTED
    response = env.client.get("/chorus/invoices/3/facturx", headers=env.headers)
    # The ASCII fallback for old clients, the exact name in filename* (RFC 6266).
    assert "filename*=UTF-8''F-2026-%22%C3%A9%22%2001.pdf" in \
        response.headers["content-disposition"]


def test_bad_formats_languages_and_ids_are_refused_at_the_field(env: Env) -> None:
    for path in ("/chorus/invoices/3/docx", "/chorus/invoices/3/xml"):
        assert env.client.get(path, headers=env.headers).status_code == 404, path
    for path, params, field in (("/chorus/invoices/3/pdf", {"language": "de"}, "language"),
                                ("/chorus/invoices/0/pdf", {}, "invoice_id"),
                                (f"/chorus/invoices/{2**31}/cii", {}, "invoice_id")):
        response = env.client.get(path, params=params, headers=env.headers)
        assert response.status_code == 422, path
        assert [f["field"] for f in response.json()["fields"]] == [field], path
    bodies: list[dict[str, Any]] = [{"invoice_ids": []}, {"invoice_ids": [1], "format": "docx"},
                                    {"invoice_ids": [1], "extra": 1}, {"invoice_ids": ["x"]}]
    for body in bodies:
        response = env.client.post("/chorus/facturx-exports", json=body, headers=env.headers)
        assert response.status_code == 422, body
    assert env.area.calls == []


def test_a_selection_export_is_accepted_as_a_job(env: Env) -> None:
    response = env.client.post("/chorus/facturx-exports", json={"invoice_ids": [3, 4]},
                               headers=env.headers)
    assert response.status_code == 202, response.text
    assert env.area.calls == [("export_selection", {
        "request": normalised(FacturxExportRequest(invoice_ids=[3, 4])), "language": None})]


def test_a_refusal_comes_back_as_the_same_error(env: Env) -> None:
    env.area.raises = ValidationFailed([
        FieldError("number", "chorus_facturx.number_too_long", {"max": 20}),
        FieldError("iban", "chorus_facturx.iban_missing", {})])
    with pytest.raises(ValidationFailed) as refused:
        env.repo.chorus_facturx.export(3, FacturxFormat.XML)
    assert [(e.field, e.code, e.params) for e in refused.value.errors] == [
        ("number", "chorus_facturx.number_too_long", {"max": 20}),
        ("iban", "chorus_facturx.iban_missing", {})]


def test_an_import_part_over_11_mib_is_refused_at_its_field_unread(env: Env) -> None:
    big = UploadedFile(name="scan.pdf", content=b"%PDF" + b"\0" * MAX_FILE_PART_BYTES)
    with pytest.raises(ValidationFailed) as refused:
        env.repo.chorus_facturx.import_files([FILES[0], big])
    assert [(e.field, e.code) for e in refused.value.errors] == [
        ("files.1", "chorus.file_too_large")]
    assert env.area.calls == []


def test_several_files_of_several_mib_get_through(env: Env) -> None:
    """Ten received Factur-X of 4 MiB each pass the server's body limit (2 MiB for a
    JSON call): one import is one form."""
    files = [UploadedFile(name=f"f{i}.pdf", content=b"%PDF" + b"\0" * (4 * 1024 * 1024))
             for i in range(10)]
    env.repo.chorus_facturx.import_files(files)
    [(name, args)] = env.area.calls
    assert name == "import_files" and args["files"] == normalised(files)


def test_an_import_of_no_file_reaches_the_area(env: Env) -> None:
    """The area words "no file" (ValidationFailed) as it does on every backend."""
    batch = env.repo.chorus_facturx.import_files([])
    assert env.area.calls == [("import_files", {"files": []})]
    assert normalised(batch) == normalised(sample(typing.get_type_hints(
        ChorusFacturxArea.import_files)["return"]))
