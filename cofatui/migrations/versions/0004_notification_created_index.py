"""notification created index

Revision ID: 0004_notification_created_index
Revises: 0003_drafts
Create Date: 2026-11-22

A user attached to several contracts lists notifications newest first across all of
them; an index on (created_at, id) lets the database read them in order instead of
sorting a million rows.
"""

from __future__ import annotations

from alembic import op

revision = "0004_notification_created_index"
down_revision = "0003_drafts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_notification_created", "notification", ["created_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_notification_created", table_name="notification")
