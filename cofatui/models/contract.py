"""Contracts (policies). Their decision tables are in ``models.underwriting``."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Column, Numeric
from sqlmodel import Field, SQLModel

from cofatui.models.base import version_column

_contract_version = version_column()


class Contract(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    policy_number: str = Field(max_length=35, unique=True, index=True)
    policyholder: str = Field(max_length=200)
    currency: str = Field(max_length=3, default="EUR")
    dmc_days: int = Field(default=90, description="Maximum credit duration (DMC), days")
    max_declaration_days: int = Field(
        default=150, description="Max delay to declare a claim, days from invoice date"
    )
    insured_percentage: Decimal = Field(
        default=Decimal("90"), sa_column=Column(Numeric(5, 2), nullable=False)
    )
    products_allowed: str = Field(
        default="CRL,RLI,ECL,CCO,RCO,ROM,RSC,RSM,TOPLINER,REPORT,EXTENSION,CLAIM",
        description="Comma-separated product codes the contract offers",
    )
    option_uninsured_collection: bool = False
    option_globalliance: bool = False
    max_portfolio_companies: int = 100_000
    version: int = Field(default=1, sa_column=_contract_version)
    __mapper_args__ = {"version_id_col": _contract_version}

