"""The portfolio: criteria search over a contract's companies, entry updates,
favourites."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from cofatui.enums import ACTIVE_COVER_STATUSES, ClaimStatus, ProductStatus, Section
from cofatui.errors import Conflict, NotFound, ValidationFailed
from cofatui.models import (
    Claim,
    Company,
    CustomFieldDefinition,
    CustomFieldValue,
    Favourite,
    LegalIdentifier,
    PortfolioEntry,
    Product,
)
from cofatui.repository.base import MAX_PAGE
from cofatui.repository.sql.core import SqlCore, diff
from cofatui.repository.sql.search import (
    entry_text_filter,
    identifier_variants,
    like_pattern,
    search_key,
)
from cofatui.schemas import Page, PortfolioCriteria, PortfolioEntryUpdate, PortfolioRow

INSURANCE_CODES = ("CRL", "RLI", "ECL", "TOPLINER")
INFORMATION_CODES = ("CCO", "RCO", "ROM", "RSC", "RSM", "REPORT")
COVER_CODES = ("CRL", "RLI", "ECL", "TOPLINER")
LIVE_STATUSES = tuple(s.value for s in ProductStatus
                      if s not in (ProductStatus.DELETED, ProductStatus.EXPIRED,
                                   ProductStatus.REPLACED, ProductStatus.REFUSED))


class PortfolioQueries(SqlCore):
    def portfolio(self, contract_id: int, criteria: PortfolioCriteria | None = None,
                  offset: int = 0, limit: int = 100, with_total: bool = True
                  ) -> Page[PortfolioRow]:
        self._require_read(contract_id, Section.COVER)
        criteria = criteria or PortfolioCriteria()
        limit = max(1, min(limit, MAX_PAGE))
        entry, company = PortfolioEntry, Company
        conditions = [entry.contract_id == contract_id, *self._criteria(contract_id, criteria)]
        with self._uow() as s:
            query = (select(entry, company).join(company, company.id == entry.company_id)
                     .where(*conditions)
                     .order_by(entry.updated_at.desc(), entry.id.desc())  # type: ignore[union-attr]
                     .offset(max(0, offset)).limit(limit))
            rows = s.execute(query).all()
            total = -1
            if with_total:
                total = s.execute(select(func.count()).select_from(entry)
                                  .join(company, company.id == entry.company_id)
                                  .where(*conditions)).scalar_one()
            items = self._rows(s, contract_id, rows)
            return Page(items=items, offset=offset, limit=limit, total=total)

    def _criteria(self, contract_id: int, c: PortfolioCriteria) -> list[ColumnElement[bool]]:
        entry, company = PortfolioEntry, Company
        cond: list[ColumnElement[bool]] = []
        if c.text and c.text.strip():
            cond.append(entry_text_filter(c.text, self.dialect))
        if c.name and c.name.strip():
            cond.append(company.name_key.like(like_pattern(c.name.strip().casefold()),  # type: ignore[attr-defined]
                                              escape="\\"))
        if c.country:
            cond.append(company.country == c.country.upper())  # type: ignore[arg-type]
        if c.legal_identifier_value:
            li = select(LegalIdentifier.company_id).where(LegalIdentifier.value.in_(
                identifier_variants(c.legal_identifier_value, c.legal_identifier_type,
                                    c.country)))
            if c.legal_identifier_type:
                li = li.where(LegalIdentifier.type_code == c.legal_identifier_type)
            cond.append(entry.company_id.in_(li))  # type: ignore[attr-defined]
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
            cond.append(Product.code.in_(codes or ["-"]))  # type: ignore[attr-defined]
        if c.statuses:
            cond.append(Product.status.in_([s.value for s in c.statuses]))  # type: ignore[attr-defined]
        if c.amount_min is not None:
            cond.append(Product.decided_amount >= c.amount_min)  # type: ignore[operator]
        if c.amount_max is not None:
            cond.append(Product.decided_amount <= c.amount_max)  # type: ignore[operator]
        if c.amount_min is not None and c.amount_max is not None and c.amount_min > c.amount_max:
            raise ValidationFailed({"amount_max": "The maximum is below the minimum"})
        if c.date_from:
            cond.append(Product.updated_at >= datetime.combine(c.date_from, time.min))  # type: ignore[operator]
        if c.date_to:
            cond.append(Product.updated_at <= datetime.combine(c.date_to, time.max))  # type: ignore[operator]
        if c.clause:
            cond.append(func.lower(Product.clause).like(like_pattern(c.clause.lower()),
                                                        escape="\\"))
        if c.has_guarantor is not None:
            cond.append(Product.guarantor_company_id.is_not(None) if c.has_guarantor  # type: ignore[union-attr]
                        else Product.guarantor_company_id.is_(None))  # type: ignore[union-attr]
        return cond

    def _rows(self, s: Session, contract_id: int, rows: list[Any]) -> list[PortfolioRow]:
        company_ids = [company.id for _, company in rows]
        products: dict[int, list[Any]] = defaultdict(list)
        claims: dict[int, str] = {}
        favourites: set[int] = set()
        if company_ids:
            # Plain rows, not ORM objects: a page has ~1 000 products and building
            # mapped instances for them costs more than the query itself.
            for p in s.execute(select(Product.company_id, Product.code, Product.status,
                                      Product.decided_amount, Product.currency).where(
                    Product.contract_id == contract_id,
                    Product.company_id.in_(company_ids),  # type: ignore[attr-defined]
                    Product.status.in_(LIVE_STATUSES))):  # type: ignore[attr-defined]
                products[p.company_id].append(p)
            for company_id, status in s.execute(
                    select(Claim.company_id, Claim.status).where(
                        Claim.contract_id == contract_id,
                        Claim.company_id.in_(company_ids))  # type: ignore[attr-defined]
                    .order_by(Claim.id)):
                claims[company_id] = status
            favourites = set(s.execute(select(Favourite.company_id).where(
                Favourite.user_id == self.principal.user_id,
                Favourite.company_id.in_(company_ids))).scalars())  # type: ignore[attr-defined]
        items = []
        for entry, company in rows:
            live = products[company.id]
            cover = _main_cover(live)
            items.append(PortfolioRow(
                entry_id=entry.id, company_id=company.id, company_name=company.name,
                country=company.country, city=company.city, easy_number=company.easy_number,
                client_reference=entry.client_reference, dra=company.dra,
                products=sorted({p.code for p in live}),
                cover_amount=cover.decided_amount if cover else None,
                cover_status=ProductStatus(cover.status) if cover else None,
                currency=cover.currency if cover else "EUR",
                claim_status=ClaimStatus(claims[company.id]) if company.id in claims else None,
                favourite=company.id in favourites, updated_at=entry.updated_at,
                version=entry.version))
        return items

    def update_portfolio_entry(self, entry_id: int, changes: PortfolioEntryUpdate,
                               version: int) -> PortfolioRow:
        with self._uow(write=True) as s:
            entry = s.get(PortfolioEntry, entry_id)
            if entry is None:
                raise NotFound(f"Portfolio entry #{entry_id} not found")
            self._visible_or_404(entry.contract_id, f"Portfolio entry #{entry_id}")
            self._require_write(entry.contract_id, Section.CUSTOM_FIELDS)
            if entry.version != version:
                raise Conflict("This company's data was changed by someone else; "
                               "reload it and try again.")
            fields = changes.model_dump(exclude_none=True, exclude={"custom_fields"})
            if "client_reference" in fields and len(fields["client_reference"]) > 35:
                raise ValidationFailed({"client_reference": "At most 35 characters"})
            for money in ("outstanding_amount", "internal_credit_limit"):
                if money in fields and Decimal(fields[money]) < 0:
                    raise ValidationFailed({money: "Must not be negative"})
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
            row = s.execute(select(PortfolioEntry, Company)
                            .join(Company, Company.id == PortfolioEntry.company_id)
                            .where(PortfolioEntry.id == entry_id)).one()
            return self._rows(s, entry.contract_id, [row])[0]

    def _set_custom_fields(self, s: Session, entry: PortfolioEntry,
                           values: dict[int, str]) -> dict[str, list[Any]]:
        defs = {d.slot: d for d in s.execute(select(CustomFieldDefinition).where(
            CustomFieldDefinition.contract_id == entry.contract_id)).scalars()}
        moved: dict[str, list[Any]] = {}
        for slot, value in values.items():
            definition = defs.get(int(slot))
            if definition is None:
                raise ValidationFailed({f"custom_field_{slot}": "No such custom field"})
            if len(value) > 200:
                raise ValidationFailed({f"custom_field_{slot}": "At most 200 characters"})
            current = s.execute(select(CustomFieldValue).where(
                CustomFieldValue.entry_id == entry.id,
                CustomFieldValue.definition_id == definition.id)).scalars().first()
            if current is None:
                current = CustomFieldValue(entry_id=entry.id, definition_id=definition.id)  # type: ignore[arg-type]
                s.add(current)
            if current.value != value:
                moved[f"custom_field_{slot}"] = [current.value, value]
                current.value = value
        return moved

    def set_favourite(self, company_id: int, favourite: bool) -> None:
        with self._uow(write=True) as s:
            if s.get(Company, company_id) is None:
                raise NotFound(f"Company #{company_id} not found")
            current = s.execute(select(Favourite).where(
                Favourite.user_id == self.principal.user_id,
                Favourite.company_id == company_id)).scalars().first()
            if favourite and current is None:
                s.add(Favourite(user_id=self.principal.user_id, company_id=company_id))
            elif not favourite and current is not None:
                s.delete(current)


def _main_cover(products: list[Any]) -> Any | None:
    """The cover the portfolio shows: a credit decision prevails over an @rating one."""
    ranked = sorted(
        (p for p in products if p.code in COVER_CODES),
        key=lambda p: (p.status not in ACTIVE_COVER_STATUSES, COVER_CODES.index(p.code)))
    return ranked[0] if ranked else None


__all__ = ["PortfolioQueries"]
