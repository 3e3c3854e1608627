"""custom exports

Revision ID: 0015_custom_exports
Revises: 0014_bulk_orders
Create Date: 2026-12-06

Issue 15: ``export_template`` (ordered columns; the two predefined defaults, without
an owner, are seeded here), ``export_scenario`` (filters, contracts, schedule, with
``next_run_at`` indexed for the scheduler), ``export_run`` (one line of the list of
generated files; UNIQUE (scenario_id, scheduled_for) is the exactly-once key of a
scheduled run), ``export_file`` and ``export_file_chunk`` (the files, in chunks of at
most 1 MiB), and ``outbox_message.export_id`` (the export an e-mail attaches).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import sqlalchemy as sa
import sqlmodel
from alembic import op

import cofatui.models.types

revision = "0015_custom_exports"
down_revision = "0014_bulk_orders"
branch_labels = None
depends_on = None

_S = sqlmodel.sql.sqltypes.AutoString
_TS = cofatui.models.types.UTCDateTime

#: The defaults as they were when this revision was written: the portfolio's simple
#: export ("as displayed") and the claims portfolio's columns. The repository reads
#: the default template's columns from ``rules/export_columns.default_columns`` when
#: it differs (a later catalogue), so these only seed the rows.
DEFAULTS = {
    "portfolio": ["company_name", "city", "country", "easy_number", "client_reference",
                  "dra", "products", "decided_amount", "currency", "status", "claim_status",
                  "claim_intervention", "claim_insured", "claim_collector", "updated_at"],
    "claims": ["debtor_name", "country", "claims_count", "claim_reference", "claim_status",
               "intervention_requested", "insured", "collector", "currency", "claim_amount",
               "calculated_indemnity", "updated_at"],
}


def upgrade() -> None:
    op.create_table(
        "export_template",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("category", _S(length=20), nullable=False),
        sa.Column("name", _S(length=60), nullable=False),
        sa.Column("description", _S(length=250), nullable=False),
        sa.Column("columns", sa.Text(), nullable=False),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.Column("created_at", _TS(timezone=True), nullable=True),
        sa.Column("updated_at", _TS(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["owner_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("owner_id", "category", "name",
                            name="uq_export_template_owner_name"),
    )
    op.create_index("ix_export_template_owner_id", "export_template", ["owner_id"])
    op.create_table(
        "export_scenario",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("category", _S(length=20), nullable=False),
        sa.Column("name", _S(length=60), nullable=False),
        sa.Column("description", _S(length=250), nullable=False),
        sa.Column("template_id", sa.Integer(), nullable=False),
        sa.Column("contract_ids", sa.Text(), nullable=False),
        sa.Column("criteria", sa.Text(), nullable=False),
        sa.Column("aggregation", _S(length=10), nullable=False),
        sa.Column("format", _S(length=4), nullable=False),
        sa.Column("frequency", _S(length=10), nullable=False),
        sa.Column("starts_at", _TS(timezone=True), nullable=True),
        sa.Column("time_zone", _S(length=64), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("period_from", sa.Date(), nullable=True),
        sa.Column("period_to", sa.Date(), nullable=True),
        sa.Column("email", sa.Boolean(), nullable=False),
        sa.Column("next_run_at", _TS(timezone=True), nullable=True),
        sa.Column("last_run_at", _TS(timezone=True), nullable=True),
        sa.Column("created_at", _TS(timezone=True), nullable=True),
        sa.Column("updated_at", _TS(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["owner_id"], ["user.id"]),
        sa.ForeignKeyConstraint(["template_id"], ["export_template.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("owner_id", "category", "name",
                            name="uq_export_scenario_owner_name"),
    )
    op.create_index("ix_export_scenario_owner_id", "export_scenario", ["owner_id"])
    op.create_index("ix_export_scenario_template_id", "export_scenario", ["template_id"])
    op.create_index("ix_export_scenario_next_run", "export_scenario", ["next_run_at"])
    op.create_table(
        "export_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("category", _S(length=20), nullable=False),
        sa.Column("scenario_id", sa.Integer(), nullable=True),
        sa.Column("name", _S(length=60), nullable=False),
        sa.Column("direct", sa.Boolean(), nullable=False),
        sa.Column("template_name", _S(length=60), nullable=False),
        sa.Column("columns", sa.Text(), nullable=False),
        sa.Column("spec", sa.Text(), nullable=False),
        sa.Column("contract_ids", sa.Text(), nullable=False),
        sa.Column("status", _S(length=10), nullable=False),
        sa.Column("error_code", _S(length=80), nullable=False),
        sa.Column("error_params", sa.Text(), nullable=False),
        sa.Column("rows_done", sa.Integer(), nullable=False),
        sa.Column("rows_total", sa.Integer(), nullable=True),
        sa.Column("mail_status", _S(length=10), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=True),
        sa.Column("scheduled_for", _TS(timezone=True), nullable=True),
        sa.Column("created_at", _TS(timezone=True), nullable=True),
        sa.Column("finished_at", _TS(timezone=True), nullable=True),
        sa.Column("expires_at", _TS(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["owner_id"], ["user.id"]),
        sa.ForeignKeyConstraint(["scenario_id"], ["export_scenario.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("scenario_id", "scheduled_for", name="uq_export_run_scheduled"),
        # An id is never given again (SQLite would reuse a deleted last one): the run's
        # job and e-mail are keyed by it ("export:<id>"), once each.
        sqlite_autoincrement=True,
    )
    op.create_index("ix_export_run_owner_id", "export_run", ["owner_id", "id"])
    op.create_index("ix_export_run_expires", "export_run", ["expires_at"])
    op.create_table(
        "export_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("export_id", sa.Integer(), nullable=False),
        sa.Column("format", _S(length=4), nullable=False),
        sa.Column("name", _S(length=200), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["export_id"], ["export_run.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("export_id", "format", name="uq_export_file_format"),
    )
    op.create_table(
        "export_file_chunk",
        sa.Column("file_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["file_id"], ["export_file.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("file_id", "seq"),
    )
    if op.get_bind().dialect.name == "sqlite":
        # ADD COLUMN … REFERENCES in place (allowed with a NULL default): a batch copy
        # of outbox_message is not needed for a nullable column.
        op.execute("ALTER TABLE outbox_message ADD COLUMN export_id INTEGER "
                   "REFERENCES export_run (id)")
    else:
        op.add_column("outbox_message", sa.Column("export_id", sa.Integer(), nullable=True))
        op.create_foreign_key("fk_outbox_message_export_id", "outbox_message", "export_run",
                              ["export_id"], ["id"])
    seed_defaults(op.get_bind())


def seed_defaults(conn: sa.Connection) -> None:
    now = datetime.now(UTC)
    table = sa.table("export_template", sa.column("owner_id", sa.Integer),
                     sa.column("category", sa.String), sa.column("name", sa.String),
                     sa.column("description", sa.String), sa.column("columns", sa.Text),
                     sa.column("is_default", sa.Boolean),
                     sa.column("created_at", _TS(timezone=True)),
                     sa.column("updated_at", _TS(timezone=True)),
                     sa.column("version", sa.Integer))
    conn.execute(table.insert(), [
        {"owner_id": None, "category": category, "name": "default", "description": "",
         "columns": json.dumps(columns), "is_default": True, "created_at": now,
         "updated_at": now, "version": 1}
        for category, columns in DEFAULTS.items()])


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE outbox_message DROP COLUMN export_id")
    else:
        op.drop_constraint("fk_outbox_message_export_id", "outbox_message", type_="foreignkey")
        op.drop_column("outbox_message", "export_id")
    for table in ("export_file_chunk", "export_file", "export_run", "export_scenario",
                  "export_template"):
        op.drop_table(table)
