"""Entry and deposit (issue 18 items 4, 5; seed 004 "Le mode Portail"): an invoice
typed in the form or a deposited PDF, kept as a draft or deposited at once; drafts
saved again, deleted or submitted; files added while the supplier may still change
the invoice; a file read back by whoever sees the invoice.

The pure rules run before any transaction (``check_invoice``, the files' limits, the
PDF); what only the stored data can tell — the supplier structure mine, the number
free, the billing mandate, the 381's origin — is checked in the transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.enums import (
    CHORUS_DOCUMENT_SOURCE,
    ChorusActor,
    ChorusDepositKind,
    ChorusInvoiceType,
    ChorusSpace,
    ChorusState,
)
from cofatui.errors import FieldError, NotFound, RuleViolation, ValidationFailed
from cofatui.models import Document, DocumentContent
from cofatui.models.chorus import (
    ChorusInvoice,
    ChorusInvoiceEvent,
    ChorusInvoiceLine,
    ChorusStructure,
)
from cofatui.repository.sql.chorus_access import require_space
from cofatui.repository.sql.chorus_facturx_entry import check_seller, keep_generated
from cofatui.repository.sql.chorus_invoices_core import check_version
from cofatui.repository.sql.chorus_invoices_deposit import InvoiceDeposit
from cofatui.repository.sql.chorus_invoices_detail import FILE_COLUMNS
from cofatui.repository.sql.chorus_invoices_files import Accepted, accept_files, accept_pdf
from cofatui.repository.sql.chorus_invoices_store import (
    ATTACHMENT,
    MAIN,
    attached_bytes,
    fields_of,
    keep_files,
    number_taken,
    write_lines,
)
from cofatui.rules.chorus_invoice import CheckedInvoice, check_invoice
from cofatui.schemas_chorus import (
    ChorusDraftUpdate,
    ChorusFilePublic,
    ChorusInvoiceCreate,
    ChorusInvoiceDetail,
)
from cofatui.schemas_company_info import UploadedFile

#: The states in which the supplier may still add files (``add_files``).
FILES_OPEN = frozenset({ChorusState.DRAFT, ChorusState.NON_COMPLIANT,
                        ChorusState.TO_RECYCLE, ChorusState.SUSPENDED})


class InvoiceEntry(InvoiceDeposit):
    def create(self, data: ChorusInvoiceCreate, pdf: UploadedFile | None = None,
               files: Sequence[UploadedFile] = (), *, signed: bool = False,
               submit: bool = True) -> ChorusInvoiceDetail:
        checked, main, attached = _accepted(data, pdf, files, self.clock.today())
        if pdf is not None:
            check_seller(pdf.content, checked.supplier_siret)
        kind = (ChorusDepositKind.ENTRY if pdf is None else
                ChorusDepositKind.SIGNED_PDF if signed else ChorusDepositKind.PDF)
        with self._uow(write=True) as s:
            supplier = self._my_supplier(s, checked.supplier_siret)
            if kind is ChorusDepositKind.ENTRY:
                _require_mandate(supplier)
            assert supplier.id is not None
            number_taken(s, supplier.id, checked.number)
            _check_origin(s, checked, supplier.id)
            now = self.clock.now()
            row = ChorusInvoice(supplier_structure_id=supplier.id,
                                deposit_kind=kind.value, created_at=now,
                                created_by=self.principal.login,
                                **fields_of(checked))
            s.add(row)
            s.flush()
            write_lines(s, row, checked)
            if main is not None:
                row.main_document_id = keep_files(s, row, [main], MAIN, now,
                                                  self.principal.login)[0]
            keep_files(s, row, attached, ATTACHMENT, now, self.principal.login)
            self._moved(s, row, ChorusActor.SUPPLIER, ChorusState.DRAFT, operation="create",
                        created=True, changes={"number": [None, row.number]})
            if submit:
                self._deposit(s, row)
            return self._detail(s, row)

    def update_draft(self, invoice_id: int, data: ChorusDraftUpdate) -> ChorusInvoiceDetail:
        checked = check_invoice(data.invoice, self.clock.today())
        with self._uow(write=True) as s:
            row = self._draft(s, invoice_id, data.version)
            supplier = self._my_supplier(s, checked.supplier_siret)
            assert supplier.id is not None
            number_taken(s, supplier.id, checked.number, but=row.id)
            _check_origin(s, checked, supplier.id)
            row.supplier_structure_id = supplier.id
            for name, value in fields_of(checked).items():
                setattr(row, name, value)
            write_lines(s, row, checked)
            self._audit(s, "update_draft", "chorus_invoice", row.id,
                        {"number": [None, row.number]})
            s.flush()
            return self._detail(s, row)

    def delete_draft(self, invoice_id: int, version: int) -> None:
        with self._uow(write=True) as s:
            row = self._draft(s, invoice_id, version)
            documents = select(Document.id).where(col(Document.chorus_invoice_id) == row.id)
            s.execute(delete(DocumentContent).where(
                col(DocumentContent.document_id).in_(documents)))
            s.execute(delete(Document).where(col(Document.chorus_invoice_id) == row.id))
            s.execute(delete(ChorusInvoiceLine).where(
                col(ChorusInvoiceLine.invoice_id) == row.id))
            s.execute(delete(ChorusInvoiceEvent).where(
                col(ChorusInvoiceEvent.invoice_id) == row.id))
            # A draft re-issued from another keeps nothing pointing at it but its own row.
            self._audit(s, "delete_draft", "chorus_invoice", row.id,
                        {"number": [row.number, None]})
            s.delete(row)

    def submit(self, invoice_id: int, version: int) -> ChorusInvoiceDetail:
        with self._uow(write=True) as s:
            row = self._draft(s, invoice_id, version)
            supplier = s.get(ChorusStructure, row.supplier_structure_id)
            assert supplier is not None
            if row.deposit_kind == ChorusDepositKind.ENTRY.value:
                _require_mandate(supplier)
            self._deposit(s, row)
            return self._detail(s, row)

    def add_files(self, invoice_id: int, files: Sequence[UploadedFile]) -> ChorusInvoiceDetail:
        with self._uow(write=True) as s:
            row = self._as_side(s, invoice_id, ChorusSpace.ISSUED)
            if ChorusState(row.state) not in FILES_OPEN:
                raise RuleViolation("chorus_invoices.files_closed", number=row.number)
            assert row.id is not None
            accepted = accept_files(files, stored_bytes=attached_bytes(s, row.id))
            keep_files(s, row, accepted, ATTACHMENT, self.clock.now(), self.principal.login)
            self._audit(s, "add_files", "chorus_invoice", row.id,
                        {"files": [None, [a.name for a, _ in accepted]]})
            s.flush()
            return self._detail(s, row)

    def file_content(self, invoice_id: int, file_id: int) -> tuple[ChorusFilePublic, bytes]:
        with self._uow() as s:
            self._visible(s, invoice_id)
            found = s.execute(select(*FILE_COLUMNS, DocumentContent.content)
                              .join(DocumentContent,
                                    col(DocumentContent.document_id) == col(Document.id))
                              .where(col(Document.id) == file_id,
                                     col(Document.chorus_invoice_id) == invoice_id,
                                     col(Document.source) == CHORUS_DOCUMENT_SOURCE)
                              ).first()
            if found is None:
                raise NotFound("chorus_invoices.file_not_found", file_id=file_id)
            return ChorusFilePublic(
                id=found.id, filename=found.filename, content_type=found.content_type,
                size=found.size, sha256=found.sha256, category=found.category,
                created_at=found.created_at, created_by=found.created_by), found.content

    # --- shared ---------------------------------------------------------------------
    def _deposit(self, s: Session, row: ChorusInvoice, *, comment: str = "",
                 operation: str = "deposit") -> None:
        """Deposit ``row``; one typed in the form gets its Factur-X as main document,
        made again at each deposit (a correction's too: it shows what was deposited)."""
        super()._deposit(s, row, comment=comment, operation=operation)
        if row.deposit_kind == ChorusDepositKind.ENTRY.value:
            keep_generated(s, row, self.principal.language, self.clock.now(),
                           self.principal.login)

    def _my_supplier(self, s: Session, siret: str) -> ChorusStructure:
        """The supplier structure of ``siret``, whose issued space I hold today."""
        supplier = s.execute(select(ChorusStructure).where(
            col(ChorusStructure.siret) == siret)).scalars().first()
        if supplier is None:
            raise NotFound("chorus_invoices.supplier_not_found", siret=siret)
        assert supplier.id is not None
        require_space(self._rights(s), supplier.id, ChorusSpace.ISSUED)
        return supplier

    def _draft(self, s: Session, invoice_id: int, version: int) -> ChorusInvoice:
        row = self._as_side(s, invoice_id, ChorusSpace.ISSUED)
        if row.state != ChorusState.DRAFT.value:
            raise RuleViolation("chorus_invoices.not_a_draft", number=row.number)
        check_version(row, version)
        return row


def _require_mandate(supplier: ChorusStructure) -> None:
    """Entry by form needs the structure's billing mandate (seed 004)."""
    if supplier.billing_mandate_at is None:
        raise RuleViolation("chorus_invoices.billing_mandate_missing", structure=supplier.name)


def _check_origin(s: Session, checked: CheckedInvoice, supplier_id: int) -> None:
    """A 381 names an invoice of the same supplier (whether it may be credited is a
    technical check at deposit: ``credit_note_origin_invalid``)."""
    if checked.type is not ChorusInvoiceType.CREDIT_NOTE or checked.origin_invoice_id is None:
        return
    origin = s.get(ChorusInvoice, checked.origin_invoice_id)
    if origin is None or origin.supplier_structure_id != supplier_id:
        raise ValidationFailed.at("origin_invoice_id", "chorus_invoices.origin_not_found",
                                  invoice_id=checked.origin_invoice_id)


def _accepted(data: ChorusInvoiceCreate, pdf: UploadedFile | None,
              files: Sequence[UploadedFile], today: date,
              ) -> tuple[CheckedInvoice, Accepted | None, list[Accepted]]:
    """The invoice, its PDF and its files as the rules accept them, or every refusal
    of the three at once (a form marks them all)."""
    errors: list[FieldError] = []
    checked: CheckedInvoice | None = None
    main: Accepted | None = None
    attached: list[Accepted] = []
    try:
        checked = check_invoice(data, today)
    except ValidationFailed as refused:
        errors += refused.errors
    try:
        main = accept_pdf(pdf)
    except ValidationFailed as refused:
        errors += refused.errors
    try:
        attached = accept_files(files, stored_bytes=len(pdf.content) if pdf else 0)
    except ValidationFailed as refused:
        errors += refused.errors
    if errors or checked is None:
        raise ValidationFailed(errors)
    return checked, main, attached
