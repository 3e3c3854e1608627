"""Import of received Factur-X files (issue 19 item 5), by a recipient user.

The batch is an import result (kind ``facturx``, one line per file). Each file is read
outside any transaction (``formats/facturx_read.py``, pure), then checked and written
in a transaction of its own together with its result line: a refused file rolls back
to a savepoint and only its line is kept, so nothing of it is written; the files
before and after it are imported all the same.

A file is refused when: the reader refuses it (``not_pdf`` … ``totals_inconsistent``);
its buyer (BT-47) is no public structure whose received space I hold today
(``buyer_not_yours``); its supplier already has this number up to case and spaces, of
this type (``duplicate_number``); the entry's field rules or the technical checks of
issue 18 refuse it (``chorus.*``, ``chorus.check.*``). An unknown supplier is added to
the directory as a private structure without users (our choice). The invoice arrives
made available, the PDF as its main document, one history line by the system naming
the file and its SHA-256, the recipient's users notified as after a deposit."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.enums import ChorusActor, ChorusDepositKind, ChorusInvoiceType, ChorusState
from cofatui.errors import Forbidden, ValidationFailed, message_text
from cofatui.formats import imports as pipeline
from cofatui.i18n.messages import encode_params
from cofatui.models.chorus import ChorusInvoice, ChorusStructure, number_key
from cofatui.repository.sql import import_apply
from cofatui.repository.sql.chorus_access import ChorusRights
from cofatui.repository.sql.chorus_facturx_reading import (
    FileSeen,
    Reason,
    Refused,
    checked_invoice,
    read,
)
from cofatui.repository.sql.chorus_invoices_deposit import InvoiceDeposit
from cofatui.repository.sql.chorus_invoices_files import Accepted
from cofatui.repository.sql.chorus_invoices_store import MAIN, fields_of, keep_files, write_lines
from cofatui.rules.chorus_checks import DepositedInvoice, technical_checks
from cofatui.rules.facturx_model import FacturxInvoice, FacturxParty
from cofatui.schemas_company_info import UploadedFile
from cofatui.schemas_facturx import (
    IMPORT_MAX_FILES,
    FacturxImportBatch,
    FacturxImportOutcome,
    FacturxImportStatus,
    FacturxInvoiceRef,
    FacturxReason,
)
from cofatui.schemas_jobs import ImportKind, ImportMode

BUYER_NOT_YOURS = "chorus_facturx.buyer_not_yours"
DUPLICATE_NUMBER = "chorus_facturx.duplicate_number"
NO_RECEIVED_SPACE = "chorus_facturx_repo.no_received_space"
#: The same invoice (or its unknown supplier) was written by another import between
#: this one's checks and its write: the database's unique keys refused the second.
IMPORTED_MEANWHILE = "chorus_facturx_repo.imported_meanwhile"
#: An import line's code column holds 40 characters: a longer code (one technical
#: check's) is stored as this one, naming it.
CHECK_FAILED = "chorus_facturx_repo.check_failed"
_CODE_MAX = 40


def _structure_by_siret(s: Session, siret: str) -> ChorusStructure | None:
    return s.execute(select(ChorusStructure).where(
        col(ChorusStructure.siret) == siret)).scalars().first()


def _buyer(s: Session, rights: ChorusRights, siret: str) -> ChorusStructure:
    buyer = _structure_by_siret(s, siret)
    if buyer is None or not buyer.public or buyer.id not in rights.received:
        raise Refused([(BUYER_NOT_YOURS, {"siret": siret})])
    return buyer


def _check_duplicate(s: Session, supplier: ChorusStructure | None,
                     invoice: FacturxInvoice) -> None:
    """Same supplier, number up to case and spaces, type; the very same number of
    another type too (the number is unique per supplier)."""
    if supplier is None:
        return
    key = invoice.number.replace(" ", "").upper()
    found = s.execute(select(ChorusInvoice.id).where(
        col(ChorusInvoice.supplier_structure_id) == supplier.id,
        or_(col(ChorusInvoice.number) == invoice.number,
            (number_key(col(ChorusInvoice.number)) == key)
            & (col(ChorusInvoice.type) == invoice.type.value))).limit(1)).first()
    if found is not None:
        raise Refused([(DUPLICATE_NUMBER, {"number": invoice.number,
                                           "siret": invoice.seller.siret})])


def _origin_id(s: Session, supplier: ChorusStructure | None,
               invoice: FacturxInvoice) -> int | None:
    """A 381's origin (BT-25) among the supplier's invoices; a credit note whose origin
    is not found fails the technical check of issue 18."""
    if invoice.type is not ChorusInvoiceType.CREDIT_NOTE:
        return None
    origin = None if supplier is None or not invoice.origin_number else s.execute(
        select(ChorusInvoice.id).where(
            col(ChorusInvoice.supplier_structure_id) == supplier.id,
            col(ChorusInvoice.number) == invoice.origin_number)).scalar()
    if origin is None:
        raise Refused([("chorus.check.credit_note_origin_invalid", {})])
    return int(origin)


def _new_supplier(seller: FacturxParty, now: datetime, login: str) -> ChorusStructure:
    """An unknown supplier: a private structure without users. What the file says
    beyond the columns' sizes is cut (a VAT number that does not fit is dropped)."""
    return ChorusStructure(
        siret=seller.siret, name=(seller.name.strip() or seller.siret)[:200],
        address=seller.address[:200], postal_code=seller.postal_code[:10],
        city=seller.city[:100], country=(seller.country or "FR")[:2].upper(),
        vat_number=seller.vat_number if len(seller.vat_number) <= 13 else "",
        public=False, created_at=now, created_by=login)


def _history_comment(seen: FileSeen) -> str:
    """The history line names the file and its SHA-256 (within the 255 characters)."""
    suffix = f" sha256:{seen.sha256}"
    return "Factur-X " + seen.name[:255 - len("Factur-X ") - len(suffix)] + suffix


def _line(index: int, reasons: Sequence[Reason]) -> pipeline.LineOutcome:
    if not reasons:
        return pipeline.LineOutcome(index + 1, pipeline.OK)
    code, params = reasons[0]
    if len(code) > _CODE_MAX:
        code, params = CHECK_FAILED, {"check": code}
    return pipeline.LineOutcome(index + 1, pipeline.ERROR, code, params)


class FacturxImport(InvoiceDeposit):
    def import_files(self, files: Sequence[UploadedFile]) -> FacturxImportBatch:
        if not files:
            raise ValidationFailed.at("files", "chorus_facturx_repo.no_file")
        if len(files) > IMPORT_MAX_FILES:
            raise ValidationFailed.at("files", "chorus_facturx_repo.too_many_files",
                                      max=IMPORT_MAX_FILES, count=len(files))
        import_id: int | None = None
        outcomes = []
        for index, file in enumerate(files):
            seen, invoice, reasons = _read(file)
            # One transaction per file; the result is created with the first file's
            # and finished with the last's (one file: one transaction in all).
            with self._uow(write=True) as s:
                if import_id is None:
                    import_id = self._begin(s, files)
                outcomes.append(self._one(s, import_id, index, seen, invoice, reasons))
                if index == len(files) - 1:
                    import_apply.finish(s, import_id)
        assert import_id is not None
        return FacturxImportBatch(import_id=import_id, outcomes=outcomes)

    def _begin(self, s: Session, files: Sequence[UploadedFile]) -> int:
        """The batch's import result; Forbidden unless I am a recipient user."""
        if not self._rights(s).received:
            raise Forbidden(NO_RECEIVED_SPACE)
        names = ", ".join(f.name for f in files)
        result = import_apply.begin(self, s, ImportKind.FACTURX.value, names[:255],
                                    ImportMode.PER_LINE, len(files))
        assert result.id is not None
        return result.id

    def _one(self, s: Session, import_id: int, index: int, seen: FileSeen,
             invoice: FacturxInvoice | None, reasons: list[Reason]) -> FacturxImportOutcome:
        """Write one file read without refusal (or only its refusal) in ``s``: its
        invoice in a savepoint, rolled back alone when refused, and its result line."""
        ref: FacturxInvoiceRef | None = None
        if invoice is not None:
            savepoint = s.begin_nested()
            try:
                ref = self._write(s, seen, invoice)
                s.flush()
                savepoint.commit()
            except Refused as refused:
                savepoint.rollback()
                reasons = refused.reasons
            except IntegrityError:
                # Two imports of one file at once (PostgreSQL lets both check before
                # either writes): the unique keys keep one, this file is refused alone.
                savepoint.rollback()
                reasons = [(IMPORTED_MEANWHILE, {"number": invoice.number})]
        import_apply.store_lines(s, import_id, [_line(index, reasons)])
        language = self.principal.language
        return FacturxImportOutcome(
            file=seen.name, sha256=seen.sha256, invoice=ref,
            status=FacturxImportStatus.REFUSED if reasons else FacturxImportStatus.IMPORTED,
            reasons=[FacturxReason(code=code, params=encode_params(dict(params)),
                                   message=message_text(code, params, language))
                     for code, params in reasons])

    def _write(self, s: Session, seen: FileSeen, invoice: FacturxInvoice
               ) -> FacturxInvoiceRef:
        """Check ``invoice`` against the stored data and store it; Refused otherwise
        (the caller rolls back)."""
        rights = self._rights(s)
        buyer = _buyer(s, rights, invoice.buyer.siret)
        supplier = _structure_by_siret(s, invoice.seller.siret)
        _check_duplicate(s, supplier, invoice)
        checked = checked_invoice(invoice, _origin_id(s, supplier, invoice),
                                  self.clock.today())
        main = _main_document(seen)
        now, login = self.clock.now(), self.principal.login
        if supplier is None:
            supplier = _new_supplier(invoice.seller, now, login)
            s.add(supplier)
            s.flush()
            self._audit(s, "chorus_create_structure", "chorus_structure", supplier.id,
                        {"siret": [None, supplier.siret], "name": [None, supplier.name],
                         "public": [None, False]})
        assert supplier.id is not None
        row = ChorusInvoice(supplier_structure_id=supplier.id,
                            recipient_structure_id=buyer.id,
                            deposit_kind=ChorusDepositKind.FACTURX_IMPORT.value,
                            created_at=now, created_by=login, deposited_at=now,
                            **fields_of(checked))
        s.add(row)
        s.flush()
        write_lines(s, row, checked)
        failures = technical_checks(
            DepositedInvoice(checked.type, row.service_code, row.engagement),
            self._snapshot(s, row, buyer), self.clock.today())
        if failures:
            raise Refused([(f"chorus.check.{f.code}", dict(f.params)) for f in failures])
        row.main_document_id = keep_files(s, row, [main], MAIN, now, login)[0]
        self._moved(s, row, ChorusActor.SYSTEM, ChorusState.MADE_AVAILABLE,
                    comment=_history_comment(seen), operation="facturx_import",
                    created=True, changes={"number": [None, row.number],
                                           "file": [None, seen.name],
                                           "sha256": [None, seen.sha256]})
        assert row.id is not None
        return FacturxInvoiceRef(
            id=row.id, number=row.number, type=checked.type, supplier_siret=supplier.siret,
            supplier_name=supplier.name, recipient_siret=row.recipient_siret,
            currency=row.currency, total_incl_tax=row.total_incl_tax,
            state=ChorusState.MADE_AVAILABLE)


def _read(file: UploadedFile) -> tuple[FileSeen, FacturxInvoice | None, list[Reason]]:
    """The file read outside any transaction (pure): its invoice, or its refusal."""
    seen = FileSeen(file.name, hashlib.sha256(file.content).hexdigest(), file.content)
    try:
        return seen, read(file.content).invoice, []
    except Refused as refused:
        return seen, None, refused.reasons


def _main_document(seen: FileSeen) -> Accepted:
    # Imported here: pypdf costs a tenth of a second that start-up never needs.
    from cofatui.formats.chorus_pdf import check_invoice_pdf

    try:
        return check_invoice_pdf(seen.name, seen.content), seen.content
    except ValidationFailed as refused:
        raise Refused([(e.code, dict(e.params)) for e in refused.errors]) from refused
