"""A contract's decision tables (SPEC §4: the automatic rules are data, per contract).

What each column means, and how the tables decide, is documented once, in
``cofatui.rules.underwriting``; these are only their rows.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Column, Index, Numeric
from sqlmodel import Field, SQLModel

from cofatui.models.base import money_field


class UnderwritingRule(SQLModel, table=True):
    """One rule: conditions on the request and the buyer, and the decision it makes.
    Tried by ascending ``priority``; the first that applies decides."""

    __tablename__ = "underwriting_rule"
    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id", index=True)
    product_code: str = Field(max_length=20, description="a product code; REPORT: every report")
    priority: int = 100
    # Conditions (None / empty: not looked at).
    min_dra: int | None = Field(default=0, description="a DRA bound never holds on an "
                                                       "unknown DRA")
    max_dra: int | None = None
    max_amount: Decimal | None = money_field()
    countries: str = Field(default="", max_length=200,
                           description="ISO alpha-3 codes, comma-separated")
    with_unpaid: bool = Field(default=False, description="only when the buyer has unpaid "
                                                         "invoices declared")
    # Outcome.
    decision: str = Field(default="granted", max_length=30, description="granted | refused")
    amount_from: str = Field(default="requested", max_length=20,
                             description="requested | dra_band | fixed | none")
    amount: Decimal | None = money_field()
    insured_percentage: Decimal | None = Field(
        default=None, sa_column=Column(Numeric(5, 2), nullable=True))
    reason: str = Field(default="", max_length=500, description="the comment of a refusal")
    response_hours: int = 48
    name: str = Field(default="", max_length=100)


class DraBand(SQLModel, table=True):
    """A DRA range of the contract's grid: the @rating amount (cover and opinions) and
    the TopLiner tariff (yearly rate in percent, minimum premium) of that range."""

    __tablename__ = "dra_band"
    __table_args__ = (Index("ix_dra_band_contract", "contract_id", "min_dra"),)
    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id")
    min_dra: int
    max_dra: int
    rating_amount: Decimal | None = money_field()
    topliner_rate: Decimal | None = Field(
        default=None, sa_column=Column(Numeric(6, 3), nullable=True))
    topliner_min_premium: Decimal = money_field(nullable=False, default=Decimal(0))


__all__ = ["DraBand", "UnderwritingRule"]
