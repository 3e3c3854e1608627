"""Reading the insurance sub-ledger (issue 20 items 7–8): the journal by keyset
windows and its totals, one entry, the balance of a period and an account's ledger.

The journal's filters select whole entries (an entry with one line on 4687 shows all
its lines), so its totals still balance. The balance and the ledger read the lines
alone (they repeat the entry's year, date and status) so that a million lines stay
quick; the opening column is what lies before the period plus the year's opening
entries (AN), which are dated on the year's first day but open it."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, func, or_, select, type_coerce
from sqlalchemy.orm import Session, aliased
from sqlmodel import col

from cofatui.enums import Journal
from cofatui.errors import NotFound, ValidationFailed
from cofatui.models.accounting import Books, FinancialYear, JournalEntry, JournalLine
from cofatui.models.types import Money
from cofatui.repository.sql.books_access import require_books
from cofatui.repository.sql.core import SqlCore
from cofatui.schemas_accounting import (
    WINDOW_MAX,
    BalanceFilter,
    BalancePublic,
    BalanceRow,
    EntryPublic,
    JournalFilter,
    JournalLinePublic,
    JournalTotals,
    JournalWindow,
    LedgerFilter,
    LedgerRow,
    LedgerWindow,
)

YEAR_NOT_FOUND = "ledger.year_not_found"
ENTRY_NOT_FOUND = "ledger.entry_not_found"
BAD_CURSOR = "ledger.bad_cursor"
ZERO = Decimal(0)
#: Accounts the balance shows per auxiliary (the debtor): customers and doubtful ones,
#: also under a set of books' longer numbers (41100000).
PER_AUX = ("411", "416")

Cursor = tuple[date, int, int]
_ENTRY = JournalEntry.__table__
_LINE = JournalLine.__table__


# --- access -----------------------------------------------------------------------------


def books_year(s: Session, core: SqlCore, books_id: int, year_id: int, *,
               write: bool) -> tuple[Books, FinancialYear]:
    """The books (read, or written) and one of their years. Raises NotFound (books not
    readable, or a year of other books: ids leak nothing), Forbidden."""
    books = require_books(s, core, books_id, write=write)
    year = s.get(FinancialYear, year_id)
    if year is None or year.books_id != books_id:
        raise NotFound(YEAR_NOT_FOUND, year_id=year_id)
    return books, year


# --- cursors ----------------------------------------------------------------------------


def encode_cursor(at: Cursor) -> str:
    raw = f"{at[0].isoformat()}|{at[1]}|{at[2]}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(after: str | None) -> Cursor | None:
    """The (entry date, entry id, line number) a window starts after. Raises
    ValidationFailed at ``after`` for anything this module did not make."""
    if after is None or after == "":
        return None
    try:
        raw = base64.urlsafe_b64decode(after + "=" * (-len(after) % 4)).decode()
        day, entry, line = raw.split("|")
        return date.fromisoformat(day), int(entry), int(line)
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise ValidationFailed.at("after", BAD_CURSOR) from exc


def money_sum(expr: Any) -> Any:
    """SUM of a money expression read back as Decimal (the column stores thousandths;
    a sum of a difference or a CASE loses the column's type on the way)."""
    return type_coerce(func.coalesce(func.sum(expr), 0), Money())


def _limit(limit: int) -> int:
    if not 1 <= limit <= WINDOW_MAX:
        raise ValidationFailed.at("limit", "ledger.bad_limit", max=WINDOW_MAX)
    return limit


# --- journal ----------------------------------------------------------------------------


def _entry_filters(flt: JournalFilter) -> list[ColumnElement[bool]]:
    # The lines the EXISTS look at are an alias: the totals join the lines themselves.
    e, line = JournalEntry, aliased(JournalLine)
    where: list[ColumnElement[bool]] = [col(e.year_id) == flt.year_id]
    if flt.date_from is not None:
        where.append(col(e.entry_date) >= flt.date_from)
    if flt.date_to is not None:
        where.append(col(e.entry_date) <= flt.date_to)
    if flt.journal is not None:
        where.append(col(e.journal) == flt.journal.value)
    if flt.event_kind is not None:
        where.append(col(e.event_kind) == flt.event_kind.value)
    if flt.status is not None:
        where.append(col(e.status) == flt.status.value)
    if flt.account_prefix:
        where.append(exists().where(
            col(line.entry_id) == col(e.id),
            col(line.account).startswith(flt.account_prefix, autoescape=True)))
    if flt.text.strip():
        needle = flt.text.strip().lower()

        def has(column: Any) -> ColumnElement[bool]:
            return func.lower(column).contains(needle, autoescape=True)

        where.append(or_(
            has(col(e.label)), has(col(e.piece_ref)),
            exists().where(col(line.entry_id) == col(e.id),
                           or_(has(col(line.label)), has(col(line.aux_num)),
                               has(col(line.aux_label))))))
    return where


def journal(s: Session, core: SqlCore, flt: JournalFilter, after: str | None,
            limit: int) -> JournalWindow:
    """Lines of whole entries in (date, entry, line) order, after the cursor. The
    entries are picked first on their (year, date, id) index, then their lines read:
    a window costs the same on the first page and at the millionth line."""
    limit = _limit(limit)
    at = decode_cursor(after)
    books_year(s, core, flt.books_id, flt.year_id, write=False)
    e = JournalEntry
    where = _entry_filters(flt)
    if at is not None:
        # The cursor's entry may still have lines after ``at``: start from it. The
        # plain ``>=`` on the date gives the planner an index range to seek into.
        where.append(col(e.entry_date) >= at[0])
        where.append(or_(col(e.entry_date) > at[0], col(e.id) >= at[1]))
    # Core rows, not ORM objects: building 600 instances cost more than the queries.
    entries = list(s.execute(select(_ENTRY).where(*where)
                             .order_by(col(e.entry_date), col(e.id))
                             .limit(limit + 1)))
    if not entries:
        return JournalWindow(items=[], next_after=None)
    by_id = {row.id: row for row in entries}
    lines = s.execute(select(_LINE).where(_LINE.c.entry_id.in_(list(by_id))))
    order = {row.id: i for i, row in enumerate(entries)}
    ordered = sorted(lines, key=lambda ln: (order[ln.entry_id], ln.line_no))
    if at is not None:
        ordered = [ln for ln in ordered
                   if not (ln.entry_id == at[1] and ln.line_no <= at[2])]
    items = [line_public(by_id[ln.entry_id], ln) for ln in ordered[:limit]]
    more = len(ordered) > limit
    next_after = encode_cursor((items[-1].entry_date, items[-1].entry_id, items[-1].line_no)) \
        if more and items else None
    return JournalWindow(items=items, next_after=next_after)


def journal_totals(s: Session, core: SqlCore, flt: JournalFilter) -> JournalTotals:
    books_year(s, core, flt.books_id, flt.year_id, write=False)
    e, line = JournalEntry, JournalLine
    if flt.journal is None and flt.event_kind is None and not flt.account_prefix \
            and not flt.text.strip():
        # Year, period and status only: the lines repeat them, so no join (the footer
        # of a whole year at a million lines).
        where = _line_filters(flt.year_id, flt.date_to, flt.status)
        if flt.date_from is not None:
            where.append(col(line.entry_date) >= flt.date_from)
        lines, debit, credit = s.execute(select(
            func.count(), money_sum(col(line.debit)), money_sum(col(line.credit)))
            .where(*where)).one()
        entries = s.execute(select(func.count()).select_from(e)
                            .where(*_entry_filters(flt))).scalar() or 0
        return JournalTotals(lines=lines, entries=entries, debit=Decimal(debit),
                             credit=Decimal(credit))
    row = s.execute(
        select(func.count(col(line.id)), func.count(func.distinct(col(e.id))),
               money_sum(col(line.debit)), money_sum(col(line.credit)))
        .select_from(e).join(line, col(line.entry_id) == col(e.id))
        .where(*_entry_filters(flt))).one()
    return JournalTotals(lines=row[0], entries=row[1], debit=Decimal(row[2]),
                         credit=Decimal(row[3]))


def line_public(entry: Any, line: Any) -> JournalLinePublic:
    """A line with its entry's columns (ORM objects or Core rows alike)."""
    return JournalLinePublic(
        entry_id=entry.id, line_no=line.line_no, journal=entry.journal,
        entry_date=entry.entry_date, number=entry.number, status=entry.status,
        event_kind=entry.event_kind, piece_ref=entry.piece_ref, piece_date=entry.piece_date,
        entry_label=entry.label, account=line.account, account_label=line.account_label,
        aux_num=line.aux_num, aux_label=line.aux_label, label=line.label,
        debit=line.debit, credit=line.credit, currency_amount=line.currency_amount,
        currency=line.currency, source_kind=entry.source_kind, source_id=entry.source_id)


def entry(s: Session, core: SqlCore, entry_id: int) -> EntryPublic:
    row = s.get(JournalEntry, entry_id)
    if row is None:
        raise NotFound(ENTRY_NOT_FOUND, entry_id=entry_id)
    try:
        require_books(s, core, row.books_id, write=False)
    except NotFound as exc:
        raise NotFound(ENTRY_NOT_FOUND, entry_id=entry_id) from exc
    lines = s.execute(select(JournalLine).where(col(JournalLine.entry_id) == entry_id)
                      .order_by(col(JournalLine.line_no))).scalars()
    assert row.id is not None
    return EntryPublic(
        id=row.id, books_id=row.books_id, year_id=row.year_id, journal=row.journal,
        entry_date=row.entry_date, status=row.status, number=row.number,
        valid_date=row.valid_date, event_kind=row.event_kind, event_key=row.event_key,
        source_kind=row.source_kind, source_id=row.source_id, piece_ref=row.piece_ref,
        piece_date=row.piece_date, label=row.label, reverses_id=row.reverses_id,
        total=row.total, lines=[line_public(row, ln) for ln in lines])


# --- balance and ledger -----------------------------------------------------------------


def _opening_ids(s: Session, year_id: int) -> list[int]:
    """The year's opening entries (AN): one, or none before its previous year closes."""
    return list(s.execute(select(JournalEntry.id).where(
        col(JournalEntry.year_id) == year_id,
        col(JournalEntry.journal) == Journal.OPENING.value)).scalars())


def _opens(opening_ids: Sequence[int], date_from: date | None) -> ColumnElement[bool]:
    """A line that counts in the opening column."""
    before = col(JournalLine.entry_date) < date_from if date_from is not None else None
    is_an = col(JournalLine.entry_id).in_(list(opening_ids))
    return or_(is_an, before) if before is not None else is_an


def _line_filters(year_id: int, date_to: date | None,
                  status: Any) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = [col(JournalLine.year_id) == year_id]
    if date_to is not None:
        where.append(col(JournalLine.entry_date) <= date_to)
    if status is not None:
        where.append(col(JournalLine.status) == status.value)
    return where


def _balance_sums(s: Session, flt: BalanceFilter,
                  opening_ids: list[int]) -> list[tuple[str, str, Decimal, Decimal, Decimal]]:
    """(account, auxiliary, opening, debit, credit) of the period. The lines' own
    table is read once: without a date_from, the opening is only the AN's few lines,
    read apart through their entry and taken back out of the sums (no CASE per row)."""
    line = JournalLine
    where = _line_filters(flt.year_id, flt.date_to, flt.status)
    keys = (col(line.account), col(line.aux_num))
    if flt.date_from is not None:
        opens = _opens(opening_ids, flt.date_from)
        net = col(line.debit) - col(line.credit)
        rows = s.execute(select(*keys, money_sum(case((opens, net), else_=0)),
                                money_sum(case((opens, 0), else_=col(line.debit))),
                                money_sum(case((opens, 0), else_=col(line.credit))))
                         .where(*where).group_by(*keys)).all()
        return [(a, x, o, d, c) for a, x, o, d, c in rows]
    sums = {(a, x): (d, c) for a, x, d, c in s.execute(
        select(*keys, money_sum(col(line.debit)), money_sum(col(line.credit)))
        .where(*where).group_by(*keys))}
    opened: dict[tuple[str, str], tuple[Decimal, Decimal]] = {}
    if opening_ids:
        opened = {(a, x): (d, c) for a, x, d, c in s.execute(
            select(*keys, money_sum(col(line.debit)), money_sum(col(line.credit)))
            .where(*where, col(line.entry_id).in_(opening_ids)).group_by(*keys))}
    out = []
    for key, (debit, credit) in sums.items():
        an_debit, an_credit = opened.get(key, (ZERO, ZERO))
        out.append((key[0], key[1], an_debit - an_credit, debit - an_debit, credit - an_credit))
    return out


def _labels(s: Session, year_id: int, accounts: set[str]) -> tuple[dict[str, str],
                                                                  dict[tuple[str, str], str]]:
    """Account labels (one indexed row each) and the debtors' names on 411/416 (a scan
    of those accounts only): reading them with the sums cost a third of the balance."""
    line = JournalLine
    labels = {}
    for account in accounts:
        labels[account] = s.execute(select(col(line.account_label)).where(
            col(line.year_id) == year_id, col(line.account) == account).limit(1)).scalar() or ""
    per_aux = [a for a in accounts if a.startswith(PER_AUX)]
    names: dict[tuple[str, str], str] = {}
    if per_aux:
        names = {(a, x): n or "" for a, x, n in s.execute(
            select(col(line.account), col(line.aux_num), func.max(col(line.aux_label)))
            .where(col(line.year_id) == year_id, col(line.account).in_(per_aux))
            .group_by(col(line.account), col(line.aux_num)))}
    return labels, names


def balance(s: Session, core: SqlCore, flt: BalanceFilter) -> BalancePublic:
    """The year's lines summed per (account, auxiliary); 411/416 keep their
    auxiliaries apart, other accounts are summed whole."""
    books_year(s, core, flt.books_id, flt.year_id, write=False)
    sums = _balance_sums(s, flt, _opening_ids(s, flt.year_id))
    merged: dict[tuple[str, str], list[Decimal]] = {}
    for account, aux, opening, debit, credit in sums:
        key = (account, aux) if account.startswith(PER_AUX) else (account, "")
        have = merged.setdefault(key, [ZERO, ZERO, ZERO])
        for i, amount in enumerate((opening, debit, credit)):
            have[i] += Decimal(amount or 0)
    kept = {key: v for key, v in merged.items() if v[0] or v[1] or v[2]}
    labels, names = _labels(s, flt.year_id, {account for account, _ in kept})
    out = [BalanceRow(account=account, label=labels.get(account, ""), aux_num=aux,
                      aux_label=names.get((account, aux), "") if aux else "",
                      opening=v[0], debit=v[1], credit=v[2], closing=v[0] + v[1] - v[2])
           for (account, aux), v in sorted(kept.items())]
    return BalancePublic(
        rows=out, opening=sum((r.opening for r in out), ZERO),
        debit=sum((r.debit for r in out), ZERO), credit=sum((r.credit for r in out), ZERO),
        closing=sum((r.closing for r in out), ZERO))


def ledger(s: Session, core: SqlCore, flt: LedgerFilter, after: str | None,
           limit: int) -> LedgerWindow:
    """An account's lines after the cursor with the running balance: opening (as the
    balance's) + every line of the period up to each one."""
    limit = _limit(limit)
    at = decode_cursor(after)
    books_year(s, core, flt.books_id, flt.year_id, write=False)
    line, e = JournalLine, JournalEntry
    where = _line_filters(flt.year_id, flt.date_to, flt.status)
    where.append(col(line.account) == flt.account)
    if flt.aux_num is not None:
        where.append(col(line.aux_num) == flt.aux_num)
    opens = _opens(_opening_ids(s, flt.year_id), flt.date_from)
    net = col(line.debit) - col(line.credit)
    opening, label = s.execute(select(money_sum(case((opens, net), else_=0)),
                                      func.max(col(line.account_label))).where(*where)).one()
    opening = Decimal(opening or 0)
    period = [*where, ~opens]
    balance_so_far = opening
    if at is not None:
        key = (col(line.entry_date), col(line.entry_id), col(line.line_no))
        upto = or_(key[0] < at[0], and_(key[0] == at[0], or_(
            key[1] < at[1], and_(key[1] == at[1], key[2] <= at[2]))))
        done = s.execute(select(money_sum(net)).where(*period, upto)).scalar()
        balance_so_far += Decimal(done or 0)
        period.append(~upto)
    rows = s.execute(select(line, e).join(e, col(e.id) == col(line.entry_id)).where(*period)
                     .order_by(col(line.entry_date), col(line.entry_id), col(line.line_no))
                     .limit(limit + 1)).all()
    items: list[LedgerRow] = []
    for ln, entry_row in rows[:limit]:
        balance_so_far += ln.debit - ln.credit
        items.append(LedgerRow(
            entry_id=ln.entry_id, line_no=ln.line_no, entry_date=ln.entry_date,
            journal=entry_row.journal, number=entry_row.number, piece_ref=entry_row.piece_ref,
            label=ln.label, aux_num=ln.aux_num, debit=ln.debit, credit=ln.credit,
            balance=balance_so_far, source_kind=entry_row.source_kind,
            source_id=entry_row.source_id))
    next_after = encode_cursor((items[-1].entry_date, items[-1].entry_id, items[-1].line_no)) \
        if len(rows) > limit else None
    return LedgerWindow(account=flt.account, label=label or "", opening=opening, items=items,
                        next_after=next_after)
