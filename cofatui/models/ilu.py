"""ILU, "demande d'engagements" (issue 17 item 6): the insurer asks the real cover need
on one buyer; the policyholder answers once, or the ILU expires."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Index, text
from sqlmodel import Field, SQLModel

from cofatui.models.base import money_field, timestamp_field, version_column

_ilu_version = version_column()


class Ilu(SQLModel, table=True):
    __table_args__ = (
        Index("ix_ilu_contract_status", "contract_id", "status", "deadline", "id"),
        Index("ix_ilu_company", "company_id", "issued_at"),
        # At most one open ILU per contract and company, whatever races.
        Index("uq_ilu_open", "contract_id", "company_id", unique=True,
              sqlite_where=text("status = 'open'"),
              postgresql_where=text("status = 'open'")),
    )
    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id")
    company_id: int = Field(foreign_key="company.id")
    #: The cover asked about, and what it was when the ILU was issued.
    product_id: int = Field(foreign_key="product.id")
    product_code: str = Field(max_length=20)
    cover_amount: Decimal | None = money_field()
    currency: str = Field(max_length=3)
    #: ``IluStatus``. An open ILU past its deadline reads as expired even before the
    #: expiry job stores it.
    status: str = Field(default="open", max_length=10)
    deadline: date
    message: str = Field(default="", max_length=1000)
    issued_at: datetime | None = timestamp_field()
    issued_by: str = Field(default="", max_length=80)
    # The answer.
    experience: str | None = Field(default=None, max_length=14)  # PaymentExperience
    delete_cover: bool | None = None
    real_need: Decimal | None = money_field()
    comment: str = Field(default="", max_length=250)
    answered_at: datetime | None = timestamp_field()
    answered_by: str = Field(default="", max_length=80)
    #: Why it closed without an answer (e.g. "cover_deleted"), and when.
    closed_reason: str = Field(default="", max_length=30)
    closed_at: datetime | None = timestamp_field()
    version: int = Field(default=1, sa_column=_ilu_version)
    __mapper_args__ = {"version_id_col": _ilu_version}
