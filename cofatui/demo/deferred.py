"""Secondary indexes and per-row triggers left off while the demo bulk-loads on SQLite.

Measured on the 20 000-company demo, every notification written with migration 0036's
triggers costs two FTS5 inserts, a lookup of its portfolio entry and an update that
re-indexes it (two FTS5 deletes, two inserts), and each of the eight indexes of
``product`` and six of ``notification`` takes a random B-tree insert per row. Building
an index once from the loaded table (a sort) and filling the derived columns and full-
text indexes with one set-based statement each is several times cheaper, and gives the
same rows.

Only what is named here is deferred, each trigger with the statements that do at once
what it would have done row by row; any other trigger keeps firing. Unique indexes stay
(they are the load's clash check). Everything happens inside the load's transaction, and
the saved DDL is replayed verbatim, so the schema after the load is the one before.
PostgreSQL loads with ``COPY`` and keeps its indexes and triggers: nothing is deferred.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator

from sqlalchemy.engine import Connection

#: A notification's search text is its portfolio entry's (migration 0036's triggers
#: ``notification_search_ai`` and ``portfolio_entry_notification_ai``): one statement
#: for every notification loaded. Rows already consistent are left alone.
NOTIFICATION_TEXT = (
    "UPDATE notification SET search_text = e.search_text FROM portfolio_entry e"
    " WHERE e.contract_id = notification.contract_id"
    " AND e.company_id = notification.company_id"
    " AND notification.search_text <> e.search_text")


#: The notifications' full-text indexes, which the load fills as it goes
#: (:class:`SearchIndexer`) rather than by a rebuild at the end.
NOTIFICATION_FTS = ("notification_search", "notification_search_words")


#: FTS5's own ``automerge`` (segments of a level merged once this many are there) and
#: the one while the load indexes its notifications: at 4, the million notifications'
#: chunks were merged over and over as they were added; at 16 their indexing took about
#: 37 % less CPU (50 000-company demo: 4.5 -> 2.9 s, same data size, same search time),
#: and the next writes after the load merge at 4 again.
FTS5_AUTOMERGE = 4
LOAD_AUTOMERGE = 16


def _rebuild(fts: str) -> str:
    # An external-content FTS5 index re-read from its content table: what its insert
    # triggers would have added, for every row at once.
    return f"INSERT INTO {fts}({fts}) VALUES ('rebuild')"


#: Catch-up statements, in the order they run: the text first, then the indexes of it.
CATCH_UP = (NOTIFICATION_TEXT, _rebuild("portfolio_search"), _rebuild("notification_search"),
            _rebuild("notification_search_words"))

#: Deferred trigger -> the catch-up statements that replace it.
TRIGGERS: dict[str, tuple[str, ...]] = {
    "portfolio_search_ai": (CATCH_UP[1],),
    "notification_search_ai": (NOTIFICATION_TEXT, CATCH_UP[2], CATCH_UP[3]),
    # Fired by the catch-up update itself, row by row: the rebuilds that follow it
    # re-index those rows at once.
    "notification_search_au": (CATCH_UP[2], CATCH_UP[3]),
    "portfolio_entry_notification_ai": (NOTIFICATION_TEXT,),
}


#: The page cache while the deferred indexes are built (negative: KiB, SQLite's form).
INDEX_BUILD_CACHE_KIB = -8192


def _quoted(names: Iterable[str]) -> str:
    return ", ".join("'" + name.replace("'", "''") + "'" for name in names)


@contextlib.contextmanager
def deferred(conn: Connection, tables: Iterable[str]) -> Iterator[None]:
    """Within the caller's transaction: drop the non-unique indexes of ``tables`` and
    the triggers of :data:`TRIGGERS` on them, run the body (the bulk load), then build
    the indexes, run the catch-up and restore the triggers. A no-op but on SQLite."""
    tables = list(tables)
    with deferred_triggers(conn, tables), deferred_indexes(conn, tables):
        yield


@contextlib.contextmanager
def deferred_indexes(conn: Connection, tables: Iterable[str]) -> Iterator[None]:
    """Within the caller's transaction: drop the non-unique indexes of ``tables``, run
    the body, then create them again (verbatim). A no-op but on SQLite."""
    if conn.dialect.name != "sqlite":
        yield
        return
    # Indexes made by CREATE INDEX (sql not NULL: not a PRIMARY KEY / UNIQUE constraint's)
    # and not unique, so that a clash still fails the row that makes it.
    indexes = conn.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        f" AND tbl_name IN ({_quoted(tables)}) AND sql NOT LIKE 'CREATE UNIQUE%'"
        " ORDER BY name").all()
    for name, _sql in indexes:
        conn.exec_driver_sql(f'DROP INDEX "{name}"')
    yield
    # CREATE INDEX is mostly its sort. The sorter sorts runs of at most the page cache's
    # size; runs that fit the CPU caches, merged from temporary files, cost less CPU than
    # one sort of the whole table in a large cache (the 100 000-company demo's 41
    # indexes: about 16.7 -> 12 s), so the cache is small while they are built.
    cache = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    conn.exec_driver_sql(f"PRAGMA cache_size={INDEX_BUILD_CACHE_KIB}")
    try:
        for _name, sql in indexes:
            conn.exec_driver_sql(sql)
    finally:
        if cache is not None:
            conn.exec_driver_sql(f"PRAGMA cache_size={int(cache)}")


class SearchIndexer:
    """Notifications put into their full-text indexes as the load writes them.

    A rebuild at the end of the load re-reads a million notifications and tokenises
    their text while nothing else runs; indexed chunk by chunk, just after each is
    written, that work happens while the demo's worker builds the next chunk (the
    writer waits for it anyway). The notifications' text must be final when they are
    indexed (written with their entry's text, ``PORTFOLIO_NOTIFICATION_COLUMNS``); the catch-
    up indexes the rest, and falls back to a rebuild when its text update changes a
    notification already indexed. Without the deferred trigger (not SQLite, or not
    deferred), it does nothing: the trigger indexed each row."""

    def __init__(self, conn: Connection, active: bool) -> None:
        self.conn = conn
        self.active = active
        #: the notifications up to this id are indexed (those before the load by the
        #: trigger, those of the load by :meth:`index_to`)
        self.upto = int(conn.exec_driver_sql("SELECT coalesce(max(id), 0) FROM notification")
                        .scalar_one()) if active else 0
        self.first = self.upto
        #: each index's merge setting before the load (restored by :meth:`finish`)
        self.automerge: dict[str, int] = {}
        if active:
            for fts in NOTIFICATION_FTS:
                found = conn.exec_driver_sql(
                    f"SELECT v FROM {fts}_config WHERE k = 'automerge'").scalar()
                self.automerge[fts] = FTS5_AUTOMERGE if found is None else int(found)
                self._set_automerge(fts, LOAD_AUTOMERGE)

    def _set_automerge(self, fts: str, value: int) -> None:
        self.conn.exec_driver_sql(
            f"INSERT INTO {fts}({fts}, rank) VALUES ('automerge', {int(value)})")

    def finish(self) -> None:
        """The indexes' merge setting back to what it was before the load."""
        for fts, value in self.automerge.items():
            self._set_automerge(fts, value)
        self.automerge = {}

    def index_to(self, last_id: int) -> None:
        """Index the notifications written since the last call, up to ``last_id``."""
        if not self.active or last_id <= self.upto:
            return
        for fts in NOTIFICATION_FTS:
            self.conn.exec_driver_sql(
                f"INSERT INTO {fts}(rowid, search_text) SELECT id, search_text"
                " FROM notification WHERE id > ? AND id <= ? ORDER BY id",
                (self.upto, last_id))
        self.upto = last_id

    def catch_up(self, statement: str) -> bool:
        """Run a catch-up statement the indexer takes over; False when it does not."""
        if not self.active or self.upto == self.first:
            return False
        if statement == NOTIFICATION_TEXT:
            changed = [row[0] for row in self.conn.exec_driver_sql(
                NOTIFICATION_TEXT + " RETURNING notification.id")]
            if any(nid <= self.upto for nid in changed):
                self.active = False  # an indexed text changed: the rebuilds redo it all
            return True
        if statement in _NOTIFICATION_REBUILDS:
            if self.upto > self.first:
                self.index_to(1 << 62)  # everything written after the last chunk
                # (the second index's statement finds nothing left)
            return True
        return False


_NOTIFICATION_REBUILDS = frozenset(_rebuild(fts) for fts in NOTIFICATION_FTS)


@contextlib.contextmanager
def deferred_triggers(conn: Connection, tables: Iterable[str]) -> Iterator[SearchIndexer]:
    """Within the caller's transaction: drop the triggers of :data:`TRIGGERS` on
    ``tables``, run the body, then run their catch-up and restore them (verbatim). The
    body gets a :class:`SearchIndexer` to index its notifications as it writes them.

    The catch-up joins on indexes: the body must end with them in place (an inner
    :func:`deferred_indexes` ends first). Nothing in the body may delete or re-read a
    notification through its full-text index (stale until the catch-up), and the
    notifications it writes take their entry's text as they are written
    (:data:`cofatui.demo.portfolio.PORTFOLIO_NOTIFICATION_COLUMNS`) or from the
    catch-up; nor may it change the text of an entry or of a notification it has
    indexed. A no-op but on SQLite."""
    if conn.dialect.name != "sqlite":
        yield SearchIndexer(conn, active=False)
        return
    triggers = conn.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
        f" AND tbl_name IN ({_quoted(tables)}) AND name IN ({_quoted(TRIGGERS)})"
        " ORDER BY name").all()
    for name, _sql in triggers:
        conn.exec_driver_sql(f'DROP TRIGGER "{name}"')
    indexer = SearchIndexer(conn, active="notification_search_ai" in {n for n, _ in triggers})
    yield indexer
    wanted = {stmt for name, _sql in triggers for stmt in TRIGGERS[name]}
    for statement in CATCH_UP:
        if statement in wanted and not indexer.catch_up(statement):
            conn.exec_driver_sql(statement)
    indexer.finish()
    for _name, sql in triggers:
        conn.exec_driver_sql(sql)
