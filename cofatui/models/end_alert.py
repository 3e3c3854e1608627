"""The TopLiner end alerts already raised: one row per product and day.

The unique key is what makes raising the alerts idempotent: whoever raises them first
on a day (the TUI at start, the API server serving the home data, another user)
inserts the row with the notification; everyone else that day finds it and adds
nothing, concurrent transactions included.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel


class EndAlert(SQLModel, table=True):
    __tablename__ = "end_alert"
    __table_args__ = (UniqueConstraint("product_id", "day", name="uq_end_alert_product_day"),)
    id: int | None = Field(default=None, primary_key=True)
    product_id: int = Field(foreign_key="product.id")
    day: date
