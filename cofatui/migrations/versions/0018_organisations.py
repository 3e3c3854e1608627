"""policyholder organisations; a user's last update and suspension end

Revision ID: 0018_organisations
Revises: 0017_preferences
Create Date: 2026-12-06

Issue 16 item 1: contracts belong to a policyholder organisation and every user but
insurer staff to one. One organisation per policyholder (contracts with the same
policyholder name share it); each user joins the organisation of their first contract.
Item 2: ``user.updated_at`` (the lists' last update), ``user.suspended_until``.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import cofatui.models.types

revision = "0018_organisations"
down_revision = "0017_preferences"
branch_labels = None
depends_on = None

_TS = cofatui.models.types.UTCDateTime


def _add_reference(table: str, column: str) -> None:
    if op.get_bind().dialect.name == "sqlite":
        # ADD COLUMN … REFERENCES in place (allowed with a NULL default).
        op.execute(f'ALTER TABLE "{table}" ADD COLUMN {column} INTEGER '
                   "REFERENCES organisation (id)")
    else:
        op.add_column(table, sa.Column(column, sa.Integer(), nullable=True))
        op.create_foreign_key(f"fk_{table}_{column}", table, "organisation", [column], ["id"])
    op.create_index(f"ix_{table}_{column}", table, [column])


def upgrade() -> None:
    op.create_table(
        "organisation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_organisation_name", "organisation", ["name"])
    _add_reference("contract", "organisation_id")
    _add_reference("user", "organisation_id")
    op.add_column("user", sa.Column("updated_at", _TS(timezone=True), nullable=True))
    op.add_column("user", sa.Column("suspended_until", _TS(timezone=True), nullable=True))
    conn = op.get_bind()
    conn.execute(sa.text("INSERT INTO organisation (name) SELECT DISTINCT policyholder "
                         "FROM contract ORDER BY policyholder"))
    conn.execute(sa.text("UPDATE contract SET organisation_id = (SELECT MIN(o.id) FROM "
                         "organisation o WHERE o.name = contract.policyholder)"))
    conn.execute(sa.text(
        'UPDATE "user" SET organisation_id = (SELECT c.organisation_id FROM user_contract uc '
        'JOIN contract c ON c.id = uc.contract_id WHERE uc.user_id = "user".id '
        "ORDER BY c.id LIMIT 1) WHERE role <> 'underwriter'"))
    conn.execute(sa.text('UPDATE "user" SET updated_at = created_at'))


def downgrade() -> None:
    for table in ("user", "contract"):
        op.drop_index(f"ix_{table}_organisation_id", table_name=table)
        if op.get_bind().dialect.name == "sqlite":
            op.execute(f'ALTER TABLE "{table}" DROP COLUMN organisation_id')
        else:
            op.drop_constraint(f"fk_{table}_organisation_id", table, type_="foreignkey")
            op.drop_column(table, "organisation_id")
    op.drop_column("user", "suspended_until")
    op.drop_column("user", "updated_at")
    op.drop_index("ix_organisation_name", table_name="organisation")
    op.drop_table("organisation")
