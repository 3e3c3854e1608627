"""Schemathesis against the published OpenAPI, in-process on SQLite with the contract
dataset: generated requests (valid and invalid) never get a 5xx, and the answers match
the documented status codes, content types and schemas.

Bounded: ``MAX_EXAMPLES`` per operation, no deadline (every check on the 75 operations:
94 s of CPU, 8 min on the shared CI machine at a load of 16; the 39 Chorus Pro
operations of issue 18 added half as much again, hence more chunks). Requests carry an underwriter's
token (the user who reaches the most code: every contract, the queue, decisions), and
small ids are likely enough (Hypothesis tries boundaries) to hit existing rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from schemathesis import checks
from schemathesis.config import SchemathesisConfig

from cofatui import migrations
from cofatui.clock import FixedClock
from cofatui.repository.sql import identity, make_engine
from tests.api_app import openapi_schema, shared_app
from tests.contract import dataset

MAX_EXAMPLES = 20
# Every check schemathesis has ("--checks all"): the response checks, the data checks
# (valid data accepted, invalid data refused), the header, method and Allow checks and
# the auth and resource checks (these act on the cases that exercise them).
checks.load_all_checks()
CHECKS = checks.CHECKS.get_all()
# "Valid data accepted" means: no refusal of the request's shape. A request the schema
# allows may still break a business rule the schema cannot express (a company search
# needs a country and a name; a product on a company that has one; an attachment whose
# content is no PDF): those refusals are documented 400 (rule_violation) and 422 (field
# errors), so they are among the statuses expected for valid data, besides the
# defaults (2xx, 401, 403, 404, 409, 429).
VALID_DATA_STATUSES = ["2xx", "3xx", "400", "401", "403", "404", "409", "422", "429"]


def config(token: str) -> SchemathesisConfig:
    # The token goes through schemathesis' auth (the "token" scheme), not as a header
    # of every call, so that the cases sent without it on purpose stay without it.
    return SchemathesisConfig.from_dict({
        "auth": {"openapi": {"token": {"bearer": token}}},
        "checks": {"positive_data_acceptance": {"expected-statuses": VALID_DATA_STATUSES}}})


@dataclass
class Env:
    app: FastAPI
    token: str


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    path: Path = tmp_path_factory.mktemp("schemathesis") / "api.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    migrations.upgrade(engine)
    dataset.build(engine)
    clock = FixedClock(dataset.NOW)
    token, _ = identity.create_token(engine, "uw", clock=clock, expires_in_days=None)
    with shared_app(engine, clock) as app:
        yield Env(app, token)
    engine.dispose()


@pytest.fixture(scope="module")
def api_schema(env: Env) -> Any:
    return schemathesis.openapi.from_asgi("/openapi.json", env.app, config=config(env.token))


def check(case: Any) -> None:
    response = case.call()
    assert response.status_code < 500, f"{case.method} {case.formatted_path}: " \
                                       f"{response.status_code} {response.text[:500]}"
    case.validate_response(response, checks=CHECKS)


#: The operations are tested in CHUNKS tests of their own (every CHUNKS-th operation by
#: id), which the test processes share out; each operation is tested as before, once.
CHUNKS = 24
OPERATION_IDS = sorted(operation["operationId"]
                       for item in openapi_schema()["paths"].values()
                       for operation in item.values()
                       if isinstance(operation, dict) and "operationId" in operation)


def chunk_test(chunk: int) -> Any:
    schema = schemathesis.pytest.from_fixture("api_schema").include(
        operation_id=OPERATION_IDS[chunk::CHUNKS])

    @schema.parametrize()
    @settings(max_examples=MAX_EXAMPLES, deadline=None,
              suppress_health_check=list(HealthCheck))
    def test(case: Any) -> None:
        check(case)

    return test


for _chunk in range(CHUNKS):
    globals()[f"test_api_never_fails_and_keeps_its_contract_{_chunk}"] = chunk_test(_chunk)


def test_the_chunks_hold_every_operation_once() -> None:
    held = [op for chunk in range(CHUNKS) for op in OPERATION_IDS[chunk::CHUNKS]]
    assert sorted(held) == OPERATION_IDS and len(set(held)) == len(held) > 0
