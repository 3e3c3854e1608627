"""Claims (declarations of unpaid invoices on a debtor): declarations, invoice and
payment lines with allocations, attachments and the indemnity kept by the handler."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Index, text
from sqlmodel import Field, SQLModel

from cofatui.enums import ClaimStatus, Collector
from cofatui.models.base import money_field, timestamp_field, version_column

_claim_version = version_column()
#: The claims handler's queue shows these unless a status is chosen (rules.claims).
_QUEUE_OPEN = text("status IN ('pending', 'accepted', 'rejected')")


class Claim(SQLModel, table=True):
    __table_args__ = (
        Index("ix_claim_contract_updated", "contract_id", "updated_at"),
        Index("ix_claim_company", "company_id"),
        Index("ix_claim_status_submitted", "status", "submitted_at"),
        # The claims portfolio: a debtor's newer claim, and the count of debtors.
        Index("ix_claim_contract_company", "contract_id", "company_id", "status"),
        # The claims handler's queue: open claims, oldest submission first.
        Index("ix_claim_open_queue", "submitted_at", "id", sqlite_where=_QUEUE_OPEN,
              postgresql_where=_QUEUE_OPEN),
    )
    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id")
    company_id: int = Field(foreign_key="company.id")
    reference: str | None = Field(default=None, max_length=30, unique=True)
    own_reference: str = Field(default="", max_length=35)
    status: str = Field(default=ClaimStatus.DRAFT.value, max_length=20)
    insured: bool = True
    reason: str = Field(default="", max_length=30)
    intervention_requested: bool = False
    collector: str = Field(default=Collector.NONE.value, max_length=20)
    billing_address: str = Field(default="", max_length=300)
    billing_postal_code: str = Field(default="", max_length=20)
    billing_city: str = Field(default="", max_length=100)
    billing_country: str = Field(default="", max_length=3)
    invoicing_partner: str = Field(default="", max_length=200)
    currency: str = Field(default="EUR", max_length=3)
    claim_amount: Decimal | None = money_field()
    covered_amount: Decimal | None = money_field()
    calculated_indemnity: Decimal | None = money_field()
    indemnity_date: date | None = None
    conditions_used: str = Field(default="", max_length=500)
    # Accounting (issue 20 item 5): the day the status last changed (a cancellation is
    # booked then), the indemnity as the bank credited it, a closed claim declared
    # irrecoverable, and whether the VAT of a write-off is recovered (art. 272 CGI: the
    # accountant's judgement, on by default).
    status_on: date | None = None
    indemnity_received_on: date | None = None
    indemnity_received_eur: Decimal | None = money_field()
    irrecoverable_on: date | None = None
    vat_recoverable: bool = True
    created_at: datetime | None = timestamp_field()
    submitted_at: datetime | None = timestamp_field()
    updated_at: datetime | None = timestamp_field()
    created_by: str = Field(default="", max_length=80)
    version: int = Field(default=1, sa_column=_claim_version)
    __mapper_args__ = {"version_id_col": _claim_version}


class ClaimDebtor(SQLModel, table=True):
    """The claims portfolio's rows, kept beside the claims: one per debtor of a contract
    with a registered (not draft) claim, naming its latest claim (the highest id), how
    many it has had, the latest claim's ``updated_at`` (the portfolio's order) and the
    lowercased "name, latest reference, EasyNumber" that the type-as-you-go filter
    matches by substring (FTS5 trigram on SQLite, pg_trgm on PostgreSQL).

    The repository writes it in the transaction that writes the claim
    (``repository.sql.latest_claims``); bulk loads rebuild it. What the rows show
    (status, amounts, names) is read from the claim and the company, never copied."""

    __tablename__ = "claim_debtor"
    __table_args__ = (
        Index("ux_claim_debtor_company", "contract_id", "company_id", unique=True),
        # Newest first, and what a page needs to find its claims without the table.
        Index("ix_claim_debtor_order", "contract_id", "updated_at", "claim_id", "company_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id")
    company_id: int = Field(foreign_key="company.id")
    claim_id: int = Field(foreign_key="claim.id")
    claims: int = 1
    updated_at: datetime | None = timestamp_field()
    search_text: str = Field(default="", max_length=400)


class ClaimDebtorCount(SQLModel, table=True):
    """How many ``claim_debtor`` rows a contract has: the claims portfolio's total
    without counting tens of thousands of rows on every page. Kept with them."""

    __tablename__ = "claim_debtor_count"
    contract_id: int = Field(foreign_key="contract.id", primary_key=True)
    debtors: int = 0


class ClaimDeclaration(SQLModel, table=True):
    """The initial declaration or one additional declaration; immutable once submitted."""

    __tablename__ = "claim_declaration"
    id: int | None = Field(default=None, primary_key=True)
    claim_id: int = Field(foreign_key="claim.id", index=True)
    kind: str = Field(max_length=12)
    submitted_at: datetime | None = timestamp_field()
    submitted_by: str = Field(default="", max_length=80)
    intervention_requested: bool = False
    contact_name: str = Field(default="", max_length=120)
    contact_email: str = Field(default="", max_length=200)
    contact_phone: str = Field(default="", max_length=40)
    alt_contact_name: str = Field(default="", max_length=120)
    alt_contact_email: str = Field(default="", max_length=200)
    alt_contact_phone: str = Field(default="", max_length=40)
    comments: str = Field(default="", max_length=900)


class ClaimInvoice(SQLModel, table=True):
    __tablename__ = "claim_invoice"
    id: int | None = Field(default=None, primary_key=True)
    claim_id: int = Field(foreign_key="claim.id", index=True)
    declaration_id: int = Field(foreign_key="claim_declaration.id", index=True)
    type: str = Field(max_length=3)
    number: str = Field(max_length=35)
    invoice_date: date
    due_date: date
    currency: str = Field(max_length=3)
    amount_excl_tax: Decimal = money_field(nullable=False)
    tax: Decimal = money_field(nullable=False, default=Decimal(0))
    validated: bool = False


class ClaimPayment(SQLModel, table=True):
    __tablename__ = "claim_payment"
    id: int | None = Field(default=None, primary_key=True)
    claim_id: int = Field(foreign_key="claim.id", index=True)
    declaration_id: int = Field(foreign_key="claim_declaration.id", index=True)
    type: str = Field(max_length=2)
    invoice_references: str = Field(default="", max_length=500)
    payment_date: date
    currency: str = Field(max_length=3)
    amount: Decimal = money_field(nullable=False)
    validated: bool = False


class PaymentAllocation(SQLModel, table=True):
    __tablename__ = "payment_allocation"
    id: int | None = Field(default=None, primary_key=True)
    payment_id: int = Field(foreign_key="claim_payment.id", index=True)
    invoice_id: int = Field(foreign_key="claim_invoice.id", index=True)
    amount: Decimal = money_field(nullable=False)
