"""preferences in the account, notification thresholds, local-script addresses

Revision ID: 0017_preferences
Revises: 0016_custom_field_versions
Create Date: 2026-12-06

Issue 16 item 9: the CRS and non-Latin display choices and the notification thresholds
move from the settings file into the account (``user_preference``,
``notification_threshold``); a notification records the direction and size of the
change it reports, indexed, so that changes below a user's thresholds can be left out
of lists and counts; companies gain their address and city in their own script.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import cofatui.models.types

revision = "0017_preferences"
down_revision = "0016_custom_field_versions"
branch_labels = None
depends_on = None

_MONEY = cofatui.models.types.Money


def upgrade() -> None:
    op.create_table(
        "user_preference",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("show_crs_number", sa.Boolean(), nullable=False,
                  server_default=sa.false()),
        sa.Column("show_non_latin_names", sa.Boolean(), nullable=False,
                  server_default=sa.false()),
        sa.Column("version", sa.Integer(), nullable=False, server_default="1"),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id"),
    )
    op.create_table(
        "notification_threshold",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("product_code", sa.String(length=20), nullable=False),
        sa.Column("direction", sa.String(length=8), nullable=False),
        sa.Column("amount", _MONEY(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"]),
        sa.ForeignKeyConstraint(["contract_id"], ["contract.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "contract_id", "product_code", "direction"),
    )
    op.create_index("ix_notification_threshold_user_id", "notification_threshold",
                    ["user_id"])
    op.add_column("notification", sa.Column("change_direction", sa.String(length=8)))
    op.add_column("notification", sa.Column("change_size", _MONEY()))
    op.add_column("notification", sa.Column("requested_by", sa.String(length=120)))
    op.create_index("ix_notification_change", "notification",
                    ["contract_id", "product_code", "change_direction", "change_size",
                     "requested_by"])
    op.add_column("company", sa.Column("address_local", sa.String(length=300)))
    op.add_column("company", sa.Column("city_local", sa.String(length=100)))


def downgrade() -> None:
    op.drop_index("ix_notification_change", table_name="notification")
    op.execute("ALTER TABLE company DROP COLUMN city_local")
    op.execute("ALTER TABLE company DROP COLUMN address_local")
    op.execute("ALTER TABLE notification DROP COLUMN requested_by")
    op.execute("ALTER TABLE notification DROP COLUMN change_size")
    op.execute("ALTER TABLE notification DROP COLUMN change_direction")
    op.drop_index("ix_notification_threshold_user_id", table_name="notification_threshold")
    op.drop_table("notification_threshold")
    op.drop_table("user_preference")
