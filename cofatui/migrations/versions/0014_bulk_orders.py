"""bulk orders

Revision ID: 0014_bulk_orders
Revises: 0013_notification_params
Create Date: 2026-12-05

Issue 14: a file of product orders run line by line. ``bulk_import`` (one per file,
with its totals, refusal and job), ``bulk_import_file`` (the original bytes, apart so
listing never reads them) and ``bulk_line`` (one result per line, unique per import
and line number: a line is never stored, hence never run, twice). New tables only.
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import cofatui.models.types

revision = "0014_bulk_orders"
down_revision = "0013_notification_params"
branch_labels = None
depends_on = None

_S = sqlmodel.sql.sqltypes.AutoString
_TS = cofatui.models.types.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "bulk_import",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("file_name", _S(length=255), nullable=False),
        sa.Column("sha256", _S(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("check", sa.Boolean(), nullable=False),
        sa.Column("status", _S(length=24), nullable=False),
        sa.Column("total_lines", sa.Integer(), nullable=False),
        sa.Column("ok_lines", sa.Integer(), nullable=False),
        sa.Column("error_lines", sa.Integer(), nullable=False),
        sa.Column("not_processed_lines", sa.Integer(), nullable=False),
        sa.Column("cancelled", sa.Boolean(), nullable=False),
        sa.Column("refusal_code", _S(length=40), nullable=True),
        sa.Column("refusal_detail_code", _S(length=80), nullable=True),
        sa.Column("refusal_params", sa.Text(), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=True),
        sa.Column("created_at", _TS(timezone=True), nullable=True),
        sa.Column("finished_at", _TS(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["contract_id"], ["contract.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_bulk_import_contract_check_id", "bulk_import",
                    ["contract_id", "check", "id"], unique=False)
    op.create_index("ix_bulk_import_contract_sha", "bulk_import", ["contract_id", "sha256"],
                    unique=False)
    op.create_table(
        "bulk_import_file",
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["import_id"], ["bulk_import.id"]),
        sa.PrimaryKeyConstraint("import_id"),
    )
    op.create_table(
        "bulk_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", _S(length=16), nullable=False),
        sa.Column("code", _S(length=40), nullable=True),
        sa.Column("detail_code", _S(length=80), nullable=True),
        sa.Column("detail_params", sa.Text(), nullable=False),
        sa.Column("field", _S(length=20), nullable=True),
        sa.Column("company_id", sa.Integer(), nullable=True),
        sa.Column("company_name", _S(length=200), nullable=True),
        sa.Column("easy_number", _S(length=19), nullable=True),
        sa.Column("product", _S(length=20), nullable=True),
        sa.Column("action", _S(length=1), nullable=True),
        sa.Column("product_id", sa.Integer(), nullable=True),
        sa.Column("product_status", _S(length=30), nullable=True),
        sa.Column("expected_decision_at", _TS(timezone=True), nullable=True),
        sa.Column("amount", cofatui.models.types.Money(), nullable=True),
        sa.Column("currency", _S(length=3), nullable=True),
        sa.ForeignKeyConstraint(["import_id"], ["bulk_import.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("import_id", "line_no", name="uq_bulk_line_import_line"),
    )
    op.create_index("ix_bulk_line_import_status", "bulk_line", ["import_id", "status", "line_no"],
                    unique=False)
    op.create_index("ix_bulk_line_import_code", "bulk_line", ["import_id", "code", "line_no"],
                    unique=False)
    op.create_index("ix_bulk_line_import_company", "bulk_line",
                    ["import_id", "company_name", "line_no"], unique=False)


def downgrade() -> None:
    for table in ("bulk_line", "bulk_import_file", "bulk_import"):
        op.drop_table(table)
