"""Public models of the insurance sub-ledger (issue 20, SPEC §10), as ``repo.books``,
``repo.premiums``, ``repo.covers``, ``repo.claim_accounting`` and ``repo.ledger``
return and accept them on every backend.

Amounts are ``Decimal`` with their currency beside them; every journal amount is EUR.
The books are the *insurance sub-ledger*, not the whole accounts: the FEC they export
is for the accountant to import into the general ledger.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from cofatui.enums import (
    AccountingEventKind,
    CoverEventKind,
    CoverKind,
    EntryStatus,
    Journal,
    NoticeKind,
    NoticeLineRole,
    NoticeOrigin,
    NoticeStatus,
    YearStatus,
)
from cofatui.schemas import BodyInt, IsoDate, Public, RateValue

#: Lines of a notice typed in (a paper notice has a handful).
NOTICE_MAX_LINES = 50
#: Notices one payment settles.
PAYMENT_MAX_NOTICES = 200
#: A journal or ledger window.
WINDOW_MAX = 500


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- books and financial years ----------------------------------------------------------


class FinancialYearPublic(Public):
    id: int
    books_id: int
    start: date
    end: date
    status: YearStatus
    chart: str  # ``ChartVersion``
    validated_until: date | None
    last_number: int
    closed_at: datetime | None
    version: int


class BooksPublic(Public):
    id: int
    siren: str
    name: str
    bank_account: str
    bank_label: str
    contract_ids: list[int]
    policy_numbers: list[str]
    years: list[FinancialYearPublic]  # oldest first
    version: int


class BooksCreate(_Input):
    """Set up the books of one policyholder legal entity (a contract administrator of
    every contract named). The first financial year is created with them."""

    siren: str = Field(max_length=20)  # checked with stdnum.fr.siren
    name: str = Field(min_length=1, max_length=200)
    contract_ids: list[BodyInt] = Field(min_length=1, max_length=100)
    bank_account: str = Field(default="512", max_length=20)
    bank_label: str = Field(default="Banque", max_length=100)
    first_year_start: IsoDate
    first_year_end: IsoDate


class BooksUpdate(_Input):
    name: str = Field(min_length=1, max_length=200)
    bank_account: str = Field(max_length=20)
    bank_label: str = Field(max_length=100)
    contract_ids: list[BodyInt] = Field(min_length=1, max_length=100)
    version: BodyInt


class FinancialYearCreate(_Input):
    """The next year: it starts the day after the last one ends (1 to 23 months)."""

    books_id: BodyInt
    end: IsoDate


class AccountOverrideSet(_Input):
    """Use ``number`` (and ``label``) instead of the mapping's ``account`` in these
    books; an empty ``number`` removes the override. Audited; rewrites proposed
    entries only."""

    books_id: BodyInt
    account: str = Field(max_length=20)
    number: str = Field(default="", max_length=20)
    label: str = Field(default="", max_length=100)


class AccountPublic(Public):
    """An account as a set of books uses it: the mapping's number and label, the
    override if any, and where the rule comes from (seed 002 §n, a regulation, "our
    choice")."""

    account: str
    label: str
    number: str  # = account unless overridden
    number_label: str
    source: str


# --- premiums ---------------------------------------------------------------------------


class PremiumTermsPublic(Public):
    contract_id: int
    year_start: date
    provisional_premium: Decimal
    currency: str
    instalments: int
    rate_per_mille: Decimal
    minimum_premium: Decimal
    version: int


class PremiumTermsSet(_Input):
    """Insurer staff set a contract's premium terms. ``version``: None to create."""

    contract_id: BodyInt
    year_start: IsoDate
    provisional_premium: Decimal
    currency: str = Field(default="EUR", max_length=3)
    instalments: BodyInt = 4  # 1, 2, 4 or 12
    rate_per_mille: RateValue
    minimum_premium: Decimal = Decimal(0)
    version: BodyInt | None = None


class PremiumPricePublic(Public):
    id: int
    contract_id: int
    code: str
    price: Decimal
    currency: str
    vat_rate: Decimal


class PremiumPriceSet(_Input):
    """The price of a product code (an information product, or ``FEE`` for the
    dispute-intervention fee); a zero price removes it from the list."""

    contract_id: BodyInt
    code: str = Field(max_length=20)
    price: Decimal
    currency: str = Field(default="EUR", max_length=3)
    vat_rate: Decimal = Decimal(0)


class NoticeLineIn(_Input):
    role: NoticeLineRole
    label: str = Field(default="", max_length=200)
    amount_excl_tax: Decimal
    tax: Decimal = Decimal(0)


class NoticeLinePublic(Public):
    line_no: int
    role: NoticeLineRole
    label: str
    amount_excl_tax: Decimal
    tax: Decimal
    product_id: int | None
    claim_id: int | None


class NoticePublic(Public):
    id: int
    number: str
    contract_id: int
    policy_number: str
    kind: NoticeKind
    origin: NoticeOrigin
    status: NoticeStatus
    period_start: date
    period_end: date
    issued_on: date
    due_date: date
    currency: str
    amount_excl_tax: Decimal
    tax: Decimal
    total: Decimal  # < 0: a refund
    product_id: int | None
    turnover: Decimal | None
    payment_id: int | None
    paid_on: date | None
    lines: list[NoticeLinePublic]
    version: int


class NoticeCreate(_Input):
    """A manual notice issued by insurer staff (``number`` left empty: numbered by
    cofatui), or one received on paper and typed in by the policyholder (``number`` as
    printed)."""

    contract_id: BodyInt
    number: str = Field(default="", max_length=40)
    period_start: IsoDate
    period_end: IsoDate
    due_date: IsoDate
    currency: str = Field(default="EUR", max_length=3)
    lines: list[NoticeLineIn] = Field(min_length=1, max_length=NOTICE_MAX_LINES)


class NoticeSchedule(_Input):
    """Issue the provisional instalments of the insurance year starting on
    ``year_start`` (an anniversary of the terms' start): ``instalments`` notices that
    add up to the annual provisional premium exactly (the last takes the cents)."""

    contract_id: BodyInt
    year_start: IsoDate


class NoticeAdjustment(_Input):
    """The adjustment of a past insurance year: max(rate × turnover, minimum) − the
    provisional premiums issued for it. Negative: a refund."""

    contract_id: BodyInt
    year_start: IsoDate
    turnover: Decimal


class ServicesBilling(_Input):
    """Gather the information products delivered and the intervention fees of one month
    into one notice per contract and currency (none when nothing was delivered; the
    same month twice adds nothing)."""

    contract_id: BodyInt
    month: IsoDate  # any day of the month


class NoticeFilter(_Input):
    contract_id: BodyInt | None = None
    status: NoticeStatus | None = None
    kind: NoticeKind | None = None
    text: str = Field(default="", max_length=100)


class PaymentCreate(_Input):
    """Whole notices of one contract and one currency settled together.
    ``eur_amount``: what the bank debited (credited for a net refund), required when
    the currency is not EUR, absent (the total) when it is."""

    contract_id: BodyInt
    paid_on: IsoDate
    notice_ids: list[BodyInt] = Field(min_length=1, max_length=PAYMENT_MAX_NOTICES)
    bank_account: str = Field(default="", max_length=20)  # empty: the books'
    eur_amount: Decimal | None = None


class PaymentPublic(Public):
    id: int
    contract_id: int
    paid_on: date
    bank_account: str
    currency: str
    amount: Decimal
    eur_amount: Decimal
    notice_numbers: list[str]


# --- other covers -----------------------------------------------------------------------


class CoverCreate(_Input):
    contract_id: BodyInt
    kind: CoverKind
    reference: str = Field(min_length=1, max_length=40)
    currency: str = Field(max_length=3)
    start: IsoDate
    end: IsoDate
    #: Prospection: 1 to 4 years after ``start``; the amortisation then runs to
    #: ``amortisation_end``.
    guarantee_end: IsoDate | None = None
    amortisation_end: IsoDate | None = None
    #: Exchange: 1 EUR = rate currency, and the share of a loss covered (percent).
    guaranteed_rate: RateValue | None = None
    covered_share: Decimal = Decimal(100)


class CoverPublic(Public):
    id: int
    contract_id: int
    policy_number: str
    kind: CoverKind
    reference: str
    currency: str
    start: date
    end: date
    guarantee_end: date | None
    amortisation_end: date | None
    guaranteed_rate: Decimal | None
    covered_share: Decimal
    #: Prospection: indemnities received less repayments and final balance (EUR): what
    #: 168 holds for this cover.
    outstanding: Decimal
    version: int


class ReceivableCreate(_Input):
    cover_id: BodyInt
    reference: str = Field(min_length=1, max_length=40)
    debtor: str = Field(min_length=1, max_length=200)
    debtor_aux: str = Field(default="", max_length=40)
    amount: Decimal
    booked_rate: RateValue
    booked_on: IsoDate


class ReceivablePublic(Public):
    id: int
    cover_id: int
    reference: str
    debtor: str
    debtor_aux: str
    amount: Decimal
    booked_rate: Decimal
    booked_on: date
    settled: bool


class CoverEventCreate(_Input):
    """Prospection: ``eur_amount`` through the bank (the final balance: what 168 still
    holds, refused before the amortisation ends). Exchange settlement: the receivable,
    the currency amount and the EUR received."""

    cover_id: BodyInt
    kind: CoverEventKind
    event_date: IsoDate
    eur_amount: Decimal
    currency_amount: Decimal | None = None
    receivable_id: BodyInt | None = None


class CoverEventPublic(Public):
    id: int
    cover_id: int
    kind: CoverEventKind
    event_date: date
    eur_amount: Decimal
    currency_amount: Decimal | None
    receivable_id: int | None
    recorded_by: str


# --- a claim's accounting facts ---------------------------------------------------------


class ClaimAccountingPublic(Public):
    claim_id: int
    status_on: date | None
    indemnity_received_on: date | None
    indemnity_received_eur: Decimal | None
    irrecoverable_on: date | None
    vat_recoverable: bool
    version: int  # the claim's


class IndemnityReceived(_Input):
    """The indemnity as the bank credited it (EUR), on an accepted claim whose indemnity
    is set."""

    received_on: IsoDate
    eur_amount: Decimal
    version: BodyInt


class ClaimIrrecoverable(_Input):
    """A closed claim without indemnity declared irrecoverable: its receivable is
    written off that day."""

    on: IsoDate
    version: BodyInt


class ClaimVatSwitch(_Input):
    vat_recoverable: bool
    version: BodyInt


# --- journal, balance, ledger -----------------------------------------------------------


class JournalFilter(_Input):
    """Filters that combine; they select whole entries (an entry with one line on 4687
    shows all its lines), so the totals still balance."""

    books_id: BodyInt
    year_id: BodyInt
    date_from: IsoDate | None = None
    date_to: IsoDate | None = None
    journal: Journal | None = None
    account_prefix: str = Field(default="", max_length=20)
    event_kind: AccountingEventKind | None = None
    status: EntryStatus | None = None
    text: str = Field(default="", max_length=100)  # label, piece, auxiliary


class JournalLinePublic(Public):
    entry_id: int
    line_no: int
    journal: Journal
    entry_date: date
    number: int | None
    status: EntryStatus
    event_kind: AccountingEventKind
    piece_ref: str
    piece_date: date
    entry_label: str
    account: str
    account_label: str
    aux_num: str
    aux_label: str
    label: str
    debit: Decimal
    credit: Decimal
    currency_amount: Decimal | None
    currency: str
    source_kind: str
    source_id: int


class JournalWindow(Public):
    """Lines of whole entries, in (entry_date, entry id, line) order. ``next_after``:
    the cursor of the next window, None at the end."""

    items: list[JournalLinePublic]
    next_after: str | None


class JournalTotals(Public):
    lines: int
    entries: int
    debit: Decimal
    credit: Decimal


class EntryPublic(Public):
    id: int
    books_id: int
    year_id: int
    journal: Journal
    entry_date: date
    status: EntryStatus
    number: int | None
    valid_date: date | None
    event_kind: AccountingEventKind
    event_key: str
    source_kind: str
    source_id: int
    piece_ref: str
    piece_date: date
    label: str
    reverses_id: int | None
    total: Decimal
    lines: list[JournalLinePublic]


class GenerateResult(Public):
    """What ``generate`` did: entries posted (new events, differences), proposed
    entries replaced, reversals of validated ones, events still waiting."""

    posted: int
    replaced: int
    reversed: int
    waiting: int


class WaitPublic(Public):
    """An event not booked yet and why (a coded message, worded in the reader's
    language)."""

    books_id: int
    event_key: str
    event_kind: AccountingEventKind
    source_kind: str
    source_id: int
    event_date: date
    code: str
    params: dict[str, Any]
    message: str
    since: datetime | None


class ValidationPreview(Public):
    """What validating up to ``until`` would do: ``count`` entries numbered
    ``first_number`` to ``last_number`` (0 and 0 when none)."""

    books_id: int
    year_id: int
    until: date
    count: int
    first_number: int
    last_number: int


class ValidationResult(Public):
    year: FinancialYearPublic
    count: int
    first_number: int
    last_number: int


class BalanceFilter(_Input):
    books_id: BodyInt
    year_id: BodyInt
    date_from: IsoDate | None = None  # the opening column sums what is before
    date_to: IsoDate | None = None
    status: EntryStatus | None = None  # None: proposed and validated


class BalanceRow(Public):
    """One account (411 and 416: one row per auxiliary, ``aux_num`` set)."""

    account: str
    label: str
    aux_num: str
    aux_label: str
    opening: Decimal  # debit − credit before the period (the year's AN included)
    debit: Decimal
    credit: Decimal
    closing: Decimal  # opening + debit − credit


class BalancePublic(Public):
    rows: list[BalanceRow]
    opening: Decimal
    debit: Decimal  # = credit
    credit: Decimal
    closing: Decimal


class LedgerFilter(_Input):
    books_id: BodyInt
    year_id: BodyInt
    account: str = Field(min_length=1, max_length=20)
    aux_num: str | None = None  # None: every auxiliary
    date_from: IsoDate | None = None
    date_to: IsoDate | None = None
    status: EntryStatus | None = None


class LedgerRow(Public):
    entry_id: int
    line_no: int
    entry_date: date
    journal: Journal
    number: int | None
    piece_ref: str
    label: str
    aux_num: str
    debit: Decimal
    credit: Decimal
    balance: Decimal  # running: opening + every line so far
    source_kind: str
    source_id: int


class LedgerWindow(Public):
    account: str
    label: str
    opening: Decimal
    items: list[LedgerRow]
    next_after: str | None


class FecRequest(_Input):
    """One FEC of one set of books and financial year (``formats/fec.py``), as a job.
    ``separator``: ``tab`` (default) or ``pipe``."""

    books_id: BodyInt
    year_id: BodyInt
    separator: str = Field(default="tab", pattern="^(tab|pipe)$")
