"""Factur-X and the Chorus Pro connector (issue 19): a structure's default payment
terms, an invoice's link to the real Chorus Pro, and each structure's connector

Revision ID: 0034_facturx
Revises: 0033_chorus_invoice_lookups
Create Date: 2026-12-06

The connector's password is no column: ``password_ref`` holds a reference
(``env:NAME``, ``keyring:SERVICE/USER``) that the process running the jobs resolves.
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import cofatui.models.types

revision = "0034_facturx"
down_revision = "0033_chorus_invoice_lookups"
branch_labels = None
depends_on = None

_TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    with op.batch_alter_table("chorus_structure") as batch_op:
        batch_op.add_column(sa.Column("payment_terms_default", _TEXT(length=255),
                                      nullable=False, server_default=""))
    with op.batch_alter_table("chorus_invoice") as batch_op:
        batch_op.add_column(sa.Column("cpp_deposit", _TEXT(length=12), nullable=False,
                                      server_default=""))
        batch_op.add_column(sa.Column("cpp_flux_number", _TEXT(length=60), nullable=False,
                                      server_default=""))
        batch_op.add_column(sa.Column("cpp_invoice_id", _TEXT(length=40), nullable=False,
                                      server_default=""))
        batch_op.add_column(sa.Column("cpp_status", _TEXT(length=60), nullable=False,
                                      server_default=""))
        batch_op.add_column(sa.Column("cpp_error", _TEXT(length=1000), nullable=False,
                                      server_default=""))
        batch_op.add_column(sa.Column("cpp_synced_at",
                                      cofatui.models.types.UTCDateTime(timezone=True),
                                      nullable=True))
    op.create_table(
        "chorus_connector",
        sa.Column("structure_id", sa.Integer(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("login", _TEXT(length=200), nullable=False),
        sa.Column("password_ref", _TEXT(length=200), nullable=False),
        sa.Column("password_expires_on", sa.Date(), nullable=True),
        sa.Column("expiry_notified_for", sa.Date(), nullable=True),
        sa.Column("updated_at", cofatui.models.types.UTCDateTime(timezone=True),
                  nullable=True),
        sa.Column("updated_by", _TEXT(length=80), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["structure_id"], ["chorus_structure.id"]),
        sa.PrimaryKeyConstraint("structure_id"),
    )


def downgrade() -> None:
    op.drop_table("chorus_connector")
    with op.batch_alter_table("chorus_invoice") as batch_op:
        for name in ("cpp_synced_at", "cpp_error", "cpp_status", "cpp_invoice_id",
                     "cpp_flux_number", "cpp_deposit"):
            batch_op.drop_column(name)
    with op.batch_alter_table("chorus_structure") as batch_op:
        batch_op.drop_column("payment_terms_default")
