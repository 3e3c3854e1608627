"""The other covers of seed 002 (issue 20 item 3): prospection insurance (§3) and
exchange insurance (§4), their covered receivables and their events. Their premiums are
premium notices (line roles ``prospection`` and ``exchange``, booked on 6164)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Column, Numeric, UniqueConstraint
from sqlmodel import Field, SQLModel

from cofatui.models.base import money_field, timestamp_field, version_column
from cofatui.models.exchange_rate import RateValue

_cover_version = version_column()


class OtherCover(SQLModel, table=True):
    __tablename__ = "other_cover"
    __table_args__ = (UniqueConstraint("contract_id", "reference", name="ux_other_cover_ref"),)
    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id", index=True)
    kind: str = Field(max_length=12)  # ``CoverKind``
    reference: str = Field(max_length=40)
    currency: str = Field(max_length=3)
    start: date
    end: date
    #: Prospection: the guarantee period ends (1–4 years after ``start``); the
    #: amortisation period then runs to ``amortisation_end``.
    guarantee_end: date | None = None
    amortisation_end: date | None = None
    #: Exchange: 1 EUR = ``guaranteed_rate`` currency, and the share of a loss covered.
    guaranteed_rate: Decimal | None = Field(default=None, sa_column=Column(RateValue(),
                                                                          nullable=True))
    covered_share: Decimal = Field(default=Decimal(100), sa_column=Column(Numeric(5, 2),
                                                                          nullable=False))
    created_at: datetime | None = timestamp_field()
    created_by: str = Field(default="", max_length=80)
    version: int = Field(default=1, sa_column=_cover_version)
    __mapper_args__ = {"version_id_col": _cover_version}


class CoveredReceivable(SQLModel, table=True):
    """A receivable in a foreign currency covered by an exchange cover, booked in EUR at
    ``booked_rate`` (1 EUR = rate currency) on ``booked_on``."""

    __tablename__ = "covered_receivable"
    __table_args__ = (UniqueConstraint("cover_id", "reference",
                                       name="ux_covered_receivable_ref"),)
    id: int | None = Field(default=None, primary_key=True)
    cover_id: int = Field(foreign_key="other_cover.id", index=True)
    reference: str = Field(max_length=40)
    debtor: str = Field(max_length=200)
    #: The debtor's auxiliary account on 411 (client reference, else EasyNumber).
    debtor_aux: str = Field(default="", max_length=40)
    amount: Decimal = money_field(nullable=False)  # in the cover's currency
    booked_rate: Decimal = Field(sa_column=Column(RateValue(), nullable=False))
    booked_on: date
    settled: bool = False


class CoverEvent(SQLModel, table=True):
    """A prospection indemnity, repayment or final balance (EUR through the bank), or an
    exchange settlement of one receivable (currency amount and the EUR received)."""

    __tablename__ = "cover_event"
    id: int | None = Field(default=None, primary_key=True)
    cover_id: int = Field(foreign_key="other_cover.id", index=True)
    kind: str = Field(max_length=24)  # ``CoverEventKind``
    event_date: date
    eur_amount: Decimal = money_field(nullable=False)
    currency_amount: Decimal | None = money_field()
    receivable_id: int | None = Field(default=None, foreign_key="covered_receivable.id")
    recorded_at: datetime | None = timestamp_field()
    recorded_by: str = Field(default="", max_length=80)
