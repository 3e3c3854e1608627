"""A real ``cofatui serve`` on a SQLite file with the contract dataset and a token for
alice, shared by the edge tests (issue 13), and the server's resident memory."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from cofatui import migrations
from cofatui.clock import FixedClock
from cofatui.repository.sql import identity, make_engine
from tests.contract import dataset
from tests.server import ServerProcess


@dataclass
class Site:
    engine: Engine
    server: ServerProcess
    token: str  # alice's


@pytest.fixture(scope="module", name="site")
def site_fixture(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    home = tmp_path_factory.mktemp("edge")
    engine = make_engine(f"sqlite:///{home / 'api.sqlite'}")
    migrations.upgrade(engine)
    dataset.build(engine)
    token, _ = identity.create_token(engine, "alice", clock=FixedClock(dataset.NOW))
    with ServerProcess(str(engine.url), home, clock=dataset.NOW.isoformat()) as server:
        yield Site(engine, server, token)
    engine.dispose()


def rss_mib(pid: int) -> float:
    """The resident memory of process ``pid`` (VmRSS), in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError(f"no VmRSS for process {pid}")
