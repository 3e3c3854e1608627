"""Validation up to a date (issue 20 item 6): proposed entries get EcritureNum (one
continuous sequence per year, from the year's counter) and ValidDate.

Continuity rests on the year's row: validation locks it (``SELECT … FOR UPDATE`` on
PostgreSQL; on SQLite the writer's ``BEGIN IMMEDIATE`` already serialises), reads its
counter and numbers from there, and the unique ``(year, number)`` backs it up. The
entries to number are locked too, so that an engine replacing a proposed entry at that
moment either finished before (the entry is gone, it gets no number) or waits and then
meets the trigger refusing to touch a validated entry (it posts a reversal instead)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.enums import EntryStatus, YearStatus
from cofatui.errors import RuleViolation
from cofatui.models.accounting import FinancialYear, JournalEntry, JournalLine
from cofatui.repository.sql.books_access import require_books
from cofatui.repository.sql.core import SqlCore
from cofatui.schemas_accounting import (
    FinancialYearPublic,
    ValidationPreview,
    ValidationResult,
)

PROPOSED = EntryStatus.PROPOSED.value
VALIDATED = EntryStatus.VALIDATED.value
#: Rows per UPDATE batch: keeps a 100 000-entry validation's parameters bounded.
_BATCH = 5000


@dataclass(frozen=True)
class Numbered:
    count: int
    first: int
    last: int


def year_of(s: Session, books_id: int, on: date, *, lock: bool = False) -> FinancialYear:
    """The open year holding ``on``. Raises RuleViolation ``ledger.no_year``."""
    stmt = select(FinancialYear).where(col(FinancialYear.books_id) == books_id,
                                       col(FinancialYear.start) <= on,
                                       col(FinancialYear.end) >= on)
    if lock:
        stmt = stmt.with_for_update()
    year = s.execute(stmt).scalars().first()
    if year is None or year.status != YearStatus.OPEN.value:
        raise RuleViolation("ledger.no_year", on=on)
    return year


def require_previous_closed(s: Session, year: FinancialYear) -> None:
    """A year is validated (and closed) only once the previous one is closed; the
    first year has none."""
    previous = s.execute(select(FinancialYear.status).where(
        col(FinancialYear.books_id) == year.books_id,
        col(FinancialYear.end) < year.start)
        .order_by(col(FinancialYear.end).desc()).limit(1)).scalar()
    if previous is not None and previous != YearStatus.CLOSED.value:
        raise RuleViolation("ledger.previous_open", start=year.start)


def to_public(year: FinancialYear) -> FinancialYearPublic:
    return FinancialYearPublic.model_validate(year, from_attributes=True)


def _proposed(s: Session, year_id: int, until: date, *, lock: bool) -> list[int]:
    stmt = (select(JournalEntry.id)
            .where(col(JournalEntry.year_id) == year_id,
                   col(JournalEntry.status) == PROPOSED,
                   col(JournalEntry.entry_date) <= until)
            .order_by(col(JournalEntry.entry_date), col(JournalEntry.id)))
    if lock:
        stmt = stmt.with_for_update()
    return list(s.execute(stmt).scalars())


def number_entries(s: Session, core: SqlCore, year: FinancialYear,
                   entry_ids: Sequence[int]) -> Numbered:
    """Give ``entry_ids`` (in this order, proposed, of ``year`` whose row the caller
    locked) the next numbers of the year's counter, with their lines."""
    if not entry_ids:
        return Numbered(0, 0, 0)
    first = year.last_number + 1
    today = core.clock.today()
    now = core.clock.now()
    login = core.principal.login
    for start in range(0, len(entry_ids), _BATCH):
        chunk = entry_ids[start:start + _BATCH]
        _number_chunk(s, chunk, first + start, today, now, login)
        s.execute(update(JournalLine).where(col(JournalLine.entry_id).in_(list(chunk)),
                                            col(JournalLine.status) == PROPOSED)
                  .values(status=VALIDATED).execution_options(synchronize_session=False))
    year.last_number = first + len(entry_ids) - 1
    return Numbered(len(entry_ids), first, year.last_number)


def _number_chunk(s: Session, ids: Sequence[int], first: int, today: date,
                  now: datetime, login: str) -> None:
    """One executemany UPDATE by id (Core: no ORM object per entry at 100 000)."""
    table = JournalEntry.__table__
    stmt = (update(table).where(table.c.id == bindparam("_id"),
                                table.c.status == PROPOSED)
            .values(number=bindparam("_number"), status=VALIDATED, valid_date=today,
                    validated_at=now, validated_by=login))
    s.connection().execute(stmt, [{"_id": eid, "_number": first + i}
                                  for i, eid in enumerate(ids)])


def validate_in(s: Session, core: SqlCore, year: FinancialYear, until: date) -> Numbered:
    """Number every proposed entry of the (locked) ``year`` dated up to ``until``."""
    done = number_entries(s, core, year, _proposed(s, year.id or 0, until, lock=True))
    if year.validated_until is None or year.validated_until < until:
        year.validated_until = until
    return done


def _check_until(core: SqlCore, until: date) -> None:
    if until > core.clock.today():
        raise RuleViolation("ledger.until_in_future", until=until)


def preview(s: Session, core: SqlCore, books_id: int, until: date) -> ValidationPreview:
    require_books(s, core, books_id, write=False)
    _check_until(core, until)
    year = year_of(s, books_id, until)
    require_previous_closed(s, year)
    count = len(_proposed(s, year.id or 0, until, lock=False))
    first = year.last_number + 1 if count else 0
    return ValidationPreview(books_id=books_id, year_id=year.id or 0, until=until, count=count,
                             first_number=first, last_number=first + count - 1 if count else 0)


def validate(s: Session, core: SqlCore, books_id: int, until: date) -> ValidationResult:
    books = require_books(s, core, books_id, write=True)
    _check_until(core, until)
    year = year_of(s, books_id, until, lock=True)
    require_previous_closed(s, year)
    done = validate_in(s, core, year, until)
    s.flush()
    core._audit(s, "validate", "financial_year", year.id,
                {"books_id": books.id, "until": until, "count": done.count,
                 "first_number": done.first, "last_number": done.last})
    s.refresh(year)
    return ValidationResult(year=to_public(year), count=done.count, first_number=done.first,
                            last_number=done.last)
