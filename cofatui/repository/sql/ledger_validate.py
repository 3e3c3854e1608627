"""Validation up to a date (issue 20 item 6): proposed entries get EcritureNum (one
continuous sequence per year, from the year's counter) and ValidDate.

Continuity rests on the year's row: validation locks it (``SELECT … FOR UPDATE`` on
PostgreSQL; on SQLite the writer's ``BEGIN IMMEDIATE`` already serialises), reads its
counter and numbers from there, and the unique ``(year, number)`` backs it up. The
entries to number are locked too, so that an engine replacing a proposed entry at that
moment either finished before (the entry is gone, it gets no number) or waits and then
meets the trigger refusing to touch a validated entry (it posts a reversal instead)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.enums import EntryStatus, YearStatus
from cofatui.errors import Conflict, RuleViolation
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
_ENTRY = JournalEntry.__table__
_LINE = JournalLine.__table__


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


def number_proposed(s: Session, core: SqlCore, year: FinancialYear, until: date) -> Numbered:
    """Give the proposed entries of ``year`` (whose row the caller locked) dated up to
    ``until`` the next numbers of its counter in (date, id) order, with their lines.

    Set-based (one UPDATE … FROM a ranked subquery, then one UPDATE of the lines): per
    row statements made 100 000 entries cost seconds of parameters alone. The entries
    are locked first (PostgreSQL); a concurrent writer's entry committed meanwhile may
    join the numbering, and should one vanish under it, the count check below rolls
    the whole validation back rather than leave a gap."""
    locked = _proposed(s, year.id or 0, until, lock=True)
    if not locked:
        return Numbered(0, 0, 0)
    base = year.last_number
    entry, line = _ENTRY, _LINE
    ranked = (select(entry.c.id.label("eid"), func.row_number().over(
        order_by=(entry.c.entry_date, entry.c.id)).label("rank"))
        .where(entry.c.year_id == year.id, entry.c.status == PROPOSED,
               entry.c.entry_date <= until, entry.c.id <= max(locked))
        .subquery())
    s.execute(update(entry).where(entry.c.id == ranked.c.eid, entry.c.status == PROPOSED)
              .values(number=base + ranked.c.rank, status=VALIDATED,
                      valid_date=core.clock.today(), validated_at=core.clock.now(),
                      validated_by=core.principal.login))
    count, last = s.execute(select(func.count(), func.max(entry.c.number)).where(
        entry.c.year_id == year.id, entry.c.number > base)).one()
    if not count or last != base + count:
        raise Conflict("ledger.validation_raced")
    s.execute(update(line).where(
        line.c.status == PROPOSED,
        line.c.entry_id.in_(select(entry.c.id).where(entry.c.year_id == year.id,
                                                     entry.c.number > base))
    ).values(status=VALIDATED))
    year.last_number = base + count
    return Numbered(count, base + 1, year.last_number)


def validate_in(s: Session, core: SqlCore, year: FinancialYear, until: date) -> Numbered:
    """Number every proposed entry of the (locked) ``year`` dated up to ``until``."""
    done = number_proposed(s, core, year, until)
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
