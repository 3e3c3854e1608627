"""Writing the journal (issue 20 items 4–6): a set of books' context (its years, its
account overrides), the financial year an event date falls in, the books' final
account numbers, what is booked for an event key, and the entries and waits written.

Lines store final numbers: the mapping's standard account, then the books' bank
account in place of "512", then an override of that number (``AccountOverride``).
Validated entries are never touched here: only proposed ones are deleted (a trigger
of migration 0035 would refuse anything else)."""

from __future__ import annotations

import dataclasses
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from cofatui.enums import AccountingEventKind, EntryStatus, Journal, YearStatus
from cofatui.models import (
    AccountingWait,
    AccountOverride,
    Books,
    BooksContract,
    FinancialYear,
    JournalEntry,
    JournalLine,
)
from cofatui.rules import ledger_chart, ledger_diff
from cofatui.rules.ledger_model import Posting, PostingLine, Waiting

__all__ = [
    "BANK_ACCOUNT",
    "Booked",
    "BooksContext",
    "EntryBatch",
    "booked_by_key",
    "books_context",
    "books_id_of_contract",
    "clear_wait",
    "delete_proposed",
    "record_wait",
    "write_posting",
]

#: The mapping's bank account: the books' own bank account replaces it.
BANK_ACCOUNT = "512"


@dataclass
class BooksContext:
    """What posting into one set of books needs, read once per transaction (a generate
    chunk reuses it): the books, their years by start, and their overrides."""

    books: Books
    years: list[FinancialYear]
    #: standard number → (final number, label; "" keeps the chart's).
    overrides: dict[str, tuple[str, str]]
    contract_ids: list[int] = field(default_factory=list)

    @property
    def books_id(self) -> int:
        assert self.books.id is not None
        return self.books.id

    def year_for(self, on: date) -> tuple[FinancialYear, date] | None:
        """The year an event dated ``on`` is booked in, and the entry date: the year
        containing it; when that year is closed, the next open year's first day (issue
        item 6). None when no year holds it (the event waits: ``accounting.no_year``)."""
        for index, year in enumerate(self.years):
            if year.start <= on <= year.end:
                if year.status != YearStatus.CLOSED.value:
                    return year, on
                for later in self.years[index + 1:]:
                    if later.status != YearStatus.CLOSED.value:
                        return later, later.start
                return None
        return None

    def chart_for(self, on: date) -> ledger_chart.Chart:
        """The chart of the year containing ``on`` (fixed when the year was created),
        else the one its date would choose."""
        for year in self.years:
            if year.start <= on <= year.end:
                return ledger_chart.load_chart(year.chart)
        return ledger_chart.load_chart(ledger_chart.chart_version(on))

    def final_number(self, account: str) -> str:
        if account in self.overrides:
            return self.overrides[account][0]
        if account == BANK_ACCOUNT:
            return self.books.bank_account
        return account

    def finalised(self, posting: Posting) -> Posting:
        """``posting`` with the books' numbers (what ``ledger_diff.plan`` compares)."""
        if not any(self.final_number(line.account) != line.account for line in posting.lines):
            return posting  # the usual case: nothing to copy
        lines = tuple(dataclasses.replace(line, account=self.final_number(line.account))
                      for line in posting.lines)
        return dataclasses.replace(posting, lines=lines)

    def account_label(self, number: str, chart: ledger_chart.Chart) -> str:
        """CompteLib of a final number: the override's label, the books' bank label, or
        the chart's label of the standard account it stands for."""
        for standard, (final, label) in self.overrides.items():
            if final == number:
                return label or chart.label(standard) or chart.label(number)
        if number == self.books.bank_account:
            return self.books.bank_label or chart.label(BANK_ACCOUNT)
        return chart.label(number)


def books_context(s: Session, books_id: int) -> BooksContext | None:
    books = s.get(Books, books_id)
    if books is None:
        return None
    years = list(s.execute(select(FinancialYear).where(FinancialYear.books_id == books_id)
                           .order_by(FinancialYear.start)).scalars())
    overrides = {o.account: (o.number, o.label) for o in s.execute(
        select(AccountOverride).where(AccountOverride.books_id == books_id)).scalars()}
    contracts = list(s.execute(select(BooksContract.contract_id).where(
        BooksContract.books_id == books_id)).scalars())
    return BooksContext(books, years, overrides, contracts)


def books_id_of_contract(s: Session, contract_id: int) -> int | None:
    return s.execute(select(BooksContract.books_id).where(
        BooksContract.contract_id == contract_id)).scalar_one_or_none()


# --- what is booked -----------------------------------------------------------------------


Booked = dict[str, list[ledger_diff.BookedPosting]]


def booked_by_key(s: Session, books_id: int, source_kind: str,
                  source_ids: Sequence[int]) -> dict[int, Booked]:
    """Every entry booked for the sources, per source, by event key and revision: two
    queries whatever the number of sources (generate reads a chunk at once)."""
    from cofatui.rules import ledger_diff
    if not source_ids:
        return {}
    entries = s.execute(select(
        JournalEntry.id, JournalEntry.event_key, JournalEntry.revision, JournalEntry.status,
        JournalEntry.source_id, JournalEntry.event_kind, JournalEntry.journal,
        JournalEntry.entry_date, JournalEntry.piece_ref, JournalEntry.piece_date,
        JournalEntry.label, JournalEntry.source_kind).where(
        JournalEntry.books_id == books_id, JournalEntry.source_kind == source_kind,
        JournalEntry.source_id.in_(source_ids)).order_by(JournalEntry.revision)).all()
    if not entries:
        return {}
    lines: dict[int, list[PostingLine]] = defaultdict(list)
    # Columns, not ORM objects: a generate rerun reads every line back.
    for row in s.execute(select(
            JournalLine.entry_id, JournalLine.account, JournalLine.debit, JournalLine.credit,
            JournalLine.label, JournalLine.aux_num, JournalLine.aux_label,
            JournalLine.currency_amount, JournalLine.currency).where(
            JournalLine.entry_id.in_([e.id for e in entries]))
            .order_by(JournalLine.entry_id, JournalLine.line_no)).all():
        lines[row.entry_id].append(PostingLine(
            account=row.account, debit=row.debit, credit=row.credit, label=row.label,
            aux_num=row.aux_num, aux_label=row.aux_label,
            currency_amount=row.currency_amount, currency=row.currency))
    found: dict[int, Booked] = defaultdict(lambda: defaultdict(list))
    for entry in entries:
        found[entry.source_id][entry.event_key].append(ledger_diff.BookedPosting(
            entry_id=entry.id, revision=entry.revision, status=EntryStatus(entry.status),
            lines=tuple(lines[entry.id]), event_key=entry.event_key,
            event_kind=AccountingEventKind(entry.event_kind), journal=Journal(entry.journal),
            entry_date=entry.entry_date, piece_ref=entry.piece_ref,
            piece_date=entry.piece_date, label=entry.label, source_kind=entry.source_kind,
            source_id=entry.source_id))
    return found


def delete_proposed(s: Session, entry_ids: Iterable[int]) -> int:
    """Delete proposed entries (and their lines) that their event replaced; a validated
    one is never among them (``ledger_diff`` proposes proposed ones only, and the
    status condition keeps it so)."""
    ids = list(entry_ids)
    if not ids:
        return 0
    proposed = list(s.execute(select(JournalEntry.id).where(
        JournalEntry.id.in_(ids), JournalEntry.status == EntryStatus.PROPOSED.value)).scalars())
    if proposed:
        s.execute(delete(JournalLine).where(JournalLine.entry_id.in_(proposed)))
        s.execute(delete(JournalEntry).where(JournalEntry.id.in_(proposed)))
    return len(proposed)


# --- writing ------------------------------------------------------------------------------


def write_posting(s: Session, books: Books | BooksContext, year: FinancialYear,
                  posting: Posting, *, status: EntryStatus = EntryStatus.PROPOSED,
                  revision: int = 1, reverses_id: int | None = None,
                  contract_id: int | None = None, number: int | None = None,
                  valid_date: date | None = None) -> JournalEntry:
    """Write ``posting`` (final account numbers already) as one entry of ``year`` and
    its lines, with the entry's year, date and status repeated on each line. H5 writes
    the opening entry with it (``status=VALIDATED``, ``number=1``)."""
    context = books if isinstance(books, BooksContext) else BooksContext(books, [year], {})
    values = _entry_values(context, year, posting, status=status, revision=revision,
                           reverses_id=reverses_id, contract_id=contract_id, number=number,
                           valid_date=valid_date)
    entry_id = write_entry(s, context, year, posting, values)
    return JournalEntry(id=entry_id, **values)


def _entry_values(context: BooksContext, year: FinancialYear, posting: Posting, *,
                  status: EntryStatus = EntryStatus.PROPOSED, revision: int = 1,
                  reverses_id: int | None = None, contract_id: int | None = None,
                  number: int | None = None, valid_date: date | None = None) -> dict[str, Any]:
    return dict(
        books_id=context.books_id, year_id=year.id, journal=posting.journal.value,
        entry_date=posting.entry_date, status=status.value, number=number,
        valid_date=valid_date, event_kind=posting.event_kind.value,
        event_key=posting.event_key, revision=revision, source_kind=posting.source_kind,
        source_id=posting.source_id, contract_id=contract_id,
        piece_ref=posting.piece_ref[:60], piece_date=posting.piece_date,
        label=posting.label[:200], reverses_id=reverses_id, total=posting.total)


#: Core statements built once (their compiled forms are cached): generate writes a
#: hundred thousand entries, and an ORM object or a statement per entry costs more
#: than the database does.
_ENTRY_INSERT = insert(JournalEntry.__table__).returning(JournalEntry.__table__.c.id)
_LINE_INSERT = insert(JournalLine.__table__)
_ENTRIES_INSERT = insert(JournalEntry.__table__).returning(
    JournalEntry.__table__.c.id, sort_by_parameter_order=True)


def write_entry(s: Session, context: BooksContext, year: FinancialYear, posting: Posting,
                values: dict[str, Any] | None = None, **fields: Any) -> int:
    """Write one entry and its lines; its id. ``fields``: as ``write_posting``'s."""
    if values is None:
        values = _entry_values(context, year, posting, **fields)
    conn = s.connection()
    entry_id = int(conn.execute(_ENTRY_INSERT, values).scalar_one())
    conn.execute(_LINE_INSERT, line_rows(context, year, posting, values["status"], entry_id))
    return entry_id


def line_rows(context: BooksContext, year: FinancialYear, posting: Posting, status: str,
              entry_id: int | None) -> list[dict[str, Any]]:
    chart = ledger_chart.load_chart(year.chart)
    return [dict(
        entry_id=entry_id, line_no=no, year_id=year.id, entry_date=posting.entry_date,
        status=status, account=line.account,
        account_label=context.account_label(line.account, chart)[:100],
        aux_num=line.aux_num[:40], aux_label=line.aux_label[:200], label=line.label[:200],
        debit=line.debit, credit=line.credit, currency_amount=line.currency_amount,
        currency=line.currency) for no, line in enumerate(posting.lines, start=1)]


class EntryBatch:
    """Entries gathered and written at once (generate: one INSERT of a chunk's entries,
    their ids returned in order, then one of their lines)."""

    def __init__(self) -> None:
        self.entries: list[dict[str, Any]] = []
        self.lines: list[list[dict[str, Any]]] = []

    def add(self, context: BooksContext, year: FinancialYear, posting: Posting,
            **fields: Any) -> None:
        values = _entry_values(context, year, posting, **fields)
        self.entries.append(values)
        self.lines.append(line_rows(context, year, posting, values["status"], None))

    def write(self, s: Session) -> int:
        if not self.entries:
            return 0
        conn = s.connection()
        ids = conn.execute(_ENTRIES_INSERT, self.entries).scalars().all()
        rows = [dict(row, entry_id=entry_id)
                for entry_id, lines in zip(ids, self.lines, strict=True) for row in lines]
        conn.execute(_LINE_INSERT, rows)
        count = len(self.entries)
        self.entries, self.lines = [], []
        return count


def record_wait(s: Session, books_id: int, waiting: Waiting, since: Any) -> None:
    """Keep one wait per event key (the latest reason)."""
    params = json.dumps(waiting.params, default=str)
    row = s.execute(select(AccountingWait).where(
        AccountingWait.books_id == books_id,
        AccountingWait.event_key == waiting.event_key)).scalar_one_or_none()
    if row is None:
        s.add(AccountingWait(books_id=books_id, event_key=waiting.event_key,
                             event_kind=waiting.event_kind.value,
                             source_kind=waiting.source_kind, source_id=waiting.source_id,
                             event_date=waiting.event_date, code=waiting.code,
                             params=params, since=since))
    elif (row.code, row.params, row.event_date) != (waiting.code, params, waiting.event_date):
        row.code, row.params, row.event_date = waiting.code, params, waiting.event_date
    s.flush()


def clear_wait(s: Session, books_id: int, keys: Iterable[str]) -> None:
    keys = list(keys)
    if keys:
        s.execute(delete(AccountingWait).where(AccountingWait.books_id == books_id,
                                               AccountingWait.event_key.in_(keys)))
