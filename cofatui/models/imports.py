"""Stored results of file imports: one row per file imported, one per line read."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Text
from sqlmodel import Field, SQLModel

from cofatui.models.base import timestamp_field


class ImportResult(SQLModel, table=True):
    __tablename__ = "import_result"
    __table_args__ = (Index("ix_import_result_user_created", "user_id", "created_at"),)
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=40)
    file_name: str = Field(max_length=255)
    user_id: int = Field(foreign_key="user.id")
    mode: str = Field(max_length=16)
    status: str = Field(max_length=24)
    total_lines: int = 0
    ok_lines: int = 0
    error_lines: int = 0
    refusal_code: str = Field(default="", max_length=40)
    refusal: str = Field(default="", max_length=1000)
    created_at: datetime | None = timestamp_field()


class ImportLine(SQLModel, table=True):
    __tablename__ = "import_line"
    __table_args__ = (
        # Errors first, then by line: the results screen's order, an index range.
        Index("ix_import_line_result_status", "import_id", "status", "line_no"),
    )
    id: int | None = Field(default=None, primary_key=True)
    import_id: int = Field(foreign_key="import_result.id")
    line_no: int
    status: str = Field(max_length=12)
    code: str = Field(default="", max_length=40)
    message: str = Field(default="", max_length=1000)
    params: str = Field(default="{}", sa_type=Text)
