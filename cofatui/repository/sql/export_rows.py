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

The filters (:class:`ExportSpec`): contracts; company name contains (ignoring case
and accents, as ``rules.text.fold``-style folding: NFKD without combining marks,
casefolded); custom fields slot = value (contains, ignoring case, as the
portfolio's criterion); product codes and statuses (portfolio); claim statuses
(claims); and the period window (``period`` aggregation: what changed in it).
"""

from __future__ import annotations

import contextlib
import json
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, delete, exists, func, insert, select, text
from sqlalchemy.engine import Connection, Engine, Row
from sqlalchemy.orm import Session

from cofatui import reference
from cofatui.enums import ClaimStatus, ExportAggregation, ExportCategory, ProductStatus
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
from cofatui.repository.sql.engine import translated_errors
from cofatui.repository.sql.search import like_pattern
from cofatui.rules.export_aggregation import prevailing_product, products_text
from cofatui.rules.export_columns import column, column_label, custom_field_slot
from cofatui.schemas_exports import ExportColumnInfo
from cofatui.schemas_jobs import ExportFormat

__all__ = ["ExportSpec", "count_export_rows", "export_snapshot", "fold", "headers",
           "iter_export_rows", "store_chunks", "store_files"]

PAGE = 1000
#: Statuses whose products the ``products`` column lists (as the portfolio does).
_LIVE = tuple(s.value for s in ProductStatus
              if s not in (ProductStatus.DELETED, ProductStatus.EXPIRED,
                           ProductStatus.REPLACED, ProductStatus.REFUSED))


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
    if not spec.contract_ids:
        return
    if spec.category == ExportCategory.PORTFOLIO:
        yield from _portfolio_rows(conn, spec, page)
    else:
        yield from _claims_rows(conn, spec, page)


class _Page:
    """What the rows of one page need beside their own query, read for the whole page."""

    policy: dict[int, str]
    currency: dict[int, str]
    products: dict[tuple[int, int], list[Row[Any]]]
    live_codes: dict[tuple[int, int], str]
    custom: dict[tuple[int, int], str]
    identifiers: dict[int, str]
    guarantors: dict[int, Row[Any]]
    claims: dict[tuple[int, int], Row[Any]]
    client_refs: dict[tuple[int, int], str]
    invoices: dict[int, int]
    debtor_claims: dict[tuple[int, int], int]

    def __init__(self) -> None:
        self.products, self.live_codes, self.custom = {}, {}, {}
        self.identifiers, self.guarantors, self.claims = {}, {}, {}
        self.client_refs, self.invoices, self.debtor_claims = {}, {}, {}


def _contracts(conn: Connection, spec: ExportSpec) -> tuple[dict[int, str], dict[int, str]]:
    rows = conn.execute(select(Contract.id, Contract.policy_number, Contract.currency)
                        .where(Contract.id.in_(spec.contract_ids))).all()
    return {r.id: r.policy_number for r in rows}, {r.id: r.currency for r in rows}


_COMPANY_COLS = (Company.name.label("name"), Company.name_local, Company.address,
                 Company.postal_code, Company.city, Company.region, Company.country,
                 Company.easy_number, Company.coface_reference, Company.establishment,
                 Company.phone, Company.dra, Company.dra_updated_at)
_PRODUCT_COLS = (Product.id, Product.contract_id, Product.company_id, Product.code,
                 Product.status, Product.requested_amount, Product.decided_amount,
                 Product.currency, Product.requested_at, Product.decided_at,
                 Product.effective_date, Product.end_date, Product.guarantor_company_id,
                 Product.clause, Product.comment, Product.decided_by, Product.monitored,
                 Product.updated_at)


def _name_filter(spec: ExportSpec) -> Callable[[list[Row[Any]]], list[Row[Any]]]:
    needle = fold(spec.company_name.strip())
    if not needle:
        return lambda rows: rows
    return lambda rows: [r for r in rows if needle in fold(r.name)]


def _pages(conn: Connection, base: Select[Any], key_col: Any, key_attr: str,
           keep: Callable[[list[Row[Any]]], list[Row[Any]]]) -> Iterator[list[Row[Any]]]:
    """The rows of ``base`` (ordered by ``key_col``, limited to a page) page by page,
    by keyset: each page starts after the last key of the one before, never at an
    offset; ``keep`` filters a page (a page left empty is skipped)."""
    last = 0
    while True:
        rows = conn.execute(base.where(key_col > last)).all()
        if not rows:
            return
        last = getattr(rows[-1], key_attr)
        kept = keep(rows)
        if kept:
            yield kept


def _portfolio_rows(conn: Connection, spec: ExportSpec, page: int) -> Iterator[dict[str, Any]]:
    e = PortfolioEntry
    policy, currency = _contracts(conn, spec)
    getters = [(key, _portfolio_for(spec.language)[key]) for key in spec.columns]
    wanted = set(spec.columns)
    keep = _name_filter(spec)
    by_company = spec.aggregation == ExportAggregation.COMPANY
    filtered = _product_filter_active(spec)
    codes, statuses = set(_codes(spec)), set(spec.statuses)
    start, end = ((spec.period_from, spec.period_to)
                  if spec.aggregation == ExportAggregation.PERIOD else (None, None))
    base = (select(e.id, e.contract_id, e.company_id, e.client_reference,
                   e.outstanding_amount, e.internal_credit_limit,
                   e.updated_at.label("entry_updated_at"), *_COMPANY_COLS)
            .join(Company, Company.id == e.company_id)
            .where(e.contract_id.in_(spec.contract_ids), *_custom_field_conditions(spec))
            .order_by(e.id).limit(page))
    for rows in _pages(conn, base, e.id, "id", keep):
        x = _portfolio_page(conn, spec, rows, wanted)
        x.policy, x.currency = policy, currency
        for r in rows:
            key = (r.contract_id, r.company_id)
            matching = [p for p in x.products.get(key, ())
                        if (not codes or p.code in codes)
                        and (not statuses or p.status in statuses)
                        and (start is None or (p.updated_at is not None
                                               and p.updated_at >= start))
                        and (end is None or (p.updated_at is not None and p.updated_at < end))]
            if by_company:
                if filtered and not matching:
                    continue
                cover = prevailing_product(matching)
                row = {k: g(r, cover, x) for k, g in getters}
                if "updated_at" in wanted:  # the company's row: the entry's time
                    row["updated_at"] = r.entry_updated_at
                row["currency"] = cover.currency if cover is not None else currency[r.contract_id]
                yield row
                continue
            for p in matching:
                row = {k: g(r, p, x) for k, g in getters}
                row["currency"] = p.currency
                yield row


def _portfolio_page(conn: Connection, spec: ExportSpec, rows: list[Row[Any]],
                    wanted: set[str]) -> _Page:
    x = _Page()
    company_ids = sorted({r.company_id for r in rows})
    contracts = list(spec.contract_ids)
    statuses = sorted(set(_LIVE) | set(spec.statuses))
    query = select(*_PRODUCT_COLS).where(Product.company_id.in_(company_ids),
                                         Product.contract_id.in_(contracts))
    if spec.aggregation != ExportAggregation.PERIOD or spec.statuses:
        query = query.where(Product.status.in_(statuses))
    for p in conn.execute(query.order_by(Product.id)):
        x.products.setdefault((p.contract_id, p.company_id), []).append(p)
    if "products" in wanted:
        x.live_codes = {k: products_text(v) for k, v in x.products.items()}
    if wanted & {"guarantor_name", "guarantor_easy_number"}:
        ids = {p.guarantor_company_id for ps in x.products.values() for p in ps
               if p.guarantor_company_id is not None}
        if ids:
            x.guarantors = {g.id: g for g in conn.execute(
                select(Company.id, Company.name, Company.easy_number)
                .where(Company.id.in_(sorted(ids))))}
    if any(custom_field_slot(k) for k in wanted):
        v, d = CustomFieldValue, CustomFieldDefinition
        for entry_id, slot, value in conn.execute(
                select(v.entry_id, d.slot, v.value).join(d, d.id == v.definition_id)
                .where(v.entry_id.in_([r.id for r in rows]))):
            x.custom[(entry_id, slot)] = value
    if "legal_identifier" in wanted:
        found: dict[int, list[str]] = defaultdict(list)
        for company_id, value in conn.execute(
                select(LegalIdentifier.company_id, LegalIdentifier.value)
                .where(LegalIdentifier.company_id.in_(company_ids))
                .order_by(LegalIdentifier.id)):
            found[company_id].append(value)
        x.identifiers = {k: ", ".join(v) for k, v in found.items()}
    if wanted & {"claim_status", "claim_intervention", "claim_insured", "claim_collector"}:
        latest = (select(func.max(Claim.id).label("latest_id"))
                  .where(Claim.contract_id.in_(contracts), Claim.company_id.in_(company_ids))
                  .group_by(Claim.contract_id, Claim.company_id).subquery())
        for k in conn.execute(select(Claim.contract_id, Claim.company_id, Claim.status,
                                     Claim.intervention_requested, Claim.collector,
                                     Claim.insured).join(latest, latest.c.latest_id == Claim.id)):
            x.claims[(k.contract_id, k.company_id)] = k
    return x


def _claims_rows(conn: Connection, spec: ExportSpec, page: int) -> Iterator[dict[str, Any]]:
    k, d = Claim, ClaimDebtor
    policy, currency = _contracts(conn, spec)
    getters = [(key, _claims_for(spec.language)[key]) for key in spec.columns]
    wanted = set(spec.columns)
    keep = _name_filter(spec)
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
    for rows in _pages(conn, base, key_col, "key_id", keep):
        x = _claims_page(conn, spec, rows, wanted, by_debtor)
        x.policy, x.currency = policy, currency
        for r in rows:
            row = {key: g(r, None, x) for key, g in getters}
            row["currency"] = r.currency
            yield row


def _claims_page(conn: Connection, spec: ExportSpec, rows: list[Row[Any]], wanted: set[str],
                 by_debtor: bool) -> _Page:
    x = _Page()
    company_ids = sorted({r.company_id for r in rows})
    contracts = list(spec.contract_ids)
    if "client_reference" in wanted:
        e = PortfolioEntry
        x.client_refs = {(r.contract_id, r.company_id): r.client_reference for r in conn.execute(
            select(e.contract_id, e.company_id, e.client_reference)
            .where(e.company_id.in_(company_ids), e.contract_id.in_(contracts)))}
    if "invoice_count" in wanted:
        x.invoices = {claim_id: int(n) for claim_id, n in conn.execute(
            select(ClaimInvoice.claim_id, func.count())
            .where(ClaimInvoice.claim_id.in_([r.claim_id for r in rows]))
            .group_by(ClaimInvoice.claim_id))}
    if "claims_count" in wanted:
        if by_debtor:
            x.debtor_claims = {(r.contract_id, r.company_id): r.debtor_claims for r in rows}
        else:
            d = ClaimDebtor
            x.debtor_claims = {(r.contract_id, r.company_id): r.claims for r in conn.execute(
                select(d.contract_id, d.company_id, d.claims)
                .where(d.company_id.in_(company_ids), d.contract_id.in_(contracts)))}
    return x


# --------------------------------------------------------------- column values

Getter = Callable[[Row[Any], Any, _Page], Any]


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


def _portfolio_getters(language: str) -> dict[str, Getter]:
    def product(attr: str) -> Getter:
        return lambda r, p, x: None if p is None else getattr(p, attr)

    def claim(attr: str) -> Getter:
        def get(r: Row[Any], p: Any, x: _Page) -> Any:
            found = x.claims.get((r.contract_id, r.company_id))
            return None if found is None else getattr(found, attr)
        return get

    def custom(slot: int) -> Getter:
        return lambda r, p, x: x.custom.get((r.id, slot), "")

    def guarantor(attr: str) -> Getter:
        def get(r: Row[Any], p: Any, x: _Page) -> Any:
            if p is None or p.guarantor_company_id is None:
                return ""
            found = x.guarantors.get(p.guarantor_company_id)
            return "" if found is None else getattr(found, attr)
        return get

    getters: dict[str, Getter] = {
        "contract": lambda r, p, x: x.policy.get(r.contract_id, ""),
        "company_name": lambda r, p, x: r.name,
        "company_name_local": lambda r, p, x: _opt(r.name_local),
        "address": lambda r, p, x: r.address,
        "postal_code": lambda r, p, x: r.postal_code,
        "city": lambda r, p, x: r.city,
        "region": lambda r, p, x: r.region,
        "country": lambda r, p, x: r.country,
        "easy_number": lambda r, p, x: r.easy_number,
        "coface_reference": lambda r, p, x: _opt(r.coface_reference),
        "legal_identifier": lambda r, p, x: x.identifiers.get(r.company_id, ""),
        "establishment": lambda r, p, x: r.establishment,
        "phone": lambda r, p, x: r.phone,
        "dra": lambda r, p, x: r.dra,
        "dra_date": lambda r, p, x: None if r.dra_updated_at is None else r.dra_updated_at.date(),
        "client_reference": lambda r, p, x: r.client_reference,
        "outstanding_amount": lambda r, p, x: r.outstanding_amount,
        "internal_credit_limit": lambda r, p, x: r.internal_credit_limit,
        "products": lambda r, p, x: x.live_codes.get((r.contract_id, r.company_id), ""),
        "product_code": lambda r, p, x: "" if p is None else p.code,
        "product_name": lambda r, p, x: "" if p is None else _product_name(p.code, language),
        "family": lambda r, p, x: "" if p is None else _family(p.code, language),
        "status": lambda r, p, x: "" if p is None else _status(language, p.status),
        "requested_amount": product("requested_amount"),
        "decided_amount": product("decided_amount"),
        "currency": lambda r, p, x: x.currency.get(r.contract_id, "") if p is None
        else p.currency,
        "requested_at": product("requested_at"),
        "decided_at": product("decided_at"),
        "effective_date": product("effective_date"),
        "end_date": product("end_date"),
        "guarantor_name": guarantor("name"),
        "guarantor_easy_number": guarantor("easy_number"),
        "clause": lambda r, p, x: "" if p is None else p.clause,
        "comment": lambda r, p, x: "" if p is None else p.comment,
        "decided_by": lambda r, p, x: "" if p is None else p.decided_by,
        "monitored": product("monitored"),
        "updated_at": lambda r, p, x: r.entry_updated_at if p is None else p.updated_at,
        "claim_status": lambda r, p, x: _claim_status(language, claim("status")(r, p, x)),
        "claim_intervention": claim("intervention_requested"),
        "claim_insured": claim("insured"),
        "claim_collector": lambda r, p, x: _collector(language, claim("collector")(r, p, x)),
    }
    for slot in range(1, 6):
        getters[f"custom_field_{slot}"] = custom(slot)
    return getters


def _claims_getters(language: str) -> dict[str, Getter]:
    return {
        "contract": lambda r, p, x: x.policy.get(r.contract_id, ""),
        "debtor_name": lambda r, p, x: r.name,
        "country": lambda r, p, x: r.country,
        "easy_number": lambda r, p, x: r.easy_number,
        "client_reference": lambda r, p, x: x.client_refs.get((r.contract_id, r.company_id), ""),
        "claim_reference": lambda r, p, x: _opt(r.reference),
        "own_reference": lambda r, p, x: r.own_reference,
        "claim_status": lambda r, p, x: _term(language, f"claims.status.{r.status}"),
        "reason": lambda r, p, x: r.reason,
        "insured": lambda r, p, x: r.insured,
        "intervention_requested": lambda r, p, x: r.intervention_requested,
        "collector": lambda r, p, x: _collector(language, r.collector),
        "currency": lambda r, p, x: r.currency,
        "claim_amount": lambda r, p, x: r.claim_amount,
        "covered_amount": lambda r, p, x: r.covered_amount,
        "calculated_indemnity": lambda r, p, x: r.calculated_indemnity,
        "indemnity_date": lambda r, p, x: r.indemnity_date,
        "submitted_at": lambda r, p, x: r.submitted_at,
        "invoice_count": lambda r, p, x: x.invoices.get(r.claim_id, 0),
        "claims_count": lambda r, p, x: x.debtor_claims.get((r.contract_id, r.company_id), 1),
        "updated_at": lambda r, p, x: r.updated_at,
    }


@cache
def _portfolio_for(language: str) -> dict[str, Getter]:
    return _portfolio_getters(language)


@cache
def _claims_for(language: str) -> dict[str, Getter]:
    return _claims_getters(language)


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
