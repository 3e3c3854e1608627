"""Chorus Pro: structures, services, attachments, invoices, lines, history, mail
subscriptions; a user's contact e-mail and postal address; a notification addressed
to one user instead of a contract; a document owned by a Chorus invoice (issue 18)

Revision ID: 0030_chorus
Revises: 0026_export_product_cover
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import cofatui.models.types

revision = '0030_chorus'
down_revision = '0026_export_product_cover'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('chorus_structure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('siret', sqlmodel.sql.sqltypes.AutoString(length=14), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('label', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('legal_status', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('address', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('postal_code', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('city', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('country', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('rcs', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('vat_number', sqlmodel.sql.sqltypes.AutoString(length=13), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('public', sa.Boolean(), nullable=False),
    sa.Column('service_code_required', sa.Boolean(), nullable=False),
    sa.Column('engagement_required', sa.Boolean(), nullable=False),
    sa.Column('engagement_or_service_required', sa.Boolean(), nullable=False),
    sa.Column('reports_payment_in_progress', sa.Boolean(), nullable=False),
    sa.Column('billing_mandate_at', cofatui.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('billing_mandate_by', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('created_at', cofatui.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('siret')
    )
    with op.batch_alter_table('chorus_structure', schema=None) as batch_op:
        batch_op.create_index('ix_chorus_structure_public_name', ['public', 'name', 'id'], unique=False)

    op.create_table('chorus_invoice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('type', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.Column('frame', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.Column('deposit_kind', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('supplier_structure_id', sa.Integer(), nullable=False),
    sa.Column('recipient_siret', sqlmodel.sql.sqltypes.AutoString(length=14), nullable=False),
    sa.Column('recipient_structure_id', sa.Integer(), nullable=True),
    sa.Column('service_code', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('engagement', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
    sa.Column('market_number', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
    sa.Column('invoice_date', sa.Date(), nullable=False),
    sa.Column('delivery_date', sa.Date(), nullable=True),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('currency', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.Column('payment_mode', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('iban', sqlmodel.sql.sqltypes.AutoString(length=34), nullable=False),
    sa.Column('payment_terms', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('total_excl_tax', cofatui.models.types.Money(), nullable=False),
    sa.Column('total_vat', cofatui.models.types.Money(), nullable=False),
    sa.Column('total_incl_tax', cofatui.models.types.Money(), nullable=False),
    sa.Column('amount_due', cofatui.models.types.Money(), nullable=False),
    sa.Column('state', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('origin_invoice_id', sa.Integer(), nullable=True),
    sa.Column('replaces_invoice_id', sa.Integer(), nullable=True),
    sa.Column('suspension_reason', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('mandate_number', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
    sa.Column('last_comment', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('main_document_id', sa.Integer(), nullable=True),
    sa.Column('attachments_size', sa.Integer(), nullable=False),
    sa.Column('created_at', cofatui.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('deposited_at', cofatui.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('state_changed_at', cofatui.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['origin_invoice_id'], ['chorus_invoice.id'], ),
    sa.ForeignKeyConstraint(['recipient_structure_id'], ['chorus_structure.id'], ),
    sa.ForeignKeyConstraint(['replaces_invoice_id'], ['chorus_invoice.id'], ),
    sa.ForeignKeyConstraint(['supplier_structure_id'], ['chorus_structure.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('supplier_structure_id', 'number')
    )
    with op.batch_alter_table('chorus_invoice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_chorus_invoice_origin_invoice_id'), ['origin_invoice_id'], unique=False)
        batch_op.create_index('ix_chorus_invoice_recipient_deposited', ['recipient_structure_id', 'deposited_at', 'id'], unique=False)
        batch_op.create_index('ix_chorus_invoice_recipient_state', ['recipient_structure_id', 'state', 'deposited_at', 'id'], unique=False)
        batch_op.create_index('ix_chorus_invoice_supplier_deposited', ['supplier_structure_id', 'deposited_at', 'id'], unique=False)
        batch_op.create_index('ix_chorus_invoice_supplier_state', ['supplier_structure_id', 'state', 'deposited_at', 'id'], unique=False)

    op.create_table('chorus_service',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('structure_id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('label', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('engagement_required', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['structure_id'], ['chorus_structure.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('structure_id', 'code')
    )
    op.create_table('chorus_invoice_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('at', cofatui.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('actor', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('login', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('from_state', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('to_state', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('comment', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('reasons', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.Column('suspension_reason', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('mandate_number', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
    sa.ForeignKeyConstraint(['invoice_id'], ['chorus_invoice.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('chorus_invoice_event', schema=None) as batch_op:
        batch_op.create_index('ix_chorus_invoice_event_invoice', ['invoice_id', 'id'], unique=False)

    op.create_table('chorus_invoice_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('label', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('quantity', cofatui.models.types.Money(), nullable=False),
    sa.Column('unit', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('unit_price', cofatui.models.types.Money(), nullable=False),
    sa.Column('vat_rate', sqlmodel.sql.sqltypes.AutoString(length=6), nullable=False),
    sa.Column('exemption_reason', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('amount_excl_tax', cofatui.models.types.Money(), nullable=False),
    sa.ForeignKeyConstraint(['invoice_id'], ['chorus_invoice.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('invoice_id', 'position')
    )
    op.create_table('chorus_account',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('returns_acknowledged_at', cofatui.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('user_id')
    )
    op.create_table('chorus_attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('structure_id', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('space_issued', sa.Boolean(), nullable=False),
    sa.Column('space_received', sa.Boolean(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('comment', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('requested_at', cofatui.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('requested_by', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('decided_at', cofatui.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decided_by', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('decision_comment', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['structure_id'], ['chorus_structure.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('chorus_attachment', schema=None) as batch_op:
        batch_op.create_index('ix_chorus_attachment_structure', ['structure_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_chorus_attachment_user_id'), ['user_id'], unique=False)
        batch_op.create_index('uq_chorus_attachment_live', ['user_id', 'structure_id'], unique=True, sqlite_where=sa.text("status IN ('pending', 'approved')"), postgresql_where=sa.text("status IN ('pending', 'approved')"))
        batch_op.create_index('uq_chorus_attachment_main', ['structure_id'], unique=True, sqlite_where=sa.text("status = 'approved' AND role = 'main_manager'"), postgresql_where=sa.text("status = 'approved' AND role = 'main_manager'"))

    op.create_table('chorus_subscription',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('category', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('user_id', 'category')
    )
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.add_column(sa.Column('chorus_invoice_id', sa.Integer(), nullable=True))
        batch_op.alter_column('contract_id',
               existing_type=sa.INTEGER(),
               nullable=True)
        batch_op.create_index(batch_op.f('ix_document_chorus_invoice_id'), ['chorus_invoice_id'], unique=False)
        batch_op.create_foreign_key('fk_document_chorus_invoice', 'chorus_invoice', ['chorus_invoice_id'], ['id'])

    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.add_column(sa.Column('user_id', sa.Integer(), nullable=True))
        batch_op.alter_column('contract_id',
               existing_type=sa.INTEGER(),
               nullable=True)
        batch_op.create_index('ix_notification_user_created', ['user_id', 'created_at', 'id'], unique=False)
        batch_op.create_foreign_key('fk_notification_user', 'user', ['user_id'], ['id'])

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('contact_email', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('address', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('address_complement1', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('address_complement2', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('postal_code', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('city', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('country', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False, server_default=''))



def downgrade() -> None:
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('country')
        batch_op.drop_column('city')
        batch_op.drop_column('postal_code')
        batch_op.drop_column('address_complement2')
        batch_op.drop_column('address_complement1')
        batch_op.drop_column('address')
        batch_op.drop_column('contact_email')

    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_constraint('fk_notification_user', type_='foreignkey')
        batch_op.drop_index('ix_notification_user_created')
        batch_op.alter_column('contract_id',
               existing_type=sa.INTEGER(),
               nullable=False)
        batch_op.drop_column('user_id')

    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_constraint('fk_document_chorus_invoice', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_document_chorus_invoice_id'))
        batch_op.alter_column('contract_id',
               existing_type=sa.INTEGER(),
               nullable=False)
        batch_op.drop_column('chorus_invoice_id')

    op.drop_table('chorus_subscription')
    with op.batch_alter_table('chorus_attachment', schema=None) as batch_op:
        batch_op.drop_index('uq_chorus_attachment_main', sqlite_where=sa.text("status = 'approved' AND role = 'main_manager'"), postgresql_where=sa.text("status = 'approved' AND role = 'main_manager'"))
        batch_op.drop_index('uq_chorus_attachment_live', sqlite_where=sa.text("status IN ('pending', 'approved')"), postgresql_where=sa.text("status IN ('pending', 'approved')"))
        batch_op.drop_index(batch_op.f('ix_chorus_attachment_user_id'))
        batch_op.drop_index('ix_chorus_attachment_structure')

    op.drop_table('chorus_attachment')
    op.drop_table('chorus_account')
    op.drop_table('chorus_invoice_line')
    with op.batch_alter_table('chorus_invoice_event', schema=None) as batch_op:
        batch_op.drop_index('ix_chorus_invoice_event_invoice')

    op.drop_table('chorus_invoice_event')
    op.drop_table('chorus_service')
    with op.batch_alter_table('chorus_invoice', schema=None) as batch_op:
        batch_op.drop_index('ix_chorus_invoice_supplier_state')
        batch_op.drop_index('ix_chorus_invoice_supplier_deposited')
        batch_op.drop_index('ix_chorus_invoice_recipient_state')
        batch_op.drop_index('ix_chorus_invoice_recipient_deposited')
        batch_op.drop_index(batch_op.f('ix_chorus_invoice_origin_invoice_id'))

    op.drop_table('chorus_invoice')
    with op.batch_alter_table('chorus_structure', schema=None) as batch_op:
        batch_op.drop_index('ix_chorus_structure_public_name')

    op.drop_table('chorus_structure')
