"""Test-wide isolation: every test gets its own config and data directories, so no
test reads or writes the developer's real settings or database."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

PG_ENV = "COFATUI_TEST_PG_URL"


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path_factory: pytest.TempPathFactory,
                  monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("cofatui-home")
    monkeypatch.setenv("COFATUI_CONFIG_DIR", str(root / "config"))
    monkeypatch.setenv("COFATUI_DATA_DIR", str(root / "data"))
    yield root


def pg_url_or_skip() -> str:
    """The PostgreSQL test server; without one the test is skipped, except under CI,
    where a missing server is a failure (CI must run the PostgreSQL tests)."""
    url = os.environ.get(PG_ENV, "")
    if not url:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{PG_ENV} is not set under CI: the PostgreSQL tests must run")
        pytest.skip(f"{PG_ENV} not set: no PostgreSQL server to test against")
    return url
