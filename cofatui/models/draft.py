"""Work in progress that must survive a crash or a closed terminal (the claim wizard,
an extension form): saved as JSON per user, kind and key."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from cofatui.models.base import timestamp_field


class Draft(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("user_id", "kind", "key"),)
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    kind: str = Field(max_length=30)
    key: str = Field(max_length=80)
    payload: str = Field(default="{}", sa_type=Text)
    updated_at: datetime | None = timestamp_field()
