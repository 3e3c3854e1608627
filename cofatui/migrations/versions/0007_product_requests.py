"""product requests

Revision ID: 0007_product_requests
Revises: 0006_claim_debtor
Create Date: 2026-12-04

Decision and request become two things (issue 10 item 1, SPEC §5 "Decision lifecycle").
Until now a new amount turned the product itself into ``pending``, so the standing
decision was lost while the request waited. From here the product row keeps its
standing decision and every pending request lives in ``product_request``:

- a pending product that already had a decision (``decided_at`` or ``decided_amount``)
  was an amendment: a pending ``modify`` request is made of what it asked for, and the
  product gets back its standing status (that of its last ``decision`` event, else
  granted), the amount asked for that decision and no expected decision date;
- a pending product never decided gets an ``initial`` request (the product stays
  pending: it has no standing decision yet).

No row is removed. The downgrade folds pending requests back onto their products.
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import cofatui.models.types

revision = "0007_product_requests"
down_revision = "0006_claim_debtor"
branch_labels = None
depends_on = None

PENDING = sa.text("status = 'pending'")
STANDING = "('granted', 'partially_granted', 'reduced')"
AMENDED = "p.status = 'pending' AND (p.decided_at IS NOT NULL OR p.decided_amount IS NOT NULL)"
NEVER_DECIDED = "p.status = 'pending' AND p.decided_at IS NULL AND p.decided_amount IS NULL"


def _insert_requests(kind: str, where: str, actor_action: str, first: bool) -> str:
    order = "e.id" if first else "e.id DESC"
    return (
        "INSERT INTO product_request (product_id, contract_id, company_id, kind, status,"
        " code, requested_amount, currency, duration_days, requested_at,"
        " expected_decision_at, requested_by, decided_by, comment, version)"
        f" SELECT p.id, p.contract_id, p.company_id, '{kind}', 'pending', p.code,"
        " p.requested_amount, p.currency, p.duration_days,"
        " coalesce(p.requested_at, p.updated_at), p.expected_decision_at,"
        " coalesce((SELECT e.actor FROM product_event e WHERE e.product_id = p.id"
        f"           AND e.action = '{actor_action}' ORDER BY {order} LIMIT 1), ''),"
        " '', '', 1"
        f" FROM product p WHERE {where} ORDER BY p.id")


# The standing decision of an amended product: the status of its last decision, and the
# amount asked for before the last modification (else the amount decided).
RESTORE = (
    "UPDATE product SET"
    " status = coalesce((SELECT e.status FROM product_event e WHERE e.product_id = product.id"
    f"   AND e.action = 'decision' AND e.status IN {STANDING}"
    "   ORDER BY e.at DESC, e.id DESC LIMIT 1), 'granted'),"
    " requested_amount = coalesce((SELECT e.amount FROM product_event e"
    "   WHERE e.product_id = product.id AND e.action IN ('request', 'modify')"
    "   AND e.id < (SELECT max(m.id) FROM product_event m WHERE m.product_id = product.id"
    "               AND m.action = 'modify')"
    "   ORDER BY e.id DESC LIMIT 1), decided_amount),"
    " expected_decision_at = NULL,"
    " version = version + 1"
    " WHERE status = 'pending' AND (decided_at IS NOT NULL OR decided_amount IS NOT NULL)")


def upgrade() -> None:
    op.create_table(
        "product_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("target_code", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("requested_amount", cofatui.models.types.Money(), nullable=True),
        sa.Column("decided_amount", cofatui.models.types.Money(), nullable=True),
        sa.Column("currency", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
        sa.Column("duration_days", sa.Integer(), nullable=True),
        sa.Column("requested_at", cofatui.models.types.UTCDateTime(timezone=True),
                  nullable=True),
        sa.Column("expected_decision_at", cofatui.models.types.UTCDateTime(timezone=True),
                  nullable=True),
        sa.Column("decided_at", cofatui.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("requested_by", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("decided_by", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("comment", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("result_product_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["product_id"], ["product.id"]),
        sa.ForeignKeyConstraint(["contract_id"], ["contract.id"]),
        sa.ForeignKeyConstraint(["company_id"], ["company.id"]),
        sa.ForeignKeyConstraint(["result_product_id"], ["product.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_product_request_contract_pending", "product_request",
                    ["contract_id", "requested_at", "id"],
                    sqlite_where=PENDING, postgresql_where=PENDING)
    op.create_index("ix_product_request_pending", "product_request", ["requested_at", "id"],
                    sqlite_where=PENDING, postgresql_where=PENDING)
    op.create_index("ux_product_request_pending_product", "product_request", ["product_id"],
                    unique=True, sqlite_where=PENDING, postgresql_where=PENDING)
    op.create_index("ix_product_request_product", "product_request",
                    ["product_id", "requested_at"])
    op.execute(_insert_requests("modify", AMENDED, "modify", first=False))
    op.execute(RESTORE)
    op.execute(_insert_requests("initial", NEVER_DECIDED, "request", first=True))


def downgrade() -> None:
    # A pending amendment folds back onto its product (the old shape: the product itself
    # pending with the amount asked for); the standing status it had is in its events.
    op.execute(
        "UPDATE product SET status = 'pending',"
        " requested_amount = (SELECT r.requested_amount FROM product_request r"
        "   WHERE r.product_id = product.id AND r.status = 'pending'),"
        " expected_decision_at = (SELECT r.expected_decision_at FROM product_request r"
        "   WHERE r.product_id = product.id AND r.status = 'pending'),"
        " version = version + 1"
        " WHERE product.status <> 'pending' AND EXISTS (SELECT 1 FROM product_request r"
        "   WHERE r.product_id = product.id AND r.status = 'pending')")
    op.drop_index("ix_product_request_product", table_name="product_request")
    op.drop_index("ux_product_request_pending_product", table_name="product_request")
    op.drop_index("ix_product_request_pending", table_name="product_request")
    op.drop_index("ix_product_request_contract_pending", table_name="product_request")
    op.drop_table("product_request")
