"""product requests

Revision ID: 0007_product_requests
Revises: 0006_claim_debtor
Create Date: 2026-12-04

Reserved in the migration chain for the decision / amendment-request split (issue 10 item 1).
"""

from __future__ import annotations

revision = "0007_product_requests"
down_revision = "0006_claim_debtor"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
