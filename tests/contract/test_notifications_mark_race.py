"""A "mark all read" on PostgreSQL writes the absent state rows with a plain INSERT
(notifications_matching: ON CONFLICT cost a third of its time); when another
transaction writes one of the same rows meanwhile, the INSERT fails on the unique key,
goes back to its savepoint, and the ON CONFLICT statement writes the rows instead: the
mark still succeeds, every row is read, each counted once. And on every backend: the
existing state rows and the absent ones are both written."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.engine import Engine

from cofatui.clock import FixedClock
from cofatui.repository.sql import SqlRepository
from cofatui.schemas import NotificationFilter, RowCount
from tests.contract import dataset
from tests.contract.conftest import Backend, dataset_engine
from tests.contract.test_notifications_scale import ids_of


@pytest.fixture
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    engine, _ids = dataset_engine(request, "postgres", tmp_path)
    yield engine
    engine.dispose()


@pytest.mark.postgres
def test_a_concurrent_write_of_a_state_row_falls_back_to_the_upsert(engine: Engine) -> None:
    alice = SqlRepository(engine, "alice", FixedClock(dataset.NOW))
    unread = NotificationFilter(read=False)
    before = alice.notifications.count(unread).count
    assert before >= 2
    with engine.connect() as conn:
        me = conn.execute(text("SELECT id FROM \"user\" WHERE login = 'alice'")).scalar_one()
    raced = alice.notifications.rows(unread, limit=1).items[0].id
    other = engine.connect()
    seen: list[str] = []

    def race(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if conn is other or not statement.startswith("INSERT INTO notification_state"):
            return
        seen.append("upsert" if "ON CONFLICT" in statement else "insert")
        if len(seen) == 1:
            # The same row, written by another transaction that commits while the
            # INSERT waits on it: the INSERT's snapshot did not see it.
            other.execute(text(
                "INSERT INTO notification_state (user_id, notification_id, read, deleted)"
                " VALUES (:u, :n, false, false)"), {"u": me, "n": raced})
            threading.Timer(0.5, other.commit).start()

    event.listen(engine, "before_cursor_execute", race)
    try:
        marked = alice.notifications.mark_matching(unread, True)
    finally:
        event.remove(engine, "before_cursor_execute", race)
        other.close()
    assert seen == ["insert", "upsert"]
    assert marked == before
    assert alice.notifications.count(unread) == RowCount(count=0)
    with engine.connect() as conn:
        assert conn.execute(text(
            "SELECT read FROM notification_state WHERE user_id = :u AND notification_id = :n"),
            {"u": me, "n": raced}).scalar_one() is True


def test_existing_state_rows_are_updated_and_absent_ones_written(backend: Backend) -> None:
    """Both halves of the PostgreSQL write (and SQLite's upsert): a state row that says
    unread (a single unmark wrote it) is marked read and counted, an absent one is
    written, on deletion as on a mark; a read row is not counted again."""
    alice = backend.open("alice")
    everything = ids_of(alice, NotificationFilter())
    assert len(everything) >= 4
    unmarked, read, absent = everything[:3]
    assert alice.notifications.mark([unmarked, read], True) == 2
    assert alice.notifications.mark([unmarked], False) == 1  # its row now says unread
    gone = {unmarked, absent}
    assert alice.notifications.delete_matching(
        NotificationFilter(), except_ids=[i for i in everything if i not in gone]) == 2
    assert alice.notifications.mark_matching(NotificationFilter(), True) == \
        len(everything) - 3
    assert set(ids_of(alice, NotificationFilter(read=True))) == set(everything) - gone
    assert alice.notifications.unread_count() == 0
