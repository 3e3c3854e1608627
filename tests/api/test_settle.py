"""A serve worker settled before its first request (cofatui.api.settle): its pool's
connections are open and the heap it built is out of the cyclic collector's scans."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine

from cofatui.api.settle import freeze_heap, open_pool, settle


@pytest.fixture
def unfrozen() -> Iterator[None]:
    """The test process's heap given back to the collector afterwards."""
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_the_pool_is_open_before_the_first_request(engine: Engine) -> None:
    engine.dispose()
    open_pool(engine)
    size = engine.pool.size()  # type: ignore[attr-defined]
    assert size > 1
    opened = size if engine.dialect.name == "sqlite" else 1
    assert engine.pool.checkedin() == opened  # type: ignore[attr-defined]


@pytest.mark.usefixtures("unfrozen")
def test_objects_alive_when_settled_are_not_scanned_again() -> None:
    long_lived = [{"row": n} for n in range(1000)]
    freeze_heap()
    assert gc.get_freeze_count() >= len(long_lived)
    # A later collection still reclaims a cycle made after the freeze.
    cycle: list[object] = []
    cycle.append(cycle)
    del cycle
    assert gc.collect() >= 1
    assert long_lived[999] == {"row": 999}


@pytest.mark.usefixtures("unfrozen")
def test_settle_opens_the_pool_and_freezes(engine: Engine) -> None:
    engine.dispose()
    settle(engine)
    assert engine.pool.checkedin() >= 1  # type: ignore[attr-defined]
    assert gc.get_freeze_count() > 0
