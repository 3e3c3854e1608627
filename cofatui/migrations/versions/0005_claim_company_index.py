"""claim company index

Revision ID: 0005_claim_company_index
Revises: 0004_notification_created_index
Create Date: 2026-11-22

The claims portfolio lists each debtor's latest claim: with an index on
(contract_id, company_id, status) "is there a newer claim on this debtor?" is one index
probe per row of the page, and the number of debtors is counted from the index alone
(100 000 claims: first page 1.5 s -> a few ms, count 150 -> 20 ms on SQLite).
"""

from __future__ import annotations

from alembic import op

revision = "0005_claim_company_index"
down_revision = "0004_notification_created_index"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_claim_contract_company", "claim", ["contract_id", "company_id", "status"])


def downgrade() -> None:
    op.drop_index("ix_claim_contract_company", table_name="claim")
