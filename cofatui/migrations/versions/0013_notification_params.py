"""notifications stored as a kind and parameters

Revision ID: 0013_notification_params
Revises: 0012_jobs
Create Date: 2026-12-05

Issue 11 (reserved; filled by the notifications work).
"""

from __future__ import annotations

revision = "0013_notification_params"
down_revision = "0012_jobs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
