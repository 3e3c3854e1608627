"""The API app of the in-process HTTP tests, built once per test process and reused.

Building the FastAPI app is quick, its first use is not: the first request makes FastAPI
prepare every included route (their parameter and response models, about 0.2 s, over
0.5 s on a loaded machine), and the first request with a body builds the OpenAPI schema
the media-type gate reads its operations from (about 2 s, 3 to 4 s loaded). An app made
for each test paid both every time: most of an in-process HTTP test's duration.

:func:`shared_app` lends a test an app that has done that work already, given the state
a new ``create_app(engine, clock=clock)`` has: the test's engine and clock, a new login
gate (every entry of the new app's ``app.state`` replaces the lent app's). What carries
over depends on the routes alone, the same for every app built with the defaults: the
prepared routes, the schema and the operations read from it, the upload threads. A
server process serves every request with one app the same way.

An app is lent to one test at a time (a test holding two gets two apps), so two engines
never share one. Apps built with other arguments (a body limit, login limits) are not
shared: :func:`cofatui.api.app.create_app` makes those.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from sqlalchemy.engine import Engine

from cofatui.clock import Clock, SystemClock

_idle: list[FastAPI] = []
_schema: dict[str, Any] | None = None


@contextmanager
def shared_app(engine: Engine, clock: Clock) -> Iterator[FastAPI]:
    """An app serving ``engine`` with ``clock``, as ``create_app(engine, clock=clock)``
    would, already prepared by an earlier test of this process when there was one."""
    from cofatui.api.app import create_app

    fresh = create_app(engine, clock=clock)
    app = _idle.pop() if _idle else fresh
    if app is not fresh:
        state: dict[str, Any] = fresh.state._state
        for name, value in state.items():
            setattr(app.state, name, value)
    try:
        yield app
    finally:
        _idle.append(app)


def openapi_schema() -> dict[str, Any]:
    """The API's OpenAPI schema (that of every app :func:`shared_app` lends), built once
    per test process, or read from the disk cache another process of this run wrote for
    the same sources (:func:`_cached_schema`); each caller gets a copy of its own. The
    lent app is given that schema, as its own ``openapi()`` would have built it."""
    from cofatui.repository.sql import make_engine

    global _schema
    if _schema is None:
        with shared_app(make_engine("sqlite://"), SystemClock()) as app:
            _schema = _cached_schema(app)
    return copy.deepcopy(_schema)


def _cached_schema(app: FastAPI) -> dict[str, Any]:
    """Every xdist worker collects the modules that read the schema at import, and each
    built it (about 2 s of CPU, twice that under load). The first process builds it and
    writes it, as JSON, under a key made of the package's files (path, size, time of
    change) and FastAPI's and pydantic's versions; the others wait for it on a lock and
    read it. A schema is JSON (FastAPI encodes it so), so the copy read equals the one
    built; a changed source file makes a new key, hence a new build."""
    import fcntl

    folder = Path(tempfile.gettempdir()) / f"cofatui-openapi-{os.getuid()}"
    folder.mkdir(exist_ok=True)
    path = folder / f"{_sources_key()}.json"
    with (folder / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
        if path.exists():
            schema: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
            if app.openapi_schema is None:
                app.openapi_schema = copy.deepcopy(schema)
            return schema
        schema = app.openapi()
        written = path.with_suffix(f".{os.getpid()}.tmp")
        written.write_text(json.dumps(schema), encoding="utf-8")
        os.replace(written, path)
        return schema


def _sources_key() -> str:
    import fastapi
    import pydantic

    import cofatui

    digest = hashlib.sha256(f"{fastapi.__version__} {pydantic.__version__}".encode())
    root = Path(cofatui.__file__).parent
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            stat = path.stat()
            digest.update(f"{path} {stat.st_size} {stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:32]
