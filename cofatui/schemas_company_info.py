"""Public models of company information sent by policyholders (issue 17 item 4), as
``repo.company_info`` returns them on every backend. The rules (fields by form, the
files' kinds and sizes checked by content) live in ``cofatui/rules/company_info.py``
and ``cofatui/rules/attachments.py``."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, Field

from cofatui.enums import (
    CompanyInfoForm,
    CompanyInfoStatus,
    CompanyInfoType,
    NegativeNature,
)
from cofatui.schemas import BodyInt, IsoDate, MultiLineText, Public

DESCRIPTION_MAX = 2000
COMMENT_MAX = 1000
MAX_FILES = 10
MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_TOTAL_BYTES = 50 * 1024 * 1024


class CompanyInfoIn(BaseModel):
    """What the form holds besides its files. Negative information: ``nature``,
    ``event_date``, ``description`` (mandatory), ``amount``/``currency`` optional.
    Transmission: ``info_type``, for accounts ``closing_date`` and ``complete``,
    ``comment``, ``dra_review``, and 1 to 10 files."""

    contract_id: BodyInt
    company_id: BodyInt
    form: CompanyInfoForm
    nature: NegativeNature | None = None
    event_date: IsoDate | None = None
    amount: Decimal | None = None
    currency: str | None = Field(default=None, max_length=3)
    description: MultiLineText = Field(default="", max_length=DESCRIPTION_MAX)
    info_type: CompanyInfoType | None = None
    closing_date: IsoDate | None = None
    complete: bool | None = None
    comment: MultiLineText = Field(default="", max_length=COMMENT_MAX)
    dra_review: bool = False


class UploadedFile(BaseModel):
    """A file as the client sends it (the API: one multipart part)."""

    name: str = Field(max_length=255)
    content: bytes


class CompanyInfoDocument(Public):
    id: int
    filename: str
    content_type: str
    size: int
    sha256: str
    created_at: datetime | None


class CompanyInfoPublic(Public):
    id: int
    contract_id: int
    policy_number: str
    company_id: int
    company_name: str
    easy_number: str
    country: str
    form: CompanyInfoForm
    nature: NegativeNature | None
    event_date: date | None
    amount: Decimal | None
    currency: str | None
    description: str
    info_type: CompanyInfoType | None
    closing_date: date | None
    complete: bool | None
    comment: str
    dra_review: bool
    status: CompanyInfoStatus
    created_at: datetime | None
    created_by: str
    decided_at: datetime | None
    decided_by: str
    decision_comment: str
    documents: list[CompanyInfoDocument] = Field(default_factory=list)
    version: int


class CompanyInfoDecision(BaseModel):
    version: BodyInt
    outcome: CompanyInfoStatus  # analysed, not_compatible or already_known
    comment: MultiLineText = Field(default="", max_length=COMMENT_MAX)


class CompanyInfoFilter(BaseModel):
    """The back-office queue (oldest first) and the policyholder's list."""

    contract_id: int | None = None
    company_id: int | None = None
    country: str | None = Field(default=None, max_length=3)
    form: CompanyInfoForm | None = None
    info_type: CompanyInfoType | None = None
    dra_review: bool | None = None
    status: CompanyInfoStatus | None = None
