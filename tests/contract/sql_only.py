"""A ``backend`` fixture limited to the SQL backends, for repository areas the HTTP API
does not expose yet. Modules import it to shadow the all-backend fixture."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from cofatui.clock import FixedClock
from cofatui.repository.sql import SqlRepository
from tests.contract import dataset
from tests.contract.conftest import SQL_BACKENDS, Backend, dataset_engine


@pytest.fixture(params=SQL_BACKENDS, name="backend")
def sql_backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    engine, ids = dataset_engine(request, request.param, tmp_path)
    try:
        clock = FixedClock(dataset.NOW)
        yield Backend(request.param, engine, ids,
                      lambda login: SqlRepository(engine, login, clock), clock)
    finally:
        engine.dispose()
