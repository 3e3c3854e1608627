"""Parameter types shared by the route modules."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query
from pydantic import BaseModel, Field

from cofatui.repository.base import MAX_PAGE

# Database ids are 32-bit on PostgreSQL; larger numbers can only be "not found", and
# refusing them here keeps them away from the drivers.
MAX_ID = 2**31 - 1
MAX_OFFSET = 10**9

ContractId = Annotated[int, Path(ge=1, le=MAX_ID, description="contract id")]
CompanyId = Annotated[int, Path(ge=1, le=MAX_ID, description="company id")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="rows to skip")]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE, description=f"page size (at most {MAX_PAGE})")]
WithTotal = Annotated[bool, Query(description="count the matching rows (false: total is -1, "
                                              "faster on large lists)")]


class Count(BaseModel):
    count: int = Field(description="number of rows counted or changed")
