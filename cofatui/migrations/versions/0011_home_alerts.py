"""home alerts

Revision ID: 0011_home_alerts
Revises: 0010_claim_rules
Create Date: 2026-12-04

Reserved for the once-a-day end alerts of issue 10 item 7.
"""

from __future__ import annotations

revision = "0011_home_alerts"
down_revision = "0010_claim_rules"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
