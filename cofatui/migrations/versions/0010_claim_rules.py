"""claim rules

Revision ID: 0010_claim_rules
Revises: 0009_exchange_rates
Create Date: 2026-12-04

Reserved for the claims rules of issue 10 item 6 (queue indexes).
"""

from __future__ import annotations

revision = "0010_claim_rules"
down_revision = "0009_exchange_rates"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
