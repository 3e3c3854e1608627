"""``repo.company_info`` on SQL: information a policyholder sends on any company of the
database (buyer or supplier), its files kept in ``document`` with their checksum, and
the underwriter's outcome; each step notifies the contract with a notification that
leads back to the submission (``target_type`` ``company_information``).

A submission is written whole or not at all: the row, its documents, its notification
and the audit entry are one transaction. It never changes afterwards but for its one
outcome (``status``, ``decided_*``), given once.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.enums import (
    CompanyInfoStatus,
    DocumentSource,
    Importance,
    NotificationCategory,
    NotificationTarget,
    NotificationType,
    Role,
    Section,
)
from cofatui.errors import (
    Conflict,
    FieldError,
    Forbidden,
    NotFound,
    RuleViolation,
    ValidationFailed,
)
from cofatui.i18n.messages import Term
from cofatui.models import Company, CompanyInformation, Contract, Document, Notification
from cofatui.notification_wording import BODY_PREFIX, Notice
from cofatui.repository.base import MAX_PAGE
from cofatui.repository.sql.core import SqlArea
from cofatui.repository.sql.document_store import keep_document
from cofatui.repository.sql.keyset_page import EPOCH, or_epoch
from cofatui.repository.sql.paging import SortKey, seek_rows
from cofatui.rules import company_info as rules
from cofatui.rules.attachments import Attachment, check_documents
from cofatui.schemas import Page, Seek
from cofatui.schemas_company_info import (
    CompanyInfoDecision,
    CompanyInfoDocument,
    CompanyInfoFilter,
    CompanyInfoIn,
    CompanyInfoPublic,
    UploadedFile,
)

SECTION = Section.COMPANY_INFORMATION

#: A submission's time in a keyset order: a row not yet stamped sorts as the oldest
#: (a NULL key would be lost between pages).
_CREATED = or_epoch(col(CompanyInformation.created_at))
#: A contract's submissions, newest first; the back office's queue, oldest first.
_NEWEST_FIRST = (SortKey(_CREATED, datetime, descending=True),
                 SortKey(col(CompanyInformation.id), int, descending=True))
_OLDEST_FIRST = (SortKey(_CREATED, datetime),
                 SortKey(col(CompanyInformation.id), int))
#: How loud each status is in the notification list: a refusal of what was sent is
#: worth noticing, a receipt is not.
_IMPORTANCE = {CompanyInfoStatus.IN_PROGRESS: Importance.LOW,
               CompanyInfoStatus.ANALYSED: Importance.NORMAL,
               CompanyInfoStatus.NOT_COMPATIBLE: Importance.NORMAL,
               CompanyInfoStatus.ALREADY_KNOWN: Importance.LOW}
#: The document columns a public row shows (never the bytes).
_DOCUMENT_COLUMNS = (Document.id, Document.submission_id, Document.filename,
                     Document.content_type, Document.size, Document.sha256,
                     Document.created_at)


def notice(row: CompanyInformation, company_name: str) -> Notice:
    """What the contract is told of ``row`` in its current status: the form or type,
    the company, and the underwriter's comment when there is one (data, rendered in
    the reader's language)."""
    what = Term(f"notices.company_info.{rules.category_of(row.form, row.info_type)}")
    said = Term.of(f"{BODY_PREFIX}company_info_{row.status}", document=what,
                   company=company_name)
    body = Term.of(f"{BODY_PREFIX}company_info_comment", said=said,
                   comment=row.decision_comment) if row.decision_comment else said
    return Notice(f"company_info.{row.status}",
                  {"document": what, "company": company_name, "body": body})


class SqlCompanyInfo(SqlArea):
    # --- the policyholder --------------------------------------------------------------
    def send(self, data: CompanyInfoIn, files: Sequence[UploadedFile]) -> CompanyInfoPublic:
        # Rights first: the files are only opened for someone who may send them.
        self._require_write(data.contract_id, SECTION)
        accepted = self._checked(data, files)
        with self._uow(write=True) as s:
            self._require_write(data.contract_id, SECTION)
            company = s.get(Company, data.company_id)
            if company is None:
                raise NotFound("company_info.company_not_found", company_id=data.company_id)
            now = self.clock.now()
            row = CompanyInformation(
                contract_id=data.contract_id, company_id=data.company_id,
                form=data.form.value, nature=data.nature.value if data.nature else None,
                event_date=data.event_date, amount=data.amount,
                currency=data.currency if data.amount is not None else None,
                description=data.description,
                info_type=data.info_type.value if data.info_type else None,
                closing_date=data.closing_date, complete=data.complete,
                comment=data.comment, dra_review=data.dra_review,
                status=CompanyInfoStatus.IN_PROGRESS.value, created_at=now,
                created_by=self.principal.login)
            s.add(row)
            s.flush()
            category = rules.document_category(data)
            for upload, attachment in zip(files, accepted, strict=True):
                keep_document(s, Document(
                    source=DocumentSource.COMPANY_INFORMATION.value,
                    contract_id=row.contract_id, company_id=row.company_id,
                    submission_id=row.id, filename=attachment.name,
                    content_type=attachment.media_type, size=attachment.size,
                    sha256=attachment.sha256, category=category, created_at=now,
                    created_by=self.principal.login), upload.content)
            self._notify(s, row, company.name)
            self._audit(s, "send", "company_information", row.id,
                        {"form": [None, row.form], "status": [None, row.status],
                         "documents": [None, [a.name for a in accepted]]}, row.contract_id)
            s.flush()
            return self._public(s, row)

    def _checked(self, data: CompanyInfoIn, files: Sequence[UploadedFile]) -> list[Attachment]:
        """The files as stored, or every refusal of the form and its files at once."""
        errors: list[FieldError] = rules.form_errors(data, self.clock.today())
        least, most = rules.files_range(data.form)
        accepted: list[Attachment] = []
        try:
            accepted = check_documents([(f.name, f.content) for f in files],
                                       min_files=least, max_files=most)
        except ValidationFailed as refused:
            errors += refused.errors
        if errors:
            raise ValidationFailed(errors)
        return accepted

    def submissions(self, flt: CompanyInfoFilter | None = None, offset: int = 0,
                    limit: int = 100, seek: Seek | None = None) -> Page[CompanyInfoPublic]:
        flt = flt or CompanyInfoFilter()
        if flt.contract_id is None:  # one contract at a time, as its route has it
            raise ValidationFailed.at("contract_id", "common.mandatory")
        self._require_read(flt.contract_id, SECTION)
        query = self._filtered(flt).where(CompanyInformation.contract_id == flt.contract_id)
        if flt.status is not None:
            query = query.where(CompanyInformation.status == flt.status.value)
        return self._page(query, _NEWEST_FIRST, offset, limit, seek)

    def get(self, submission_id: int) -> CompanyInfoPublic:
        with self._uow() as s:
            row = self._visible(s, submission_id)
            self._require_read(row.contract_id, SECTION)
            return self._public(s, row)

    # --- the underwriter ---------------------------------------------------------------
    def _require_underwriter(self) -> None:
        if self.principal.role != Role.UNDERWRITER:
            raise Forbidden("company_info.underwriters_only")

    def decide(self, submission_id: int, data: CompanyInfoDecision) -> CompanyInfoPublic:
        self._require_underwriter()
        refusal = rules.outcome_refusal(data.outcome)
        if refusal is not None:
            raise ValidationFailed([refusal])
        with self._uow(write=True) as s:
            row = self._visible(s, submission_id)
            if row.status != CompanyInfoStatus.IN_PROGRESS:
                raise RuleViolation("company_info.already_decided",
                                    status=Term(f"errors.company_info.status.{row.status}"))
            if row.version != data.version:
                raise Conflict("company_info.changed", submission_id=submission_id)
            row.status = data.outcome.value
            row.decided_at = self.clock.now()
            row.decided_by = self.principal.login
            row.decision_comment = data.comment
            s.flush()
            company = s.get(Company, row.company_id)
            self._notify(s, row, company.name if company else "")
            self._audit(s, "decide", "company_information", row.id,
                        {"status": [CompanyInfoStatus.IN_PROGRESS.value, row.status]},
                        row.contract_id)
            return self._public(s, row)

    def queue(self, flt: CompanyInfoFilter | None = None, offset: int = 0,
              limit: int = 100, seek: Seek | None = None) -> Page[CompanyInfoPublic]:
        self._require_underwriter()
        flt = flt or CompanyInfoFilter()
        query = self._filtered(flt).where(CompanyInformation.status == (
            flt.status or CompanyInfoStatus.IN_PROGRESS).value)
        if flt.contract_id is not None:
            query = query.where(CompanyInformation.contract_id == flt.contract_id)
        return self._page(query, _OLDEST_FIRST, offset, limit, seek)

    # --- shared ------------------------------------------------------------------------
    def _visible(self, s: Session, submission_id: int) -> CompanyInformation:
        """The submission, if it is on one of the principal's contracts; a row of
        another contract is reported missing, as one that does not exist."""
        row = s.get(CompanyInformation, submission_id)
        if row is None or row.contract_id not in self.contract_ids:
            raise NotFound("company_info.not_found", submission_id=submission_id)
        return row

    def _notify(self, s: Session, row: CompanyInformation, company_name: str) -> None:
        status = CompanyInfoStatus(row.status)
        s.add(Notification(
            contract_id=row.contract_id, company_id=row.company_id, product_code="",
            category=NotificationCategory.MANAGEMENT.value,
            type=NotificationType.DOCUMENT.value, importance=_IMPORTANCE[status].value,
            **notice(row, company_name).columns(),
            created_at=row.decided_at or row.created_at,
            target_type=NotificationTarget.COMPANY_INFORMATION.value, target_id=row.id))

    @staticmethod
    def _filtered(flt: CompanyInfoFilter) -> Any:
        query = select(CompanyInformation)
        if flt.company_id is not None:
            query = query.where(CompanyInformation.company_id == flt.company_id)
        if flt.country:
            query = query.join(Company, Company.id == CompanyInformation.company_id).where(
                Company.country == flt.country.upper())
        if flt.form is not None:
            query = query.where(CompanyInformation.form == flt.form.value)
        if flt.info_type is not None:
            query = query.where(CompanyInformation.info_type == flt.info_type.value)
        if flt.dra_review is not None:
            query = query.where(CompanyInformation.dra_review == flt.dra_review)
        return query

    def _page(self, query: Any, keys: Sequence[SortKey], offset: int, limit: int,
              seek: Seek | None) -> Page[CompanyInfoPublic]:
        """A page of ``query`` in the order of ``keys``, by offset or by key (issue 21),
        with the filter's total and the page's cursors."""
        limit = max(1, min(limit, MAX_PAGE))
        with self._uow() as s:
            total = s.execute(select(func.count()).select_from(query.subquery())).scalar_one()
            page = seek_rows(s, query, keys, seek, offset, limit,
                             lambda row: (row[0].created_at or EPOCH, row[0].id))
            return Page(items=self._publics(s, [row[0] for row in page.rows]),
                        offset=0 if seek else max(0, offset), limit=limit, total=total,
                        first_cursor=page.first_cursor, last_cursor=page.last_cursor)

    def _public(self, s: Session, row: CompanyInformation) -> CompanyInfoPublic:
        return self._publics(s, [row])[0]

    def _publics(self, s: Session, rows: list[CompanyInformation]) -> list[CompanyInfoPublic]:
        """Public rows with their company, policy and documents: three queries for a
        whole page, the documents' bytes never read."""
        if not rows:
            return []
        companies = {c.id: c for c in s.execute(select(Company).where(
            Company.id.in_({r.company_id for r in rows}))).scalars()}
        policies: dict[int, str] = {cid: number for cid, number in s.execute(
            select(Contract.id, Contract.policy_number).where(
                Contract.id.in_({r.contract_id for r in rows})))}
        documents: dict[int, list[CompanyInfoDocument]] = {}
        for doc in s.execute(select(*_DOCUMENT_COLUMNS).where(
                Document.submission_id.in_([r.id for r in rows])).order_by(Document.id)):
            documents.setdefault(doc.submission_id, []).append(CompanyInfoDocument(
                id=doc.id, filename=doc.filename, content_type=doc.content_type,
                size=doc.size, sha256=doc.sha256, created_at=doc.created_at))
        out = []
        for row in rows:
            company = companies[row.company_id]
            out.append(CompanyInfoPublic.model_validate({
                **row.model_dump(), "policy_number": policies.get(row.contract_id, ""),
                "company_name": company.name, "easy_number": company.easy_number,
                "country": company.country, "documents": documents.get(row.id, [])}))
        return out

