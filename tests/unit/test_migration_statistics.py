"""Migrations 0037 and 0038 analyse the tables they index (migrations.statistics): a
database that already had statistics is not analysed again at start, and SQLite's
planner then took 0037's new index for the notifications page without them."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import sqlalchemy as sa

from cofatui import migrations
from cofatui.repository.sql import make_engine


def test_the_new_indexes_have_statistics_after_the_upgrade(tmp_path: Path) -> None:
    path = tmp_path / "stats.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    try:
        migrations.upgrade(engine, "0036_notification_search")
        # Rows to sample (ANALYZE writes nothing for an empty table), then statistics
        # from before the new indexes, as a database in use has them.
        raw = sqlite3.connect(path)
        with raw:
            raw.execute("INSERT INTO notification (product_code, category, type, importance,"
                        " title, body) VALUES ('CRL', 'c', 't', 'normal', 't', 'b')")
            raw.execute("INSERT INTO notification_state (user_id, notification_id, read,"
                        " deleted) VALUES (1, 1, 0, 0)")
            raw.execute("ANALYZE")
        raw.close()
        migrations.upgrade(engine)
        with engine.connect() as conn:
            analysed = {row[0] for row in conn.execute(sa.text("SELECT idx FROM sqlite_stat1"))}
            limit = conn.execute(sa.text("PRAGMA analysis_limit")).scalar_one()
    finally:
        engine.dispose()
    assert {"ix_notification_contract_text", "ix_notification_state_user_read"} <= analysed
    assert limit == 0  # the sampling limit is not left on the connection
