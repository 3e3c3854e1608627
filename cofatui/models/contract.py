"""Contracts (policies). Their decision tables are in ``models.underwriting``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import Column, Numeric, event, insert, select, update
from sqlmodel import Field, SQLModel

from cofatui.models.base import version_column
from cofatui.models.identity import Organisation

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
    #: How turnover is declared under the contract (issue 17 item 2, seed "selon vos
    #: conditions contractuelles"): ``TurnoverBasis`` and ``TurnoverBreakdown``, the
    #: defaults of a new request.
    turnover_basis: str = Field(default="sales", max_length=12)
    turnover_breakdown: str = Field(default="debtor", max_length=10)
    #: The policyholder organisation (issue 16 item 1); set on insert when left None.
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id",
                                        index=True)
    version: int = Field(default=1, sa_column=_contract_version)
    __mapper_args__ = {"version_id_col": _contract_version}



_ORG = Organisation.__table__  # type: ignore[attr-defined]


@event.listens_for(Contract, "before_insert")
def _join_organisation(_mapper: Any, connection: Any, target: Contract) -> None:
    """A contract inserted without an organisation joins the one named like its
    policyholder, created when missing (as migration 0018 did for existing ones)."""
    if target.organisation_id is not None:
        return
    found = connection.execute(select(_ORG.c.id).where(_ORG.c.name == target.policyholder)
                               .order_by(_ORG.c.id).limit(1)).scalar()
    if found is None:
        found = connection.execute(insert(_ORG).values(name=target.policyholder)
                                   ).inserted_primary_key[0]
    target.organisation_id = found


def _user_joins_organisation(_mapper: Any, connection: Any, target: Any) -> None:
    """A user (not insurer staff) attached while in no organisation joins the
    contract's."""
    from cofatui.models.user import User

    users = User.__table__  # type: ignore[attr-defined]
    contracts = Contract.__table__  # type: ignore[attr-defined]
    connection.execute(
        update(users).where(users.c.id == target.user_id, users.c.organisation_id.is_(None),
                            users.c.role != "underwriter")
        .values(organisation_id=select(contracts.c.organisation_id)
                .where(contracts.c.id == target.contract_id).scalar_subquery()))


def _listen_user_contract() -> None:
    from cofatui.models.user import UserContract

    event.listen(UserContract, "after_insert", _user_joins_organisation)


_listen_user_contract()
