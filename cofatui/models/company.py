"""The insurer's worldwide company database."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from cofatui.enums import Establishment
from cofatui.models.base import timestamp_field, version_column

_company_version = version_column()


class Company(SQLModel, table=True):
    __table_args__ = (
        Index("ix_company_country_name", "country", "name_key"),
        Index("ix_company_head_office", "head_office_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    name_key: str = Field(max_length=200, description="casefolded name for prefix search")
    name_local: str | None = Field(default=None, max_length=200)
    address: str = Field(default="", max_length=300)
    postal_code: str = Field(default="", max_length=20)
    city: str = Field(default="", max_length=100)
    # The address in the company's own script (issue 16 item 9: "non-Latin names").
    address_local: str | None = Field(default=None, max_length=300)
    city_local: str | None = Field(default=None, max_length=100)
    region: str = Field(default="", max_length=100)
    country: str = Field(max_length=3, index=True)
    easy_number: str = Field(max_length=19, unique=True, index=True)
    coface_reference: str | None = Field(default=None, max_length=9, index=True)
    establishment: str = Field(default=Establishment.HEAD_OFFICE.value, max_length=20)
    head_office_id: int | None = Field(default=None, foreign_key="company.id")
    phone: str = Field(default="", max_length=40)
    dra: int | None = Field(default=None, description="0 (defaulted) .. 10 (best)")
    dra_updated_at: datetime | None = timestamp_field()
    source: str = Field(default="insurer", max_length=20, description="insurer|partner|user")
    updated_at: datetime | None = timestamp_field()
    version: int = Field(default=1, sa_column=_company_version)
    __mapper_args__ = {"version_id_col": _company_version}


class LegalIdentifier(SQLModel, table=True):
    __tablename__ = "legal_identifier"
    __table_args__ = (Index("ix_legal_identifier_type_value", "type_code", "value"),)
    id: int | None = Field(default=None, primary_key=True)
    company_id: int = Field(foreign_key="company.id", index=True)
    type_code: str = Field(max_length=20)
    value: str = Field(max_length=40)
