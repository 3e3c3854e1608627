"""custom field definitions carry a version

Revision ID: 0016_custom_field_versions
Revises: 0015_custom_exports
Create Date: 2026-12-06

Issue 16 item 8: a contract's free custom fields are created, renamed, given another
format and deleted by their users; ``custom_field_definition.version`` makes a stale
rename or deletion a conflict instead of a silent overwrite (existing rows start at 1).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016_custom_field_versions"
down_revision = "0015_custom_exports"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("custom_field_definition",
                  sa.Column("version", sa.Integer(), nullable=False, server_default="1"))


def downgrade() -> None:
    op.execute("ALTER TABLE custom_field_definition DROP COLUMN version")
