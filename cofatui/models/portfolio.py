"""A contract's portfolio: the companies it holds products on, their custom fields,
and each user's favourites."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from cofatui.models.base import money_field, timestamp_field, version_column

_entry_version = version_column()
_definition_version = version_column()


class PortfolioEntry(SQLModel, table=True):
    """One company in one contract's portfolio, with the three fixed custom fields.

    ``search_text`` is the lowercased "name country easy-number client-reference" that
    the type-as-you-go filters match by substring (FTS5 trigram on SQLite, pg_trgm on
    PostgreSQL); the repository keeps it in step with its sources.
    """

    __tablename__ = "portfolio_entry"
    __table_args__ = (
        UniqueConstraint("contract_id", "company_id"),
        Index("ix_portfolio_entry_contract_updated", "contract_id", "updated_at"),
        Index("ix_portfolio_entry_company", "company_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id")
    company_id: int = Field(foreign_key="company.id")
    client_reference: str = Field(default="", max_length=35)
    outstanding_amount: Decimal | None = money_field()
    internal_credit_limit: Decimal | None = money_field()
    keep_until: date | None = Field(
        default=None, description="set when the last cover is deleted: kept 2 years for claims"
    )
    search_text: str = Field(default="", max_length=400)
    updated_at: datetime | None = timestamp_field()
    version: int = Field(default=1, sa_column=_entry_version)
    __mapper_args__ = {"version_id_col": _entry_version}


class CustomFieldDefinition(SQLModel, table=True):
    """One of the up to five user-defined fields of a contract (slots 1..5)."""

    __tablename__ = "custom_field_definition"
    __table_args__ = (UniqueConstraint("contract_id", "slot"),)
    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id", index=True)
    slot: int
    name: str = Field(max_length=60)
    format: str = Field(default="text", max_length=10)
    # Added by 0016: renames, format changes and deletions carry the version read.
    version: int = Field(default=1, sa_column=_definition_version)
    __mapper_args__ = {"version_id_col": _definition_version}


class CustomFieldValue(SQLModel, table=True):
    __tablename__ = "custom_field_value"
    __table_args__ = (
        UniqueConstraint("entry_id", "definition_id"),
        Index("ix_custom_field_value_def_value", "definition_id", "value"),
    )
    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = Field(foreign_key="portfolio_entry.id")
    definition_id: int = Field(foreign_key="custom_field_definition.id")
    value: str = Field(default="", max_length=200)


class Favourite(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("user_id", "company_id"),)
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    company_id: int = Field(foreign_key="company.id")
