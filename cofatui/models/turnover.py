"""Turnover declarations (issue 17 items 2–3, seed "DÉCLARATION D'ACTIVITÉ OU DE
CHIFFRE D'AFFAIRES"): issued by an underwriter for a contract and a period, filled in
line by line by the policyholder, then sent and frozen."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from cofatui.models.base import money_field, timestamp_field, version_column

_declaration_version = version_column()


class TurnoverDeclaration(SQLModel, table=True):
    __tablename__ = "turnover_declaration"
    __table_args__ = (
        # A contract's declarations by period (the overlap check, the policyholder list).
        Index("ix_turnover_declaration_contract_period", "contract_id", "period_start"),
        # The back office: requests across contracts by status and due date.
        Index("ix_turnover_declaration_status_due", "status", "due_date", "id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id")
    period_start: date
    period_end: date
    label: str = Field(max_length=60)
    #: ``TurnoverBasis`` and ``TurnoverBreakdown``.
    basis: str = Field(max_length=12)
    breakdown: str = Field(max_length=10)
    due_date: date
    #: ``TurnoverStatus``.
    status: str = Field(default="new", max_length=10)
    requested_at: datetime | None = timestamp_field()
    requested_by: str = Field(default="", max_length=80)
    #: The contact in charge (seed "Modifier"): the first editor by default.
    contact_name: str = Field(default="", max_length=120)
    contact_phone: str = Field(default="", max_length=40)
    contact_email: str = Field(default="", max_length=254)
    nothing_to_declare: bool = False
    sent_at: datetime | None = timestamp_field()
    sent_by: str = Field(default="", max_length=80)
    cancelled_at: datetime | None = timestamp_field()
    cancelled_by: str = Field(default="", max_length=80)
    updated_at: datetime | None = timestamp_field()
    version: int = Field(default=1, sa_column=_declaration_version)
    __mapper_args__ = {"version_id_col": _declaration_version}


class TurnoverLine(SQLModel, table=True):
    """One debtor or one country of a declaration. ``amount`` None: not filled yet
    (sent as 0, our choice)."""

    __tablename__ = "turnover_line"
    __table_args__ = (
        # The grid, in order, paged by key: (declaration, sort key, id).
        Index("ix_turnover_line_declaration_sort", "declaration_id", "sort_key", "id"),
        # One line per debtor, or per country, of a declaration.
        Index("uq_turnover_line_company", "declaration_id", "company_id", unique=True),
        Index("uq_turnover_line_country", "declaration_id", "country", "company_id",
              unique=True),
    )
    id: int | None = Field(default=None, primary_key=True)
    declaration_id: int = Field(foreign_key="turnover_declaration.id")
    #: Per debtor: the company (its country too); per country: None.
    company_id: int | None = Field(default=None, foreign_key="company.id")
    country: str = Field(default="", max_length=3)
    #: What the grid sorts and filters by: the company's name, or the country code.
    sort_key: str = Field(default="", max_length=200)
    amount: Decimal | None = money_field()
    currency: str = Field(default="EUR", max_length=3)
    updated_at: datetime | None = timestamp_field()
