"""Closing a financial year (issue 20 item 6): validate the rest, lock the year, and
write and validate the next year's opening entry (AN, EcritureNum 1) from the year's
balances per account and auxiliary; the result of classes 6–7 goes to 120/129 so that
the entry balances (``rules.ledger_postings.opening_posting``).

Later events dated in a closed year are booked on the next open year's first day
(``ledger_write.BooksContext.year_for``): closing creates that year when missing,
with the same length."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.enums import EntryStatus, YearStatus
from cofatui.errors import Conflict, NotFound, RuleViolation
from cofatui.models.accounting import AccountingWait, FinancialYear, JournalLine
from cofatui.repository.sql import ledger_write
from cofatui.repository.sql.core import SqlCore
from cofatui.repository.sql.ledger_queries import YEAR_NOT_FOUND, books_year, money_sum
from cofatui.repository.sql.ledger_validate import require_previous_closed, to_public, validate_in
from cofatui.rules import ledger_chart
from cofatui.rules.ledger_postings import AccountBalance, opening_posting
from cofatui.schemas_accounting import FinancialYearPublic


def _add_months(day: date, months: int) -> date:
    """``day`` (a month's first day, or any day ≤ 28) moved by whole months."""
    index = day.year * 12 + day.month - 1 + months
    return day.replace(year=index // 12, month=index % 12 + 1)


def _same_length_after(year: FinancialYear) -> tuple[date, date]:
    """The next year's start and end: the same number of months when the year runs
    from a month's first day to a month's last (the usual case), else the same days."""
    start = year.end + timedelta(days=1)
    if year.start.day == 1 and start.day == 1:
        months = (start.year - year.start.year) * 12 + start.month - year.start.month
        return start, _add_months(start, months) - timedelta(days=1)
    return start, start + (year.end - year.start)


def _next_year(s: Session, year: FinancialYear) -> FinancialYear:
    start = year.end + timedelta(days=1)
    found = s.execute(select(FinancialYear).where(
        col(FinancialYear.books_id) == year.books_id, col(FinancialYear.start) == start)
        .with_for_update()).scalars().first()
    if found is not None:
        return found
    start, end = _same_length_after(year)
    created = FinancialYear(books_id=year.books_id, start=start, end=end,
                            chart=ledger_chart.chart_version(start).value)
    s.add(created)
    s.flush()
    return created


def _balances(s: Session, year_id: int) -> list[AccountBalance]:
    """Debit − credit of the year per (account, auxiliary), every class: the rule keeps
    classes 1–5 and turns 6–7 into the result."""
    line = JournalLine
    rows = s.execute(
        select(col(line.account), col(line.aux_num), func.max(col(line.account_label)),
               func.max(col(line.aux_label)), money_sum(col(line.debit) - col(line.credit)))
        .where(col(line.year_id) == year_id)
        .group_by(col(line.account), col(line.aux_num))
        .order_by(col(line.account), col(line.aux_num))).all()
    return [AccountBalance(account=account, label=label or "", aux_num=aux,
                           aux_label=aux_label or "", balance=balance)
            for account, aux, label, aux_label, balance in rows if balance]


def close_year(s: Session, core: SqlCore, year_id: int, version: int) -> FinancialYearPublic:
    found = s.get(FinancialYear, year_id)
    if found is None:
        raise NotFound(YEAR_NOT_FOUND, year_id=year_id)
    books, _ = books_year(s, core, found.books_id, year_id, write=True)
    year = s.execute(select(FinancialYear).where(col(FinancialYear.id) == year_id)
                     .with_for_update().execution_options(populate_existing=True)
                     ).scalars().one()
    if year.status == YearStatus.CLOSED.value:
        raise RuleViolation("ledger.year_closed", start=year.start, end=year.end)
    if year.version != version:
        raise Conflict("ledger.year_changed")
    require_previous_closed(s, year)
    waiting = s.execute(select(func.count()).select_from(AccountingWait).where(
        col(AccountingWait.books_id) == year.books_id,
        col(AccountingWait.event_date) >= year.start,
        col(AccountingWait.event_date) <= year.end)).scalar() or 0
    if waiting:
        raise RuleViolation("ledger.waiting_events", count=waiting)
    done = validate_in(s, core, year, year.end)
    year.validated_until = year.end
    year.status = YearStatus.CLOSED.value
    year.closed_at = core.clock.now()
    year.closed_by = core.principal.login
    s.flush()
    following = _next_year(s, year)
    opening_number = _write_opening(s, core, year, following)
    core._audit(s, "close_year", "financial_year", year.id,
                {"books_id": books.id, "validated": done.count, "next_year_id": following.id,
                 "opening_number": opening_number})
    s.flush()
    s.refresh(year)
    return to_public(year)


def _write_opening(s: Session, core: SqlCore, year: FinancialYear,
                   following: FinancialYear) -> int | None:
    """The next year's AN, validated as its number 1 (None: nothing to carry)."""
    if following.last_number != 0:  # cannot happen: it could not validate before
        raise RuleViolation("ledger.next_year_numbered", start=following.start)
    assert following.id is not None
    chart = ledger_chart.load_chart(following.chart)
    posting = opening_posting(following.id, following.start, _balances(s, year.id or 0),
                              chart)
    if posting is None:
        return None
    context = ledger_write.books_context(s, year.books_id)
    assert context is not None
    ledger_write.write_posting(s, context, following, context.finalised(posting),
                               status=EntryStatus.VALIDATED, number=1,
                               valid_date=core.clock.today())
    following.last_number = 1
    return 1
