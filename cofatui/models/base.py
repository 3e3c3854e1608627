"""Column helpers shared by the table modules."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, Integer
from sqlmodel import Field

from cofatui.models.types import Money, UTCDateTime


def money_field(*, nullable: bool = True, index: bool = False, default: Any = None) -> Any:
    return Field(default=default, sa_column=Column(Money(), nullable=nullable, index=index))


def timestamp_field(*, nullable: bool = True, index: bool = False, default: Any = None) -> Any:
    return Field(default=default, sa_column=Column(UTCDateTime(), nullable=nullable, index=index))


def version_column() -> Column[int]:
    """A fresh optimistic-concurrency column. Use it as the table's ``version`` field *and*
    as ``__mapper_args__ = {"version_id_col": col}``: SQLAlchemy then adds
    ``WHERE version = :old`` to every UPDATE, so two writers can never both win."""
    return Column("version", Integer, nullable=False, default=1)
