"""The supplier's answers (issue 18 item 8; seed 003 §VIII, §IX, §XII, §XVI, §XIX,
§XX): correct a non-compliant or to-recycle invoice (only what the table allows, number
kept) and deposit it again; complete a suspended one; turn a rejected direct debit into
a transfer; issue the 381 that invalidates an invoice; re-issue an invoice as a new
draft with a new number. Each is offered by ``rules/chorus_states.supplier_actions``
and checked by ``check_supplier_action`` before anything is written."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from cofatui.enums import (
    ChorusActor,
    ChorusInvoiceType,
    ChorusPaymentMode,
    ChorusSpace,
    ChorusState,
    ChorusSuspensionReason,
)
from cofatui.errors import RuleViolation
from cofatui.models.chorus import ChorusInvoice, ChorusStructure
from cofatui.repository.sql.chorus_invoices_entry import InvoiceEntry
from cofatui.repository.sql.chorus_invoices_files import accept_files
from cofatui.repository.sql.chorus_invoices_store import (
    ATTACHMENT,
    as_create,
    attached_bytes,
    attached_since,
    credit_note_of,
    fields_of,
    keep_files,
    number_taken,
    write_lines,
)
from cofatui.rules.chorus_identifiers import clean_iban
from cofatui.rules.chorus_invoice import CheckedInvoice, check_invoice, check_number
from cofatui.rules.chorus_states import SupplierAction, check_supplier_action
from cofatui.schemas_chorus import (
    NUMBER_MAX,
    ChorusCompletion,
    ChorusCorrection,
    ChorusInvoiceCreate,
    ChorusInvoiceDetail,
    ChorusPaymentModeChange,
)
from cofatui.schemas_company_info import UploadedFile

#: What a to-recycle invoice may change (seed 003 §XII, §XVI).
RECYCLABLE = ("recipient_siret", "service_code", "engagement", "market_number")
#: What no correction changes: the number (§VIII) and the supplier it is unique for.
KEPT = ("number", "supplier_siret")


class InvoiceAnswers(InvoiceEntry):
    def correct(self, invoice_id: int, data: ChorusCorrection) -> ChorusInvoiceDetail:
        with self._uow(write=True) as s:
            row = self._as_side(s, invoice_id, ChorusSpace.ISSUED, data.version)
            self._allowed(s, row, SupplierAction.CORRECT)
            current = as_create(s, row, self._siret(s, row))
            checked = check_invoice(_corrected(row, current, data), self.clock.today())
            changes = {name: [getattr(current, name), getattr(checked, name)]
                       for name in RECYCLABLE
                       if getattr(current, name) != getattr(checked, name)}
            for name, value in fields_of(checked).items():
                if name != "number":
                    setattr(row, name, value)
            write_lines(s, row, checked)
            self._audit(s, "correct", "chorus_invoice", row.id, changes)
            self._deposit(s, row, comment=data.comment.strip(), operation="correct_deposit")
            return self._detail(s, row)

    def complete(self, invoice_id: int, data: ChorusCompletion,
                 files: Sequence[UploadedFile] = ()) -> ChorusInvoiceDetail:
        with self._uow(write=True) as s:
            row = self._as_side(s, invoice_id, ChorusSpace.ISSUED, data.version)
            self._allowed(s, row, SupplierAction.COMPLETE)
            assert row.id is not None
            # Received too early (seed 003 §XXII) it comes back as it was; otherwise a
            # file is needed, given now or attached since the suspension.
            if not files and row.suspension_reason != ChorusSuspensionReason.TOO_EARLY.value \
                    and not attached_since(s, row.id, row.state_changed_at):
                raise RuleViolation("chorus.attachment_required")
            accepted = accept_files(files, stored_bytes=attached_bytes(s, row.id))
            keep_files(s, row, accepted, ATTACHMENT, self.clock.now(), self.principal.login)
            self._moved(s, row, ChorusActor.SUPPLIER, ChorusState.COMPLETED,
                        comment=data.comment.strip(), operation="complete",
                        changes={"files": [None, [a.name for a, _ in accepted]]})
            return self._detail(s, row)

    def change_payment_mode(self, invoice_id: int,
                            data: ChorusPaymentModeChange) -> ChorusInvoiceDetail:
        iban = clean_iban(data.iban)
        with self._uow(write=True) as s:
            row = self._as_side(s, invoice_id, ChorusSpace.ISSUED, data.version)
            self._allowed(s, row, SupplierAction.CHANGE_PAYMENT_MODE)
            before = row.payment_mode
            row.payment_mode = ChorusPaymentMode.VIREMENT.value
            row.iban = iban
            self._moved(s, row, ChorusActor.SUPPLIER, ChorusState.REJECTED,
                        operation="change_payment_mode",
                        changes={"payment_mode": [before, row.payment_mode]})
            return self._detail(s, row)

    def credit_note(self, invoice_id: int) -> ChorusInvoiceDetail:
        with self._uow(write=True) as s:
            row = self._as_side(s, invoice_id, ChorusSpace.ISSUED)
            assert row.id is not None
            if credit_note_of(s, row.id) is not None:
                raise RuleViolation("chorus_invoices.credit_note_exists", number=row.number)
            if row.type != ChorusInvoiceType.INVOICE.value or ChorusState(row.state) in (
                    ChorusState.DRAFT, ChorusState.NON_COMPLIANT, ChorusState.DEPOSITED):
                raise RuleViolation("chorus_invoices.credit_note_not_allowed",
                                    number=row.number)
            self._allowed(s, row, SupplierAction.CREDIT_NOTE)
            origin = as_create(s, row, self._siret(s, row))
            # The 381 carries the origin's parties and totals (seed 003 §XX), dated today.
            credit = ChorusInvoiceCreate.model_validate(origin.model_dump() | dict(
                number=self._free_number(s, row, "AV-"), type=ChorusInvoiceType.CREDIT_NOTE,
                invoice_date=self.clock.today(), due_date=None, payment_mode=None,
                iban="", origin_invoice_id=row.id))
            new = self._copy(s, row, check_invoice(credit, self.clock.today()),
                             operation="credit_note")
            self._deposit(s, new)
            return self._detail(s, new)

    def reissue(self, invoice_id: int, number: str) -> ChorusInvoiceDetail:
        number = check_number(number)
        with self._uow(write=True) as s:
            row = self._as_side(s, invoice_id, ChorusSpace.ISSUED)
            self._allowed(s, row, SupplierAction.REISSUE)
            number_taken(s, row.supplier_structure_id, number)
            copy = as_create(s, row, self._siret(s, row)).model_copy(update={"number": number})
            new = self._copy(s, row, check_invoice(copy, self.clock.today()),
                             operation="reissue")
            new.replaces_invoice_id = row.id
            s.flush()
            return self._detail(s, new)

    # --- shared ---------------------------------------------------------------------
    def _allowed(self, s: Session, row: ChorusInvoice, action: SupplierAction) -> None:
        assert row.id is not None
        check_supplier_action(
            action, ChorusState(row.state), invoice_type=ChorusInvoiceType(row.type),
            payment_mode=ChorusPaymentMode(row.payment_mode) if row.payment_mode else None,
            credit_note_issued=credit_note_of(s, row.id) is not None)

    @staticmethod
    def _siret(s: Session, row: ChorusInvoice) -> str:
        supplier = s.get(ChorusStructure, row.supplier_structure_id)
        assert supplier is not None
        return supplier.siret

    def _copy(self, s: Session, row: ChorusInvoice, checked: CheckedInvoice, *,
              operation: str) -> ChorusInvoice:
        """A new draft of ``row``'s supplier holding ``checked`` (no files: the PDF
        was ``row``'s, with its number)."""
        new = ChorusInvoice(supplier_structure_id=row.supplier_structure_id,
                            deposit_kind=row.deposit_kind, created_at=self.clock.now(),
                            created_by=self.principal.login,
                            **fields_of(checked))
        s.add(new)
        s.flush()
        write_lines(s, new, checked)
        self._moved(s, new, ChorusActor.SUPPLIER, ChorusState.DRAFT, operation=operation,
                    created=True,
                    changes={"from_invoice": [None, row.id], "number": [None, new.number]})
        return new

    @staticmethod
    def _free_number(s: Session, row: ChorusInvoice, prefix: str) -> str:
        """``AV-<number>`` when it fits and is free, else ``AV-<id>``, ``AV-<id>-2``…"""
        assert row.id is not None
        candidates = [f"{prefix}{row.number}"] if len(prefix + row.number) <= NUMBER_MAX \
            else []
        candidates += [f"{prefix}{row.id}"] + [f"{prefix}{row.id}-{n}" for n in range(2, 100)]
        for candidate in candidates:
            try:
                number_taken(s, row.supplier_structure_id, candidate)
            except RuleViolation:
                continue
            return candidate
        raise RuleViolation("chorus_invoices.number_taken", number=candidates[-1])


def _corrected(row: ChorusInvoice, current: ChorusInvoiceCreate,
               data: ChorusCorrection) -> ChorusInvoiceCreate:
    """The invoice as the correction asks it. To recycle: only the four fields of the
    table; non-compliant: the whole invoice may be given again, number and supplier
    kept. Raises RuleViolation ``chorus_invoices.field_locked`` (params ``field``)."""
    values: dict[str, Any] = current.model_dump()
    if data.invoice is not None:
        given = data.invoice.model_dump()
        locked = KEPT if row.state == ChorusState.NON_COMPLIANT.value else tuple(
            name for name in given if name not in RECYCLABLE)
        for name in locked:
            if name != "number" and _same(name, given) != _same(name, values):
                raise RuleViolation("chorus_invoices.field_locked", field=name)
        values |= {name: value for name, value in given.items() if name not in KEPT}
    for name in RECYCLABLE:
        if getattr(data, name) is not None:
            values[name] = getattr(data, name)
    return ChorusInvoiceCreate.model_validate(values)


def _same(name: str, values: dict[str, Any]) -> Any:
    """A field as stored, to tell a change from the same value typed another way (a
    SIRET with spaces, the delivery date left to default to the invoice date)."""
    value = values[name]
    if name == "delivery_date" and value is None:
        return values["invoice_date"]
    if isinstance(value, str):
        return value.replace(" ", "").upper()
    return value
