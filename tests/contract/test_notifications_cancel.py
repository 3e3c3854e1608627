"""A read in flight is stopped by its ReadCancel (issue 21 item 3): SQLite's
``interrupt()``, PostgreSQL's cancel request, through ``core.unit_of_work``; the
connection then serves the next unit of work normally (the hook is detached)."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import text

from cofatui.repository.cancel import ReadCancel, ReadCancelled, cancellable
from cofatui.repository.sql.core import unit_of_work
from tests.contract.conftest import Backend
from tests.contract.sql_only import sql_backend  # noqa: F401  (the SQL backends only)

#: A statement that never ends by itself.
ENDLESS = {
    "sqlite": "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c)"
              " SELECT count(*) FROM c",
    "postgres": "SELECT pg_sleep(600)",
}


def test_cancel_stops_the_statement_in_flight(backend: Backend) -> None:
    token = ReadCancel()
    outcome: list[BaseException] = []

    def read() -> None:
        try:
            with cancellable(token), unit_of_work(backend.engine) as s:
                s.execute(text(ENDLESS[backend.name]))
        except BaseException as exc:
            outcome.append(exc)

    worker = threading.Thread(target=read)
    started = time.monotonic()
    worker.start()
    time.sleep(0.5)
    token.cancel()
    worker.join(timeout=30)
    assert not worker.is_alive(), "the statement was not stopped"
    assert time.monotonic() - started < 30
    assert len(outcome) == 1 and isinstance(outcome[0], ReadCancelled)
    # A cancelled token refuses the next read at once; an uncancelled unit still reads.
    with pytest.raises(ReadCancelled), cancellable(token), unit_of_work(backend.engine):
        pass
    with unit_of_work(backend.engine) as s:
        assert s.execute(text("SELECT 1")).scalar_one() == 1
