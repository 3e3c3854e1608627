"""The Chorus Pro routes and their HTTP client (issue 18 item 11), apart from the SQL
repository: the app serves a recording stand-in for ``repo.chorus_directory`` and
``repo.chorus_invoices``, so these tests say what the transport alone must keep.

- Every method of both protocols, called on the HTTP repository, reaches the server's
  area with the very arguments given (filters with a null, several states, amounts,
  file names with quotes and accents, an empty list of files, keyword flags) and
  returns the very value the area returned (the public models, whole).
- Multipart forms: a file part over 11 MiB is refused at its field before the area is
  called; the JSON part is validated as any body; a file is served as bytes never to
  be sniffed, its row in a header.

The behaviour behind the routes (rights, states, checks) is the contract suite's, run
on the http backends: ``test_chorus_directory*.py``, ``test_chorus_invoices*.py``.
"""

from __future__ import annotations

import inspect
import types
import typing
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

import pytest
from annotated_types import MaxLen
from fastapi.testclient import TestClient
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from cofatui.api.auth import repository
from cofatui.api.routes.chorus_forms import MAX_FILE_PART_BYTES
from cofatui.clock import FixedClock
from cofatui.enums import ChorusMailCategory, ChorusSpace, ChorusState
from cofatui.errors import RuleViolation, ValidationFailed
from cofatui.repository.areas import ChorusDirectoryArea, ChorusInvoicesArea
from cofatui.repository.http import HttpRepository
from cofatui.repository.sql import identity
from cofatui.repository.sql.paging import encode_cursor
from cofatui.schemas import Seek
from cofatui.schemas_chorus import (
    ChorusCompletion,
    ChorusDirectoryFilter,
    ChorusInvoiceCreate,
    ChorusInvoiceSearch,
    ChorusSubscriptionsUpdate,
)
from cofatui.schemas_company_info import UploadedFile
from tests.api_app import shared_app
from tests.contract import dataset
from tests.contract.templates import SqliteTemplate

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
AREAS: dict[str, type] = {"chorus_directory": ChorusDirectoryArea,
                          "chorus_invoices": ChorusInvoicesArea}


# --- sample values from the annotations ------------------------------------------------


def sample(tp: Any) -> Any:
    """A value of type ``tp`` with every field filled (an optional one given a value,
    a list one element), so that a round trip that loses anything shows."""
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is typing.Annotated:
        return sample(args[0])
    if origin in (typing.Union, types.UnionType):
        return sample(next(a for a in args if a is not type(None)))
    if origin in (list, Sequence):
        return [sample(args[0])]
    if origin is dict:
        return {sample(args[0]): sample(args[1])}
    if origin is tuple:
        return tuple(sample(a) for a in args)
    if tp is type(None):
        return None
    if isinstance(tp, type) and issubclass(tp, Enum):
        return list(tp)[-1]
    if tp is Seek:  # one direction only (the model refuses two): a page after a cursor
        return Seek(after=encode_cursor([7, 7]))
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return tp.model_validate({name: _json_ready(_field_sample(info))
                                  for name, info in tp.model_fields.items()})
    return _SCALARS[tp]


_SCALARS: dict[Any, Any] = {
    int: 7, str: "Fact é \"7\"", bool: True, bytes: b"%PDF\x00\xff",
    Decimal: Decimal("1234.50"), date: date(2026, 11, 30),
    datetime: datetime(2026, 12, 1, 9, 30, tzinfo=UTC),
    Any: {"$money": "12.50", "currency": "EUR"}}  # a typed parameter (FieldError.params)


def _field_sample(info: FieldInfo) -> Any:
    value = sample(info.annotation)
    longest = [m.max_length for m in info.metadata if isinstance(m, MaxLen)]
    return value[:longest[0]] if isinstance(value, str) and longest else value


def _json_ready(value: Any) -> Any:
    return value.model_dump() if isinstance(value, BaseModel) else value


def normalised(value: Any) -> Any:
    """Comparable whatever built it (a model by its type and fields)."""
    if isinstance(value, BaseModel):
        return type(value).__name__, normalised(value.model_dump())
    if isinstance(value, dict):
        return {normalised(k): normalised(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [normalised(v) for v in value]
    return value


def protocol_methods(protocol: type) -> dict[str, Callable[..., Any]]:
    return {name: member for name, member in vars(protocol).items()
            if inspect.isfunction(member) and not name.startswith("_")}


def arguments(method: Callable[..., Any], args: tuple[Any, ...],
              kwargs: dict[str, Any]) -> dict[str, Any]:
    """The call's arguments by name, defaults applied, as the protocol names them."""
    bound = inspect.signature(method).bind(None, *args, **kwargs)
    bound.apply_defaults()
    return {k: normalised(v) for k, v in bound.arguments.items() if k != "self"}


# --- the stand-in areas ---------------------------------------------------------------------


@dataclass
class Recorder:
    """An area answering every method of ``protocol`` with a sample of its return type,
    recording what it was called with (or raising ``raises``)."""

    protocol: type
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    raises: Exception | None = None

    def answer(self, name: str) -> Any:
        return sample(typing.get_type_hints(getattr(self.protocol, name))["return"])

    def __getattr__(self, name: str) -> Any:
        method = protocol_methods(self.protocol).get(name)
        if method is None:
            raise AttributeError(name)

        def call(*args: Any, **kwargs: Any) -> Any:
            self.calls.append((name, arguments(method, args, kwargs)))
            if self.raises is not None:
                raise self.raises
            return self.answer(name)

        return call


@dataclass
class StandIn:
    chorus_directory: Recorder
    chorus_invoices: Recorder


@dataclass
class Env:
    repo: HttpRepository
    client: TestClient
    headers: dict[str, str]
    areas: StandIn


@pytest.fixture
def env(tmp_path: Path, sqlite_template: SqliteTemplate) -> Iterator[Env]:
    engine, _ids = sqlite_template.copy_to(tmp_path / "contract.sqlite")
    clock = FixedClock(dataset.NOW)
    token, _ = identity.create_token(engine, "alice", clock=clock)
    areas = StandIn(Recorder(ChorusDirectoryArea), Recorder(ChorusInvoicesArea))
    try:
        with shared_app(engine, clock) as app, TestClient(app) as client:
            app.dependency_overrides[repository] = lambda: areas
            try:
                yield Env(HttpRepository(str(client.base_url), token, client=client), client,
                          {"Authorization": f"Bearer {token}"}, areas)
            finally:
                app.dependency_overrides.pop(repository, None)
    finally:
        engine.dispose()


# --- every method, round trip ------------------------------------------------------------------

FILES = [UploadedFile(name='bon de livraison "signé".pdf', content=PDF),
         UploadedFile(name="annexe.csv", content=b"a;b\n1;2\n")]
INVOICE = sample(ChorusInvoiceCreate)
#: Arguments that say more than a sample would (a null filter, several states, flags
#: off their default, no files at all); the others are samples of their annotation.
CALLS: dict[str, list[tuple[tuple[Any, ...], dict[str, Any]]]] = {
    "chorus_directory.structures": [
        ((ChorusDirectoryFilter(text="33517 109", public=None, active=False), 5, 7), {}),
        ((ChorusDirectoryFilter(),), {}), ((ChorusDirectoryFilter(public=False),), {})],
    "chorus_directory.attachments": [((3, True, 10, 20), {}), ((3,), {})],
    "chorus_directory.user_attachments": [((3, "Dupré"), {}), ((3, ""), {})],
    "chorus_directory.set_subscriptions": [((ChorusSubscriptionsUpdate(subscriptions={
        ChorusMailCategory.MADE_AVAILABLE: False, ChorusMailCategory.RETURNED: True}),), {})],
    "chorus_invoices.create": [
        ((INVOICE, UploadedFile(name="facture.pdf", content=PDF), FILES),
         {"signed": True, "submit": False}),
        ((INVOICE,), {})],
    "chorus_invoices.add_files": [((4, FILES), {}), ((4, []), {})],
    "chorus_invoices.complete": [((4, ChorusCompletion(version=2, comment="RIB joint"), FILES),
                                  {}),
                                 ((4, ChorusCompletion(version=2)), {})],
    "chorus_invoices.dashboard": [((ChorusSpace.RECEIVED, 9), {}), ((ChorusSpace.ISSUED,), {})],
    "chorus_invoices.search": [
        ((ChorusInvoiceSearch(side=ChorusSpace.RECEIVED, structure_id=3,
                              states=[ChorusState.SUSPENDED, ChorusState.REJECTED],
                              deposited_from=date(2026, 1, 1), amount_min=Decimal("10.05"),
                              amount_max=Decimal("1e3"), supplier="33517109600035",
                              number="F/0", type=None, frame="A1"), 100, 50), {}),
        ((ChorusInvoiceSearch(),), {})],
    "chorus_invoices.anomalies": [((None, 0, 10), {}), ((3,), {})],
}


def cases() -> Iterator[Any]:
    for area, protocol in AREAS.items():
        for name, method in protocol_methods(protocol).items():
            key = f"{area}.{name}"
            hints = typing.get_type_hints(method)
            positional = [p for p in inspect.signature(method).parameters.values()
                          if p.name != "self"
                          and p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD]
            default: tuple[tuple[Any, ...], dict[str, Any]] = (
                tuple(sample(hints[p.name]) for p in positional), {})
            for i, (args, kwargs) in enumerate(CALLS.get(key, [default])):
                yield pytest.param(area, name, args, kwargs, id=f"{key}-{i}")


@pytest.mark.parametrize(("area", "name", "args", "kwargs"), list(cases()))
def test_a_method_reaches_the_server_area_unchanged_and_returns_its_answer(
        env: Env, area: str, name: str, args: tuple[Any, ...],
        kwargs: dict[str, Any]) -> None:
    recorder: Recorder = getattr(env.areas, area)
    answer = getattr(getattr(env.repo, area), name)(*args, **kwargs)
    method = protocol_methods(AREAS[area])[name]
    assert recorder.calls == [(name, arguments(method, args, kwargs))]
    assert normalised(answer) == normalised(recorder.answer(name))


def test_every_method_is_tried() -> None:
    tried = {f"{p.values[0]}.{p.values[1]}" for p in cases()}
    assert tried == {f"{area}.{name}" for area, protocol in AREAS.items()
                     for name in protocol_methods(protocol)}
    assert set(CALLS) <= tried


def test_a_refusal_comes_back_as_the_same_error(env: Env) -> None:
    env.areas.chorus_invoices.raises = RuleViolation("chorus.move_not_allowed",
                                                     **{"from": "draft", "to": "rejected"})
    with pytest.raises(RuleViolation) as refused:
        env.repo.chorus_invoices.process(3, sample(
            typing.get_type_hints(ChorusInvoicesArea.process)["data"]))
    assert refused.value.code == "chorus.move_not_allowed"
    assert refused.value.params == {"from": "draft", "to": "rejected"}


# --- multipart forms and files ----------------------------------------------------------


def test_a_file_part_over_11_mib_is_refused_at_its_field_unread(env: Env) -> None:
    big = UploadedFile(name="scan.pdf", content=b"%PDF" + b"\0" * MAX_FILE_PART_BYTES)
    just = UploadedFile(name="ok.pdf", content=b"\0" * MAX_FILE_PART_BYTES)
    with pytest.raises(ValidationFailed) as refused:
        env.repo.chorus_invoices.create(INVOICE, big, [just, big])
    assert [(e.field, e.code) for e in refused.value.errors] == [
        ("pdf", "chorus.file_too_large"), ("files.1", "chorus.file_too_large")]
    with pytest.raises(ValidationFailed) as refused:
        env.repo.chorus_invoices.complete(4, ChorusCompletion(version=1), [big])
    assert [e.field for e in refused.value.errors] == ["files.0"]
    assert env.areas.chorus_invoices.calls == []


def test_the_form_data_is_validated_as_a_body(env: Env) -> None:
    for data in ("{not json", '{"number": "F1"}', INVOICE.model_dump_json()[:-1] + ',"x":1}'):
        response = env.client.post("/chorus/invoices", data={"data": data},
                                   files=[("pdf", ("f.pdf", PDF, "application/pdf"))],
                                   headers=env.headers)
        assert response.status_code == 422, response.text
        assert response.json()["error"] == "validation_failed"
    response = env.client.post("/chorus/invoices", files=[("pdf", ("f.pdf", PDF))],
                               headers=env.headers)
    assert response.status_code == 422
    assert [f["field"] for f in response.json()["fields"]] == ["data"]
    assert env.areas.chorus_invoices.calls == []


def test_a_file_is_served_as_bytes_never_sniffed_with_its_row(env: Env) -> None:
    response = env.client.get("/chorus/invoices/3/files/5", headers=env.headers)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/octet-stream"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["content-disposition"].startswith("attachment;")
    row, content = env.repo.chorus_invoices.file_content(3, 5)
    assert content == response.content == sample(bytes)
    assert row.filename == sample(str)


def test_ids_beyond_the_database_are_refused_at_the_field(env: Env) -> None:
    for path in ("/chorus/invoices/0", f"/chorus/invoices/{2**31}",
                 f"/chorus/structures/{2**63}/attachments", "/chorus/invoices/x/files/1"):
        assert env.client.get(path, headers=env.headers).status_code == 422, path
    response = env.client.get("/chorus/invoices", params={"structure_id": 2**40},
                              headers=env.headers)
    assert response.status_code == 422
    assert [f["field"] for f in response.json()["fields"]] == ["structure_id"]
    assert env.areas.chorus_invoices.calls == []


def test_forms_larger_than_a_json_body_get_through(env: Env) -> None:
    """A PDF and attachments of several MiB pass the server's body limit (2 MiB for a
    JSON call) on each multipart route: Chorus Pro takes 10 MB a file."""
    pdf = UploadedFile(name="facture.pdf", content=b"%PDF" + b"\0" * (4 * 1024 * 1024))
    files = [UploadedFile(name=f"annexe{i}.pdf", content=pdf.content) for i in range(2)]
    env.repo.chorus_invoices.create(INVOICE, pdf, files)
    env.repo.chorus_invoices.add_files(4, files)
    env.repo.chorus_invoices.complete(4, ChorusCompletion(version=1), files)
    assert [name for name, _args in env.areas.chorus_invoices.calls] == [
        "create", "add_files", "complete"]
    assert env.areas.chorus_invoices.calls[0][1]["pdf"] == normalised(pdf)
