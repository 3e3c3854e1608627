"""Accounting (issue 20): sets of books and financial years, account overrides, journal
entries and their lines, events waiting for a rate; premium terms, prices, notices and
payments; prospection and exchange covers; a claim's accounting dates and VAT switch;
a TopLiner premium's billed currency.

Revision ID: 0035_accounting
Revises: 0034_facturx
Create Date: 2026-12-06

Existing databases start without books. Validated entries and their lines are never
updated nor deleted: triggers refuse it (SQLite and PostgreSQL), whatever writes.
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import cofatui.models.exchange_rate
import cofatui.models.types

revision = "0035_accounting"
down_revision = "0034_facturx"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('books',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('siren', sqlmodel.sql.sqltypes.AutoString(length=9), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('bank_account', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('bank_label', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('created_at', cofatui.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('siren')
    )
    op.create_table('account_override',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('books_id', sa.Integer(), nullable=False),
    sa.Column('account', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('number', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('label', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.ForeignKeyConstraint(['books_id'], ['books.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('books_id', 'account', name='ux_account_override')
    )
    with op.batch_alter_table('account_override', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_account_override_books_id'), ['books_id'], unique=False)

    op.create_table('accounting_wait',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('books_id', sa.Integer(), nullable=False),
    sa.Column('event_key', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('event_kind', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('source_kind', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('event_date', sa.Date(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('params', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('since', cofatui.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['books_id'], ['books.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('books_id', 'event_key', name='ux_accounting_wait')
    )
    with op.batch_alter_table('accounting_wait', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_accounting_wait_books_id'), ['books_id'], unique=False)

    op.create_table('financial_year',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('books_id', sa.Integer(), nullable=False),
    sa.Column('start', sa.Date(), nullable=False),
    sa.Column('end', sa.Date(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('chart', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('validated_until', sa.Date(), nullable=True),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.Column('closed_at', cofatui.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_by', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['books_id'], ['books.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('books_id', 'start', name='ux_financial_year_start')
    )
    with op.batch_alter_table('financial_year', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_financial_year_books_id'), ['books_id'], unique=False)

    op.create_table('books_contract',
    sa.Column('books_id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['books_id'], ['books.id'], ),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], ),
    sa.PrimaryKeyConstraint('books_id', 'contract_id'),
    sa.UniqueConstraint('contract_id')
    )
    op.create_table('journal_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('books_id', sa.Integer(), nullable=False),
    sa.Column('year_id', sa.Integer(), nullable=False),
    sa.Column('journal', sqlmodel.sql.sqltypes.AutoString(length=4), nullable=False),
    sa.Column('entry_date', sa.Date(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('number', sa.Integer(), nullable=True),
    sa.Column('valid_date', sa.Date(), nullable=True),
    sa.Column('event_kind', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('event_key', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('source_kind', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=True),
    sa.Column('piece_ref', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('piece_date', sa.Date(), nullable=False),
    sa.Column('label', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('reverses_id', sa.Integer(), nullable=True),
    sa.Column('total', cofatui.models.types.Money(), nullable=False),
    sa.Column('created_at', cofatui.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('validated_at', cofatui.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('validated_by', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.ForeignKeyConstraint(['books_id'], ['books.id'], ),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], ),
    sa.ForeignKeyConstraint(['reverses_id'], ['journal_entry.id'], ),
    sa.ForeignKeyConstraint(['year_id'], ['financial_year.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('books_id', 'event_key', 'revision', name='ux_journal_entry_event'),
    sa.UniqueConstraint('year_id', 'number', name='ux_journal_entry_number')
    )
    with op.batch_alter_table('journal_entry', schema=None) as batch_op:
        batch_op.create_index('ix_journal_entry_source', ['source_kind', 'source_id'], unique=False)
        batch_op.create_index('ix_journal_entry_year_date', ['year_id', 'entry_date', 'id'], unique=False)
        batch_op.create_index('ix_journal_entry_year_status', ['year_id', 'status', 'entry_date'], unique=False)

    op.create_table('other_cover',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('reference', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('currency', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.Column('start', sa.Date(), nullable=False),
    sa.Column('end', sa.Date(), nullable=False),
    sa.Column('guarantee_end', sa.Date(), nullable=True),
    sa.Column('amortisation_end', sa.Date(), nullable=True),
    sa.Column('guaranteed_rate', cofatui.models.exchange_rate.RateValue(), nullable=True),
    sa.Column('covered_share', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('created_at', cofatui.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('contract_id', 'reference', name='ux_other_cover_ref')
    )
    with op.batch_alter_table('other_cover', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_other_cover_contract_id'), ['contract_id'], unique=False)

    op.create_table('premium_payment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=False),
    sa.Column('bank_account', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('currency', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.Column('amount', cofatui.models.types.Money(), nullable=False),
    sa.Column('eur_amount', cofatui.models.types.Money(), nullable=False),
    sa.Column('recorded_at', cofatui.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('recorded_by', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('premium_payment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_premium_payment_contract_id'), ['contract_id'], unique=False)

    op.create_table('premium_price',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('price', cofatui.models.types.Money(), nullable=False),
    sa.Column('currency', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.Column('vat_rate', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('contract_id', 'code', name='ux_premium_price')
    )
    with op.batch_alter_table('premium_price', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_premium_price_contract_id'), ['contract_id'], unique=False)

    op.create_table('premium_terms',
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('year_start', sa.Date(), nullable=False),
    sa.Column('provisional_premium', cofatui.models.types.Money(), nullable=False),
    sa.Column('currency', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.Column('instalments', sa.Integer(), nullable=False),
    sa.Column('rate_per_mille', sa.Numeric(precision=9, scale=4), nullable=False),
    sa.Column('minimum_premium', cofatui.models.types.Money(), nullable=False),
    sa.Column('updated_at', cofatui.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], ),
    sa.PrimaryKeyConstraint('contract_id')
    )
    op.create_table('covered_receivable',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cover_id', sa.Integer(), nullable=False),
    sa.Column('reference', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('debtor', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('debtor_aux', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('amount', cofatui.models.types.Money(), nullable=False),
    sa.Column('booked_rate', cofatui.models.exchange_rate.RateValue(), nullable=False),
    sa.Column('booked_on', sa.Date(), nullable=False),
    sa.Column('settled', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['cover_id'], ['other_cover.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('cover_id', 'reference', name='ux_covered_receivable_ref')
    )
    with op.batch_alter_table('covered_receivable', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_covered_receivable_cover_id'), ['cover_id'], unique=False)

    op.create_table('journal_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('line_no', sa.Integer(), nullable=False),
    sa.Column('year_id', sa.Integer(), nullable=False),
    sa.Column('entry_date', sa.Date(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('account', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('account_label', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('aux_num', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('aux_label', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('label', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('debit', cofatui.models.types.Money(), nullable=False),
    sa.Column('credit', cofatui.models.types.Money(), nullable=False),
    sa.Column('currency_amount', cofatui.models.types.Money(), nullable=True),
    sa.Column('currency', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['journal_entry.id'], ),
    sa.ForeignKeyConstraint(['year_id'], ['financial_year.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('entry_id', 'line_no', name='ux_journal_line_no')
    )
    with op.batch_alter_table('journal_line', schema=None) as batch_op:
        batch_op.create_index('ix_journal_line_year_account', ['year_id', 'account', 'aux_num',
                              'entry_date', 'status', 'debit', 'credit'], unique=False)

    op.create_table('premium_notice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('origin', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('currency', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.Column('amount_excl_tax', cofatui.models.types.Money(), nullable=False),
    sa.Column('tax', cofatui.models.types.Money(), nullable=False),
    sa.Column('total', cofatui.models.types.Money(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=True),
    sa.Column('turnover', cofatui.models.types.Money(), nullable=True),
    sa.Column('payment_id', sa.Integer(), nullable=True),
    sa.Column('created_at', cofatui.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], ),
    sa.ForeignKeyConstraint(['payment_id'], ['premium_payment.id'], ),
    sa.ForeignKeyConstraint(['product_id'], ['product.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('number')
    )
    with op.batch_alter_table('premium_notice', schema=None) as batch_op:
        batch_op.create_index('ix_premium_notice_contract_due', ['contract_id', 'status', 'due_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_premium_notice_payment_id'), ['payment_id'], unique=False)

    op.create_table('cover_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cover_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
    sa.Column('event_date', sa.Date(), nullable=False),
    sa.Column('eur_amount', cofatui.models.types.Money(), nullable=False),
    sa.Column('currency_amount', cofatui.models.types.Money(), nullable=True),
    sa.Column('receivable_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', cofatui.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('recorded_by', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.ForeignKeyConstraint(['cover_id'], ['other_cover.id'], ),
    sa.ForeignKeyConstraint(['receivable_id'], ['covered_receivable.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('cover_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cover_event_cover_id'), ['cover_id'], unique=False)

    op.create_table('premium_notice_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('notice_id', sa.Integer(), nullable=False),
    sa.Column('line_no', sa.Integer(), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('label', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('amount_excl_tax', cofatui.models.types.Money(), nullable=False),
    sa.Column('tax', cofatui.models.types.Money(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=True),
    sa.Column('claim_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['claim_id'], ['claim.id'], ),
    sa.ForeignKeyConstraint(['notice_id'], ['premium_notice.id'], ),
    sa.ForeignKeyConstraint(['product_id'], ['product.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('premium_notice_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_premium_notice_line_notice_id'), ['notice_id'], unique=False)

    # Plain ADD COLUMN (no batch copy): SQLite cannot drop ``claim`` while its invoices
    # point at it with foreign keys on.
    op.add_column("claim", sa.Column("status_on", sa.Date(), nullable=True))
    op.add_column("claim", sa.Column("indemnity_received_on", sa.Date(), nullable=True))
    op.add_column("claim", sa.Column("indemnity_received_eur", cofatui.models.types.Money(),
                                     nullable=True))
    op.add_column("claim", sa.Column("irrecoverable_on", sa.Date(), nullable=True))
    op.add_column("claim", sa.Column("vat_recoverable", sa.Boolean(), nullable=False,
                                     server_default=sa.true()))
    op.add_column("product", sa.Column("premium_currency",
                                       sqlmodel.sql.sqltypes.AutoString(length=3),
                                       nullable=True))

    _immutable_validated_entries()


def downgrade() -> None:
    _drop_immutability()
    with op.batch_alter_table('product', schema=None) as batch_op:
        batch_op.drop_column('premium_currency')

    with op.batch_alter_table('claim', schema=None) as batch_op:
        batch_op.drop_column('vat_recoverable')
        batch_op.drop_column('irrecoverable_on')
        batch_op.drop_column('indemnity_received_eur')
        batch_op.drop_column('indemnity_received_on')
        batch_op.drop_column('status_on')

    with op.batch_alter_table('premium_notice_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_premium_notice_line_notice_id'))

    op.drop_table('premium_notice_line')
    with op.batch_alter_table('cover_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cover_event_cover_id'))

    op.drop_table('cover_event')
    with op.batch_alter_table('premium_notice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_premium_notice_payment_id'))
        batch_op.drop_index('ix_premium_notice_contract_due')

    op.drop_table('premium_notice')
    with op.batch_alter_table('journal_line', schema=None) as batch_op:
        batch_op.drop_index('ix_journal_line_year_account')

    op.drop_table('journal_line')
    with op.batch_alter_table('covered_receivable', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_covered_receivable_cover_id'))

    op.drop_table('covered_receivable')
    op.drop_table('premium_terms')
    with op.batch_alter_table('premium_price', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_premium_price_contract_id'))

    op.drop_table('premium_price')
    with op.batch_alter_table('premium_payment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_premium_payment_contract_id'))

    op.drop_table('premium_payment')
    with op.batch_alter_table('other_cover', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_other_cover_contract_id'))

    op.drop_table('other_cover')
    with op.batch_alter_table('journal_entry', schema=None) as batch_op:
        batch_op.drop_index('ix_journal_entry_year_status')
        batch_op.drop_index('ix_journal_entry_year_date')
        batch_op.drop_index('ix_journal_entry_source')

    op.drop_table('journal_entry')
    op.drop_table('books_contract')
    with op.batch_alter_table('financial_year', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_financial_year_books_id'))

    op.drop_table('financial_year')
    with op.batch_alter_table('accounting_wait', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_accounting_wait_books_id'))

    op.drop_table('accounting_wait')
    with op.batch_alter_table('account_override', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_override_books_id'))

    op.drop_table('account_override')
    op.drop_table('books')


#: The message a refused change carries (``repository.sql`` translates it).
IMMUTABLE = "accounting.validated_entry_immutable"
_GUARDED = ("journal_entry", "journal_line")


def _immutable_validated_entries() -> None:
    """A validated entry or line can be neither updated nor deleted: the Repository has
    no such method, and these triggers refuse a raw UPDATE or DELETE too. Validation
    itself updates rows still ``proposed`` (their OLD status), which passes."""
    if op.get_bind().dialect.name == "sqlite":
        for table in _GUARDED:
            for action in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_validated_{action.lower()} BEFORE {action}"
                    f" ON {table} WHEN OLD.status = 'validated'"
                    f" BEGIN SELECT RAISE(ABORT, '{IMMUTABLE}'); END")
        return
    op.execute(
        "CREATE FUNCTION refuse_validated_change() RETURNS trigger LANGUAGE plpgsql AS $$"
        f" BEGIN RAISE EXCEPTION '{IMMUTABLE}' USING ERRCODE = 'integrity_constraint_violation';"
        " END $$")
    for table in _GUARDED:
        op.execute(
            f"CREATE TRIGGER {table}_validated BEFORE UPDATE OR DELETE ON {table}"
            " FOR EACH ROW WHEN (OLD.status = 'validated')"
            " EXECUTE FUNCTION refuse_validated_change()")


def _drop_immutability() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table in _GUARDED:
            for action in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_validated_{action}")
        return
    for table in _GUARDED:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_validated ON {table}")
    op.execute("DROP FUNCTION IF EXISTS refuse_validated_change()")
