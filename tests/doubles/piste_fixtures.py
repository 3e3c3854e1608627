"""Fixtures of the PISTE double, imported by the tests that use them
(``from tests.doubles.piste_fixtures import piste_fixture  # noqa: F401``; the
fixture's name is ``piste``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from cofatui.chorus_pro import runtime
from cofatui.chorus_pro.client import clear_token_cache
from tests.doubles.piste import SECRET_ENV, RunningDouble, start
from tests.doubles.piste_state import PisteState


@pytest.fixture(name="piste")
def piste_fixture(monkeypatch: pytest.MonkeyPatch) -> Iterator[RunningDouble]:
    """A fresh double on a random port, its client secret in ``SECRET_ENV``, no token
    cached from another test, and this process's connector settings reset after."""
    state = PisteState()
    monkeypatch.setenv(SECRET_ENV, state.client_secret)
    clear_token_cache()
    double = start(state)
    try:
        yield double
    finally:
        double.stop()
        runtime.reset()
        clear_token_cache()
