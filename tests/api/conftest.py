"""The in-process API tests' database: the contract tests' data set in a SQLite file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from cofatui import migrations
from cofatui.repository.sql import make_engine
from tests.contract import dataset


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(str(tmp_path / "api.sqlite"))
    migrations.upgrade(engine)
    dataset.build(engine)
    yield engine
    engine.dispose()
