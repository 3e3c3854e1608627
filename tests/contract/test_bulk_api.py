"""Bulk orders over the API (issue 14 item 8): ``repo.bulk`` answers the same on every
backend (HTTP included), and the routes answer with the statuses the issue names —
202 with the import and its job, 422 with the refusal's code when the file is refused
whole, 413 past 5 MiB while reading (nothing stored), 409 naming the earlier import.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from cofatui import migrations
from cofatui.api.app import create_app
from cofatui.clock import FixedClock
from cofatui.errors import Conflict
from cofatui.formats.bulk_orders import MAX_FILE_BYTES
from cofatui.models import BulkImport
from cofatui.repository.sql import identity, make_engine
from cofatui.schemas_bulk import BulkLineStatus, BulkSort, BulkStatus, SortOrder
from cofatui.schemas_jobs import JobStatus
from tests.contract import dataset
from tests.contract.bulk_helpers import SAMPLE, add_seed_companies
from tests.contract.conftest import Backend
from tests.contract.jobs_helpers import run_jobs

SAMPLE_ERRORS = [1, 2, 3, 4, 5, 6, 8, 9, 10, 12]


def _stored(engine: Engine) -> int:
    with Session(engine) as s:
        return int(s.execute(select(func.count()).select_from(BulkImport)).scalar_one())


def test_the_sample_through_every_backend(backend: Backend) -> None:
    backend.ids.update(add_seed_companies(backend.engine, backend.ids["A"]))
    alice = backend.open("alice")
    started = alice.bulk.start(backend.ids["A"], "sample.csv", SAMPLE.read_bytes())
    assert started.job is not None and started.bulk_import.status == BulkStatus.RUNNING
    assert run_jobs(backend, alice, started.job.id).status == JobStatus.DONE
    done = alice.bulk.get(started.bulk_import.id)
    assert (done.status, done.total_lines, done.error_lines, done.ok_lines) == \
        (BulkStatus.PARTIALLY_SUCCEEDED, 13, 10, 3)
    errors = alice.bulk.lines(done.id, status=BulkLineStatus.ERROR, limit=500).items
    assert [line.line_no for line in errors] == SAMPLE_ERRORS
    first = alice.bulk.lines(done.id, errors_first=True, sort=BulkSort.LINE,
                             order=SortOrder.DESC, offset=9, limit=2)
    assert first.total == 13 and [line.line_no for line in first.items] == [1, 13]
    assert alice.bulk.original(done.id).content == SAMPLE.read_bytes()
    errors_file = alice.bulk.errors_file(done.id)
    assert errors_file.name == "sample_errors.csv"
    assert len(errors_file.content.decode().splitlines()) == 10
    # every contract of the user, or one; the same file again needs ``again``
    assert [i.id for i in alice.bulk.imports().items] == [done.id]
    assert alice.bulk.imports(backend.ids["A"]).total == 1
    with pytest.raises(Conflict) as err:
        alice.bulk.start(backend.ids["A"], "again.csv", SAMPLE.read_bytes())
    assert err.value.code == "bulk_imports.already_imported"
    assert err.value.params["import_id"] == done.id


def test_a_file_refused_whole_is_the_same_failed_import_everywhere(backend: Backend) -> None:
    alice = backend.open("alice")
    started = alice.bulk.start(backend.ids["A"], "book.xlsx", b"PK\x03\x04binary")
    assert started.job is None
    refused = started.bulk_import
    assert refused.status == BulkStatus.FAILED and refused.refused is not None
    assert refused.refused.code == "not_text"
    assert [i.id for i in alice.bulk.imports().items] == [refused.id]


# --- the routes themselves ------------------------------------------------------------


class Api:
    def __init__(self, client: TestClient, engine: Engine, ids: dataset.Ids) -> None:
        self.client, self.engine, self.ids = client, engine, ids

    def post(self, body: bytes, login: str = "alice", **params: object) -> httpx.Response:
        token = identity.create_token(self.engine, login, clock=FixedClock(dataset.NOW))[0]
        response: httpx.Response = self.client.post(
            f"/contracts/{self.ids['A']}/bulk-imports",
            params={"filename": "orders.csv", **params}, content=body,
            headers={"Authorization": f"Bearer {token}",
                     "Content-Type": "application/octet-stream"})
        return response


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    engine = make_engine(f"sqlite:///{tmp_path / 'bulk.sqlite'}")
    migrations.upgrade(engine)
    ids = dataset.build(engine)
    ids.update(add_seed_companies(engine, ids["A"]))
    with TestClient(create_app(engine, clock=FixedClock(dataset.NOW)),
                    raise_server_exceptions=False) as client:
        yield Api(client, engine, ids)
    engine.dispose()


def test_started_is_202_with_the_import_and_its_job(api: Api) -> None:
    response = api.post(SAMPLE.read_bytes(), check="true")
    assert response.status_code == 202, response.text
    body = response.json()
    assert body["bulk_import"]["check"] is True and body["bulk_import"]["total_lines"] == 13
    assert body["job"]["kind"] == "bulk.run" and body["job"]["status"] == "queued"


def test_refused_whole_is_422_with_the_code_and_the_failed_import(api: Api) -> None:
    response = api.post(b"a,b,c,d,e,f,g,h,i,j\n1,2,3,4,5,6,7,8,9,0\n")
    assert response.status_code == 422, response.text
    field = response.json()["fields"][0]
    assert field["field"] == "file" and field["code"] == "bulk.no_ten_fields_commas"
    assert field["params"]["refusal"] == "wrong_file_format"
    assert field["params"]["import_id"] >= 1 and "“,”" in field["message"]
    assert _stored(api.engine) == 1  # listed failed, with its reason


def test_past_5_mib_is_413_while_reading_and_nothing_is_stored(api: Api) -> None:
    line = b"FRA;00000012354897;;;;CCO;C;10000;;\n"
    body = line * (MAX_FILE_BYTES // len(line) + 1)
    assert len(body) > MAX_FILE_BYTES
    response = api.post(body)
    assert response.status_code == 413, response.text
    assert response.json()["code"] == "bulk_api.too_large"
    assert _stored(api.engine) == 0
    exactly = (line * (MAX_FILE_BYTES // len(line) + 1))[:MAX_FILE_BYTES]
    assert api.post(exactly).status_code != 413


def test_the_repeat_guard_is_409_naming_the_earlier_import(api: Api) -> None:
    first = api.post(SAMPLE.read_bytes()).json()
    again = api.post(SAMPLE.read_bytes())
    assert again.status_code == 409
    error = again.json()
    assert error["code"] == "bulk_imports.already_imported"
    assert error["params"]["import_id"] == first["bulk_import"]["id"]
    assert api.post(SAMPLE.read_bytes(), again="true").status_code == 202


def test_the_schema_documents_the_refusals() -> None:
    schema = create_app(make_engine("sqlite://")).openapi()
    start = schema["paths"]["/contracts/{contract_id}/bulk-imports"]["post"]
    assert {"202", "401", "403", "404", "409", "413", "415", "422"} <= set(start["responses"])
    assert set(start["requestBody"]["content"]) == {"application/octet-stream", "text/csv",
                                                    "text/plain"}
    lines = schema["paths"]["/bulk-imports/{bulk_import_id}/lines"]["get"]
    assert {p["name"] for p in lines["parameters"]} >= {
        "status", "sort", "order", "errors_first", "offset", "limit"}
