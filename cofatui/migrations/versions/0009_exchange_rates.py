"""exchange rates

Revision ID: 0009_exchange_rates
Revises: 0008_underwriting_tables
Create Date: 2026-12-04

Reserved for recorded exchange rates and per-currency claim amounts (issue 10 item 4).
"""

from __future__ import annotations

revision = "0009_exchange_rates"
down_revision = "0008_underwriting_tables"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
