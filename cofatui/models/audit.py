"""The audit log: who changed what, when, with the before/after of changed fields."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from cofatui.models.base import timestamp_field


class AuditEntry(SQLModel, table=True):
    __tablename__ = "audit_entry"
    __table_args__ = (Index("ix_audit_target", "target_type", "target_id"),)
    id: int | None = Field(default=None, primary_key=True)
    at: datetime | None = timestamp_field(index=True)
    user_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    login: str = Field(default="", max_length=80)
    contract_id: int | None = Field(default=None, index=True)
    operation: str = Field(max_length=60)
    target_type: str = Field(max_length=40)
    target_id: int | None = None
    changes: str = Field(default="{}", description="JSON {field: [before, after]}")


class WapSnapshot(SQLModel, table=True):
    """The WAP of a contract on a day, so the home screen can show its trend."""

    __tablename__ = "wap_snapshot"
    __table_args__ = (Index("ix_wap_snapshot_contract_day", "contract_id", "day", unique=True),)
    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id")
    day: datetime | None = timestamp_field()
    wap: float | None = None
