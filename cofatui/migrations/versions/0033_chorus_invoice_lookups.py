"""two lookups of a Chorus Pro invoice: its re-issued successor, its number up to case
and spaces

Revision ID: 0033_chorus_invoice_lookups
Revises: 0030_chorus
Create Date: 2026-12-06

The detail names the invoice that replaces a re-issued one (``replaces_invoice_id``),
and the ``duplicate_number`` check at deposit looks for the supplier's numbers equal up
to case and spaces. Without these indexes each was a scan of the supplier's invoices
(every invoice for the first): at 100 000 invoices, tens to hundreds of milliseconds
per deposit or move instead of one index probe.
"""

from __future__ import annotations

from alembic import op

revision = "0033_chorus_invoice_lookups"
down_revision = "0030_chorus"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_chorus_invoice_replaces_invoice_id", "chorus_invoice",
                    ["replaces_invoice_id"])
    # The expression as models.chorus.number_key writes it, to the letter.
    op.execute("CREATE INDEX ix_chorus_invoice_number_key ON chorus_invoice "
               "(supplier_structure_id, upper(replace(number, ' ', '')))")


def downgrade() -> None:
    op.drop_index("ix_chorus_invoice_number_key", table_name="chorus_invoice")
    op.drop_index("ix_chorus_invoice_replaces_invoice_id", table_name="chorus_invoice")
