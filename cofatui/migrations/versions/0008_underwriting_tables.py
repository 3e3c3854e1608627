"""underwriting tables

Revision ID: 0008_underwriting_tables
Revises: 0007_product_requests
Create Date: 2026-12-04

Reserved for the per-contract decision tables and delivered information (issue 10 item 3).
"""

from __future__ import annotations

revision = "0008_underwriting_tables"
down_revision = "0007_product_requests"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
