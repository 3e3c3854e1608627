"""exchange rates

Revision ID: 0009_exchange_rates
Revises: 0008_underwriting_tables
Create Date: 2026-12-04

Recorded exchange rates (``exchange_rate``: ``1 base = rate quote`` on a date, from a
source, who recorded it and when), with which claim lines in another currency than the
contract's are converted (issue 10 item 4).

Claims whose lines are not all in the claim's (the contract's) currency had their claim
amount computed on a sum of mixed currencies (EUR 250 + JPY 100 000 became 100 250 EUR),
and the covered amount and indemnity on that sum. Those figures are cleared (the claims
handler assesses them again once a rate is recorded) and kept, in words, at the head of
the claim's conditions; the claim's version moves on so that a screen holding the old
figures cannot write them back. No row is deleted.
"""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
import sqlmodel
from alembic import op

import cofatui.models.types

revision = "0009_exchange_rates"
down_revision = "0008_underwriting_tables"
branch_labels = None
depends_on = None

MONEY_SCALE = Decimal(1000)  # models.types.Money, frozen here
MAX_CONDITIONS = 500


def upgrade() -> None:
    op.create_table(
        "exchange_rate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("base", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
        sa.Column("quote", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
        sa.Column("rate", sa.BigInteger(), nullable=False),  # 10⁻¹⁰ units
        sa.Column("rate_date", sa.Date(), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("recorded_at", cofatui.models.types.UTCDateTime(timezone=True),
                  nullable=False),
        sa.Column("recorded_by", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ux_exchange_rate_pair_day_source", "exchange_rate",
                    ["base", "quote", "rate_date", "source"], unique=True)
    _clear_mixed_currency_amounts()


def _money(units: int | None, currency: str) -> str:
    if units is None:
        return "none"
    return f"{(Decimal(int(units)) / MONEY_SCALE).quantize(Decimal('0.01'))} {currency}"


def _clear_mixed_currency_amounts() -> None:
    conn = op.get_bind()
    mixed = conn.execute(sa.text(
        "SELECT id, currency, claim_amount, covered_amount, calculated_indemnity,"
        " conditions_used FROM claim c"
        " WHERE EXISTS (SELECT 1 FROM claim_invoice i"
        "               WHERE i.claim_id = c.id AND i.currency <> c.currency)"
        "    OR EXISTS (SELECT 1 FROM claim_payment p"
        "               WHERE p.claim_id = c.id AND p.currency <> c.currency)")).all()
    for row in mixed:
        note = (f"To be assessed again with exchange rates: the claim amount "
                f"({_money(row.claim_amount, row.currency)}), covered amount "
                f"({_money(row.covered_amount, row.currency)}) and indemnity "
                f"({_money(row.calculated_indemnity, row.currency)}) had been computed on "
                f"a sum of amounts in different currencies.")
        conditions = f"{note} {row.conditions_used or ''}".strip()[:MAX_CONDITIONS]
        conn.execute(sa.text(
            "UPDATE claim SET claim_amount = NULL, covered_amount = NULL,"
            " calculated_indemnity = NULL, indemnity_date = NULL,"
            " conditions_used = :conditions, version = version + 1 WHERE id = :id"),
            {"conditions": conditions, "id": row.id})


def downgrade() -> None:
    # The cleared figures were wrong and are kept in words; they are not restored.
    op.drop_index("ux_exchange_rate_pair_day_source", table_name="exchange_rate")
    op.drop_table("exchange_rate")
