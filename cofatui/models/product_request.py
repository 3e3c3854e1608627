"""Requests for a decision on a product (SPEC §5 "Decision lifecycle").

A product row holds the *standing decision* (what covers the buyer now); a request is
what the user asked for on top of it: the first request (``initial``, while the product
has no decision yet), a new amount (``modify``), a transform (``transform``) or a
renewal (``renew``). The request is decided by the rules or an underwriter without
touching the standing decision until it is granted; refused or cancelled, the standing
decision is unchanged. At most one request is pending per product (a partial unique
index, and the repository checks it in the same transaction). Decided requests stay,
with their status, as the request's history.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Index, text
from sqlmodel import Field, SQLModel

from cofatui.models.base import money_field, timestamp_field, version_column

_request_version = version_column()
_PENDING = text("status = 'pending'")


class DecisionRequest(SQLModel, table=True):
    __tablename__ = "product_request"
    __table_args__ = (
        # "The pending requests of a contract, oldest first" (Home, its total).
        Index("ix_product_request_contract_pending", "contract_id", "requested_at", "id",
              sqlite_where=_PENDING, postgresql_where=_PENDING),
        # "Every pending request, oldest first" (the underwriter's queue).
        Index("ix_product_request_pending", "requested_at", "id",
              sqlite_where=_PENDING, postgresql_where=_PENDING),
        # "The pending request of a product": at most one.
        Index("ux_product_request_pending_product", "product_id", unique=True,
              sqlite_where=_PENDING, postgresql_where=_PENDING),
        Index("ix_product_request_product", "product_id", "requested_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    product_id: int = Field(foreign_key="product.id")
    contract_id: int = Field(foreign_key="contract.id")
    company_id: int = Field(foreign_key="company.id")
    kind: str = Field(max_length=20, description="initial | modify | transform | renew")
    status: str = Field(default="pending", max_length=30,
                        description="pending | granted | partially_granted | reduced | "
                                    "refused | cancelled")
    code: str = Field(max_length=20, description="the product's code when asked")
    target_code: str | None = Field(default=None, max_length=20, description="transform")
    requested_amount: Decimal | None = money_field()
    decided_amount: Decimal | None = money_field()
    currency: str = Field(default="EUR", max_length=3)
    duration_days: int | None = Field(default=None, description="TopLiner, renewal")
    requested_at: datetime | None = timestamp_field()
    expected_decision_at: datetime | None = timestamp_field()
    decided_at: datetime | None = timestamp_field()
    requested_by: str = Field(default="", max_length=120)
    decided_by: str = Field(default="", max_length=120, description="login or rule name")
    comment: str = Field(default="", max_length=2000)
    result_product_id: int | None = Field(default=None, foreign_key="product.id",
                                          description="transform: the product it became")
    version: int = Field(default=1, sa_column=_request_version)
    __mapper_args__ = {"version_id_col": _request_version}
