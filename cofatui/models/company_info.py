"""Company information sent by a policyholder (issue 17 item 4, seed "ENVOYER DES
INFORMATIONS SUR UNE ENTREPRISE"): a negative information or an information
transmission, its files (``models.document``), and the underwriter's outcome. Never
changed once sent, except by the outcome."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from cofatui.models.base import money_field, timestamp_field, version_column

_submission_version = version_column()


class CompanyInformation(SQLModel, table=True):
    __tablename__ = "company_information"
    __table_args__ = (
        # The back-office queue: oldest first, by status.
        Index("ix_company_information_status_created", "status", "created_at", "id"),
        Index("ix_company_information_contract_created", "contract_id", "created_at"),
        Index("ix_company_information_company", "company_id", "created_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id")
    company_id: int = Field(foreign_key="company.id")
    #: ``CompanyInfoForm``.
    form: str = Field(max_length=12)
    # Negative information.
    nature: str | None = Field(default=None, max_length=10)  # NegativeNature
    event_date: date | None = None
    amount: Decimal | None = money_field()
    currency: str | None = Field(default=None, max_length=3)
    description: str = Field(default="", max_length=2000)
    # Information transmission.
    info_type: str | None = Field(default=None, max_length=30)  # CompanyInfoType
    closing_date: date | None = None
    complete: bool | None = None
    comment: str = Field(default="", max_length=1000)
    dra_review: bool = False
    #: ``CompanyInfoStatus``.
    status: str = Field(default="in_progress", max_length=16)
    created_at: datetime | None = timestamp_field()
    created_by: str = Field(default="", max_length=80)
    decided_at: datetime | None = timestamp_field()
    decided_by: str = Field(default="", max_length=80)
    decision_comment: str = Field(default="", max_length=1000)
    version: int = Field(default=1, sa_column=_submission_version)
    __mapper_args__ = {"version_id_col": _submission_version}
