"""The insurance sub-ledger (issue 20, SPEC §10): sets of books, their financial years,
account overrides, and the journal entries that insurance events produce.

An entry is *proposed* when written (in the transaction of its event) and *validated*
when numbered. A validated entry and its lines are never updated nor deleted: the
repository has no such method, and triggers (migration 0035) refuse it on SQLite and
PostgreSQL alike. Amounts are EUR (``types.Money``, exact integer cents)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from cofatui.enums import EntryStatus, YearStatus
from cofatui.models.base import money_field, timestamp_field, version_column

_books_version = version_column()
_year_version = version_column()


class Books(SQLModel, table=True):
    """One policyholder legal entity's insurance books. Currency is EUR."""

    __tablename__ = "books"
    id: int | None = Field(default=None, primary_key=True)
    siren: str = Field(max_length=9, unique=True)
    name: str = Field(max_length=200)
    #: The bank account the premiums leave and the indemnities arrive on (default 512).
    bank_account: str = Field(default="512", max_length=20)
    bank_label: str = Field(default="Banque", max_length=100)
    created_at: datetime | None = timestamp_field()
    created_by: str = Field(default="", max_length=80)
    version: int = Field(default=1, sa_column=_books_version)
    __mapper_args__ = {"version_id_col": _books_version}


class BooksContract(SQLModel, table=True):
    """A contract the books cover: each contract is in at most one set of books. A user
    sees the books only when attached to all of its contracts."""

    __tablename__ = "books_contract"
    books_id: int = Field(foreign_key="books.id", primary_key=True)
    contract_id: int = Field(foreign_key="contract.id", primary_key=True, unique=True)


class FinancialYear(SQLModel, table=True):
    __tablename__ = "financial_year"
    __table_args__ = (UniqueConstraint("books_id", "start", name="ux_financial_year_start"),)
    id: int | None = Field(default=None, primary_key=True)
    books_id: int = Field(foreign_key="books.id", index=True)
    start: date
    end: date
    status: str = Field(default=YearStatus.OPEN.value, max_length=10)
    #: ``ChartVersion``, fixed by ``start`` when the year is created.
    chart: str = Field(max_length=10)
    #: Every entry dated on or before this day is validated.
    validated_until: date | None = None
    #: The last EcritureNum given (the counter: validation row-locks it).
    last_number: int = 0
    closed_at: datetime | None = timestamp_field()
    closed_by: str = Field(default="", max_length=80)
    version: int = Field(default=1, sa_column=_year_version)
    __mapper_args__ = {"version_id_col": _year_version}


class AccountOverride(SQLModel, table=True):
    """A set of books' own number (and label) for a standard account of the mapping
    (``512`` → ``51210000``, ``6166`` → ``6165`` "Insolvabilité clients"). It changes
    proposed entries only; validated ones keep what they were validated with."""

    __tablename__ = "account_override"
    __table_args__ = (UniqueConstraint("books_id", "account", name="ux_account_override"),)
    id: int | None = Field(default=None, primary_key=True)
    books_id: int = Field(foreign_key="books.id", index=True)
    account: str = Field(max_length=20)  # the standard number the mapping names
    number: str = Field(max_length=20)  # what these books use instead
    label: str = Field(default="", max_length=100)


class JournalEntry(SQLModel, table=True):
    """One entry: balanced lines (``JournalLine``) of one event, or its reversal.

    ``event_key`` names the event (``claim_uninsured:42``); ``revision`` counts the
    postings made for it (1, 2, …). ``(books_id, event_key, revision)`` is unique: two
    generators that compute the same difference cannot both post it."""

    __tablename__ = "journal_entry"
    __table_args__ = (
        UniqueConstraint("books_id", "event_key", "revision", name="ux_journal_entry_event"),
        UniqueConstraint("year_id", "number", name="ux_journal_entry_number"),
        # The journal screen: a year's entries by date (keyset on (entry_date, id)).
        Index("ix_journal_entry_year_date", "year_id", "entry_date", "id"),
        # Validation: a year's proposed entries up to a date.
        Index("ix_journal_entry_year_status", "year_id", "status", "entry_date"),
        Index("ix_journal_entry_source", "source_kind", "source_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    books_id: int = Field(foreign_key="books.id")
    year_id: int = Field(foreign_key="financial_year.id")
    journal: str = Field(max_length=4)  # ``Journal``
    entry_date: date  # EcritureDate
    status: str = Field(default=EntryStatus.PROPOSED.value, max_length=10)
    number: int | None = None  # EcritureNum, given at validation (1: the opening entry)
    valid_date: date | None = None  # ValidDate
    event_kind: str = Field(max_length=30)  # ``AccountingEventKind``
    event_key: str = Field(max_length=80)
    revision: int = 1
    #: What Enter opens: ``claim``, ``notice``, ``payment``, ``cover``, ``year``.
    source_kind: str = Field(max_length=12)
    source_id: int
    contract_id: int | None = Field(default=None, foreign_key="contract.id")
    piece_ref: str = Field(max_length=60)  # PieceRef
    piece_date: date  # PieceDate
    label: str = Field(max_length=200)  # EcritureLib (French, built from the event)
    #: The entry this one reverses (a validated entry whose event changed).
    reverses_id: int | None = Field(default=None, foreign_key="journal_entry.id")
    #: Sum of the debits (= sum of the credits), for the footer without the lines.
    total: Decimal = money_field(nullable=False, default=Decimal(0))
    created_at: datetime | None = timestamp_field()
    validated_at: datetime | None = timestamp_field()
    validated_by: str = Field(default="", max_length=80)


class JournalLine(SQLModel, table=True):
    """One line of an entry, in EUR. ``year_id``, ``entry_date`` and ``status`` repeat
    the entry's so that the balance and the account filter read the lines alone at a
    million rows (the status follows the entry's, in the same transaction)."""

    __tablename__ = "journal_line"
    __table_args__ = (
        UniqueConstraint("entry_id", "line_no", name="ux_journal_line_no"),
        # Balance and ledger: a year's lines per account (and auxiliary), by date. It
        # covers what the balance sums (status, debit, credit), so a year's balance at a
        # million lines reads the index alone, never the table.
        Index("ix_journal_line_year_account", "year_id", "account", "aux_num", "entry_date",
              "status", "debit", "credit"),
    )
    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = Field(foreign_key="journal_entry.id")
    line_no: int
    year_id: int = Field(foreign_key="financial_year.id")
    entry_date: date
    status: str = Field(default=EntryStatus.PROPOSED.value, max_length=10)
    account: str = Field(max_length=20)  # CompteNum (after the books' overrides)
    account_label: str = Field(max_length=100)  # CompteLib
    aux_num: str = Field(default="", max_length=40)  # CompAuxNum: the debtor on 411/416
    aux_label: str = Field(default="", max_length=200)  # CompAuxLib
    label: str = Field(max_length=200)
    debit: Decimal = money_field(nullable=False, default=Decimal(0))
    credit: Decimal = money_field(nullable=False, default=Decimal(0))
    #: Montantdevise / Idevise: both set (the amount positive) or both empty.
    currency_amount: Decimal | None = money_field()
    currency: str = Field(default="", max_length=3)


class AccountingWait(SQLModel, table=True):
    """An event that could not be booked yet, with why (a coded message): no EUR rate
    within 31 days, no financial year for its date. ``generate`` retries it."""

    __tablename__ = "accounting_wait"
    __table_args__ = (UniqueConstraint("books_id", "event_key", name="ux_accounting_wait"),)
    id: int | None = Field(default=None, primary_key=True)
    books_id: int = Field(foreign_key="books.id", index=True)
    event_key: str = Field(max_length=80)
    event_kind: str = Field(max_length=30)
    source_kind: str = Field(max_length=12)
    source_id: int
    event_date: date
    code: str = Field(max_length=80)  # ``accounting.no_rate``…
    params: str = Field(default="{}", max_length=1000)  # JSON
    since: datetime | None = timestamp_field()


