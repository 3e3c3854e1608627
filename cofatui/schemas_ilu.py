"""Public models of ILUs, "demandes d'engagements" (issue 17 item 6), as
``repo.ilus`` returns them on every backend. The rules live in ``cofatui/rules/ilu.py``
and are enforced by the SQL repository."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, Field

from cofatui.enums import IluStatus, PaymentExperience
from cofatui.schemas import BodyInt, IsoDate, MultiLineText, Public

#: Seed "limité à 250 caractères".
COMMENT_MAX = 250
#: Our choice: an ILU is answered within 30 days.
DEFAULT_DEADLINE_DAYS = 30


class IluCreate(BaseModel):
    contract_id: BodyInt
    company_id: BodyInt
    deadline: IsoDate | None = None  # None: today + 30 days
    message: MultiLineText = Field(default="", max_length=1000)


class IluAnswer(BaseModel):
    """``delete_cover`` True: the cover is deleted with the answer, in one transaction;
    False: ``real_need`` (in the cover's currency, at least 0) is mandatory."""

    version: BodyInt
    experience: PaymentExperience
    delete_cover: bool
    real_need: Decimal | None = None
    comment: MultiLineText = Field(default="", max_length=COMMENT_MAX)


class IluPublic(Public):
    id: int
    contract_id: int
    policy_number: str
    company_id: int
    company_name: str
    easy_number: str
    country: str
    product_id: int
    product_code: str
    #: The cover as it stands now (as when issued once the cover is gone).
    cover_amount: Decimal | None
    currency: str
    #: Open past its deadline reads as expired, whether the job stored it yet or not.
    status: IluStatus
    deadline: date
    message: str
    issued_at: datetime | None
    issued_by: str
    experience: PaymentExperience | None
    delete_cover: bool | None
    real_need: Decimal | None
    comment: str
    answered_at: datetime | None
    answered_by: str
    closed_reason: str
    #: A real need above the cover (seed: ask a modification outside the ILU).
    need_above_cover: bool
    version: int
