"""The claims portfolio's tables, kept in step with the claims: ``claim_debtor`` (each
debtor's latest registered claim, its number of claims, the latest claim's
``updated_at`` and search text) and ``claim_debtor_count`` (rows per contract).

Every write that adds a claim calls ``claim_added``; every write that changes a claim
calls ``claim_changed`` — in the same session, so the rows commit or roll back with the
claim. Bulk loads (the demo, benchmarks) write claims with Core inserts and call
``rebuild_claim_debtors`` once. Only what orders, filters and counts the portfolio is
kept here; what a row shows (status, amounts, the company's name) is read from the
claim and the company when the page is read.
"""

from __future__ import annotations

import functools
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, case, delete, func, insert, literal, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from cofatui.enums import ClaimStatus
from cofatui.models import Claim, ClaimDebtor, ClaimDebtorCount, Company
from cofatui.repository.sql.keyset_page import or_epoch
from cofatui.repository.sql.paging import SortKey
from cofatui.repository.sql.search import like_pattern, trigram_filter

_debtor = ClaimDebtor.__table__
_count = ClaimDebtorCount.__table__
SEPARATOR = "\n"  # between the parts of the search text, so no needle spans two parts
_COLUMNS = ["contract_id", "company_id", "claim_id", "claims", "updated_at", "search_text"]


def search_text(name_key: str, reference: str | None, easy_number: str) -> str:
    """What the filter matches: the company's name key, the latest claim's reference and
    the EasyNumber, lowercased (the filter is case-insensitive)."""
    return SEPARATOR.join((name_key.casefold(), (reference or "").casefold(),
                           easy_number.casefold()))


def _search_text_sql() -> ColumnElement[str]:
    sep = literal(SEPARATOR)
    return (Company.name_key + sep + func.lower(func.coalesce(Claim.reference, ""))
            + sep + func.lower(Company.easy_number))


def _insert(dialect: str, table: Any) -> Any:
    if dialect == "postgresql":
        return postgresql.insert(table)
    if dialect == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(dialect)


# --- writes --------------------------------------------------------------------------------


def claim_added(s: Session, claim: Claim, company: Company) -> None:
    """A new claim: its debtor's row names it (unless a newer one is already there, a
    concurrent submission committed first) and counts one more claim; a new row counts
    one more debtor. One upsert: two submissions on the same debtor cannot both insert
    the row (on PostgreSQL the second waits for the first, then updates the row the
    first committed), and the row's claim count tells whether it is new."""
    if claim.status == ClaimStatus.DRAFT.value:
        return
    claims = s.execute(_claim_upsert(s.get_bind().dialect.name), {
        "contract_id": claim.contract_id, "company_id": claim.company_id,
        "claim_id": claim.id, "claims": 1, "updated_at": claim.updated_at,
        "search_text": search_text(company.name_key, claim.reference, company.easy_number),
    }).scalar_one()
    if claims == 1:
        s.execute(_count_upsert(s.get_bind().dialect.name),
                  {"contract_id": claim.contract_id, "debtors": 1})


@functools.cache
def _claim_upsert(dialect: str) -> Any:
    """Built once: building an upsert (its ``excluded`` columns) costs more than
    running it."""
    stmt = _insert(dialect, _debtor)
    newer = stmt.excluded.claim_id > _debtor.c.claim_id
    return stmt.on_conflict_do_update(
        index_elements=[_debtor.c.contract_id, _debtor.c.company_id],
        set_={"claims": _debtor.c.claims + 1,
              **{name: case((newer, stmt.excluded[name]), else_=_debtor.c[name])
                 for name in ("claim_id", "updated_at", "search_text")}}
    ).returning(_debtor.c.claims)


@functools.cache
def _count_upsert(dialect: str) -> Any:
    stmt = _insert(dialect, _count)
    return stmt.on_conflict_do_update(index_elements=[_count.c.contract_id],
                                      set_={"debtors": _count.c.debtors
                                            + stmt.excluded.debtors})


def claim_changed(s: Session, claim: Claim) -> None:
    """A claim was written (status, amounts, lines, ``updated_at``): if it is its
    debtor's latest, the row takes its ``updated_at``. A claim turned into a draft (no
    command does it today) would change which claim is the latest: the debtor's row is
    rebuilt then."""
    if claim.status == ClaimStatus.DRAFT.value:
        refresh_debtor(s, claim.contract_id, claim.company_id)
        return
    s.execute(update(_debtor).where(
        _debtor.c.contract_id == claim.contract_id, _debtor.c.company_id == claim.company_id,
        _debtor.c.claim_id == claim.id).values(updated_at=claim.updated_at))


def company_renamed(s: Session, company: Company) -> None:
    """The company's name or EasyNumber changed: rewrite its rows' search text."""
    latest = select(Claim.reference).where(Claim.id == _debtor.c.claim_id).scalar_subquery()
    sep = literal(SEPARATOR)
    s.execute(update(_debtor).where(_debtor.c.company_id == company.id).values(
        search_text=literal(company.name_key.casefold()) + sep
        + func.lower(func.coalesce(latest, "")) + sep
        + literal(company.easy_number.casefold())))


def _rows(where: list[Any]) -> Any:
    latest = (select(func.max(Claim.id).label("latest"), func.count().label("claims"))
              .where(Claim.status != ClaimStatus.DRAFT.value, *where)
              .group_by(Claim.contract_id, Claim.company_id).subquery())
    return (select(Claim.contract_id, Claim.company_id, Claim.id, latest.c.claims,
                   Claim.updated_at, _search_text_sql())
            .join(latest, latest.c.latest == Claim.id)
            .join(Company, Company.id == Claim.company_id))


def _recount(conn: Connection | Session, contract_id: int | None = None) -> None:
    where = [] if contract_id is None else [_debtor.c.contract_id == contract_id]
    conn.execute(delete(_count).where(*[] if contract_id is None
                                      else [_count.c.contract_id == contract_id]))
    conn.execute(insert(_count).from_select(["contract_id", "debtors"], select(
        _debtor.c.contract_id, func.count()).where(*where).group_by(_debtor.c.contract_id)))


def refresh_debtor(s: Session, contract_id: int, company_id: int) -> None:
    """Rebuild one debtor's row from its claims, and the contract's count."""
    s.execute(delete(_debtor).where(_debtor.c.contract_id == contract_id,
                                    _debtor.c.company_id == company_id))
    s.execute(insert(_debtor).from_select(_COLUMNS, _rows(
        [Claim.contract_id == contract_id, Claim.company_id == company_id])))
    _recount(s, contract_id)


def rebuild_claim_debtors(conn: Connection | Session, contract_id: int | None = None) -> int:
    """Rebuild the rows of every debtor (of one contract) from the claims, after claims
    were written in bulk without the repository; returns the number of rows."""
    where = [] if contract_id is None else [Claim.contract_id == contract_id]
    kept = [] if contract_id is None else [_debtor.c.contract_id == contract_id]
    conn.execute(delete(_debtor).where(*kept))
    result = conn.execute(insert(_debtor).from_select(_COLUMNS, _rows(where)))
    _recount(conn, contract_id)
    bind = conn.get_bind() if isinstance(conn, Session) else conn
    if bind.dialect.name == "postgresql":
        # A bulk insert leaves trigram entries in the GIN index's pending list, which
        # every filtered read scans until autovacuum merges it: merge it now.
        conn.execute(text("SELECT gin_clean_pending_list('ix_claim_debtor_search_trgm')"))
    return int(getattr(result, "rowcount", 0) or 0)


# --- reads ---------------------------------------------------------------------------------


def debtor_count(s: Session, contract_id: int) -> int:
    return int(s.execute(select(_count.c.debtors).where(
        _count.c.contract_id == contract_id)).scalar() or 0)


def text_match(needle: str, dialect: str, walk: bool = False) -> ColumnElement[bool]:
    """``claim_debtor`` rows whose search text contains ``needle``.

    On SQLite, three characters or more, through the FTS5 trigram index
    (``claim_debtor_search``): the matching rows are found there, then sorted. When
    most rows match (``walk``), sorting them all costs more than walking the contract's
    rows newest first and testing each until the page is full: a plain ``LIKE`` then.
    On PostgreSQL a ``LIKE``, which the planner serves from the pg_trgm index or by
    walking the order index as the statistics say."""
    needle = needle.strip().casefold()
    if dialect == "sqlite" and len(needle) >= 3 and not walk:
        return trigram_filter(_debtor, "claim_debtor_search", needle, dialect)
    like: ColumnElement[bool] = _debtor.c.search_text.like(like_pattern(needle), escape="\\")
    return like


#: The portfolio's order, newest first: the latest claim's ``updated_at``, then its id.
#: A row without its time (none is written so, but the column allows it) sorts last on
#: both databases, at EPOCH bound with the column's type (as ``claim_submission``'s
#: CLAIM_ORDER); the coalesce costs ix_claim_debtor_order its order, not its range.
PORTFOLIO_ORDER = (
    SortKey(or_epoch(_debtor.c.updated_at), datetime, descending=True),
    SortKey(_debtor.c.claim_id, int, descending=True))


def order_key() -> tuple[Any, ...]:
    """:data:`PORTFOLIO_ORDER` as ORDER BY terms."""
    return tuple(key.expression.desc() for key in PORTFOLIO_ORDER)
