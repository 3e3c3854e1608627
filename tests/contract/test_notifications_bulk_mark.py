"""Issue 21 acceptance: "mark all" then "mark read" on a filter of 500 000 rows changes
exactly the filter's rows (one statement, no cap), on SQLite and PostgreSQL and through
the API (the SQLite server in process)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, text
from sqlalchemy.engine import Connection

from cofatui.clock import FixedClock
from cofatui.demo.deferred import deferred
from cofatui.enums import NotificationCategory
from cofatui.repository.base import Repository
from cofatui.repository.sql import SqlRepository
from cofatui.schemas import NotificationFilter, RowCount
from tests.api_app import shared_app
from tests.contract import dataset
from tests.contract.conftest import SQL_BACKENDS, Backend, dataset_engine, http_opener

ROWS = 500_000
#: Rows of the bulk that are not in the filter (another category), interleaved.
OUTSIDE_EVERY = 7


def bulk_insert(backend: Backend) -> None:
    """ROWS notifications of contract A for gamma in one INSERT … SELECT; one in
    OUTSIDE_EVERY is 'management'. On SQLite through the demo's bulk load
    (:func:`cofatui.demo.deferred.deferred`: indexes built once and the search-text
    triggers' work done set-wise after the rows, the schema restored as it was): row by
    row the three FTS5 triggers took a minute here, and they are tested elsewhere
    (test_notifications_search_text.py). On PostgreSQL likewise by hand
    (:func:`pg_deferred`), then ANALYZE, as a database of that size would have been."""
    series = ("generate_series(1, :n) AS g(i)" if backend.engine.dialect.name == "postgresql"
              else "(WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g"
                   " WHERE i < :n) SELECT i FROM g) AS g")
    # Dates of the dataset's past (ties on purpose: 1 000 rows a minute).
    at = ("TIMESTAMP '2026-01-01 00:00:00' + (g.i / 1000) * INTERVAL '1 minute'"
          if backend.engine.dialect.name == "postgresql"
          else "datetime('2026-01-01 00:00:00', '+' || (g.i / 1000) || ' minutes')")
    with backend.engine.begin() as conn, deferred(conn, ["notification"]), \
            pg_deferred(conn):
        conn.execute(text(
            "INSERT INTO notification (contract_id, company_id, product_code, category,"
            " type, importance, kind, params, title, body, created_at, search_text)"
            f" SELECT :a, :c, '', CASE WHEN g.i % {OUTSIDE_EVERY} = 0 THEN 'management'"
            " ELSE 'information' END, 'bulk', 'normal', 'text', '{}', 't', '', " + at +
            ", coalesce((SELECT e.search_text FROM portfolio_entry e"
            "  WHERE e.contract_id = :a AND e.company_id = :c), '')"
            f" FROM {series}"),
            {"a": backend.ids["A"], "c": backend.ids["gamma"], "n": ROWS})
    if backend.engine.dialect.name == "postgresql":
        with backend.engine.begin() as conn:
            conn.execute(text("ANALYZE notification"))


@contextlib.contextmanager
def pg_deferred(conn: Connection) -> Iterator[None]:
    """On PostgreSQL, within the caller's transaction: the notification's non-unique
    indexes dropped and built again after the body, and its search-text trigger off
    (the body writes the text itself). Row by row the two trigram indexes and the
    trigger made 30 of the 50 s this test took to build its rows. A no-op on SQLite."""
    if conn.dialect.name != "postgresql":
        yield
        return
    indexes = conn.execute(text(
        "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()"
        " AND tablename = 'notification' AND indexdef NOT LIKE 'CREATE UNIQUE%'")).all()
    for name, _sql in indexes:
        conn.execute(text(f'DROP INDEX "{name}"'))
    conn.execute(text("ALTER TABLE notification DISABLE TRIGGER notification_search_bi"))
    yield
    conn.execute(text("ALTER TABLE notification ENABLE TRIGGER notification_search_bi"))
    for _name, sql in indexes:
        conn.execute(text(sql))


@pytest.fixture(params=[*SQL_BACKENDS, "http"], name="backend")
def bulk_backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    """SQLite, PostgreSQL, and the API in process on SQLite (the other HTTP backends
    add a transport the statement does not see)."""
    name = request.param
    engine, ids = dataset_engine(request, name, tmp_path)
    clock = FixedClock(dataset.NOW)
    try:
        if name == "http":
            with shared_app(engine, clock) as app, TestClient(app) as client:
                yield Backend(name, engine, ids,
                              http_opener(str(client.base_url), engine, clock, client), clock)
        else:
            yield Backend(name, engine, ids,
                          lambda login: SqlRepository(engine, login, clock), clock)
    finally:
        if engine.dialect.name == "postgresql":
            # The next test's refill of this shared schema DELETEs row by row: with
            # notification_state's foreign key (before migration 0039) each deleted
            # notification checked it with a plan cached while the tables were small,
            # hours in all; without it the refill still deletes 930 000 rows one by
            # one. TRUNCATE empties both at once; the refill copies the template's
            # rows back.
            with engine.begin() as conn:
                conn.execute(text("TRUNCATE notification_state, notification"))
        engine.dispose()


def test_mark_all_then_read_on_half_a_million_rows(backend: Backend) -> None:
    bulk_insert(backend)
    alice = backend.open("alice")
    flt = NotificationFilter(category=NotificationCategory.INFORMATION, type="bulk")
    inside = ROWS - ROWS // OUTSIDE_EVERY
    assert alice.notifications.count(flt) == RowCount(count=inside)
    assert alice.notifications.count(flt, at_most=1000) == RowCount(count=1000, exact=False)
    first = alice.notifications.rows(flt, limit=3).items
    kept = [first[1].id]
    assert alice.notifications.mark_matching(flt, True, except_ids=kept) == inside - 1
    with backend.engine.connect() as conn:
        marked = conn.execute(text(
            "SELECT count(*), min(n.category), max(n.category), sum(CASE WHEN n.id = :k"
            " THEN 1 ELSE 0 END) FROM notification_state s JOIN notification n"
            " ON n.id = s.notification_id WHERE s.user_id = :u AND s.read"),
            {"u": backend.ids["alice"], "k": kept[0]}).one()
    assert tuple(marked) == (inside - 1, "information", "information", 0)
    assert alice.notifications.count(flt.model_copy(update={"read": False})) == RowCount(
        count=1)
    assert alice.notifications.count(NotificationFilter(
        category=NotificationCategory.MANAGEMENT, type="bulk", read=False)) == RowCount(
        count=ROWS // OUTSIDE_EVERY)
    if backend.engine.dialect.name == "postgresql":
        plan = unread_page_plan(backend, alice)
        assert "ix_notification_created" in plan, plan
        assert "Seq Scan on notification " not in plan, plan


def unread_page_plan(backend: Backend, alice: Repository) -> str:
    """PostgreSQL's plan of the unread list's first page once the state rows have
    statistics (autovacuum's ANALYZE follows a large mark within a minute). With most
    state rows read it once expected a single unread row and joined companies by a
    nested loop over a full scan: 40 s for this page (issue 21). The page should walk
    the date index backwards, as every list does."""
    with backend.engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").execute(
            text("ANALYZE notification_state"))
    seen: list[tuple[str, Any]] = []

    def keep(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any,
             _many: bool) -> None:
        if "ORDER BY notification.created_at DESC" in statement:
            seen.append((statement, parameters))

    event.listen(backend.engine, "before_cursor_execute", keep)
    try:
        page = alice.notifications.rows(NotificationFilter(read=False), limit=50)
    finally:
        event.remove(backend.engine, "before_cursor_execute", keep)
    assert len(page.items) == 50 and not any(row.read for row in page.items)
    statement, parameters = seen[-1]
    with backend.engine.connect() as conn:
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        cursor.execute("EXPLAIN " + statement, parameters)
        return "\n".join(str(line[0]) for line in cursor.fetchall())
