"""the insurer's requests and the documents sent (issue 17)

Revision ID: 0020_requests_documents
Revises: 0019_activation_codes
Create Date: 2026-12-06

Turnover declarations and their lines, company information sent by policyholders, ILUs,
and one ``document`` table for every file a policyholder sends (its bytes in
``document_content``): the claim attachments move into it with their ids (so links to
``/documents/{id}/content`` still work).
Notifications gain the object they lead to (``target_type``, ``target_id``); contracts
their turnover terms (basis and breakdown).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import cofatui.models.types

revision = '0020_requests_documents'
down_revision = '0019_activation_codes'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('company_information',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('form', sa.String(length=12), nullable=False),
    sa.Column('nature', sa.String(length=10), nullable=True),
    sa.Column('event_date', sa.Date(), nullable=True),
    sa.Column('amount', cofatui.models.types.Money(), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=True),
    sa.Column('description', sa.String(length=2000), nullable=False),
    sa.Column('info_type', sa.String(length=30), nullable=True),
    sa.Column('closing_date', sa.Date(), nullable=True),
    sa.Column('complete', sa.Boolean(), nullable=True),
    sa.Column('comment', sa.String(length=1000), nullable=False),
    sa.Column('dra_review', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', cofatui.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_by', sa.String(length=80), nullable=False),
    sa.Column('decided_at', cofatui.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decided_by', sa.String(length=80), nullable=False),
    sa.Column('decision_comment', sa.String(length=1000), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['company_id'], ['company.id'], ),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('company_information', schema=None) as batch_op:
        batch_op.create_index('ix_company_information_company', ['company_id', 'created_at'], unique=False)
        batch_op.create_index('ix_company_information_contract_created', ['contract_id', 'created_at'], unique=False)
        batch_op.create_index('ix_company_information_status_created', ['status', 'created_at', 'id'], unique=False)

    op.create_table('turnover_declaration',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('label', sa.String(length=60), nullable=False),
    sa.Column('basis', sa.String(length=12), nullable=False),
    sa.Column('breakdown', sa.String(length=10), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('requested_at', cofatui.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('requested_by', sa.String(length=80), nullable=False),
    sa.Column('contact_name', sa.String(length=120), nullable=False),
    sa.Column('contact_phone', sa.String(length=40), nullable=False),
    sa.Column('contact_email', sa.String(length=254), nullable=False),
    sa.Column('nothing_to_declare', sa.Boolean(), nullable=False),
    sa.Column('sent_at', cofatui.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('sent_by', sa.String(length=80), nullable=False),
    sa.Column('cancelled_at', cofatui.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('cancelled_by', sa.String(length=80), nullable=False),
    sa.Column('updated_at', cofatui.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('turnover_declaration', schema=None) as batch_op:
        batch_op.create_index('ix_turnover_declaration_contract_period', ['contract_id', 'period_start'], unique=False)
        batch_op.create_index('ix_turnover_declaration_status_due', ['status', 'due_date', 'id'], unique=False)

    op.create_table('document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=True),
    sa.Column('claim_id', sa.Integer(), nullable=True),
    sa.Column('submission_id', sa.Integer(), nullable=True),
    sa.Column('declaration_id', sa.Integer(), nullable=True),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('category', sa.String(length=30), nullable=False),
    sa.Column('comment', sa.String(length=500), nullable=False),
    sa.Column('created_at', cofatui.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_by', sa.String(length=80), nullable=False),
    sa.ForeignKeyConstraint(['claim_id'], ['claim.id'], ),
    sa.ForeignKeyConstraint(['company_id'], ['company.id'], ),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], ),
    sa.ForeignKeyConstraint(['declaration_id'], ['turnover_declaration.id'], ),
    sa.ForeignKeyConstraint(['submission_id'], ['company_information.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_claim_id'), ['claim_id'], unique=False)
        batch_op.create_index('ix_document_company_source_created', ['company_id', 'source', 'created_at', 'id'], unique=False)
        batch_op.create_index('ix_document_contract_source_created', ['contract_id', 'source', 'created_at', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_declaration_id'), ['declaration_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_submission_id'), ['submission_id'], unique=False)
    # Sorted by name (case-insensitive) or size: read in index order.
    op.execute("CREATE INDEX ix_document_contract_source_name ON document "
               "(contract_id, source, lower(filename), id)")
    op.create_index('ix_document_contract_source_size', 'document',
                    ['contract_id', 'source', 'size', 'id'])
    op.create_table('document_content',
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], ),
    sa.PrimaryKeyConstraint('document_id')
    )

    op.create_table('ilu',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('product_code', sa.String(length=20), nullable=False),
    sa.Column('cover_amount', cofatui.models.types.Money(), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('message', sa.String(length=1000), nullable=False),
    sa.Column('issued_at', cofatui.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('issued_by', sa.String(length=80), nullable=False),
    sa.Column('experience', sa.String(length=14), nullable=True),
    sa.Column('delete_cover', sa.Boolean(), nullable=True),
    sa.Column('real_need', cofatui.models.types.Money(), nullable=True),
    sa.Column('comment', sa.String(length=250), nullable=False),
    sa.Column('answered_at', cofatui.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('answered_by', sa.String(length=80), nullable=False),
    sa.Column('closed_reason', sa.String(length=30), nullable=False),
    sa.Column('closed_at', cofatui.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['company_id'], ['company.id'], ),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], ),
    sa.ForeignKeyConstraint(['product_id'], ['product.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('ilu', schema=None) as batch_op:
        batch_op.create_index('ix_ilu_company', ['company_id', 'issued_at'], unique=False)
        batch_op.create_index('ix_ilu_contract_status', ['contract_id', 'status', 'deadline', 'id'], unique=False)
        batch_op.create_index('uq_ilu_open', ['contract_id', 'company_id'], unique=True, sqlite_where=sa.text("status = 'open'"), postgresql_where=sa.text("status = 'open'"))

    op.create_table('turnover_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('declaration_id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=True),
    sa.Column('country', sa.String(length=3), nullable=False),
    sa.Column('sort_key', sa.String(length=200), nullable=False),
    sa.Column('amount', cofatui.models.types.Money(), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('updated_at', cofatui.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['company_id'], ['company.id'], ),
    sa.ForeignKeyConstraint(['declaration_id'], ['turnover_declaration.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('turnover_line', schema=None) as batch_op:
        batch_op.create_index('ix_turnover_line_declaration_sort', ['declaration_id', 'sort_key', 'id'], unique=False)
        batch_op.create_index('uq_turnover_line_company', ['declaration_id', 'company_id'], unique=True)
        batch_op.create_index('uq_turnover_line_country', ['declaration_id', 'country', 'company_id'], unique=True)

    # The claim attachments keep their ids, contract and company (from their claim).
    op.execute(
        "INSERT INTO document (id, source, contract_id, company_id, claim_id, filename, "
        "content_type, size, sha256, category, comment, created_at, created_by) "
        "SELECT d.id, 'claims', c.contract_id, c.company_id, d.claim_id, d.filename, "
        "d.content_type, d.size, d.sha256, d.category, d.comment, d.created_at, "
        "d.created_by FROM claim_document d JOIN claim c ON c.id = d.claim_id")
    op.execute("INSERT INTO document_content (document_id, content) "
               "SELECT id, content FROM claim_document")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("SELECT setval(pg_get_serial_sequence('document', 'id'), "
                   "COALESCE((SELECT MAX(id) FROM document), 0) + 1, false)")
    with op.batch_alter_table('claim_document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_claim_document_claim_id'))

    op.drop_table('claim_document')
    with op.batch_alter_table('contract', schema=None) as batch_op:
        batch_op.add_column(sa.Column('turnover_basis', sa.String(length=12), nullable=False,
                                      server_default='sales'))
        batch_op.add_column(sa.Column('turnover_breakdown', sa.String(length=10), nullable=False,
                                      server_default='debtor'))

    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.add_column(sa.Column('target_type', sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column('target_id', sa.Integer(), nullable=True))
        batch_op.create_index('ix_notification_target', ['target_type', 'target_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_index('ix_notification_target')
        batch_op.drop_column('target_id')
        batch_op.drop_column('target_type')

    with op.batch_alter_table('contract', schema=None) as batch_op:
        batch_op.drop_column('turnover_breakdown')
        batch_op.drop_column('turnover_basis')

    op.create_table('claim_document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=60), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('comment', sa.String(length=500), nullable=False),
    sa.Column('created_at', cofatui.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_by', sa.String(length=80), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['claim_id'], ['claim.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('claim_document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_claim_document_claim_id'), ['claim_id'], unique=False)

    op.execute(
        "INSERT INTO claim_document (id, claim_id, filename, content_type, size, sha256, "
        "category, comment, created_at, created_by, content) SELECT id, claim_id, "
        "filename, content_type, size, sha256, category, comment, created_at, created_by, "
        "(SELECT content FROM document_content WHERE document_id = document.id) "
        "FROM document WHERE source = 'claims'")
    op.drop_table('document_content')
    with op.batch_alter_table('turnover_line', schema=None) as batch_op:
        batch_op.drop_index('uq_turnover_line_country')
        batch_op.drop_index('uq_turnover_line_company')
        batch_op.drop_index('ix_turnover_line_declaration_sort')

    op.drop_table('turnover_line')
    with op.batch_alter_table('ilu', schema=None) as batch_op:
        batch_op.drop_index('uq_ilu_open', sqlite_where=sa.text("status = 'open'"), postgresql_where=sa.text("status = 'open'"))
        batch_op.drop_index('ix_ilu_contract_status')
        batch_op.drop_index('ix_ilu_company')

    op.drop_table('ilu')
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_submission_id'))
        batch_op.drop_index(batch_op.f('ix_document_declaration_id'))
        batch_op.drop_index('ix_document_contract_source_created')
        batch_op.drop_index('ix_document_company_source_created')
        batch_op.drop_index(batch_op.f('ix_document_claim_id'))
        batch_op.drop_index('ix_document_contract_source_size')
        batch_op.drop_index('ix_document_contract_source_name')

    op.drop_table('document')
    with op.batch_alter_table('turnover_declaration', schema=None) as batch_op:
        batch_op.drop_index('ix_turnover_declaration_status_due')
        batch_op.drop_index('ix_turnover_declaration_contract_period')

    op.drop_table('turnover_declaration')
    with op.batch_alter_table('company_information', schema=None) as batch_op:
        batch_op.drop_index('ix_company_information_status_created')
        batch_op.drop_index('ix_company_information_contract_created')
        batch_op.drop_index('ix_company_information_company')

    op.drop_table('company_information')
