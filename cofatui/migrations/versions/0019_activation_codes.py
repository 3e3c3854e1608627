"""activation codes of new users

Revision ID: 0019_activation_codes
Revises: 0018_organisations
Create Date: 2026-12-06

Issue 16 item 3: a user created by an administrator sets their first password with a
one-time code mailed to them (``activation_code``: only its SHA-256, its lifetime, its
wrong tries, when it was used or cancelled); ``user.awaiting_activation`` until one is
used, which the user lists show.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import cofatui.models.types

revision = "0019_activation_codes"
down_revision = "0018_organisations"
branch_labels = None
depends_on = None

_TS = cofatui.models.types.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "activation_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", _TS(timezone=True), nullable=False),
        sa.Column("expires_at", _TS(timezone=True), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("used_at", _TS(timezone=True), nullable=True),
        sa.Column("cancelled_at", _TS(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_activation_code_user_id", "activation_code", ["user_id"])
    op.add_column("user", sa.Column("awaiting_activation", sa.Boolean(), nullable=False,
                                    server_default=sa.false()))


def downgrade() -> None:
    op.execute('ALTER TABLE "user" DROP COLUMN awaiting_activation')
    op.drop_index("ix_activation_code_user_id", table_name="activation_code")
    op.drop_table("activation_code")
