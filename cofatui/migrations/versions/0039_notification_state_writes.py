"""notification state writes

Revision ID: 0039_notification_state_writes
Revises: 0038_product_cover_indexes
Create Date: 2026-12-07

Issue 21: "select all + mark read" of ~440 000 notifications took 6.5-7.5 s on
PostgreSQL (SQLite: under 2 s). Its one ``INSERT … SELECT … ON CONFLICT`` into
``notification_state`` spent most of that in the two foreign keys: each is a per-row
trigger that checks the referenced row and locks it (FOR KEY SHARE), 437 000 locks of
the same user row and as many notification lookups.

- No foreign keys, on either backend (SQLite enforces them too): the table is a
  per-user cache of the "read / deleted" flags, written only from a SELECT over
  ``notification`` for the signed-in user, and nothing deletes users or notifications,
  so the keys guarded nothing a write can break.
- ``ix_notification_state_notification_id`` goes: no query looks a state row up by its
  notification alone (every one names the user, and the unique key starts with it);
  only the foreign key's checks would have.
- PostgreSQL: the unique key (user_id, notification_id) INCLUDEs (read, deleted) and
  replaces ``ix_notification_state_user_read`` (0037), one index fewer to write per
  row; the counts and the page still read the flags by index-only scans of it. SQLite
  has no INCLUDE and keeps 0037's index.

Measured in psql on the bench's 500 000 notifications (437 505 rows written): 7.45 s
→ 2.39 s. The downgrade restores the previous shape.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from cofatui.migrations.statistics import analyse

revision = "0039_notification_state_writes"
down_revision = "0038_product_cover_indexes"
branch_labels = None
depends_on = None

TABLE = "notification_state"
#: The names PostgreSQL gave 0001's unnamed constraints (restored by the downgrade).
UNIQUE = "notification_state_user_id_notification_id_key"
FOREIGN_KEYS = {"user_id": ("user", "notification_state_user_id_fkey"),
                "notification_id": ("notification", "notification_state_notification_id_fkey")}
#: SQLite's foreign keys have no name: batch mode names them by this convention to
#: drop them.
SQLITE_FK_NAMES = {"fk": "fk_%(table_name)s_%(column_0_name)s"}


def upgrade() -> None:
    op.drop_index("ix_notification_state_notification_id", table_name=TABLE)
    if op.get_bind().dialect.name == "sqlite":
        # The table is copied without its foreign keys (SQLite cannot drop one in
        # place); its indexes and unique key come back as they were.
        with op.batch_alter_table(TABLE, recreate="always",
                                  naming_convention=SQLITE_FK_NAMES) as batch_op:
            for column in FOREIGN_KEYS:
                batch_op.drop_constraint(f"fk_{TABLE}_{column}", type_="foreignkey")
    else:
        for fk in sa.inspect(op.get_bind()).get_foreign_keys(TABLE):
            op.drop_constraint(fk["name"], TABLE, type_="foreignkey")
        op.drop_constraint(UNIQUE, TABLE, type_="unique")
        # In SQL: alembic's constraint knows only its own columns, not the INCLUDE's.
        op.execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT {UNIQUE}"
                   " UNIQUE (user_id, notification_id) INCLUDE (read, deleted)")
        op.drop_index("ix_notification_state_user_read", table_name=TABLE)
    analyse(TABLE)  # the new (SQLite: copied) indexes' statistics at once


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table(TABLE, recreate="always") as batch_op:
            for column, (referred, _name) in FOREIGN_KEYS.items():
                batch_op.create_foreign_key(f"fk_{TABLE}_{column}", referred, [column],
                                            ["id"])
    else:
        op.create_index("ix_notification_state_user_read", TABLE,
                        ["user_id", "notification_id", "read", "deleted"])
        op.drop_constraint(UNIQUE, TABLE, type_="unique")
        op.create_unique_constraint(UNIQUE, TABLE, ["user_id", "notification_id"])
        for column, (referred, name) in FOREIGN_KEYS.items():
            op.create_foreign_key(name, TABLE, referred, [column], ["id"])
    op.create_index("ix_notification_state_notification_id", TABLE, ["notification_id"])
    analyse(TABLE)
