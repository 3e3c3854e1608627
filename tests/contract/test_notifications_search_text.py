"""A notification's search text (issue 21, migration 0036) is its portfolio entry's,
kept by database triggers on SQLite and PostgreSQL: filled on insert, copied when the
entry's text changes (the repository's edit, or any writer's raw UPDATE), '' for a
notification of no entry; the FTS5 indexes follow (checked through ``MATCH``)."""

from __future__ import annotations

from sqlalchemy import text

from cofatui.repository.sql.notifications_search import trigram_query
from cofatui.schemas import NotificationFilter, PortfolioEntryUpdate
from tests.contract.conftest import Backend
from tests.contract.sql_only import sql_backend  # noqa: F401  (the SQL backends only)


def stored(backend: Backend, key: str) -> str:
    with backend.engine.connect() as conn:
        return str(conn.execute(text("SELECT search_text FROM notification WHERE id = :id"),
                                {"id": backend.ids[key]}).scalar_one())


def entry_text(backend: Backend, entry_key: str) -> str:
    with backend.engine.connect() as conn:
        return str(conn.execute(text("SELECT search_text FROM portfolio_entry WHERE id = :id"),
                                {"id": backend.ids[entry_key]}).scalar_one())


def fts_ids(backend: Backend, table: str, query: str) -> set[int]:
    with backend.engine.connect() as conn:
        return {int(r[0]) for r in conn.execute(
            text(f"SELECT rowid FROM {table} WHERE {table} MATCH :q"), {"q": query})}


def test_inserted_notifications_take_their_entrys_text(backend: Backend) -> None:
    assert stored(backend, "n3") == entry_text(backend, "entry:A:gamma")
    assert "gamma" in stored(backend, "n3")
    assert stored(backend, "n4") == entry_text(backend, "entry:A:foo")


def test_an_edited_entry_moves_its_notifications_text(backend: Backend) -> None:
    repo = backend.open("alice")
    entry_id = backend.ids["entry:A:gamma"]
    with backend.engine.connect() as conn:
        version = int(conn.execute(text("SELECT version FROM portfolio_entry WHERE id = :id"),
                                   {"id": entry_id}).scalar_one())
    repo.portfolio.update_entry(entry_id, PortfolioEntryUpdate(client_reference="ZQX-77"),
                                version)
    assert "zqx-77" in stored(backend, "n3") and "zqx-77" in stored(backend, "n5")
    assert "zqx-77" not in stored(backend, "n1")
    found = repo.notifications.rows(NotificationFilter(text="zqx-77"))
    assert {n.id for n in found.items} == {backend.ids["n3"], backend.ids["n5"]}
    if backend.name == "sqlite":
        assert fts_ids(backend, "notification_search", trigram_query("zqx-77")) == {
            backend.ids["n3"], backend.ids["n5"]}
        assert fts_ids(backend, "notification_search_words", "zq*") == {
            backend.ids["n3"], backend.ids["n5"]}
        assert fts_ids(backend, "notification_search", trigram_query("cr-003")) == set()


def test_a_raw_rename_by_any_writer_is_followed(backend: Backend) -> None:
    """A bulk writer that bypasses the repository still keeps the text (the trigger)."""
    with backend.engine.begin() as conn:
        conn.execute(text("UPDATE portfolio_entry SET search_text = 'renamed corp fra'"
                          " WHERE id = :id"), {"id": backend.ids["entry:A:alpha"]})
    assert stored(backend, "n1") == "renamed corp fra"
    repo = backend.open("alice")
    assert [n.id for n in repo.notifications.rows(NotificationFilter(text="renamed")).items] \
        == [backend.ids["n1"]]


def test_the_needles_trigrams_apart_are_not_a_match(backend: Backend) -> None:
    """The SQLite trigram index keeps no positions (migration 0040): it finds every
    trigram of "wxyz" ("wxy", "xyz") in "wxy-xyz", which does not hold the needle; the
    filter lists only the row that does."""
    with backend.engine.begin() as conn:
        for key, value in (("entry:A:alpha", "wxy-xyz corp"), ("entry:A:gamma", "wxyz corp")):
            conn.execute(text("UPDATE portfolio_entry SET search_text = :t WHERE id = :id"),
                         {"t": value, "id": backend.ids[key]})
    if backend.name == "sqlite":
        assert {backend.ids["n1"], backend.ids["n3"]} <= fts_ids(
            backend, "notification_search", trigram_query("wxyz"))
    repo = backend.open("alice")
    assert {n.id for n in repo.notifications.rows(NotificationFilter(text="wxyz")).items} \
        == {backend.ids["n3"], backend.ids["n5"]}
    assert repo.notifications.count(NotificationFilter(text="wxyz")).count == 2


def test_a_notification_of_no_entry_has_no_text_until_its_entry_comes(
        backend: Backend) -> None:
    b, alpha = backend.ids["B"], backend.ids["alpha"]
    with backend.engine.begin() as conn:
        nid = conn.execute(text(
            "INSERT INTO notification (contract_id, company_id, product_code, category,"
            " type, importance, kind, params, title, body, created_at)"
            " VALUES (:b, :alpha, '', 'information', 'x', 'normal', 'text', '{}', 't', '',"
            " CURRENT_TIMESTAMP) RETURNING id"), {"b": b, "alpha": alpha}).scalar_one()
        assert conn.execute(text("SELECT search_text FROM notification WHERE id = :id"),
                            {"id": nid}).scalar_one() == ""
        conn.execute(text(
            "INSERT INTO portfolio_entry (contract_id, company_id, client_reference,"
            " search_text, version, outstanding_amount)"
            " SELECT :b, :alpha, 'NEW-1', 'alpha new-1', 1, outstanding_amount"
            " FROM portfolio_entry WHERE id = :e"),
            {"b": b, "alpha": alpha, "e": backend.ids["entry:A:alpha"]})
        assert conn.execute(text("SELECT search_text FROM notification WHERE id = :id"),
                            {"id": nid}).scalar_one() == "alpha new-1"
    if backend.name == "sqlite":
        assert nid in fts_ids(backend, "notification_search", trigram_query("new-1"))
