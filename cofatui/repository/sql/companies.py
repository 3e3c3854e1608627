"""Company reads, search and creation."""

from __future__ import annotations

import uuid
from collections import defaultdict

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from cofatui.enums import Establishment, Rights, Role
from cofatui.errors import Conflict, FieldError, Forbidden, NotFound, ValidationFailed
from cofatui.models import Company, LegalIdentifier, PortfolioEntry
from cofatui.repository.base import MAX_PAGE
from cofatui.repository.sql.core import SqlArea
from cofatui.repository.sql.latest_claims import company_renamed
from cofatui.repository.sql.paging import SortKey, seek_rows
from cofatui.repository.sql.search import identifier_variants, like_pattern, search_key
from cofatui.rules.companies import (
    HeadOffice,
    company_field_errors,
    head_office_errors,
    legal_identifier,
)
from cofatui.rules.companies import name_key as name_key  # re-exported: demo and tests use it
from cofatui.rules.numbers import INT_MAX, INT_MIN
from cofatui.schemas import (
    CompanyCreate,
    CompanyPublic,
    CompanySearch,
    LegalIdentifierPublic,
    Page,
    Seek,
)

USER_EASY_PREFIX = "99"  # EasyNumbers of companies created by users (not from the insurer)
# Where a company row comes from (``Company.source``). Partner rows are the partners'
# databases that an extended search reaches (seed 001 "étendre votre recherche"); the
# normal search leaves them out.
INSURER, PARTNER, USER = "insurer", "partner", "user"


def prefix_range(column: ColumnElement[str], prefix: str) -> ColumnElement[bool]:
    """``column LIKE 'prefix%'`` written as a range so a plain B-tree index serves it."""
    return and_(column >= prefix, column < prefix + "\U0010ffff")


class SqlCompanies(SqlArea):
    """``repo.companies`` on SQL."""
    def get(self, company_id: int) -> CompanyPublic:
        with self._uow() as s:
            company = s.get(Company, company_id)
            if company is None:
                raise NotFound("companies.not_found", company_id=company_id)
            return self._companies_public(s, [company])[0]

    def _companies_public(self, s: Session, companies: list[Company]) -> list[CompanyPublic]:
        ids = [c.id for c in companies]
        idents: dict[int, list[LegalIdentifierPublic]] = defaultdict(list)
        if ids:
            for li in s.execute(select(LegalIdentifier).where(
                    LegalIdentifier.company_id.in_(ids))).scalars():
                idents[li.company_id].append(
                    LegalIdentifierPublic(type_code=li.type_code, value=li.value))
        return [CompanyPublic.model_validate(c).model_copy(update={"identifiers": idents[c.id]})
                for c in companies if c.id is not None]

    def search(self, search: CompanySearch, offset: int = 0, limit: int = 100,
               seek: Seek | None = None) -> Page[CompanyPublic]:
        conditions = self._search_conditions(search)
        limit = max(1, min(limit, MAX_PAGE))
        with self._uow() as s:
            base = select(Company).where(*conditions)
            total = -1 if seek is not None else s.execute(
                select(func.count()).select_from(base.subquery())).scalar_one()
            found = seek_rows(s, base, SEARCH_ORDER, seek, offset, limit,
                              lambda row: _search_key(row[0]))
            rows = [row[0] for row in found.rows]
            return Page(items=self._companies_public(s, rows),
                        offset=0 if seek else offset, limit=limit, total=total,
                        first_cursor=found.first_cursor, last_cursor=found.last_cursor)

    def _search_conditions(self, q: CompanySearch) -> list[ColumnElement[bool]]:
        cond: list[ColumnElement[bool]] = []
        by_identifier = any([q.easy_number, q.legal_identifier_value, q.coface_reference])
        if q.easy_number:
            from cofatui.rules.identifiers import normalize_easy_number

            cond.append(Company.easy_number == normalize_easy_number(q.easy_number))
        if q.coface_reference:
            cond.append(Company.coface_reference == q.coface_reference.strip().upper())
        if q.legal_identifier_value:
            sub = select(LegalIdentifier.company_id).where(LegalIdentifier.value.in_(
                identifier_variants(q.legal_identifier_value, q.legal_identifier_type,
                                    q.country)))
            if q.legal_identifier_type:
                sub = sub.where(LegalIdentifier.type_code == q.legal_identifier_type)
            cond.append(Company.id.in_(sub))
        if not by_identifier:
            errors = []
            if not q.country:
                errors.append(FieldError("country", "companies.choose_country"))
            if not (q.name and q.name.strip()):
                errors.append(FieldError("name", "companies.type_name_start"))
            if errors:
                raise ValidationFailed(errors)
        if q.country:
            cond.append(Company.country == q.country.upper())
        if q.name and q.name.strip():
            cond.append(prefix_range(Company.name_key, name_key(q.name)))
        optional: list[tuple[str, str | None]] = [
            ("address", q.address), ("postal_code", q.postal_code), ("region", q.region),
            ("city", q.city)]
        for field, wanted in optional:
            if wanted and wanted.strip():
                column = getattr(Company, field)
                cond.append(func.lower(column).like(like_pattern(wanted.strip().lower()),
                                                    escape="\\"))
        if q.head_office_only:
            cond.append(Company.establishment == Establishment.HEAD_OFFICE.value)
        if not q.extended:
            cond.append(Company.source != PARTNER)
        return cond

    def _adopt_partner_company(self, s: Session, company: Company,
                               contract_id: int | None = None) -> None:
        """A company found in a partner database becomes one of the insurer's when a user
        orders on it (seed 001: before asking for cover or information, identify the
        company "dans notre base de données"). Its row is kept (same id, identifiers and
        EasyNumber) so whatever refers to it stays valid; the change is audited."""
        if company.source != PARTNER:
            return
        company.source = INSURER
        company.updated_at = self.clock.now()
        self._audit(s, "adopt_partner_company", "company", company.id,
                    {"source": [PARTNER, INSURER]}, contract_id)

    def create(self, data: CompanyCreate) -> CompanyPublic:
        # The company database is shared, but adding to it is ordering work: a user
        # needs write rights (cover) on at least one contract.
        writable = [a for a in self.principal.contracts if a.rights != Rights.READ_ONLY]
        if self.principal.role != Role.UNDERWRITER and not any(
                a.rights == Rights.FULL or a.section_rights.get("cover") == "full"
                for a in writable):
            raise Forbidden("companies.read_only")
        errors = company_field_errors(data)
        now = self.clock.now()
        with self._uow(write=True) as s:
            if data.head_office_id is not None:
                errors += self._head_office_errors(s, data.country, data.head_office_id)
            if errors:
                raise ValidationFailed(errors)
            identifier = legal_identifier(data)
            if identifier:
                dup = s.execute(select(LegalIdentifier.company_id, Company.source).join(
                    Company, Company.id == LegalIdentifier.company_id).where(
                    LegalIdentifier.type_code == identifier[0],
                    LegalIdentifier.value == identifier[1])).first()
                if dup:
                    raise Conflict("companies.identifier_exists_partner" if dup[1] == PARTNER
                                   else "companies.identifier_exists",
                                   identifier_type=identifier[0], identifier=identifier[1],
                                   company_id=dup[0])
            company = Company(
                name=data.name.strip(), name_key=name_key(data.name),
                name_local=(data.name_local or "").strip() or None,
                address=data.address.strip(), postal_code=data.postal_code.strip(),
                city=data.city.strip(), region=data.region.strip(),
                country=data.country.strip().upper(),
                easy_number=uuid.uuid4().hex[:19], phone=data.phone.strip(), source=USER,
                establishment=(Establishment.BRANCH if data.head_office_id is not None
                               else Establishment.HEAD_OFFICE).value,
                head_office_id=data.head_office_id, updated_at=now)
            s.add(company)
            s.flush()
            assert company.id is not None
            width = 19 if data.head_office_id is not None else 14
            company.easy_number = f"{USER_EASY_PREFIX}{company.id:0{width - 2}d}"
            if identifier:
                s.add(LegalIdentifier(company_id=company.id, type_code=identifier[0],
                                      value=identifier[1]))
            self._audit(s, "create_company", "company", company.id,
                        {"name": [None, company.name], "country": [None, company.country]})
            s.flush()
            return self._companies_public(s, [company])[0]

    def _head_office_errors(self, s: Session, country: str,
                            head_office_id: int) -> list[FieldError]:
        # An id no integer column can hold is refused by the rule, not sent to PostgreSQL.
        found = s.get(Company, head_office_id) if INT_MIN <= head_office_id <= INT_MAX else None
        head_office = None if found is None else HeadOffice(
            country=found.country, is_branch=found.establishment == Establishment.BRANCH.value)
        return head_office_errors(country, head_office_id, head_office)

    def _refresh_search_text(self, s: Session, company: Company) -> None:
        """Company name/country changed: rewrite the search text of its portfolio entries
        and of its rows in the claims portfolio."""
        company_renamed(s, company)
        for entry in s.execute(select(PortfolioEntry).where(
                PortfolioEntry.company_id == company.id)).scalars():
            entry.search_text = search_key(company.name, company.country, company.easy_number,
                                           entry.client_reference)


#: The search's order: by name, branches right after their head office (SPEC §3 item
#: 3: the group is the head office's id), the head office first, then the id.
SEARCH_ORDER = (SortKey(Company.name_key, str),
                SortKey(func.coalesce(Company.head_office_id, Company.id), int),
                SortKey(Company.establishment, str, descending=True),
                SortKey(Company.id, int))


def _search_key(c: Company) -> tuple[str, int, str, int]:
    assert c.id is not None
    return c.name_key, c.head_office_id or c.id, c.establishment, c.id
