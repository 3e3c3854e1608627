"""The lines of a turnover declaration on SQL: the pre-fill of a new declaration, the
upsert of a save (or an import), one page of the grid and the aggregates (counts,
totals per currency). Statements are batched: a save of 500 lines of a 10 000-line
declaration is a few reads and two executemany, not 500 round trips."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, func, insert, null, or_, select, update
from sqlalchemy.orm import Session

from cofatui.enums import ACTIVE_COVER_STATUSES, TurnoverBasis, TurnoverBreakdown
from cofatui.errors import FieldError, ValidationFailed
from cofatui.models import Company, PortfolioEntry, Product, TurnoverDeclaration, TurnoverLine
from cofatui.repository.sql.paging import SortKey, seek_rows
from cofatui.repository.sql.portfolio import COVER_CODES
from cofatui.repository.sql.search import like_pattern
from cofatui.rules import turnover as rules
from cofatui.schemas import CurrencyAmount, Page, Seek
from cofatui.schemas_turnover import TurnoverLineIn, TurnoverLinePublic

#: IN lists are cut into chunks of this size (SQLite's bound-parameter limit).
CHUNK = 500


def _chunks(values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for i in range(0, len(values), CHUNK):
        yield values[i:i + CHUNK]


def debtor_key(name: str) -> str:
    """What a debtor line sorts and filters by: its name, case-folded."""
    return name.casefold()[:200]


# --- pre-fill --------------------------------------------------------------------------
def has_lines(s: Session, declaration_id: int) -> bool:
    return s.execute(select(TurnoverLine.id).where(TurnoverLine.declaration_id == declaration_id)
                     .limit(1)).first() is not None


def prefill(s: Session, decl: TurnoverDeclaration, currency: str, now: datetime) -> int:
    """Fill a declaration that has no line yet: per debtor the portfolio companies that
    hold an insurance cover, per country their countries. Returns the lines added."""
    assert decl.id is not None
    if has_lines(s, decl.id):
        return 0
    covered = (select(Product.company_id).where(
        Product.contract_id == decl.contract_id, Product.code.in_(COVER_CODES),
        Product.status.in_([str(x) for x in ACTIVE_COVER_STATUSES])).distinct())
    rows = s.execute(select(Company.id, Company.name, Company.country)
                     .join(PortfolioEntry, PortfolioEntry.company_id == Company.id)
                     .where(PortfolioEntry.contract_id == decl.contract_id,
                            Company.id.in_(covered))).all()
    values: list[dict[str, Any]]
    if decl.breakdown == TurnoverBreakdown.DEBTOR:
        values = [dict(declaration_id=decl.id, company_id=cid, country=country or "",
                       sort_key=debtor_key(name), amount=None, currency=currency,
                       updated_at=now) for cid, name, country in rows]
    else:
        values = [dict(declaration_id=decl.id, company_id=None, country=code,
                       sort_key=code, amount=None, currency=currency, updated_at=now)
                  for code in sorted({country for _, _, country in rows if country})]
    if values:
        s.execute(insert(TurnoverLine), values)
    return len(values)


# --- save ------------------------------------------------------------------------------
@dataclass
class _Resolved:
    index: int
    line: TurnoverLineIn
    company_id: int | None
    country: str
    name: str


def apply_lines(s: Session, decl: TurnoverDeclaration, lines: Sequence[TurnoverLineIn],
                default_currency: str, today: date, now: datetime) -> int:
    """Upsert ``lines`` into the declaration (an amount None clears one; a debtor or
    country not yet there is added). Every bad line is refused at its field
    (``lines.N.amount`` …), all at once, before anything is written. Returns the lines
    written."""
    assert decl.id is not None
    breakdown = TurnoverBreakdown(decl.breakdown)
    errors: list[FieldError] = []
    for i, line in enumerate(lines):
        errors += rules.line_key_errors(i, line, breakdown)
    if errors:
        raise ValidationFailed(errors)
    resolved = _resolve(s, lines, breakdown, errors)
    existing = _existing(s, decl.id, breakdown, resolved)
    seen: dict[tuple[int | None, str], int] = {}
    updates: list[dict[str, Any]] = []
    inserts: list[dict[str, Any]] = []
    for r in resolved:
        key = (r.company_id, "") if breakdown == TurnoverBreakdown.DEBTOR else (None, r.country)
        if key in seen:
            errors.append(FieldError(f"lines.{r.index}", "turnover.line_twice",
                                     {"first": seen[key] + 1}))
            continue
        seen[key] = r.index
        known = existing.get(key)
        currency = r.line.currency or (known[1] if known else default_currency)
        found = rules.line_value_errors(r.index, r.line, currency, today)
        if found:
            errors += found
            continue
        if known is not None:
            updates.append(dict(line_id=known[0], amount=r.line.amount, currency=currency,
                                updated_at=now))
        else:
            sort_key = debtor_key(r.name) if breakdown == TurnoverBreakdown.DEBTOR \
                else r.country
            inserts.append(dict(declaration_id=decl.id, company_id=r.company_id,
                                country=r.country, sort_key=sort_key, amount=r.line.amount,
                                currency=currency, updated_at=now))
    if errors:
        raise ValidationFailed(errors)
    if updates:
        s.connection().execute(
            update(TurnoverLine).where(TurnoverLine.id == bindparam("line_id"))
            .values(amount=bindparam("amount"), currency=bindparam("currency"),
                    updated_at=bindparam("updated_at")), updates)
    if inserts:
        s.execute(insert(TurnoverLine), inserts)
    return len(updates) + len(inserts)


def _resolve(s: Session, lines: Sequence[TurnoverLineIn], breakdown: TurnoverBreakdown,
             errors: list[FieldError]) -> list[_Resolved]:
    """Each line's company (by id or EasyNumber) or country; unknown ones refused."""
    if breakdown == TurnoverBreakdown.COUNTRY:
        return [_Resolved(i, line, None, str(line.country), "") for i, line in enumerate(lines)]
    ids = sorted({line.company_id for line in lines if line.company_id is not None})
    easies = sorted({line.easy_number for line in lines if line.easy_number})
    by_id: dict[int, tuple[int, str, str]] = {}
    by_easy: dict[str, tuple[int, str, str]] = {}
    for chunk in _chunks(ids):
        for cid, name, country in s.execute(select(Company.id, Company.name, Company.country)
                                            .where(Company.id.in_(chunk))):
            by_id[cid] = (cid, name, country or "")
    for chunk in _chunks(easies):
        for cid, name, country, easy in s.execute(
                select(Company.id, Company.name, Company.country, Company.easy_number)
                .where(Company.easy_number.in_(chunk))):
            by_easy[easy] = (cid, name, country or "")
    out: list[_Resolved] = []
    for i, line in enumerate(lines):
        if line.company_id is not None:
            found = by_id.get(line.company_id)
            where, code = f"lines.{i}.company_id", "turnover.unknown_company"
        else:
            found = by_easy.get(str(line.easy_number))
            where, code = f"lines.{i}.easy_number", "turnover.unknown_easy_number"
        if found is None:
            errors.append(FieldError(where, code))
        else:
            out.append(_Resolved(i, line, found[0], found[2], found[1]))
    return out


def _existing(s: Session, declaration_id: int, breakdown: TurnoverBreakdown,
              resolved: Sequence[_Resolved]) -> dict[tuple[int | None, str], tuple[int, str]]:
    """The lines already there for the keys named: key → (line id, currency)."""
    out: dict[tuple[int | None, str], tuple[int, str]] = {}
    if breakdown == TurnoverBreakdown.DEBTOR:
        ids = sorted({r.company_id for r in resolved if r.company_id is not None})
        for chunk in _chunks(ids):
            for lid, cid, currency in s.execute(
                    select(TurnoverLine.id, TurnoverLine.company_id, TurnoverLine.currency)
                    .where(TurnoverLine.declaration_id == declaration_id,
                           TurnoverLine.company_id.in_(chunk))):
                out[(cid, "")] = (lid, currency)
    else:
        codes = sorted({r.country for r in resolved})
        for chunk in _chunks(codes):
            for lid, country, currency in s.execute(
                    select(TurnoverLine.id, TurnoverLine.country, TurnoverLine.currency)
                    .where(TurnoverLine.declaration_id == declaration_id,
                           TurnoverLine.company_id.is_(None), TurnoverLine.country.in_(chunk))):
                out[(None, country)] = (lid, currency)
    return out


def any_amount(s: Session, declaration_id: int) -> Decimal | None:
    """One amount of the declaration that is not zero, if there is one."""
    return s.execute(select(TurnoverLine.amount).where(
        TurnoverLine.declaration_id == declaration_id, TurnoverLine.amount.is_not(None),
        TurnoverLine.amount != 0).limit(1)).scalar()


def fill_empty_with_zero(s: Session, declaration_id: int, now: datetime) -> None:
    """Send: lines without an amount are sent as 0 (our choice)."""
    s.execute(update(TurnoverLine).where(TurnoverLine.declaration_id == declaration_id,
                                         TurnoverLine.amount.is_(None))
              .values(amount=Decimal(0), updated_at=now))


# --- reads -----------------------------------------------------------------------------
@dataclass
class Aggregates:
    line_count: int = 0
    filled_count: int = 0
    totals: list[CurrencyAmount] | None = None


def aggregates(s: Session, declaration_ids: Sequence[int]) -> dict[int, Aggregates]:
    """Per declaration: its lines, those filled, and the totals per currency."""
    out = {i: Aggregates(totals=[]) for i in declaration_ids}
    for chunk in _chunks(list(declaration_ids)):
        rows = s.execute(select(TurnoverLine.declaration_id, TurnoverLine.currency,
                                func.count(), func.count(TurnoverLine.amount),
                                func.sum(TurnoverLine.amount))
                         .where(TurnoverLine.declaration_id.in_(chunk))
                         .group_by(TurnoverLine.declaration_id, TurnoverLine.currency)
                         .order_by(TurnoverLine.declaration_id, TurnoverLine.currency))
        for did, currency, count, filled, total in rows:
            agg = out[did]
            agg.line_count += count
            agg.filled_count += filled
            if filled:
                assert agg.totals is not None
                money = rules.totals([(Decimal(total), currency)])
                agg.totals += [CurrencyAmount(currency=m.currency, amount=m.amount)
                               for m in money]
    return out


#: The grid's order: by name (per debtor) or country code, then id; a range of
#: ``ix_turnover_line_declaration_sort``. ``sort_key`` is never NULL (it defaults to "").
LINE_ORDER = (SortKey(TurnoverLine.sort_key, str), SortKey(TurnoverLine.id, int))


def page(s: Session, decl: TurnoverDeclaration, offset: int, limit: int,
         text: str | None, seek: Seek | None = None) -> Page[TurnoverLinePublic]:
    """One page of the grid by name (per debtor) or country code, filtered by ``text``
    in the name, EasyNumber or country: at ``offset``, or by key as ``seek`` says
    (issue 21: the grid's next page starts after the last line seen, never behind a
    deep OFFSET). Counted on every page: the grid shows its page count, and the count
    is one declaration's lines."""
    line = TurnoverLine
    cond: list[Any] = [line.declaration_id == decl.id]
    if text and text.strip():
        pattern = like_pattern(text.strip().casefold())
        upper = like_pattern(text.strip().upper())
        cond.append(or_(line.sort_key.like(pattern, escape="\\"),
                        line.country.like(upper, escape="\\"),
                        Company.easy_number.like(upper, escape="\\")))
    outstanding = decl.basis == TurnoverBasis.OUTSTANDING
    query = select(line, Company.easy_number, Company.name,
                   PortfolioEntry.outstanding_amount if outstanding else null()) \
        .outerjoin(Company, Company.id == line.company_id) \
        .outerjoin(PortfolioEntry, (PortfolioEntry.company_id == line.company_id)
                   & (PortfolioEntry.contract_id == decl.contract_id)) \
        .where(*cond)
    counted = select(func.count()).select_from(line)
    if len(cond) > 1:  # the filter reads the EasyNumber too
        counted = counted.outerjoin(Company, Company.id == line.company_id)
    total = s.execute(counted.where(*cond)).scalar_one()
    limit, offset = max(1, min(limit, 500)), max(0, offset)
    found = seek_rows(s, query, LINE_ORDER, seek, offset, limit,
                      lambda row: (row[0].sort_key, row[0].id))
    items = [TurnoverLinePublic(id=row[0].id, company_id=row[0].company_id,
                                easy_number=row[1] or "", company_name=row[2] or "",
                                country=row[0].country, amount=row[0].amount,
                                currency=row[0].currency, outstanding=row[3])
             for row in found.rows]
    return Page(items=items, offset=0 if seek else offset, limit=limit, total=total,
                first_cursor=found.first_cursor, last_cursor=found.last_cursor)
