"""Cover and information products on a company under a contract, and their history."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Column, Index, Numeric
from sqlmodel import Field, SQLModel

from cofatui.enums import ProductStatus
from cofatui.models.base import money_field, timestamp_field, version_column

_product_version = version_column()


class Product(SQLModel, table=True):
    __table_args__ = (
        # A contract's products by code and status; with the company and the decided
        # amount, the WAP's sum by company reads the index alone (migration 0038).
        Index("ix_product_contract_code_status_company", "contract_id", "code", "status",
              "company_id", "decided_amount"),
        # The month's information products billed (premiums_issue.services): a range.
        Index("ix_product_contract_code_decided", "contract_id", "code", "decided_at"),
        Index("ix_product_contract_status_updated", "contract_id", "status", "updated_at"),
        Index("ix_product_status_requested", "status", "requested_at"),
        # Home's "ending within N days" of a contract, soonest first, paged.
        Index("ix_product_contract_end", "contract_id", "end_date", "id"),
        # A company's products under a contract from the index alone (exports by
        # company: which product each row shows; migration 0026); and a company's
        # products, by its first column (migration 0040 dropped the index of that alone).
        Index("ix_product_company_contract_code_status", "company_id", "contract_id", "code",
              "status"),
    )
    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id")
    company_id: int = Field(foreign_key="company.id")
    code: str = Field(max_length=20)
    status: str = Field(default=ProductStatus.PENDING.value, max_length=30)
    requested_amount: Decimal | None = money_field()
    decided_amount: Decimal | None = money_field(index=True)
    currency: str = Field(default="EUR", max_length=3)
    requested_at: datetime | None = timestamp_field()
    decided_at: datetime | None = timestamp_field()
    expected_decision_at: datetime | None = timestamp_field()
    effective_date: date | None = None
    end_date: date | None = Field(default=None, index=True)
    guarantor_company_id: int | None = Field(default=None, foreign_key="company.id")
    clause: str = Field(default="", max_length=200)
    comment: str = Field(default="", max_length=2000)
    decided_by: str = Field(default="", max_length=120, description="login or rule name")
    language: str | None = Field(default=None, max_length=2, description="reports")
    duration_days: int | None = Field(default=None, description="TopLiner")
    premium: Decimal | None = money_field()
    #: The TopLiner premium's billed currency (seed 001 "la devise facturée"): the
    #: cover's currency unless the tariff bills another. Its notice is in it.
    premium_currency: str | None = Field(default=None, max_length=3)
    quote_valid_until: date | None = None
    monitored: bool = False
    # What the decision delivers (SPEC §5): an Express agreement's insured percentage, a
    # DRA flash / monitoring's DRA and its date, an @rating opinion's amount.
    insured_percentage: Decimal | None = Field(
        default=None, sa_column=Column(Numeric(5, 2), nullable=True))
    delivered_dra: int | None = None
    delivered_dra_on: date | None = None
    opinion_amount: Decimal | None = money_field()
    updated_at: datetime | None = timestamp_field()
    version: int = Field(default=1, sa_column=_product_version)
    __mapper_args__ = {"version_id_col": _product_version}


class ProductEvent(SQLModel, table=True):
    """One line of a product's history: every request, decision and change."""

    __tablename__ = "product_event"
    id: int | None = Field(default=None, primary_key=True)
    product_id: int = Field(foreign_key="product.id", index=True)
    at: datetime | None = timestamp_field()
    action: str = Field(max_length=30)
    status: str = Field(max_length=30)
    amount: Decimal | None = money_field()
    comment: str = Field(default="", max_length=2000)
    actor: str = Field(default="", max_length=120)
