"""One page of a query and the count of its rows: the lists of jobs, imports, mail."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session


def paged(s: Session, query: Select[Any], offset: int, limit: int) -> tuple[int, list[Any]]:
    """(rows matching ``query``, the entities of the window asked for, at most 500)."""
    total = s.execute(select(func.count()).select_from(query.order_by(None).subquery())
                      ).scalar_one()
    rows = list(s.execute(query.offset(max(0, offset)).limit(max(1, min(limit, 500))))
                .scalars())
    return total, rows
