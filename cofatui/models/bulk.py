"""Bulk orders (issue 14): one row per file imported into a contract, its original
bytes, and one row per order line with its result.

A line's row is written in the same transaction as what the line did, so a stored
result means the line ran (and a line without one never did): a job resumed after a
crash starts again at the lines without a row.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Index, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from cofatui.models.base import money_field, timestamp_field


class BulkImport(SQLModel, table=True):
    __tablename__ = "bulk_import"
    __table_args__ = (
        # The imported files of a contract, newest first (check imports left out).
        Index("ix_bulk_import_contract_check_id", "contract_id", "check", "id"),
        # The repeat guard: was this file already imported into this contract?
        Index("ix_bulk_import_contract_sha", "contract_id", "sha256"),
    )
    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id")
    user_id: int = Field(foreign_key="user.id")
    file_name: str = Field(max_length=255)
    sha256: str = Field(max_length=64)
    size: int = 0
    check: bool = False
    status: str = Field(max_length=24)
    total_lines: int = 0
    ok_lines: int = 0
    error_lines: int = 0
    not_processed_lines: int = 0
    cancelled: bool = False
    refusal_code: str | None = Field(default=None, max_length=40)
    refusal_detail_code: str | None = Field(default=None, max_length=80)
    refusal_params: str = Field(default="{}", sa_type=Text)
    # No foreign key: finished jobs are purged, the import stays.
    job_id: int | None = None
    created_at: datetime | None = timestamp_field()
    finished_at: datetime | None = timestamp_field()


class BulkImportFile(SQLModel, table=True):
    """The original file, apart so that listing imports never reads it."""

    __tablename__ = "bulk_import_file"
    import_id: int = Field(foreign_key="bulk_import.id", primary_key=True)
    content: bytes = Field(sa_type=LargeBinary)


class BulkLine(SQLModel, table=True):
    __tablename__ = "bulk_line"
    __table_args__ = (
        # One result per line: a line can never be run (and stored) twice.
        UniqueConstraint("import_id", "line_no", name="uq_bulk_line_import_line"),
        # The results screen: filtered by status, sorted by code or company, an index
        # range each (the line number breaks ties).
        Index("ix_bulk_line_import_status", "import_id", "status", "line_no"),
        Index("ix_bulk_line_import_code", "import_id", "code", "line_no"),
        Index("ix_bulk_line_import_company", "import_id", "company_name", "line_no"),
    )
    id: int | None = Field(default=None, primary_key=True)
    import_id: int = Field(foreign_key="bulk_import.id")
    line_no: int
    text: str = Field(sa_type=Text)  # as written (a line too long too)
    status: str = Field(max_length=16)
    code: str | None = Field(default=None, max_length=40)
    detail_code: str | None = Field(default=None, max_length=80)
    detail_params: str = Field(default="{}", sa_type=Text)
    field: str | None = Field(default=None, max_length=20)
    # What the line named when it ran (no foreign keys: a result outlives its rows).
    company_id: int | None = None
    company_name: str | None = Field(default=None, max_length=200)
    easy_number: str | None = Field(default=None, max_length=19)
    product: str | None = Field(default=None, max_length=20)
    action: str | None = Field(default=None, max_length=1)
    product_id: int | None = None
    product_status: str | None = Field(default=None, max_length=30)
    expected_decision_at: datetime | None = timestamp_field()
    amount: Decimal | None = money_field()
    currency: str | None = Field(default=None, max_length=3)
