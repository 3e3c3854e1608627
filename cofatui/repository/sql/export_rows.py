"""The rows of a custom export (issue 15), read for the ``export.run`` job.

:func:`export_snapshot` opens one read-only transaction (REPEATABLE READ on
PostgreSQL; a WAL read transaction on SQLite): every page read in it sees the same
snapshot, so a file is consistent however long it takes. :func:`iter_export_rows`
pages by keyset (the portfolio entry's id, the claim's, the debtor row's), never by
OFFSET, and reads each page with a handful of queries (the page's companies with
their entries, then their products, claims, custom fields… for the whole page at
once), whatever the page's size: no query per row.

A row is a dict ``column key -> typed value``: ``Decimal`` amounts (with the
``currency`` key always present, the currency of the row's amounts), ``date`` and
``datetime``, ``str``, ``bool``, ``int`` or ``None``. Statuses and other codes are
worded in the spec's language (the owner's, from their user record).
A CSV-only run reads :func:`iter_export_csv_lines` instead: the same rows, each as
its CSV cells made straight from the driver's values by the same generated builder
with ``write_csv``'s own cell expressions (``csv_cell_code``), the same text.

The filters (:class:`ExportSpec`): contracts; company name contains (ignoring case
and accents, as ``rules.text.fold``-style folding: NFKD without combining marks,
casefolded); custom fields slot = value (contains, ignoring case, as the
portfolio's criterion); product codes and statuses (portfolio); claim statuses
(claims); and the period window (``period`` aggregation: what changed in it).
"""

from __future__ import annotations

import contextlib
import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import (
    ARRAY,
    BigInteger,
    ColumnElement,
    Select,
    String,
    and_,
    any_,
    bindparam,
    case,
    cast,
    delete,
    exists,
    func,
    insert,
    select,
    text,
    true,
)
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.engine import Connection, Engine, Row
from sqlalchemy.orm import Session, aliased

from cofatui import reference
from cofatui.enums import (
    ACTIVE_COVER_STATUSES,
    ClaimStatus,
    ExportAggregation,
    ExportCategory,
    ExportColumnType,
)
from cofatui.formats.export import csv_cell_code, csv_clean_code
from cofatui.i18n import t_in
from cofatui.models import (
    Claim,
    ClaimDebtor,
    ClaimInvoice,
    Company,
    Contract,
    CustomFieldDefinition,
    CustomFieldValue,
    LegalIdentifier,
    PortfolioEntry,
    Product,
)
from cofatui.models.exports import CHUNK_SIZE, ExportFile, ExportFileChunk
from cofatui.models.types import Money, UTCDateTime
from cofatui.repository.sql.engine import translated_errors
from cofatui.repository.sql.search import like_pattern
from cofatui.rules.export_aggregation import products_text
from cofatui.rules.export_columns import column, column_label, custom_field_slot
from cofatui.rules.money_units import from_units, units_text
from cofatui.rules.products import COVER_PRECEDENCE, LIVE_STATUSES
from cofatui.schemas_exports import ExportColumnInfo
from cofatui.schemas_jobs import ExportFormat

__all__ = ["ExportSpec", "count_export_rows", "export_snapshot", "fold", "headers",
           "iter_export_csv_lines", "iter_export_rows", "store_chunks", "store_files"]

#: Entries (or claims) read per page: a few MB of rows, and few statements.
PAGE = 4000
@dataclass(frozen=True)
class ExportSpec:
    """What one run exports: a snapshot of its scenario (or of the direct export)
    taken when the run was queued, stored as JSON in ``export_run.spec``."""

    category: ExportCategory
    owner_id: int
    contract_ids: tuple[int, ...]
    columns: tuple[str, ...]
    aggregation: ExportAggregation
    formats: tuple[ExportFormat, ...] = (ExportFormat.XLSX,)
    language: str = "en"
    company_name: str = ""
    custom_fields: tuple[tuple[int, str], ...] = ()
    product_codes: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    claim_statuses: tuple[str, ...] = ()
    period_from: datetime | None = None  # UTC, inclusive
    period_to: datetime | None = None  # UTC, exclusive

    def to_json(self) -> str:
        data = asdict(self)
        for key in ("period_from", "period_to"):
            value = data[key]
            data[key] = value.isoformat() if value is not None else None
        return json.dumps(data)

    @classmethod
    def from_json(cls, raw: str) -> ExportSpec:
        data = json.loads(raw)
        return cls(
            category=ExportCategory(data["category"]), owner_id=int(data["owner_id"]),
            contract_ids=tuple(int(c) for c in data["contract_ids"]),
            columns=tuple(data["columns"]),
            aggregation=ExportAggregation(data["aggregation"]),
            formats=tuple(ExportFormat(f) for f in data.get("formats", ["xlsx"])),
            language=data.get("language", "en"), company_name=data.get("company_name", ""),
            custom_fields=tuple((int(s), str(v)) for s, v in data.get("custom_fields", [])),
            product_codes=tuple(data.get("product_codes", [])),
            statuses=tuple(data.get("statuses", [])),
            claim_statuses=tuple(data.get("claim_statuses", [])),
            period_from=_when(data.get("period_from")), period_to=_when(data.get("period_to")))


def _when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def fold(value: str) -> str:
    """Casefolded, without accents: what "contains, ignoring case and accents" compares."""
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# --------------------------------------------------------------- the snapshot


@contextlib.contextmanager
def export_snapshot(engine: Engine) -> Iterator[Connection]:
    """One read-only transaction for the whole export: REPEATABLE READ on PostgreSQL
    (every statement sees the snapshot of the first), a WAL read transaction on
    SQLite (the same, from its first read). Rolled back at the end."""
    with translated_errors(), engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execution_options(isolation_level="REPEATABLE READ")
        conn.begin()
        try:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SET TRANSACTION READ ONLY"))
            yield conn
        finally:
            conn.rollback()


# --------------------------------------------------------------- headers


def custom_field_names(conn: Connection | Session,
                       contract_ids: Sequence[int]) -> dict[int, set[str]]:
    """slot -> the names the contracts give that custom field."""
    names: dict[int, set[str]] = defaultdict(set)
    for slot, name in conn.execute(select(CustomFieldDefinition.slot, CustomFieldDefinition.name)
                                   .where(CustomFieldDefinition.contract_id.in_(
                                       list(contract_ids) or [-1]))):
        names[int(slot)].add(name)
    return names


def headers(conn: Connection, spec: ExportSpec) -> list[ExportColumnInfo]:
    """The spec's columns in order, labelled as the file writes them."""
    names = custom_field_names(conn, spec.contract_ids)
    out = []
    for key in spec.columns:
        col = column(spec.category, key)
        out.append(ExportColumnInfo(key=key, label=column_label(col, spec.language, names),
                                    type=col.type))
    return out


# --------------------------------------------------------------- counting


def count_export_rows(conn: Connection, spec: ExportSpec) -> int:
    """How many rows :func:`iter_export_rows` yields for ``spec`` (in the same
    snapshot: the same number)."""
    if not spec.contract_ids:
        return 0
    if spec.category == ExportCategory.PORTFOLIO:
        return _count_portfolio(conn, spec)
    return _count_claims(conn, spec)


def _count_grouped(conn: Connection, spec: ExportSpec, query: Select[Any]) -> int:
    """``query`` selects (company name, rows); with a name filter the names are
    folded here (no accent folding in SQL on both databases), else summed in SQL."""
    if not spec.company_name.strip():
        sub = query.subquery()
        return int(conn.execute(select(func.coalesce(func.sum(sub.c.n), 0))).scalar_one())
    needle = fold(spec.company_name.strip())
    return sum(int(n) for name, n in conn.execute(query) if needle in fold(name))


def _count_portfolio(conn: Connection, spec: ExportSpec) -> int:
    e, c, p = PortfolioEntry, Company, Product
    entries = [e.contract_id.in_(spec.contract_ids), *_custom_field_conditions(spec)]
    if spec.aggregation == ExportAggregation.COMPANY:
        if _product_filter_active(spec):
            entries.append(exists().where(p.contract_id == e.contract_id,
                                          p.company_id == e.company_id,
                                          *_product_conditions(spec)))
        query = (select(c.name, func.count().label("n")).select_from(e)
                 .join(c, c.id == e.company_id).where(*entries).group_by(e.id, c.name))
        return _count_grouped(conn, spec, query)
    query = (select(c.name, func.count(p.id).label("n")).select_from(e)
             .join(c, c.id == e.company_id)
             .join(p, and_(p.contract_id == e.contract_id, p.company_id == e.company_id))
             .where(*entries, *_product_conditions(spec)).group_by(e.id, c.name))
    return _count_grouped(conn, spec, query)


def _count_claims(conn: Connection, spec: ExportSpec) -> int:
    c = Company
    if spec.aggregation == ExportAggregation.COMPANY:
        d, k = ClaimDebtor, Claim
        query = (select(c.name, func.count().label("n")).select_from(d)
                 .join(k, k.id == d.claim_id).join(c, c.id == d.company_id)
                 .where(d.contract_id.in_(spec.contract_ids), *_claim_conditions(spec, k))
                 .group_by(d.id, c.name))
    else:
        k = Claim
        query = (select(c.name, func.count().label("n")).select_from(k)
                 .join(c, c.id == k.company_id)
                 .where(k.contract_id.in_(spec.contract_ids), k.status != ClaimStatus.DRAFT.value,
                        *_claim_conditions(spec, k))
                 .group_by(k.id, c.name))
    return _count_grouped(conn, spec, query)


# --------------------------------------------------------------- conditions


def _codes(spec: ExportSpec) -> list[str]:
    return [("CRL" if code == "LCR" else code) for code in spec.product_codes]


def _product_filter_active(spec: ExportSpec) -> bool:
    return bool(spec.product_codes or spec.statuses or spec.aggregation == ExportAggregation.PERIOD)


def _product_conditions(spec: ExportSpec) -> list[ColumnElement[bool]]:
    p = Product
    cond: list[ColumnElement[bool]] = []
    if spec.product_codes:
        cond.append(p.code.in_(_codes(spec)))
    if spec.statuses:
        cond.append(p.status.in_(list(spec.statuses)))
    cond += _window(spec, p.updated_at)
    return cond


def _window(spec: ExportSpec, when: Any) -> list[ColumnElement[bool]]:
    if spec.aggregation != ExportAggregation.PERIOD:
        return []
    cond: list[ColumnElement[bool]] = []
    if spec.period_from is not None:
        cond.append(when >= spec.period_from)
    if spec.period_to is not None:
        cond.append(when < spec.period_to)
    return cond


def _custom_field_conditions(spec: ExportSpec, entry_id: Any = None) -> list[ColumnElement[bool]]:
    entry_id = PortfolioEntry.id if entry_id is None else entry_id
    v, d = CustomFieldValue, CustomFieldDefinition
    return [exists().where(v.entry_id == entry_id, v.definition_id == d.id, d.slot == slot,
                           func.lower(v.value).like(like_pattern(value.strip().lower()),
                                                    escape="\\"))
            for slot, value in spec.custom_fields]


def _claim_conditions(spec: ExportSpec, k: type[Claim]) -> list[ColumnElement[bool]]:
    cond: list[ColumnElement[bool]] = []
    if spec.claim_statuses:
        cond.append(k.status.in_(list(spec.claim_statuses)))
    cond += _window(spec, k.updated_at)
    if spec.custom_fields:
        e = PortfolioEntry
        cond.append(exists().where(e.contract_id == k.contract_id, e.company_id == k.company_id,
                                   *_custom_field_conditions(spec, e.id)))
    return cond


# --------------------------------------------------------------- the rows


def iter_export_rows(conn: Connection, spec: ExportSpec,
                     page: int = PAGE) -> Iterator[dict[str, Any]]:
    """Every row of the export, in a stable order (the portfolio entry's, the claim's,
    the debtor's), read ``page`` companies (or claims) at a time."""
    return _rows(conn, spec, page, None)


def iter_export_csv_lines(conn: Connection, spec: ExportSpec, time_zone: str,
                          language: str, page: int = PAGE) -> Iterator[list[str]]:
    """The rows of :func:`iter_export_rows`, each as its CSV cells in the order of
    ``spec.columns`` (``write_csv_cells`` writes them): the text ``write_csv`` writes
    for the typed row in ``time_zone`` and ``language`` (its yes/no), made without
    the typed row between (a CSV-only run: a third of its time went to that dict)."""
    return _rows(conn, spec, page, (time_zone, language))


#: A CSV line's time zone and language (yes/no), or None: a typed row.
CsvOf = tuple[str, str] | None


def _rows(conn: Connection, spec: ExportSpec, page: int, csv_of: CsvOf) -> Iterator[Any]:
    if not spec.contract_ids:
        return
    if spec.category == ExportCategory.PORTFOLIO:
        yield from _portfolio_rows(conn, spec, page, csv_of)
    else:
        yield from _claims_rows(conn, spec, page, csv_of)


class _Page:
    """What the rows of one page need beside their own query, read for the whole page."""

    policy: dict[int, str]
    currency: dict[int, str]
    products: dict[tuple[int, int], list[Row[Any]]]
    live_codes: dict[tuple[int, int], str]
    custom: dict[tuple[int, int], str]
    guarantors: dict[int, Row[Any]]
    claims: dict[tuple[int, int], Row[Any]]
    client_refs: dict[tuple[int, int], str]
    invoices: dict[int, int]
    debtor_claims: dict[tuple[int, int], int]

    def __init__(self) -> None:
        self.products, self.live_codes, self.custom = {}, {}, {}
        self.guarantors, self.claims = {}, {}
        self.client_refs, self.invoices, self.debtor_claims = {}, {}, {}


def _contracts(conn: Connection, spec: ExportSpec) -> tuple[dict[int, str], dict[int, str]]:
    rows = conn.execute(select(Contract.id, Contract.policy_number, Contract.currency)
                        .where(Contract.id.in_(spec.contract_ids))).all()
    return {r.id: r.policy_number for r in rows}, {r.id: r.currency for r in rows}


#: The entry's and company's columns each column key reads (beside the keys').
_ENTRY_NEEDS: dict[str, tuple[Any, ...]] = {
    "company_name_local": (Company.name_local,), "address": (Company.address,),
    "postal_code": (Company.postal_code,), "city": (Company.city,),
    "region": (Company.region,), "country": (Company.country,),
    "easy_number": (Company.easy_number,), "coface_reference": (Company.coface_reference,),
    "establishment": (Company.establishment,), "phone": (Company.phone,),
    "dra": (Company.dra,), "dra_date": (Company.dra_updated_at,),
    "client_reference": (PortfolioEntry.client_reference,),
    "outstanding_amount": (PortfolioEntry.outstanding_amount,),
    "internal_credit_limit": (PortfolioEntry.internal_credit_limit,),
    "updated_at": (PortfolioEntry.updated_at.label("entry_updated_at"),),
}
#: The product's columns each column key reads, beyond the first pass's.
_PRODUCT_NEEDS: dict[str, tuple[Any, ...]] = {
    "requested_amount": (Product.requested_amount,),
    "decided_amount": (Product.decided_amount,), "requested_at": (Product.requested_at,),
    "decided_at": (Product.decided_at,), "effective_date": (Product.effective_date,),
    "end_date": (Product.end_date,), "guarantor_name": (Product.guarantor_company_id,),
    "guarantor_easy_number": (Product.guarantor_company_id,), "clause": (Product.clause,),
    "comment": (Product.comment,), "decided_by": (Product.decided_by,),
    "monitored": (Product.monitored,), "updated_at": (Product.updated_at,),
}


def _needed(wanted: Sequence[str], needs: dict[str, tuple[Any, ...]]) -> list[Any]:
    out: dict[str, Any] = {}
    for key in wanted:
        for c in needs.get(key, ()):
            out.setdefault(c.key if hasattr(c, "key") else str(c), c)
    return list(out.values())


def _name_filter(spec: ExportSpec, name_at: int) -> Callable[[list[Any]], list[Any]]:
    """Keeps the rows whose company name (at ``name_at``) contains the spec's."""
    needle = fold(spec.company_name.strip())
    if not needle:
        return lambda rows: rows
    return lambda rows: [r for r in rows if needle in fold(r[name_at])]


Convert = Callable[[Any], Any]


def _fetch(conn: Connection, query: Select[Any]) -> list[Any]:
    """The rows of ``query`` as the driver gives them, plain tuples read by position:
    no Row object and no type conversion per value (a page's related rows are tens of
    thousands). Only for columns the driver gives as the ORM would (ints, strings), or
    read through :func:`_converters` (the row builder's ``p_convert``)."""
    result = conn.execute(query)
    try:
        rows = list(result.cursor.fetchall())
    finally:
        result.close()
    return rows


def _money(units: Any) -> Decimal | None:
    """What ``Money`` reads (``rules.money_units.from_units``); None for None."""
    return None if units is None else from_units(int(units))


def _money_text(units: Any) -> Any:
    """``format(_money(units), "f")`` made from the integer units (thousandths) with
    integer arithmetic (``units_text``: a run writes a hundred thousand amounts or
    more); None for None. Anything but an int is given back typed (:func:`_money`),
    for the usual cell."""
    if units.__class__ is not int:
        return None if units is None else _money(units)
    return units_text(units)


def _sqlite_moment(value: Any) -> datetime | None:
    """A SQLite timestamp (UTC, as SQLAlchemy writes it: ``YYYY-MM-DD HH:MM:SS.ffffff``)."""
    if value is None:
        return None
    if value.__class__ is str:
        # Parsed with its zone named in the text: a fifth of the time of parsing it
        # naive and then ``replace(tzinfo=UTC)`` (a few hundred thousand per run).
        try:
            return datetime.fromisoformat(value + "+00:00")
        except ValueError:  # a text that names its own offset
            return datetime.fromisoformat(value).replace(tzinfo=UTC)
    return _utc(value)


def _utc(value: Any) -> datetime | None:
    if value is None:
        return None
    moment: datetime = value
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _converters(conn: Connection, query: Select[Any]) -> tuple[Convert | None, ...]:
    """How each column of ``query`` becomes what the ORM would give (a Decimal amount,
    an aware UTC datetime, a date, a bool): the column type's own result processor,
    except for the two types of nearly every row, done here without its layers."""
    dialect = conn.dialect
    out: list[Convert | None] = []
    for c in query.selected_columns:
        kind = c.type
        if isinstance(kind, Money):
            out.append(_money)
        elif isinstance(kind, UTCDateTime):
            out.append(_sqlite_moment if dialect.name == "sqlite" else _utc)
        else:
            out.append(kind.dialect_impl(dialect).result_processor(dialect, None))
    return tuple(out)


def _pages(conn: Connection, base: Select[Any], key_col: Any, key_at: int,
           keep: Callable[[list[Any]], list[Any]], raw: bool = False) -> Iterator[list[Any]]:
    """The rows of ``base`` (ordered by ``key_col``, selected at ``key_at``, limited to
    a page) page by page, by keyset: each page starts after the last key of the one
    before, never at an offset; ``keep`` filters a page (a page left empty is skipped).
    ``raw``: the rows as the driver gives them (:func:`_fetch`), else Rows."""
    last = 0
    while True:
        query = base.where(key_col > last)
        rows = _fetch(conn, query) if raw else conn.execute(query).all()
        if not rows:
            return
        last = rows[-1][key_at]
        kept = keep(rows)
        if kept:
            yield kept


#: The companies' rows (``company`` aggregation) pick the product they show in SQL:
#: :func:`cofatui.rules.export_aggregation.prevailing_product` as an order of the
#: company's products (those the filters keep), the first taken: an active cover by
#: the credit decision's code order, then a live cover not decided yet by the same
#: order, then any product; the oldest first among equals (the rule's given order).
def _prevailing_rank(p: Any) -> ColumnElement[Any]:
    """The rank of a product ``p`` (lowest prevails, then the lowest id)."""
    active = sorted(s.value for s in ACTIVE_COVER_STATUSES)
    waiting = sorted(s.value for s in LIVE_STATUSES - ACTIVE_COVER_STATUSES)
    covers = sorted(COVER_PRECEDENCE)
    return case(
        (and_(p.code.in_(covers), p.status.in_(active)),
         case(COVER_PRECEDENCE, value=p.code, else_=len(COVER_PRECEDENCE))),
        (and_(p.code.in_(covers), p.status.in_(waiting)),
         len(COVER_PRECEDENCE) + case(COVER_PRECEDENCE, value=p.code, else_=len(COVER_PRECEDENCE))),
        else_=2 * len(COVER_PRECEDENCE))


@cache
def _live_text(products: tuple[tuple[str, str], ...]) -> str:
    return products_text([_Fact(code, status) for code, status in products])


class _Fact:
    """A product as the aggregation rules read it: its code and status."""

    __slots__ = ("code", "status")

    def __init__(self, code: str, status: str) -> None:
        self.code, self.status = code, status


@cache
def _live_codes(listed: str | None) -> str:
    """The ``products`` text from a company's live codes as SQL lists them (comma
    separated, in any order, repeated): sorted, once each, space separated."""
    return " ".join(sorted(set(listed.split(",")))) if listed else ""


def _portfolio_rows(conn: Connection, spec: ExportSpec, page: int,
                    csv_of: CsvOf) -> Iterator[Any]:
    e = PortfolioEntry
    policy, currency = _contracts(conn, spec)
    wanted = set(spec.columns)
    keep = _name_filter(spec, 3)  # the base query's 4th column, below
    by_company = spec.aggregation == ExportAggregation.COMPANY
    codes, statuses = set(_codes(spec)), set(spec.statuses)
    start, end = ((spec.period_from, spec.period_to)
                  if spec.aggregation == ExportAggregation.PERIOD else (None, None))
    entry_cols = (e.id, e.contract_id, e.company_id, Company.name.label("name"),
                  *_needed(spec.columns, _ENTRY_NEEDS), *_legal_identifiers(conn, wanted))
    if by_company:
        yield from _company_rows(conn, spec, page, csv_of, entry_cols, policy, currency)
        return
    base = (select(*entry_cols).join(Company, Company.id == e.company_id)
            .where(e.contract_id.in_(spec.contract_ids), *_custom_field_conditions(spec))
            .order_by(e.id).limit(page))
    details_query = select(*_detail_columns(spec))
    # The entries come from the driver's cursor (plain tuples, no Row, no per-value
    # processing): their amounts and times are typed by the row builder, as the
    # products' are.
    build = _builder(spec.category, _row_keys(spec, csv_of), spec.language,
                     tuple(c.key for c in base.selected_columns),
                     tuple(c.key for c in details_query.selected_columns), False,
                     _converters(conn, details_query), _converters(conn, base), csv_of)
    for rows in _pages(conn, base, e.id, 0, keep, raw=True):
        x = _portfolio_page(conn, spec, rows, wanted)
        x.policy, x.currency = policy, currency
        chosen = [(r, p.id) for r in rows for p in x.products.get((r[1], r[2]), ())
                  if (not codes or p.code in codes)
                  and (not statuses or p.status in statuses)
                  and (start is None or (p.updated_at is not None and p.updated_at >= start))
                  and (end is None or (p.updated_at is not None and p.updated_at < end))]
        details = _product_details(conn, spec, [pid for _, pid in chosen])
        for r, pid in chosen:
            yield build(r, details[pid], x)


def _company_rows(conn: Connection, spec: ExportSpec, page: int, csv_of: CsvOf,
                  entry_cols: Sequence[Any], policy: dict[int, str],
                  currency: dict[int, str]) -> Iterator[Any]:
    """A row per company: each page is ONE query, its entries with the product each
    row shows (:func:`_prevailing_rank`, the first of the company's products the
    filters keep, joined by its id) and the company's live codes (the ``products``
    column), so no product is read or parsed in Python. With a product filter, an
    entry without a kept product has no row."""
    e = PortfolioEntry
    wanted = set(spec.columns)
    keep = _name_filter(spec, 3)
    filtered = _product_filter_active(spec)
    live: list[Any] = []
    if "products" in wanted:
        lv = aliased(Product, name="live")
        live.append(select(func.aggregate_strings(lv.code, ","))
                    .where(lv.contract_id == e.contract_id, lv.company_id == e.company_id,
                           lv.status.in_(sorted(s.value for s in LIVE_STATUSES)))
                    .scalar_subquery().label("live_codes"))
    details, shown = _shown_product(conn, spec)
    base = (select(*entry_cols, *live, *details).select_from(e)
            .join(Company, Company.id == e.company_id).outerjoin(*shown)
            .where(e.contract_id.in_(spec.contract_ids), *_custom_field_conditions(spec))
            .order_by(e.id).limit(page))
    r_fields = tuple(c.key for c in base.selected_columns)
    shown_at = len(entry_cols) + len(live)
    # The row's product is the row itself (its ``shown_`` columns), None without one.
    p_fields = tuple(k.removeprefix("shown_") if i >= shown_at else "" for i, k in
                     enumerate(r_fields))
    converts = _converters(conn, base)
    build = _builder(spec.category, _row_keys(spec, csv_of), spec.language, r_fields,
                     p_fields, True, converts, converts, csv_of)
    for rows in _pages(conn, base, e.id, 0, keep, raw=True):
        x = _portfolio_page(conn, spec, rows, wanted, products=False)
        x.policy, x.currency = policy, currency
        for r in rows:
            if r[shown_at] is not None:
                yield build(r, r, x)
            elif not filtered:
                yield build(r, None, x)


def _shown_product(conn: Connection, spec: ExportSpec) -> tuple[list[Any], tuple[Any, Any]]:
    """The columns (``shown_<key>``) of the product a company's row shows
    (:func:`_prevailing_rank`: the first of its products the filters keep), and the
    outer join (target, condition) that reads it. SQLite joins the product whose id a
    correlated subquery picks; PostgreSQL would hash that join over every entry left
    before the page's limit (its plan: the pick evaluated for all of them, each page),
    so there the product is a LATERAL subquery, read per entry of the page only."""
    e = PortfolioEntry
    q = aliased(Product, name="prevailing")
    kept = (q.contract_id == e.contract_id, q.company_id == e.company_id,
            *_kept_conditions(spec, q))
    if conn.dialect.name == "postgresql":
        shown = (select(*[getattr(q, c.key).label(f"shown_{c.key}")
                          for c in _detail_columns(spec)])
                 .where(*kept).order_by(_prevailing_rank(q), q.id).limit(1).lateral("shown"))
        return list(shown.c), (shown, true())
    chosen = select(q.id).where(*kept).order_by(_prevailing_rank(q), q.id).limit(1) \
        .scalar_subquery()
    p = aliased(Product, name="shown")
    return [getattr(p, c.key).label(f"shown_{c.key}") for c in _detail_columns(spec)], \
        (p, p.id == chosen)


def _legal_identifiers(conn: Connection, wanted: set[str]) -> list[Any]:
    """The company's legal identifiers, comma separated in their order (ids), as a
    column of the page's query: a correlated lookup of the company's few rows by its
    index, cheaper than a query per page of their ids and a dict built from it."""
    if "legal_identifier" not in wanted:
        return []
    li = LegalIdentifier
    if conn.dialect.name == "postgresql":
        listed = select(func.string_agg(li.value, aggregate_order_by(", ", li.id))) \
            .where(li.company_id == PortfolioEntry.company_id)
    else:  # SQLite aggregates the rows in the order its subquery gives them
        ordered = (select(li.value).where(li.company_id == PortfolioEntry.company_id)
                   .order_by(li.id).correlate(PortfolioEntry).subquery())
        listed = select(func.group_concat(ordered.c.value, ", "))
    return [listed.scalar_subquery().label("legal_identifiers")]


def _kept_conditions(spec: ExportSpec, p: Any) -> list[ColumnElement[bool]]:
    """The filters a company's product must pass to be shown (codes, statuses)."""
    cond: list[ColumnElement[bool]] = []
    if spec.product_codes:
        cond.append(p.code.in_(_codes(spec)))
    if spec.statuses:
        cond.append(p.status.in_(list(spec.statuses)))
    return cond


def _row_keys(spec: ExportSpec, csv_of: CsvOf) -> tuple[str, ...]:
    """The values a row is made of: a CSV line's columns, a typed row's keys."""
    return spec.columns if csv_of is not None else _with_currency(spec.columns)


def _with_currency(columns: tuple[str, ...]) -> tuple[str, ...]:
    """The keys a row has: the columns, and the currency of its amounts."""
    return columns if "currency" in columns else (*columns, "currency")


def _detail_columns(spec: ExportSpec) -> list[Any]:
    wanted: Sequence[str] = spec.columns
    if spec.aggregation == ExportAggregation.COMPANY:  # the row's time is the entry's
        wanted = [key for key in wanted if key != "updated_at"]
    return [Product.id, Product.code, Product.status, Product.currency,
            *_needed(wanted, _PRODUCT_NEEDS)]


def _product_details(conn: Connection, spec: ExportSpec, ids: list[int]) -> dict[int, Any]:
    """The chosen products' columns the spec shows (:func:`_detail_columns`)."""
    if not ids:
        return {}
    return {p[0]: p for p in _fetch(
        conn, select(*_detail_columns(spec)).where(_among(conn, Product.id, ids)))}


def _among(conn: Connection, col: ColumnElement[Any], ids: Sequence[int]
           ) -> ColumnElement[bool]:
    """``col IN ids`` with the ids as ONE parameter (a JSON array on SQLite, an array
    on PostgreSQL): a page's thousands of ids are not compiled as a parameter each."""
    values = [int(i) for i in ids]
    if conn.dialect.name == "postgresql":
        return col == any_(cast(bindparam(None, values, type_=ARRAY(BigInteger)),
                                ARRAY(BigInteger)))
    listed = func.json_each(bindparam(None, json.dumps(values), type_=String)) \
        .table_valued("value")
    return col.in_(select(listed.c.value))


def _read_statuses(spec: ExportSpec) -> list[ColumnElement[bool]]:
    """The products read for a page: those the status filter keeps and the live ones
    (the ``products`` column); without a status filter, every product."""
    if not spec.statuses:
        return []
    return [Product.status.in_(sorted({v.value for v in LIVE_STATUSES} | set(spec.statuses)))]


def _portfolio_page(conn: Connection, spec: ExportSpec, rows: list[Any],
                    wanted: set[str], products: bool = True) -> _Page:
    """What a page of entries (id, contract_id, company_id, … as the driver gives
    them) needs beside its own columns."""
    x = _Page()
    company_ids = sorted({r[2] for r in rows})
    contracts = list(spec.contract_ids)
    period = spec.aggregation == ExportAggregation.PERIOD
    if products:  # the page's ids as one parameter (_among), the query built only if read
        query = select(Product.id, Product.contract_id, Product.company_id, Product.code,
                       Product.status, Product.currency,
                       *((Product.updated_at,) if period else ())).where(
            _among(conn, Product.company_id, company_ids), Product.contract_id.in_(contracts),
            *_read_statuses(spec))
        for p in conn.execute(query.order_by(Product.id)):
            x.products.setdefault((p.contract_id, p.company_id), []).append(p)
    if products and "products" in wanted:
        x.live_codes = {k: _live_text(tuple((p.code, p.status) for p in v))
                        for k, v in x.products.items()}
    if wanted & {"guarantor_name", "guarantor_easy_number"}:
        ids = {p.guarantor_company_id for p in conn.execute(
            select(Product.guarantor_company_id).where(
                _among(conn, Product.company_id, company_ids), Product.contract_id.in_(contracts),
                Product.guarantor_company_id.is_not(None)))}
        if ids:
            x.guarantors = {g.id: g for g in conn.execute(
                select(Company.id, Company.name, Company.easy_number)
                .where(Company.id.in_(sorted(ids))))}
    if any(custom_field_slot(k) for k in wanted):
        v, d = CustomFieldValue, CustomFieldDefinition
        for entry_id, slot, value in conn.execute(
                select(v.entry_id, d.slot, v.value).join(d, d.id == v.definition_id)
                .where(_among(conn, v.entry_id, [r[0] for r in rows]))):
            x.custom[(entry_id, slot)] = value
    if wanted & {"claim_status", "claim_intervention", "claim_insured", "claim_collector"}:
        latest = (select(func.max(Claim.id).label("latest_id"))
                  .where(Claim.contract_id.in_(contracts),
                         _among(conn, Claim.company_id, company_ids))
                  .group_by(Claim.contract_id, Claim.company_id).subquery())
        for k in conn.execute(select(Claim.contract_id, Claim.company_id, Claim.status,
                                     Claim.intervention_requested, Claim.collector,
                                     Claim.insured).join(latest, latest.c.latest_id == Claim.id)):
            x.claims[(k.contract_id, k.company_id)] = k
    return x


def _claims_rows(conn: Connection, spec: ExportSpec, page: int,
                 csv_of: CsvOf) -> Iterator[Any]:
    k, d = Claim, ClaimDebtor
    policy, currency = _contracts(conn, spec)
    wanted = set(spec.columns)
    claim_cols = (k.id.label("claim_id"), k.contract_id, k.company_id, k.reference,
                  k.own_reference, k.status, k.reason, k.insured, k.intervention_requested,
                  k.collector, k.currency, k.claim_amount, k.covered_amount,
                  k.calculated_indemnity, k.indemnity_date, k.submitted_at, k.updated_at)
    company_cols = (Company.name.label("name"), Company.country, Company.easy_number)
    by_debtor = spec.aggregation == ExportAggregation.COMPANY
    if by_debtor:
        base = (select(d.id.label("key_id"), d.claims.label("debtor_claims"), *claim_cols,
                       *company_cols).select_from(d).join(k, k.id == d.claim_id)
                .join(Company, Company.id == d.company_id)
                .where(d.contract_id.in_(spec.contract_ids), *_claim_conditions(spec, k))
                .order_by(d.id).limit(page))
        key_col: Any = d.id
    else:
        base = (select(k.id.label("key_id"), *claim_cols, *company_cols)
                .join(Company, Company.id == k.company_id)
                .where(k.contract_id.in_(spec.contract_ids), k.status != ClaimStatus.DRAFT.value,
                       *_claim_conditions(spec, k))
                .order_by(k.id).limit(page))
        key_col = k.id
    selected = tuple(c.key for c in base.selected_columns)
    keep = _name_filter(spec, selected.index("name"))
    build = _builder(spec.category, _row_keys(spec, csv_of), spec.language, selected,
                     csv_of=csv_of)
    for rows in _pages(conn, base, key_col, 0, keep):
        x = _claims_page(conn, spec, rows, wanted, by_debtor)
        x.policy, x.currency = policy, currency
        for r in rows:
            yield build(r, None, x)


def _claims_page(conn: Connection, spec: ExportSpec, rows: list[Row[Any]], wanted: set[str],
                 by_debtor: bool) -> _Page:
    x = _Page()
    company_ids = sorted({r.company_id for r in rows})
    contracts = list(spec.contract_ids)
    if "client_reference" in wanted:
        e = PortfolioEntry
        x.client_refs = {(r.contract_id, r.company_id): r.client_reference for r in conn.execute(
            select(e.contract_id, e.company_id, e.client_reference)
            .where(_among(conn, e.company_id, company_ids), e.contract_id.in_(contracts)))}
    if "invoice_count" in wanted:
        x.invoices = {claim_id: int(n) for claim_id, n in conn.execute(
            select(ClaimInvoice.claim_id, func.count())
            .where(_among(conn, ClaimInvoice.claim_id, [r.claim_id for r in rows]))
            .group_by(ClaimInvoice.claim_id))}
    if "claims_count" in wanted:
        if by_debtor:
            x.debtor_claims = {(r.contract_id, r.company_id): r.debtor_claims for r in rows}
        else:
            d = ClaimDebtor
            x.debtor_claims = {(r.contract_id, r.company_id): r.claims for r in conn.execute(
                select(d.contract_id, d.company_id, d.claims)
                .where(_among(conn, d.company_id, company_ids), d.contract_id.in_(contracts)))}
    return x


# --------------------------------------------------------------- column values


@cache
def _term(language: str, key: str) -> str:
    return t_in(language, key)


def _worded(prefix: str) -> Callable[[str, Any], str]:
    def word(language: str, value: Any) -> str:
        return "" if value in (None, "") else _term(language, f"{prefix}.{value}")
    return word


_status = _worded("products.status")
_claim_status = _worded("portfolio.claim_status")
_collector = _worded("claims.collector")


@cache
def _product_name(code: str, language: str) -> str:
    found = reference.product(code)
    if found is None:
        return code
    return found.name_fr if language == "fr" else found.name_en


@cache
def _family(code: str, language: str) -> str:
    found = reference.product(code)
    return "" if found is None else _term(language, f"products.family.{found.family}")


def _opt(value: Any) -> Any:
    return "" if value is None else value


def _dra_date(moment: datetime | None) -> Any:
    return None if moment is None else moment.date()


#: Each column's value as a Python expression over the page's row ``r``, the row's
#: product ``p`` (None: a company without one) and the page ``x``; a row is built by
#: one generated function (:func:`_builder`), not a call per column: 100 000 rows of
#: 20 columns are two million values.
_PORTFOLIO_EXPR: dict[str, str] = {
    "contract": "x.policy.get(r.contract_id, '')",
    "company_name": "r.name",
    "company_name_local": "opt(r.name_local)",
    "address": "r.address", "postal_code": "r.postal_code", "city": "r.city",
    "region": "r.region", "country": "r.country", "easy_number": "r.easy_number",
    "coface_reference": "opt(r.coface_reference)",
    "legal_identifier": "opt(r.legal_identifiers)",
    "establishment": "r.establishment", "phone": "r.phone", "dra": "r.dra",
    "dra_date": "dra_date(r.dra_updated_at)",
    "client_reference": "r.client_reference",
    "outstanding_amount": "r.outstanding_amount",
    "internal_credit_limit": "r.internal_credit_limit",
    "products": "x.live_codes.get((r.contract_id, r.company_id), '')",
    "product_code": "'' if p is None else p.code",
    "product_name": "'' if p is None else product_name(p.code, language)",
    "family": "'' if p is None else family(p.code, language)",
    "status": "'' if p is None else status(language, p.status)",
    "requested_amount": "None if p is None else p.requested_amount",
    "decided_amount": "None if p is None else p.decided_amount",
    "currency": "x.currency.get(r.contract_id, '') if p is None else p.currency",
    "requested_at": "None if p is None else p.requested_at",
    "decided_at": "None if p is None else p.decided_at",
    "effective_date": "None if p is None else p.effective_date",
    "end_date": "None if p is None else p.end_date",
    "guarantor_name": "guarantor(x, None if p is None else p.guarantor_company_id, 1)",
    "guarantor_easy_number": "guarantor(x, None if p is None else "
                             "p.guarantor_company_id, 2)",
    "clause": "'' if p is None else p.clause",
    "comment": "'' if p is None else p.comment",
    "decided_by": "'' if p is None else p.decided_by",
    "monitored": "None if p is None else p.monitored",
    "updated_at": "r.entry_updated_at if p is None else p.updated_at",
    "claim_status": "claim_status(language, claim(x, (r.contract_id, r.company_id), 2))",
    "claim_intervention": "claim(x, (r.contract_id, r.company_id), 3)",
    "claim_insured": "claim(x, (r.contract_id, r.company_id), 5)",
    "claim_collector": "collector(language, claim(x, (r.contract_id, r.company_id), 4))",
    **{f"custom_field_{n}": f"x.custom.get((r.id, {n}), '')" for n in range(1, 6)},
}
_CLAIMS_EXPR: dict[str, str] = {
    "contract": "x.policy.get(r.contract_id, '')",
    "debtor_name": "r.name", "country": "r.country", "easy_number": "r.easy_number",
    "client_reference": "x.client_refs.get((r.contract_id, r.company_id), '')",
    "claim_reference": "opt(r.reference)", "own_reference": "r.own_reference",
    "claim_status": "term(language, 'claims.status.' + r.status)",
    "reason": "r.reason", "insured": "r.insured",
    "intervention_requested": "r.intervention_requested",
    "collector": "collector(language, r.collector)", "currency": "r.currency",
    "claim_amount": "r.claim_amount", "covered_amount": "r.covered_amount",
    "calculated_indemnity": "r.calculated_indemnity", "indemnity_date": "r.indemnity_date",
    "submitted_at": "r.submitted_at",
    "invoice_count": "x.invoices.get(r.claim_id, 0)",
    "claims_count": "x.debtor_claims.get((r.contract_id, r.company_id), 1)",
    "updated_at": "r.updated_at",
}


def _guarantor(x: _Page, company_id: int | None, index: int) -> Any:
    if company_id is None:
        return ""
    found = x.guarantors.get(company_id)
    return "" if found is None else found[index]


def _claim(x: _Page, key: tuple[int, int], index: int) -> Any:
    found = x.claims.get(key)
    return None if found is None else found[index]


Builder = Callable[[Row[Any], Any, _Page], Any]  # a dict, or a list of CSV cells


_FIELD = re.compile(r"\b([rp])\.(\w+)")


@cache
def _builder(category: ExportCategory, columns: tuple[str, ...], language: str,
             r_fields: tuple[str, ...], p_fields: tuple[str, ...] = (),
             company_rows: bool = False, p_convert: tuple[Convert | None, ...] = (),
             r_convert: tuple[Convert | None, ...] = (),
             csv_of: CsvOf = None) -> Builder:
    """One function building a row of ``columns`` (keys in order) from a page's row
    ``r`` and its product ``p``, whose fields (the columns their queries select, in
    order) are read by position: a Row's attribute costs several times its index. The
    product (and, with ``r_convert``, the row) comes as the driver gave it
    (:func:`_fetch`): a field with a converter (``p_convert``, ``r_convert``:
    :func:`_converters`) is typed by it here, in the row's one call.
    ``company_rows``: a portfolio row per company, whose time is the entry's.
    ``csv_of`` (a time zone and a language): the function makes the row's CSV cells
    instead, a list of texts as ``write_csv`` writes them in that zone and language
    (:func:`csv_cell_code`), each value written as soon as it is typed, no dict between."""
    table = _PORTFOLIO_EXPR if category == ExportCategory.PORTFOLIO else _CLAIMS_EXPR
    if company_rows:  # the row's time is the entry's, its live codes listed by SQL
        table = {**table, "updated_at": "r.entry_updated_at",
                 "products": "live_codes(r.live_codes)"}
    fields = {"r": r_fields, "p": p_fields}
    converts: dict[str, tuple[Convert | None, ...]] = {"r": r_convert, "p": p_convert}
    namespace: dict[str, Any] = {
        "language": language, "opt": _opt, "dra_date": _dra_date,
        "product_name": _product_name, "family": _family, "status": _status,
        "claim_status": _claim_status, "collector": _collector, "term": _term,
        "guarantor": _guarantor, "claim": _claim, "live_codes": _live_codes}

    def by_position(found: re.Match[str]) -> str:
        name, field = found.group(1), found.group(2)
        index = fields[name].index(field)
        convert = converts[name][index] if index < len(converts[name]) else None
        if convert is None:
            return f"{name}[{index}]"
        namespace[f"{name}_convert_{index}"] = convert
        return f"{name}_convert_{index}({name}[{index}])"

    def read_raw(convert: str) -> Callable[[re.Match[str]], str]:
        def read(found: re.Match[str]) -> str:
            name, field = found.group(1), found.group(2)
            return f"{convert}({name}[{fields[name].index(field)}])"
        return read

    if csv_of is None:
        parts = [f"{key!r}: {_FIELD.sub(by_position, table[key])}" for key in columns]
        source = "def build(r, p, x):\n    return {" + ", ".join(parts) + "}\n"
    else:
        kinds = [column(category, key).type for key in columns]
        cells, needs = csv_cell_code(kinds, time_zone=csv_of[0], language=csv_of[1],
                                     clean="clean")
        raw = _raw_cells(category, columns, table, fields, converts)
        namespace.update(needs, money_text=_money_text)
        values = "".join(f"    v{i} = {_FIELD.sub(by_position, table[key])}\n"
                         for i, key in enumerate(columns) if i not in raw)
        for i, convert in raw.items():  # a cell's text from the stored value
            values += f"    v{i} = {_FIELD.sub(read_raw(convert), table[columns[i]])}\n"
            cells[i] = f"(v{i} if v{i}.__class__ is str else {cells[i]})"
        values += csv_clean_code(kinds, "clean")
        source = f"def build(r, p, x):\n{values}    return [{', '.join(cells)}]\n"
    exec(compile(source, f"<export row {category.value}>", "exec"), namespace)
    build: Builder = namespace["build"]
    return build


#: The columns whose CSV text is made from the stored value, unconverted: a time
#: SQLite stores as text (converter :func:`_sqlite_moment`; ``stored_text``, from
#: :func:`csv_cell_code`'s namespace) and an amount's integer units (:func:`_money`;
#: :func:`_money_text`).
_RAW_TEXT: dict[tuple[ExportColumnType, Any], str] = {
    (ExportColumnType.DATETIME, _sqlite_moment): "stored_text",
    (ExportColumnType.AMOUNT, _money): "money_text"}


def _raw_cells(category: ExportCategory, columns: Sequence[str], table: dict[str, str],
               fields: dict[str, tuple[str, ...]],
               converts: dict[str, tuple[Convert | None, ...]]) -> dict[int, str]:
    """The columns (index -> the function writing their text) whose value is a field
    read as it is (or None) and whose field's converter is one of :data:`_RAW_TEXT`:
    a CSV line writes their text from the stored value, without typing it (the
    function gives back what it cannot write, for the cell's usual expression)."""
    found = {}
    for i, key in enumerate(columns):
        kind = column(category, key).type
        reads = _FIELD.findall(table[key])
        if not reads or _FIELD.sub("F", table[key]) not in _PLAIN_READS:
            continue
        used = {converts[name][fields[name].index(field)]
                if fields[name].index(field) < len(converts[name]) else None
                for name, field in reads}
        convert = _RAW_TEXT.get((kind, used.pop())) if len(used) == 1 else None
        if convert is not None:
            found[i] = convert
    return found


#: A value's expression (its fields read written ``F``) that gives a field as it is
#: or None: what :func:`_raw_cells` may write from the stored value.
_PLAIN_READS = {"F", "None if p is None else F", "F if p is None else F"}


# --------------------------------------------------------------- files


def store_chunks(session: Session, file_id: int, chunks: Iterable[bytes]) -> None:
    """Write a file's chunks (each at most 1 MiB) in order."""
    for seq, chunk in enumerate(chunks):
        session.execute(insert(ExportFileChunk).values(file_id=file_id, seq=seq, data=chunk))


def _read_chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK_SIZE):
            yield chunk


def store_files(session: Session, export_id: int,
                files: Sequence[tuple[ExportFormat, str, Path]]) -> list[ExportFile]:
    """Store the run's files (format, name shown, path of the written file) in chunks
    of at most 1 MiB, read one at a time; an earlier file of the same format (a retried
    job) is replaced."""
    stored = []
    for fmt, name, path in files:
        old = session.execute(select(ExportFile).where(
            ExportFile.export_id == export_id, ExportFile.format == fmt.value)).scalars().first()
        if old is not None:
            session.execute(delete(ExportFileChunk).where(ExportFileChunk.file_id == old.id))
            session.delete(old)
            session.flush()
        record = ExportFile(export_id=export_id, format=fmt.value, name=name,
                            size=path.stat().st_size)
        session.add(record)
        session.flush()
        assert record.id is not None
        store_chunks(session, record.id, _read_chunks(path))
        stored.append(record)
    return stored
