"""``repo.documents`` on SQL: the documents a policyholder sent, one tab per source
(claims, company information, turnover declarations), read from the one ``document``
table.

A page is read in two steps: the ids of the window from the index
``ix_document_contract_source_created`` alone (an index-only scan, whatever the offset),
then those rows with their company and owner. The list never reads ``content``; only
:meth:`SqlDocuments.content` does, for one document."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.enums import DocumentSource, Section
from cofatui.errors import NotFound, ValidationFailed
from cofatui.models import (
    Claim,
    Company,
    CompanyInformation,
    Document,
    DocumentContent,
    TurnoverDeclaration,
)
from cofatui.repository.base import MAX_PAGE
from cofatui.repository.sql.core import SqlArea
from cofatui.repository.sql.paging import KeyValue, SortKey, seek_rows
from cofatui.repository.sql.search import like_pattern
from cofatui.rules.section_rights import read_refusal
from cofatui.schemas import Page, Seek
from cofatui.schemas_documents import DOCUMENT_SORTS, DocumentFilter, DocumentRow

#: The section whose read rights a source's documents need (issue 17 item 5).
SECTION_OF: dict[DocumentSource, Section] = {
    DocumentSource.CLAIMS: Section.CLAIMS,
    DocumentSource.COMPANY_INFORMATION: Section.COMPANY_INFORMATION,
    DocumentSource.TURNOVER: Section.TURNOVER,
}
SORTS = DOCUMENT_SORTS

_d = Document
#: Every column of a row but the bytes.
_COLUMNS = (_d.id, _d.source, _d.contract_id, _d.company_id, _d.claim_id, _d.submission_id,
            _d.declaration_id, _d.filename, _d.content_type, _d.size, _d.category,
            _d.created_at, _d.created_by)


class SqlDocuments(SqlArea):
    """``repo.documents`` on SQL."""

    def sources(self, contract_id: int) -> list[DocumentSource]:
        access = self._access(contract_id)
        readable = [src for src in DocumentSource
                    if read_refusal(access, SECTION_OF[src]) is None]
        with self._uow() as s:
            # One probe of the index per tab: does the contract hold one of its kind?
            return [src for src in readable if s.execute(select(exists().where(
                _d.contract_id == contract_id, _d.source == src.value))).scalar()]

    def rows(self, contract_id: int, flt: DocumentFilter, offset: int = 0,
             limit: int = 100, seek: Seek | None = None) -> Page[DocumentRow]:
        if flt.sort not in SORTS:
            raise ValidationFailed.at("sort", "documents.unknown_sort",
                                      sorts=", ".join(SORTS))
        self._require_read(contract_id, SECTION_OF[flt.source])
        offset, limit = max(0, offset), max(1, min(limit, MAX_PAGE))
        conditions = self._conditions(contract_id, flt)
        needs_company = bool(flt.text and flt.text.strip()) or (
            flt.sort == "company" and flt.source != DocumentSource.TURNOVER)
        with self._uow() as s:
            window, keys = self._window(flt, conditions, needs_company)
            found = seek_rows(s, window, keys, seek, offset, limit,
                              lambda row: (row.sort_key, row.id))
            ids = [row.id for row in found.rows]
            total = -1 if seek is not None else self._count(s, conditions, needs_company)
            by_id = {row.id: row for row in _details(s, flt.source, ids)}
            items = [by_id[i] for i in ids if i in by_id]
        return Page(items=items, offset=0 if seek else offset, limit=limit, total=total,
                    first_cursor=found.first_cursor, last_cursor=found.last_cursor)

    def content(self, document_id: int) -> tuple[DocumentRow, bytes]:
        with self._uow() as s:
            found = s.execute(select(_d.contract_id, _d.source).where(
                _d.id == document_id)).first()
            if found is None:
                raise NotFound("documents.not_found", document_id=document_id)
            self._visible_or_404(found.contract_id, "documents.not_found",
                                 document_id=document_id)
            source = DocumentSource(found.source)
            self._require_read(found.contract_id, SECTION_OF[source])
            row = _details(s, source, [document_id])[0]
            content = s.execute(select(DocumentContent.content).where(
                DocumentContent.document_id == document_id)).scalar_one()
            return row, bytes(content)

    # --- the list's query ---------------------------------------------------------------
    def _conditions(self, contract_id: int,
                    flt: DocumentFilter) -> list[ColumnElement[bool]]:
        conditions: list[ColumnElement[bool]] = [col(_d.contract_id) == contract_id,
                                                 col(_d.source) == flt.source.value]
        if flt.company_id is not None:
            conditions.append(col(_d.company_id) == flt.company_id)
        text = (flt.text or "").strip().casefold()
        if text:
            pattern = like_pattern(text)
            conditions.append(or_(
                func.lower(_d.filename).like(pattern, escape="\\"),
                Company.name_key.like(pattern, escape="\\"),
                func.lower(Company.easy_number).like(pattern, escape="\\")))
        return conditions

    def _window(self, flt: DocumentFilter, conditions: list[ColumnElement[bool]],
                needs_company: bool) -> tuple[Select[Any], tuple[SortKey, SortKey]]:
        """The ids of the tab (with their sort value, ``sort_key``), not yet ordered,
        and the order asked: the sort value then the id, both the same way. Newest first
        walks ix_document_contract_source_created backwards: created_at is used bare
        (every writer sets it; a coalesce would lose the index). The outer-joined keys
        are coalesced: a document without a company or a declaration sorts first."""
        key: Any
        kind: type[KeyValue]
        joins: list[tuple[Any, Any]] = []
        if needs_company:
            joins.append((Company, Company.id == _d.company_id))
        if flt.sort == "created_at":
            key, kind = _d.created_at, datetime
        elif flt.sort == "filename":
            key, kind = func.lower(_d.filename), str
        elif flt.sort == "size":
            key, kind = _d.size, int
        elif flt.source == DocumentSource.TURNOVER:  # "company": a declaration's period
            joins.append((TurnoverDeclaration, TurnoverDeclaration.id == _d.declaration_id))
            key, kind = func.coalesce(TurnoverDeclaration.period_start, date.min), date
        else:
            key, kind = func.coalesce(Company.name_key, ""), str
        query = select(_d.id, key.label("sort_key"))
        for table, on in joins:
            query = query.outerjoin(table, on)
        return query.where(*conditions), (SortKey(key, kind, descending=flt.descending),
                                           SortKey(_d.id, int, descending=flt.descending))

    def _count(self, s: Session, conditions: list[ColumnElement[bool]],
               needs_company: bool) -> int:
        query = select(func.count()).select_from(_d)
        if needs_company:
            query = query.outerjoin(Company, Company.id == _d.company_id)
        return int(s.execute(query.where(*conditions)).scalar_one())


def _details(s: Session, source: DocumentSource, ids: list[int]) -> list[DocumentRow]:
    """The rows of ``ids`` (all of ``source``) with their company and owner's outcome."""
    if not ids:
        return []
    owner: Any
    query = select(*_COLUMNS, Company.name, Company.easy_number).outerjoin(
        Company, Company.id == _d.company_id)
    period: tuple[Any, ...] = ()
    if source == DocumentSource.CLAIMS:
        owner = Claim
        query = query.outerjoin(Claim, Claim.id == _d.claim_id)
    elif source == DocumentSource.COMPANY_INFORMATION:
        owner = CompanyInformation
        query = query.outerjoin(CompanyInformation,
                                CompanyInformation.id == _d.submission_id)
    else:
        owner = TurnoverDeclaration
        query = query.outerjoin(TurnoverDeclaration,
                                TurnoverDeclaration.id == _d.declaration_id)
        period = (TurnoverDeclaration.period_start, TurnoverDeclaration.period_end)
    query = query.add_columns(owner.status, *period).where(
        and_(_d.id.in_(ids), _d.source == source.value))
    rows = []
    for r in s.execute(query).all():
        owner_id = {DocumentSource.CLAIMS: r.claim_id,
                    DocumentSource.COMPANY_INFORMATION: r.submission_id,
                    DocumentSource.TURNOVER: r.declaration_id}[source]
        rows.append(DocumentRow(
            id=r.id, source=source, contract_id=r.contract_id, created_at=r.created_at,
            filename=r.filename, content_type=r.content_type, category=r.category,
            company_id=r.company_id, company_name=r.name or "",
            easy_number=r.easy_number or "",
            period_start=r.period_start if period else None,
            period_end=r.period_end if period else None,
            size=r.size, created_by=r.created_by, outcome=r.status or "",
            owner_id=owner_id or 0))
    return rows


__all__ = ["SECTION_OF", "SORTS", "SqlDocuments"]
