"""lighter notification indexes

Revision ID: 0040_notification_indexes
Revises: 0039_notification_state_writes
Create Date: 2026-12-07

Issue 21 item 6 ("a database no larger than the data needs"), measured on the
100 000-company demo (1 000 000 notifications, 1 000 000 products):

- SQLite: the trigram index ``notification_search`` keeps rowids only
  (``detail=none``): 143 MB → 50 MB, and 30 % less CPU to fill (4.2 → 3.0 s for the
  million rows; every notification written by the app pays the same share). Without
  positions FTS5 answers no phrase, so the filter asks for the needle's trigrams all
  present (``notifications_search.trigram_query``): a superset of the rows that hold the
  needle, which the filter narrows with its exact test, as it already did
  (``instr``, for what FTS5 folds and the walk would not). The probe times were the
  same (0.7–12 ms for common and rare needles at a million rows).
- ``ix_notification_user_created`` holds the notifications addressed to one user only
  (``WHERE user_id IS NOT NULL``: Chorus Pro's, a few): every query that reads it asks
  for ``user_id = :me``, which implies the condition on both backends; the million
  contract notifications (user_id NULL) no longer fill it (46.7 MB, 1.6 s to build).
- Likewise ``ix_notification_change`` holds the decisions' changes only
  (``change_direction IS NOT NULL``: every count of a threshold names a direction) and
  ``ix_notification_target`` the notifications that lead to an object only
  (``target_id IS NOT NULL``: a declaration's reminders are read by their id): most
  notifications have neither (the demo writes no change columns, and 78 % of its
  notifications lead to no object).
- ``ix_product_company`` (company_id) goes: ``ix_product_company_contract_code_status``
  starts with the same column and serves every lookup by company (11.7 MB).

The downgrade restores the previous shapes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from cofatui.migrations.statistics import analyse

revision = "0040_notification_indexes"
down_revision = "0039_notification_state_writes"
branch_labels = None
depends_on = None

#: Frozen here (a migration does not follow later code).
TRIGRAMS_WITHOUT_POSITIONS = (
    "CREATE VIRTUAL TABLE notification_search USING fts5(search_text,"
    " content='notification', content_rowid='id', tokenize='trigram', detail=none,"
    " columnsize=0)")
TRIGRAMS_WITH_POSITIONS = (
    "CREATE VIRTUAL TABLE notification_search USING fts5(search_text,"
    " content='notification', content_rowid='id', tokenize='trigram', columnsize=0)")
#: (name, columns, the rows it keeps from 0040 on)
PARTIAL = (
    ("ix_notification_user_created", ["user_id", "created_at", "id"], "user_id IS NOT NULL"),
    ("ix_notification_change",
     ["contract_id", "product_code", "change_direction", "change_size", "requested_by"],
     "change_direction IS NOT NULL"),
    ("ix_notification_target", ["target_type", "target_id"], "target_id IS NOT NULL"),
)


def _fts(create: str) -> None:
    # The triggers of migration 0036 name the table; they find the new one.
    op.execute("DROP TABLE notification_search")
    op.execute(create)
    op.execute("INSERT INTO notification_search(notification_search) VALUES ('rebuild')")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _fts(TRIGRAMS_WITHOUT_POSITIONS)
    for name, columns, where in PARTIAL:
        op.drop_index(name, table_name="notification")
        op.create_index(name, "notification", columns, sqlite_where=sa.text(where),
                        postgresql_where=sa.text(where))
    op.drop_index("ix_product_company", table_name="product")
    analyse("notification", "product")


def downgrade() -> None:
    op.create_index("ix_product_company", "product", ["company_id"])
    for name, columns, _where in PARTIAL:
        op.drop_index(name, table_name="notification")
        op.create_index(name, "notification", columns)
    if op.get_bind().dialect.name == "sqlite":
        _fts(TRIGRAMS_WITH_POSITIONS)
    analyse("notification", "product")
