"""Test-wide isolation: every test gets its own config and data directories, so no
test reads or writes the developer's real settings or database, and starts in English."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from cofatui.i18n import set_language

PG_ENV = "COFATUI_TEST_PG_URL"
_extensions_ready: set[str] = set()


def _bytecode_outside_the_tree() -> None:
    """Under PYTHONDONTWRITEBYTECODE (set on the CI machine) every test process compiled
    the package and rewrote the test modules from source again, and so did every
    ``python -m cofatui`` the tests start (servers, CLI runs): about 1.6 s of CPU per
    test process and 0.3 s per subprocess. Bytecode goes to a cache in the temporary
    directory instead (``sys.pycache_prefix``), so the checkout stays free of it as the
    variable meant; subprocesses inherit the setting."""
    if not sys.dont_write_bytecode:
        return
    prefix = os.environ.get("PYTHONPYCACHEPREFIX") or str(
        Path(tempfile.gettempdir()) / f"cofatui-pycache-{os.getuid()}")
    sys.pycache_prefix, sys.dont_write_bytecode = prefix, False
    os.environ["PYTHONPYCACHEPREFIX"] = prefix
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)


_bytecode_outside_the_tree()


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path_factory: pytest.TempPathFactory,
                  monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("cofatui-home")
    monkeypatch.setenv("COFATUI_CONFIG_DIR", str(root / "config"))
    monkeypatch.setenv("COFATUI_DATA_DIR", str(root / "data"))
    # The UI language is process-wide: an app run in French (its config says so) or a
    # test of French wording left it set for whatever test ran next in that worker,
    # whose English assertions then failed depending on the order xdist dealt them.
    set_language("en")
    yield root
    set_language("en")


def pg_url_or_skip() -> str:
    """The PostgreSQL test server; without one the test is skipped, except under CI,
    where a missing server is a failure (CI must run the PostgreSQL tests)."""
    url = os.environ.get(PG_ENV, "")
    if not url:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{PG_ENV} is not set under CI: the PostgreSQL tests must run")
        pytest.skip(f"{PG_ENV} not set: no PostgreSQL server to test against")
    if url not in _extensions_ready:
        _install_shared_extensions(url)
        _extensions_ready.add(url)
    return url


def _install_shared_extensions(url: str) -> None:
    """pg_trgm in ``public``, before any test migrates its own schema.

    Each test works in a schema of its own (search_path = that schema only). Were the
    first migration to create the extension, it would land in that test's schema, and
    dropping the schema afterwards (CASCADE) would drop the extension with the trigram
    indexes of every other schema — those of tests running at that moment in other
    workers. Installed in ``public`` first, every migration finds it there."""
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    from cofatui.repository.sql import make_engine

    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public"))
            # Left in a test schema by an earlier run: moved where it is safe.
            where = conn.execute(text("SELECT extnamespace::regnamespace::text"
                                      " FROM pg_extension WHERE extname = 'pg_trgm'")).scalar_one()
            if where != "public":
                conn.execute(text("ALTER EXTENSION pg_trgm SET SCHEMA public"))
    except DBAPIError:
        # Another worker created it at the same moment: it is there, which is the point.
        with engine.connect() as conn:
            found = conn.execute(text("SELECT count(*) FROM pg_extension"
                                      " WHERE extname = 'pg_trgm'")).scalar_one()
        if not found:
            raise
    finally:
        engine.dispose()
