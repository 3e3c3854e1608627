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
from collections.abc import Iterator
from contextlib import contextmanager
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
    per test process; each caller gets a copy of its own."""
    from cofatui.repository.sql import make_engine

    global _schema
    if _schema is None:
        with shared_app(make_engine("sqlite://"), SystemClock()) as app:
            _schema = app.openapi()
    return copy.deepcopy(_schema)
