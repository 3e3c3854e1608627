"""jobs, imports and outbox

Revision ID: 0012_jobs
Revises: 0011_home_alerts
Create Date: 2026-12-05

Issue 12: background jobs (``job``, with the file an export produced in ``job_file``),
stored import results (``import_result`` and one ``import_line`` per line read), the
e-mail outbox (``outbox_message``) and what each user asked to receive by e-mail
(``mail_subscription``). New tables only: no existing row changes.
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import cofatui.models.types

revision = "0012_jobs"
down_revision = "0011_home_alerts"
branch_labels = None
depends_on = None

TABLES = ("job_file", "import_line", "outbox_message", "mail_subscription", "job",
          "import_result")


def upgrade() -> None:
    op.create_table("import_result",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column("file_name", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column("user_id", sa.Integer(), nullable=False),
    sa.Column("mode", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
    sa.Column("total_lines", sa.Integer(), nullable=False),
    sa.Column("ok_lines", sa.Integer(), nullable=False),
    sa.Column("error_lines", sa.Integer(), nullable=False),
    sa.Column("refusal_code", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column("refusal", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column("created_at", cofatui.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(["user_id"], ["user.id"], ),
    sa.PrimaryKeyConstraint("id")
    )
    op.create_index("ix_import_result_user_created", "import_result", ["user_id", "created_at"], unique=False)
    op.create_table("job",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column("params", sa.Text(), nullable=False),
    sa.Column("owner_id", sa.Integer(), nullable=True),
    sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column("progress_done", sa.Integer(), nullable=False),
    sa.Column("progress_total", sa.Integer(), nullable=True),
    sa.Column("error_code", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column("error", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column("result_name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column("result_size", sa.Integer(), nullable=True),
    sa.Column("attempts", sa.Integer(), nullable=False),
    sa.Column("max_attempts", sa.Integer(), nullable=False),
    sa.Column("worker", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column("cancel_requested", sa.Boolean(), nullable=False),
    sa.Column("dedupe_key", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
    sa.Column("created_at", cofatui.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column("run_after", cofatui.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column("started_at", cofatui.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column("lease_until", cofatui.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column("finished_at", cofatui.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(["owner_id"], ["user.id"], ),
    sa.PrimaryKeyConstraint("id"),
    sa.UniqueConstraint("dedupe_key")
    )
    op.create_index("ix_job_owner_created", "job", ["owner_id", "created_at"], unique=False)
    op.create_index("ix_job_status_run_after", "job", ["status", "run_after", "id"], unique=False)
    op.create_table("mail_subscription",
    sa.Column("user_id", sa.Integer(), nullable=False),
    sa.Column("daily_digest", sa.Boolean(), nullable=False),
    sa.Column("last_digest_at", cofatui.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(["user_id"], ["user.id"], ),
    sa.PrimaryKeyConstraint("user_id")
    )
    op.create_table("outbox_message",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("message_id", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column("dedupe_key", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column("user_id", sa.Integer(), nullable=True),
    sa.Column("recipient", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column("subject", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column("body", sa.Text(), nullable=False),
    sa.Column("language", sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
    sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column("attempts", sa.Integer(), nullable=False),
    sa.Column("last_error", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column("created_at", cofatui.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column("next_attempt_at", cofatui.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column("sent_at", cofatui.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(["user_id"], ["user.id"], ),
    sa.PrimaryKeyConstraint("id"),
    sa.UniqueConstraint("dedupe_key"),
    sa.UniqueConstraint("message_id")
    )
    op.create_index("ix_outbox_message_status_next", "outbox_message", ["status", "next_attempt_at", "id"], unique=False)
    op.create_table("import_line",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("import_id", sa.Integer(), nullable=False),
    sa.Column("line_no", sa.Integer(), nullable=False),
    sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column("message", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column("params", sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(["import_id"], ["import_result.id"], ),
    sa.PrimaryKeyConstraint("id")
    )
    op.create_index("ix_import_line_result_status", "import_line", ["import_id", "status", "line_no"], unique=False)
    op.create_table("job_file",
    sa.Column("job_id", sa.Integer(), nullable=False),
    sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column("content", sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(["job_id"], ["job.id"], ),
    sa.PrimaryKeyConstraint("job_id")
    )


def downgrade() -> None:
    for table in TABLES:
        op.drop_table(table)
