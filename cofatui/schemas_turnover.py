"""Public models of turnover declarations (issue 17 items 2–3), as
``repo.turnover`` returns them on every backend.

Shapes (lengths, list sizes) are declared here so the API refuses them before the
repository; the rules (one request per overlapping period, frozen once sent, amounts
at least 0 with at most 2 decimals, "nothing to declare" only with no amount) live in
``cofatui/rules/turnover.py`` and are enforced by the SQL repository.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, Field

from cofatui.enums import TurnoverBasis, TurnoverBreakdown, TurnoverStatus
from cofatui.schemas import BodyInt, CurrencyAmount, IsoDate, Public

LABEL_MAX = 60
#: Our choice: due 30 days after the period's end; reminders at due − 7, due, due + 15.
DEFAULT_DUE_DAYS = 30
DEFAULT_REMINDER_OFFSETS: tuple[int, ...] = (-7, 0, 15)
#: The grid's page (issue 17: "page 3/9" of 50 lines).
GRID_PAGE = 50
#: At most this many lines in one save (a client saves the lines it changed).
MAX_LINES_PER_SAVE = 10_000


class TurnoverRequestIn(BaseModel):
    """An underwriter's request. ``basis``/``breakdown`` None: the contract's terms;
    ``due_date`` None: period end + 30 days; ``reminders`` None: due − 7, due, due + 15
    (each a date, at most 3, none before today)."""

    contract_id: BodyInt
    period_start: IsoDate
    period_end: IsoDate
    label: str = Field(default="", max_length=LABEL_MAX)
    basis: TurnoverBasis | None = None
    breakdown: TurnoverBreakdown | None = None
    due_date: IsoDate | None = None
    reminders: list[IsoDate] | None = Field(default=None, max_length=3)


class TurnoverContact(BaseModel):
    """The contact in charge of the declaration (seed "Modifier")."""

    name: str = Field(max_length=120)
    phone: str = Field(default="", max_length=40)
    email: str = Field(default="", max_length=254)


class TurnoverDeclarationPublic(Public):
    id: int
    contract_id: int
    policy_number: str
    period_start: date
    period_end: date
    label: str
    basis: TurnoverBasis
    breakdown: TurnoverBreakdown
    due_date: date
    #: Days past the due date while not sent (0 when not late).
    days_late: int
    status: TurnoverStatus
    requested_at: datetime | None
    requested_by: str
    contact: TurnoverContact
    nothing_to_declare: bool
    sent_at: datetime | None
    sent_by: str
    cancelled_at: datetime | None
    #: The contract's main currency (the default of a new line).
    currency: str
    line_count: int
    filled_count: int
    #: The declared amounts, per currency (never added across currencies).
    totals: list[CurrencyAmount]
    #: The notification that issued it (the seed's only way in).
    notification_id: int | None
    version: int


class TurnoverLinePublic(Public):
    """One line of the grid: a debtor (``company_id`` set) or a country."""

    id: int
    company_id: int | None
    easy_number: str
    company_name: str
    country: str
    amount: Decimal | None
    currency: str
    #: On an outstanding basis: the buyer's "total outstanding" custom field (None
    #: otherwise, or when not filled).
    outstanding: Decimal | None = None


class TurnoverLineIn(BaseModel):
    """Upsert one line, named by exactly one of ``company_id``, ``easy_number`` (per
    debtor) or ``country`` (per country). ``amount`` None clears it."""

    company_id: BodyInt | None = None
    easy_number: str | None = Field(default=None, max_length=20)
    country: str | None = Field(default=None, max_length=3)
    amount: Decimal | None = None
    currency: str | None = Field(default=None, max_length=3)


class TurnoverUpdate(BaseModel):
    version: BodyInt
    contact: TurnoverContact | None = None
    nothing_to_declare: bool = False
    lines: list[TurnoverLineIn] = Field(default_factory=list, max_length=MAX_LINES_PER_SAVE)


class TurnoverFilter(BaseModel):
    """The back office's list across contracts."""

    contract_id: int | None = None
    status: TurnoverStatus | None = None
    late_only: bool = False
