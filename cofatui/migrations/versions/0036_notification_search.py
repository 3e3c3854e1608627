"""notification search text

Revision ID: 0036_notification_search
Revises: 0035_accounting
Create Date: 2026-12-06

Issue 21 item 4: a notification carries the search text of its portfolio entry (the
same contract and company; '' for a notification addressed to a user, or of a company
not in the portfolio), so the type-as-you-go filter no longer joins thousands of
entries. Database triggers keep it, on SQLite and PostgreSQL, in the transaction of
whatever writes: a notification takes its entry's text when inserted; an entry's text,
when inserted or changed (a company renamed), is copied to its notifications.

Indexes: three characters or more match anywhere (SQLite: FTS5 trigram; PostgreSQL:
pg_trgm GIN); one or two match the start of a word (SQLite: FTS5 unicode61 with prefix
indexes of 1 and 2 characters, no positions; PostgreSQL: a GIN on
``to_tsvector('simple', search_text)`` queried with ``x:*``). The SQLite indexes have
external content (no copy of the text) and no column sizes. Existing rows are filled.
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0036_notification_search"
down_revision = "0035_accounting"
branch_labels = None
depends_on = None

#: The FTS5 tables (their names start with ``notification_search``: the schema test
#: leaves their shadow tables out of the comparison with the models).
FTS_TABLES = ("notification_search", "notification_search_words")

SQLITE_TABLES = [
    "CREATE VIRTUAL TABLE notification_search USING fts5(search_text,"
    " content='notification', content_rowid='id', tokenize='trigram', columnsize=0)",
    # Words only, for 1-2 character needles: no positions (detail=none) as a prefix
    # query of one token needs none, which keeps this index small.
    "CREATE VIRTUAL TABLE notification_search_words USING fts5(search_text,"
    " content='notification', content_rowid='id', tokenize='unicode61', prefix='1 2',"
    " detail=none, columnsize=0)",
]

SQLITE_TRIGGERS = [
    # The row is indexed with the text it was written with, then takes its entry's
    # (the update below fires notification_search_au, which re-indexes it): the index
    # always holds what the row holds, which external-content FTS5 requires.
    "CREATE TRIGGER notification_search_ai AFTER INSERT ON notification BEGIN"
    " INSERT INTO notification_search(rowid, search_text) VALUES (new.id, new.search_text);"
    " INSERT INTO notification_search_words(rowid, search_text)"
    " VALUES (new.id, new.search_text);"
    " UPDATE notification SET search_text = e.search_text FROM portfolio_entry e"
    " WHERE notification.id = new.id AND e.contract_id = new.contract_id"
    " AND e.company_id = new.company_id AND notification.search_text <> e.search_text;"
    " END",
    "CREATE TRIGGER notification_search_ad AFTER DELETE ON notification BEGIN"
    " INSERT INTO notification_search(notification_search, rowid, search_text)"
    " VALUES ('delete', old.id, old.search_text);"
    " INSERT INTO notification_search_words(notification_search_words, rowid, search_text)"
    " VALUES ('delete', old.id, old.search_text);"
    " END",
    "CREATE TRIGGER notification_search_au AFTER UPDATE OF search_text ON notification"
    " BEGIN"
    " INSERT INTO notification_search(notification_search, rowid, search_text)"
    " VALUES ('delete', old.id, old.search_text);"
    " INSERT INTO notification_search(rowid, search_text) VALUES (new.id, new.search_text);"
    " INSERT INTO notification_search_words(notification_search_words, rowid, search_text)"
    " VALUES ('delete', old.id, old.search_text);"
    " INSERT INTO notification_search_words(rowid, search_text)"
    " VALUES (new.id, new.search_text);"
    " END",
    # A company renamed (or an entry made after its notifications): its notifications
    # follow, through ix_notification_company_created.
    "CREATE TRIGGER portfolio_entry_notification_au AFTER UPDATE OF search_text"
    " ON portfolio_entry BEGIN"
    " UPDATE notification SET search_text = new.search_text"
    " WHERE company_id = new.company_id AND contract_id = new.contract_id"
    " AND search_text <> new.search_text;"
    " END",
    "CREATE TRIGGER portfolio_entry_notification_ai AFTER INSERT ON portfolio_entry BEGIN"
    " UPDATE notification SET search_text = new.search_text"
    " WHERE company_id = new.company_id AND contract_id = new.contract_id"
    " AND search_text <> new.search_text;"
    " END",
]

SQLITE_TRIGGER_NAMES = ("notification_search_ai", "notification_search_ad",
                        "notification_search_au", "portfolio_entry_notification_au",
                        "portfolio_entry_notification_ai")

POSTGRES_TRIGGERS = [
    # SET search_path FROM CURRENT: the functions name their tables unqualified, and
    # must find this schema's even when a writer's search_path differs (a copy from
    # another schema, a maintenance session).
    "CREATE FUNCTION notification_search_fill() RETURNS trigger LANGUAGE plpgsql"
    " SET search_path FROM CURRENT AS $$"
    " DECLARE found text;"
    " BEGIN"
    "  SELECT e.search_text INTO found FROM portfolio_entry e"
    "   WHERE e.contract_id = NEW.contract_id AND e.company_id = NEW.company_id;"
    "  IF found IS NOT NULL THEN NEW.search_text := found; END IF;"
    "  RETURN NEW;"
    " END $$",
    "CREATE TRIGGER notification_search_bi BEFORE INSERT ON notification"
    " FOR EACH ROW EXECUTE FUNCTION notification_search_fill()",
    "CREATE FUNCTION portfolio_entry_notification_copy() RETURNS trigger"
    " LANGUAGE plpgsql SET search_path FROM CURRENT AS $$"
    " BEGIN"
    "  UPDATE notification SET search_text = NEW.search_text"
    "   WHERE company_id = NEW.company_id AND contract_id = NEW.contract_id"
    "   AND search_text <> NEW.search_text;"
    "  RETURN NULL;"
    " END $$",
    "CREATE TRIGGER portfolio_entry_notification_au AFTER UPDATE OF search_text"
    " ON portfolio_entry FOR EACH ROW"
    " WHEN (OLD.search_text IS DISTINCT FROM NEW.search_text)"
    " EXECUTE FUNCTION portfolio_entry_notification_copy()",
    "CREATE TRIGGER portfolio_entry_notification_ai AFTER INSERT ON portfolio_entry"
    " FOR EACH ROW EXECUTE FUNCTION portfolio_entry_notification_copy()",
]

#: What each existing notification takes (frozen here: a migration does not follow
#: later code).
BACKFILL = ("UPDATE notification SET search_text = e.search_text FROM portfolio_entry e"
            " WHERE e.contract_id = notification.contract_id"
            " AND e.company_id = notification.company_id")


def upgrade() -> None:
    op.add_column("notification", sa.Column(
        "search_text", sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False,
        server_default=""))
    op.execute(BACKFILL)
    op.create_index("ix_notification_state_user_deleted", "notification_state",
                    ["user_id", "notification_id"], sqlite_where=sa.text("deleted = 1"),
                    postgresql_where=sa.text("deleted"))
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for statement in SQLITE_TABLES:
            op.execute(statement)
        for table in FTS_TABLES:
            op.execute(f"INSERT INTO {table}({table}) VALUES ('rebuild')")
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)
    elif bind.dialect.name == "postgresql":
        for statement in POSTGRES_TRIGGERS:
            op.execute(statement)
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        # The operator class lives in the extension's schema, which need not be on
        # this connection's search_path (as in 0001).
        ext_schema = bind.exec_driver_sql(
            "SELECT extnamespace::regnamespace::text FROM pg_extension"
            " WHERE extname = 'pg_trgm'").scalar_one()
        op.execute("CREATE INDEX ix_notification_search_trgm ON notification"
                   f" USING gin (search_text {ext_schema}.gin_trgm_ops)")
        op.execute("CREATE INDEX ix_notification_search_words ON notification"
                   " USING gin (to_tsvector('simple', search_text))")


def downgrade() -> None:
    op.drop_index("ix_notification_state_user_deleted", table_name="notification_state")
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for name in SQLITE_TRIGGER_NAMES:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        for table in FTS_TABLES:
            op.execute(f"DROP TABLE IF EXISTS {table}")
    elif bind.dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_notification_search_words")
        op.execute("DROP INDEX IF EXISTS ix_notification_search_trgm")
        op.execute("DROP TRIGGER IF EXISTS portfolio_entry_notification_ai ON portfolio_entry")
        op.execute("DROP TRIGGER IF EXISTS portfolio_entry_notification_au ON portfolio_entry")
        op.execute("DROP TRIGGER IF EXISTS notification_search_bi ON notification")
        op.execute("DROP FUNCTION IF EXISTS portfolio_entry_notification_copy()")
        op.execute("DROP FUNCTION IF EXISTS notification_search_fill()")
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_column("search_text")
