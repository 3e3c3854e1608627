"""Extensions of due date (prorogations d'échéance) with their invoices and plans."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlmodel import Field, SQLModel

from cofatui.enums import ExtensionStatus
from cofatui.models.base import money_field, timestamp_field, version_column

_extension_version = version_column()


class Extension(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id", index=True)
    company_id: int = Field(foreign_key="company.id", index=True)
    status: str = Field(default=ExtensionStatus.PENDING.value, max_length=20)
    reason: str = Field(default="", max_length=500)
    currency: str = Field(default="EUR", max_length=3)
    comment: str = Field(default="", max_length=2000)
    decided_by: str = Field(default="", max_length=120)
    created_at: datetime | None = timestamp_field()
    decided_at: datetime | None = timestamp_field()
    updated_at: datetime | None = timestamp_field()
    version: int = Field(default=1, sa_column=_extension_version)
    __mapper_args__ = {"version_id_col": _extension_version}


class ExtensionInvoice(SQLModel, table=True):
    __tablename__ = "extension_invoice"
    id: int | None = Field(default=None, primary_key=True)
    extension_id: int = Field(foreign_key="extension.id", index=True)
    number: str = Field(max_length=35)
    invoice_date: date
    due_date: date
    amount: Decimal = money_field(nullable=False)


class ExtensionPlanLine(SQLModel, table=True):
    """A line of the payment plan; ``proposed_by`` tells the policyholder's plan from
    the underwriter's counter-plan."""

    __tablename__ = "extension_plan_line"
    id: int | None = Field(default=None, primary_key=True)
    extension_id: int = Field(foreign_key="extension.id", index=True)
    due_date: date
    amount: Decimal = money_field(nullable=False)
    proposed_by: str = Field(default="policyholder", max_length=20)
