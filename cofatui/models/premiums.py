"""Premiums (issue 20 item 2; the seeds are silent, our choice): a contract's premium
terms and price list, the premium notices the insurer issues (or the policyholder types
in from paper), and the payments that settle them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Column, Index, Numeric, UniqueConstraint
from sqlmodel import Field, SQLModel

from cofatui.enums import NoticeOrigin, NoticeStatus
from cofatui.models.base import money_field, timestamp_field, version_column

_terms_version = version_column()
_notice_version = version_column()


class PremiumTerms(SQLModel, table=True):
    """A contract's premium terms: one row per contract."""

    __tablename__ = "premium_terms"
    contract_id: int = Field(foreign_key="contract.id", primary_key=True)
    #: The first insurance year's first day; later years start on its anniversary.
    year_start: date
    provisional_premium: Decimal = money_field(nullable=False)  # annual
    currency: str = Field(default="EUR", max_length=3)
    instalments: int = 4  # 1, 2, 4 or 12 per year
    #: Rate per mille of insured turnover (the adjustment).
    rate_per_mille: Decimal = Field(sa_column=Column(Numeric(9, 4), nullable=False))
    minimum_premium: Decimal = money_field(nullable=False, default=Decimal(0))  # annual
    updated_at: datetime | None = timestamp_field()
    version: int = Field(default=1, sa_column=_terms_version)
    __mapper_args__ = {"version_id_col": _terms_version}


class PremiumPrice(SQLModel, table=True):
    """The contract's price of a product code: an information product, or ``FEE`` for
    the dispute-intervention fee (SPEC §6: charged extra)."""

    __tablename__ = "premium_price"
    __table_args__ = (UniqueConstraint("contract_id", "code", name="ux_premium_price"),)
    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id", index=True)
    code: str = Field(max_length=20)
    price: Decimal = money_field(nullable=False)  # excluding tax
    currency: str = Field(default="EUR", max_length=3)
    #: VAT rate in percent on this billed service (0: none).
    vat_rate: Decimal = Field(default=Decimal(0), sa_column=Column(Numeric(5, 2),
                                                                   nullable=False))


class PremiumPayment(SQLModel, table=True):
    """A payment settling whole notices of one currency. ``eur_amount`` is what the bank
    debited (or credited, for a refund): given when the currency is not EUR, it also
    records the rate. ``amount`` is the notices' net total in their currency."""

    __tablename__ = "premium_payment"
    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id", index=True)
    paid_on: date
    bank_account: str = Field(max_length=20)  # the account the books book it on
    currency: str = Field(max_length=3)
    amount: Decimal = money_field(nullable=False)  # net: < 0 when refunds outweigh
    eur_amount: Decimal = money_field(nullable=False)
    recorded_at: datetime | None = timestamp_field()
    recorded_by: str = Field(default="", max_length=80)


class PremiumNotice(SQLModel, table=True):
    __tablename__ = "premium_notice"
    __table_args__ = (
        Index("ix_premium_notice_contract_due", "contract_id", "status", "due_date"),
    )
    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=40, unique=True)
    contract_id: int = Field(foreign_key="contract.id")
    kind: str = Field(max_length=12)  # ``NoticeKind``
    origin: str = Field(default=NoticeOrigin.INSURER.value, max_length=10)
    status: str = Field(default=NoticeStatus.ISSUED.value, max_length=10)
    period_start: date
    period_end: date
    issued_on: date
    due_date: date
    currency: str = Field(max_length=3)
    #: Sums of the lines (kept with them): excluding tax, taxes, total to pay.
    amount_excl_tax: Decimal = money_field(nullable=False, default=Decimal(0))
    tax: Decimal = money_field(nullable=False, default=Decimal(0))
    total: Decimal = money_field(nullable=False, default=Decimal(0))
    #: A TopLiner notice: the product bought.
    product_id: int | None = Field(default=None, foreign_key="product.id")
    #: An adjustment: the insured turnover typed in and the insurance year it closes.
    turnover: Decimal | None = money_field()
    payment_id: int | None = Field(default=None, foreign_key="premium_payment.id",
                                   index=True)
    created_at: datetime | None = timestamp_field()
    created_by: str = Field(default="", max_length=80)
    version: int = Field(default=1, sa_column=_notice_version)
    __mapper_args__ = {"version_id_col": _notice_version}


class PremiumNoticeLine(SQLModel, table=True):
    __tablename__ = "premium_notice_line"
    id: int | None = Field(default=None, primary_key=True)
    notice_id: int = Field(foreign_key="premium_notice.id", index=True)
    line_no: int
    role: str = Field(max_length=20)  # ``NoticeLineRole``
    label: str = Field(default="", max_length=200)
    amount_excl_tax: Decimal = money_field(nullable=False)  # < 0 on a refund
    tax: Decimal = money_field(nullable=False, default=Decimal(0))
    #: What the line bills when gathered: a product id (information), a claim id (fee).
    product_id: int | None = Field(default=None, foreign_key="product.id")
    claim_id: int | None = Field(default=None, foreign_key="claim.id")
