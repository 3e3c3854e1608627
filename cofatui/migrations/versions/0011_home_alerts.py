"""home alerts

Revision ID: 0011_home_alerts
Revises: 0010_claim_rules
Create Date: 2026-12-04

The once-a-day TopLiner end alerts (issue 10 item 7): ``end_alert`` holds one row per
product and day an alert notification was raised; its unique key keeps the alert to
one per product and day whoever raises it (the TUI at start, the API server serving the
home data, several users at once). Home's ending guarantees page through an index on
(contract, end date). No existing row changes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_home_alerts"
down_revision = "0010_claim_rules"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "end_alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(["product_id"], ["product.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("product_id", "day", name="uq_end_alert_product_day"),
    )
    op.create_index("ix_product_contract_end", "product", ["contract_id", "end_date", "id"])


def downgrade() -> None:
    op.drop_index("ix_product_contract_end", table_name="product")
    op.drop_table("end_alert")
