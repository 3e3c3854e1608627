"""claim rules

Revision ID: 0010_claim_rules
Revises: 0009_exchange_rates
Create Date: 2026-12-04

The claims handler's queue (issue 10 item 6): the open claims (pending, accepted,
rejected) of every policyholder, oldest submission first, read from a partial index on
(submitted_at, id) — a page is a range of it, and the count of open claims reads it
alone. One status at a time uses ix_claim_status_submitted. No row changes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_claim_rules"
down_revision = "0009_exchange_rates"
branch_labels = None
depends_on = None


OPEN = sa.text("status IN ('pending', 'accepted', 'rejected')")


def upgrade() -> None:
    op.create_index("ix_claim_open_queue", "claim", ["submitted_at", "id"],
                    sqlite_where=OPEN, postgresql_where=OPEN)


def downgrade() -> None:
    op.drop_index("ix_claim_open_queue", table_name="claim")
