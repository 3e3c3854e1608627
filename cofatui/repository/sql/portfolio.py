"""The portfolio: criteria search over a contract's companies, entry updates,
favourites."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, time
from typing import Any

from sqlalchemy import delete, exists, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select
from sqlalchemy.sql.elements import ColumnElement

from cofatui.enums import ACTIVE_COVER_STATUSES, ClaimStatus, ProductStatus, Section
from cofatui.errors import Conflict, FieldError, NotFound, ValidationFailed
from cofatui.models import (
    Claim,
    Company,
    CustomFieldDefinition,
    CustomFieldValue,
    DecisionRequest,
    Favourite,
    LegalIdentifier,
    PortfolioEntry,
    Product,
)
from cofatui.repository.base import MAX_PAGE
from cofatui.repository.sql.core import SqlArea, diff
from cofatui.repository.sql.paging import SortKey, encode_cursor, seek_rows
from cofatui.repository.sql.product_requests import pending_only
from cofatui.repository.sql.search import (
    entry_text_filter,
    identifier_variants,
    like_pattern,
    search_key,
)
from cofatui.repository.sql.upsert import table_of, upsert
from cofatui.rules.companies import portfolio_entry_errors
from cofatui.rules.custom_fields import custom_field_value_errors
from cofatui.schemas import Page, PortfolioCriteria, PortfolioEntryUpdate, PortfolioRow, Seek

INSURANCE_CODES = ("CRL", "RLI", "ECL", "TOPLINER")
INFORMATION_CODES = ("CCO", "RCO", "ROM", "RSC", "RSM", "REPORT")
COVER_CODES = ("CRL", "RLI", "ECL", "TOPLINER")
LIVE_STATUSES = tuple(s.value for s in ProductStatus
                      if s not in (ProductStatus.DELETED, ProductStatus.EXPIRED,
                                   ProductStatus.REPLACED, ProductStatus.REFUSED))


class SqlPortfolio(SqlArea):
    """``repo.portfolio`` on SQL."""
    def rows(self, contract_id: int, criteria: PortfolioCriteria | None = None,
             offset: int = 0, limit: int = 100, with_total: bool = True,
             seek: Seek | None = None) -> Page[PortfolioRow]:
        criteria = criteria or PortfolioCriteria()
        limit = max(1, min(limit, MAX_PAGE))
        entry, company = PortfolioEntry, Company
        first_page = seek is None or seek == Seek()
        # The rights read in the page's own transaction (see notifications._page).
        with self._uow() as s, self.root._principal_read_in(s):
            self._require_read(contract_id, Section.COVER)
            conditions = [entry.contract_id == contract_id,
                          *self._criteria(contract_id, criteria)]
            # The first page (by offset or an empty Seek) may take the recent-first
            # walk; any other page goes through the keyset pager (offset pages too,
            # for their cursors).
            rows = (self._recent_first(s, contract_id, criteria, offset if seek is None
                                       else 0, limit) if first_page else None)
            if rows is None:
                found = seek_rows(s, _ROW_QUERY.where(*conditions), PORTFOLIO_ORDER, seek,
                                  offset, limit, _portfolio_key)
                rows, cursors = found.rows, (found.first_cursor, found.last_cursor)
            else:
                cursors = _cursors(rows)
            total = -1
            if with_total:
                total = s.execute(select(func.count()).select_from(entry)
                                  .join(company, company.id == entry.company_id)
                                  .where(*conditions)).scalar_one()
            items = self._rows(s, contract_id, rows)
            return Page(items=items, offset=0 if seek else offset, limit=limit,
                        total=total, first_cursor=cursors[0], last_cursor=cursors[1])

    def _recent_first(self, s: Session, contract_id: int, c: PortfolioCriteria,
                      offset: int, limit: int) -> list[Any] | None:
        """SQLite, country criterion: look among the most recent entries first.

        Without per-value statistics SQLite reads every company of the country through
        ``ix_company_country`` and sorts them, whatever the country's share: about
        120 ms for Germany at 100 000 companies, more for France. Walking the entries
        newest first instead stops at the hundredth match, which is quick when the
        country is common and slow when it is rare. So walk only the ``RECENT_WINDOW``
        newest entries (a bounded cost); when they hold the whole page it is the page,
        in the same order, otherwise the usual plan runs (a rare country: a few ms).
        PostgreSQL has per-value statistics and picks the right plan on its own."""
        if self.dialect != "sqlite" or not c.country or c.legal_identifier_value:
            return None
        cutoff = s.execute(select(PortfolioEntry.updated_at)
                           .where(PortfolioEntry.contract_id == contract_id)
                           .order_by(PortfolioEntry.updated_at.desc(),
                                     PortfolioEntry.id.desc())
                           .offset(RECENT_WINDOW - 1).limit(1)).scalar()
        # likely(): the planner's hint that the country is common, so that it walks
        # the entries in order instead of starting from the country index.
        conditions = [PortfolioEntry.contract_id == contract_id,
                      *self._criteria(contract_id, c, likely_country=True)]
        if cutoff is None:  # a small portfolio: the walk is bounded anyway
            return list(s.execute(_page(conditions, offset, limit)))
        conditions.append(PortfolioEntry.updated_at >= cutoff)
        rows = list(s.execute(_page(conditions, offset, limit)))
        return rows if len(rows) >= limit else None  # a full page: nothing newer is missing

    def _criteria(self, contract_id: int, c: PortfolioCriteria,
                  likely_country: bool = False) -> list[ColumnElement[bool]]:
        entry, company = PortfolioEntry, Company
        cond: list[ColumnElement[bool]] = []
        if c.text and c.text.strip():
            cond.append(entry_text_filter(c.text, self.dialect))
        if c.name and c.name.strip():
            cond.append(company.name_key.like(like_pattern(c.name.strip().casefold()),
                                              escape="\\"))
        if c.country:
            same_country = company.country == c.country.upper()
            cond.append(func.likely(same_country) if likely_country else same_country)
        if c.legal_identifier_value:
            li = select(LegalIdentifier.company_id).where(LegalIdentifier.value.in_(
                identifier_variants(c.legal_identifier_value, c.legal_identifier_type,
                                    c.country)))
            if c.legal_identifier_type:
                li = li.where(LegalIdentifier.type_code == c.legal_identifier_type)
            cond.append(entry.company_id.in_(li))
        product_cond = self._product_conditions(c)
        if product_cond:
            cond.append(exists().where(Product.contract_id == entry.contract_id,
                                       Product.company_id == entry.company_id, *product_cond))
        if c.custom_field_slot is not None and c.custom_field_value:
            cond.append(exists().where(
                CustomFieldValue.entry_id == entry.id,
                CustomFieldValue.definition_id == CustomFieldDefinition.id,
                CustomFieldDefinition.contract_id == contract_id,
                CustomFieldDefinition.slot == c.custom_field_slot,
                func.lower(CustomFieldValue.value).like(
                    like_pattern(c.custom_field_value.lower()), escape="\\")))
        if c.favourites_only:
            cond.append(exists().where(Favourite.user_id == self.principal.user_id,
                                       Favourite.company_id == entry.company_id))
        return cond

    def _product_conditions(self, c: PortfolioCriteria) -> list[ColumnElement[bool]]:
        cond: list[ColumnElement[bool]] = []
        codes = [("CRL" if code == "LCR" else code) for code in c.product_codes]
        if c.family == "insurance":
            codes = codes or list(INSURANCE_CODES)
            codes = [x for x in codes if x in INSURANCE_CODES]
        elif c.family == "information":
            codes = codes or list(INFORMATION_CODES)
            codes = [x for x in codes if x in INFORMATION_CODES]
        if codes or c.family:
            cond.append(Product.code.in_(codes or ["-"]))
        if c.statuses:
            # The standing decision's status; "pending" also finds a standing decision
            # with a request pending on it.
            statuses = Product.status.in_([s.value for s in c.statuses])
            if ProductStatus.PENDING in c.statuses:
                statuses = or_(statuses, exists().where(
                    DecisionRequest.product_id == Product.id, pending_only()))
            cond.append(statuses)
        if c.amount_min is not None:
            cond.append(Product.decided_amount >= c.amount_min)
        if c.amount_max is not None:
            cond.append(Product.decided_amount <= c.amount_max)
        if c.amount_min is not None and c.amount_max is not None and c.amount_min > c.amount_max:
            raise ValidationFailed.at("amount_max", "portfolio.amount_range")
        if c.date_from:
            cond.append(Product.updated_at >= datetime.combine(c.date_from, time.min))
        if c.date_to:
            cond.append(Product.updated_at <= datetime.combine(c.date_to, time.max))
        if c.clause:
            cond.append(func.lower(Product.clause).like(like_pattern(c.clause.lower()),
                                                        escape="\\"))
        if c.has_guarantor is not None:
            cond.append(Product.guarantor_company_id.is_not(None) if c.has_guarantor
                        else Product.guarantor_company_id.is_(None))
        return cond

    def _rows(self, s: Session, contract_id: int, rows: list[Any]) -> list[PortfolioRow]:
        """``rows`` from ``_ROW_QUERY``: plain columns, no mapped instances to build and
        expire for a read-only page."""
        company_ids = [row.company_id for row in rows]
        products: dict[int, list[Any]] = defaultdict(list)
        claims: dict[int, Any] = {}
        favourites: set[int] = set()
        requests: dict[int, Any] = {}
        if company_ids:
            # Plain rows, not ORM objects: a page has ~1 000 products and building
            # mapped instances for them costs more than the query itself.
            for p in s.execute(select(Product.id, Product.company_id, Product.code,
                                      Product.status, Product.decided_amount,
                                      Product.currency).where(
                    Product.contract_id == contract_id,
                    Product.company_id.in_(company_ids),
                    Product.status.in_(LIVE_STATUSES))):
                products[p.company_id].append(p)
            # The latest claim of each company of the page (ids grow as claims are
            # made). Drafts count here, as they always did in this column; the claims
            # portfolio lists submitted claims only.
            latest = (select(func.max(Claim.id).label("latest_id"))
                      .where(Claim.contract_id == contract_id,
                             Claim.company_id.in_(company_ids))
                      .group_by(Claim.company_id).subquery())
            for found in s.execute(
                    select(Claim.company_id, Claim.status, Claim.intervention_requested,
                           Claim.collector, Claim.insured)
                    .join(latest, latest.c.latest_id == Claim.id)):
                claims[found.company_id] = found
            # Requests pending on the page's products, shown beside the standing decision.
            for r in s.execute(select(DecisionRequest.product_id, DecisionRequest.kind,
                                      DecisionRequest.requested_amount,
                                      DecisionRequest.expected_decision_at).where(
                    DecisionRequest.contract_id == contract_id,
                    DecisionRequest.company_id.in_(company_ids),
                    pending_only())):
                requests[r.product_id] = r
            favourites = set(s.execute(select(Favourite.company_id).where(
                Favourite.user_id == self.principal.user_id,
                Favourite.company_id.in_(company_ids))).scalars())
        items = []
        for row in rows:
            live = products[row.company_id]
            cover = _main_cover(live)
            asked = requests.get(cover.id) if cover else None
            claim = claims.get(row.company_id)
            items.append(PortfolioRow(
                entry_id=row.entry_id, company_id=row.company_id, company_name=row.company_name,
                country=row.country, city=row.city, easy_number=row.easy_number,
                client_reference=row.client_reference, dra=row.dra,
                products=sorted({p.code for p in live}),
                cover_amount=cover.decided_amount if cover else None,
                cover_status=ProductStatus(cover.status) if cover else None,
                currency=cover.currency if cover else "EUR",
                request_kind=asked.kind if asked else None,
                request_amount=asked.requested_amount if asked else None,
                request_expected_at=asked.expected_decision_at if asked else None,
                claim_status=ClaimStatus(claim.status) if claim else None,
                claim_intervention_requested=claim.intervention_requested if claim else None,
                claim_collector=claim.collector if claim else None,
                claim_insured=claim.insured if claim else None,
                favourite=row.company_id in favourites, updated_at=row.updated_at,
                version=row.version))
        return items

    def update_entry(self, entry_id: int, changes: PortfolioEntryUpdate,
                     version: int) -> PortfolioRow:
        with self._uow(write=True) as s:
            entry = s.get(PortfolioEntry, entry_id)
            if entry is None:
                raise NotFound("portfolio.entry_not_found", entry_id=entry_id)
            self._visible_or_404(entry.contract_id, "portfolio.entry_not_found",
                                 entry_id=entry_id)
            self._require_write(entry.contract_id, Section.CUSTOM_FIELDS)
            if entry.version != version:
                raise Conflict("portfolio.entry_changed", entry_id=entry_id)
            fields = changes.model_dump(exclude_none=True, exclude={"custom_fields"})
            # The rule the edit form shows at its fields (rules/companies).
            refused = portfolio_entry_errors(changes)
            if refused:
                raise ValidationFailed(refused)
            company = s.get(Company, entry.company_id)
            assert company is not None
            # Custom fields first: their queries autoflush, and the entry must reach the
            # database in a single UPDATE so its version moves by exactly one.
            moved = (self._set_custom_fields(s, entry, changes.custom_fields)
                     if changes.custom_fields else {})
            moved.update(diff(entry, fields))
            if moved:
                entry.search_text = search_key(company.name, company.country,
                                               company.easy_number, entry.client_reference)
                entry.updated_at = self.clock.now()
                self._audit(s, "update_portfolio_entry", "portfolio_entry", entry.id, moved,
                            entry.contract_id)
                s.flush()
            row = s.execute(_ROW_QUERY.where(PortfolioEntry.id == entry_id)).one()
            return self._rows(s, entry.contract_id, [row])[0]

    def _set_custom_fields(self, s: Session, entry: PortfolioEntry,
                           values: dict[int, str]) -> dict[str, list[Any]]:
        defs = {d.slot: d for d in s.execute(select(CustomFieldDefinition).where(
            CustomFieldDefinition.contract_id == entry.contract_id)).scalars()}
        # A stored value that no longer fits its format (kept, listed for fixing) may be
        # sent back unchanged with the others: only what changes is checked.
        stored = {d: v for d, v in s.execute(select(
            CustomFieldValue.definition_id, CustomFieldValue.value).where(
            CustomFieldValue.entry_id == entry.id))}
        refused: list[FieldError] = []
        for slot, value in sorted(values.items()):
            definition = defs.get(int(slot))
            if definition is not None and stored.get(definition.id) == value:
                continue
            refused += [FieldError(f"custom_field_{slot}", "portfolio.no_such_custom_field")] \
                if definition is None else \
                custom_field_value_errors(int(slot), value, definition.format)
        if refused:  # every field at fault at once, before anything is written
            raise ValidationFailed(refused)
        moved: dict[str, list[Any]] = {}
        for slot, value in values.items():
            definition = defs[int(slot)]
            current = s.execute(select(CustomFieldValue).where(
                CustomFieldValue.entry_id == entry.id,
                CustomFieldValue.definition_id == definition.id)).scalars().first()
            if current is None:
                current = CustomFieldValue(entry_id=entry.id, definition_id=definition.id)
                s.add(current)
            if current.value != value:
                moved[f"custom_field_{slot}"] = [current.value, value]
                current.value = value
        return moved

    def set_favourite(self, company_id: int, favourite: bool) -> None:
        me = self.principal.user_id
        with self._uow(write=True) as s:
            if s.get(Company, company_id) is None:
                raise NotFound("companies.not_found", company_id=company_id)
            if favourite:  # already a favourite: nothing to do, and no clash
                upsert(s, table_of(Favourite), [{"user_id": me, "company_id": company_id}],
                       keys=("user_id", "company_id"))
            else:
                s.execute(delete(Favourite).where(Favourite.user_id == me,
                                                  Favourite.company_id == company_id))


# What a portfolio row shows of its entry and company.
_ROW_QUERY = (select(PortfolioEntry.id.label("entry_id"),
                     PortfolioEntry.company_id, PortfolioEntry.client_reference,
                     PortfolioEntry.updated_at, PortfolioEntry.version,
                     Company.name.label("company_name"),
                     Company.country, Company.city, Company.easy_number, Company.dra)
              .join(Company, Company.id == PortfolioEntry.company_id))
# How many of the newest entries a country search looks at first (SQLite).
RECENT_WINDOW = 2000


#: The portfolio's order: most recently updated first, then the newest entry. Every
#: writer of portfolio_entry sets updated_at (product_commands, the demo's bulk seed),
#: so the column is used bare — a coalesce() would lose ix_portfolio_entry_contract_
#: updated and sort the whole contract for every page.
PORTFOLIO_ORDER = (SortKey(PortfolioEntry.updated_at, datetime, descending=True),
                   SortKey(PortfolioEntry.id, int, descending=True))


def _portfolio_key(row: Any) -> tuple[datetime, int]:
    return row.updated_at, row.entry_id


def _cursors(rows: list[Any]) -> tuple[str | None, str | None]:
    if not rows:
        return None, None
    return encode_cursor(_portfolio_key(rows[0])), encode_cursor(_portfolio_key(rows[-1]))


def _page(conditions: list[ColumnElement[bool]], offset: int, limit: int) -> Select[Any]:
    page: Select[Any] = (_ROW_QUERY.where(*conditions)
                         .order_by(*(k.expression.desc() for k in PORTFOLIO_ORDER))
                         .offset(max(0, offset)).limit(limit))
    return page


def _main_cover(products: list[Any]) -> Any | None:
    """The cover the portfolio shows: a credit decision prevails over an @rating one."""
    ranked = sorted(
        (p for p in products if p.code in COVER_CODES),
        key=lambda p: (p.status not in ACTIVE_COVER_STATUSES, COVER_CODES.index(p.code)))
    return ranked[0] if ranked else None


__all__ = ["SqlPortfolio"]
