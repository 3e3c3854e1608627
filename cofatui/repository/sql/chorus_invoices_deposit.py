"""Depositing (issue 18 item 6; seed 003 §VIII): the invoice becomes *deposited*, the
technical checks of ``rules/chorus_checks.py`` run on a snapshot of the directory read
in the same transaction, and it ends *made available* or *non-compliant, not
integrated* with every failing reason — two history rows (the supplier's deposit, the
system's verdict), each with its audit row and notifications.

With the supplier's Chorus Pro connector on (issue 19 item 6), an invoice that passes
the checks stays *deposited* and its deposit to the real Chorus Pro is queued in the
same transaction; Chorus Pro's report then decides."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.enums import ChorusActor, ChorusInvoiceType, ChorusState
from cofatui.models.chorus import ChorusInvoice, ChorusService, ChorusStructure, number_key
from cofatui.repository.sql.chorus_connector_queue import connector_of, queue_deposit
from cofatui.repository.sql.chorus_invoices_core import InvoiceCore, Reason
from cofatui.rules.chorus_checks import (
    DepositedInvoice,
    DirectorySnapshot,
    ServiceSnapshot,
    StructureSnapshot,
    technical_checks,
)
from cofatui.rules.chorus_states import CREDITABLE


class InvoiceDeposit(InvoiceCore):
    def _deposit(self, s: Session, row: ChorusInvoice, *, comment: str = "",
                 operation: str = "deposit") -> None:
        """Deposit ``row`` (a draft, or a corrected / recycled invoice), check it and
        leave it made available or non-compliant."""
        self._moved(s, row, ChorusActor.SUPPLIER, ChorusState.DEPOSITED, comment=comment,
                    operation=operation)
        if row.deposited_at is None:  # the first deposit's date stays through corrections
            row.deposited_at = row.state_changed_at
        recipient = s.execute(select(ChorusStructure).where(
            col(ChorusStructure.siret) == row.recipient_siret)).scalars().first()
        # Only a public structure of the directory receives invoices.
        row.recipient_structure_id = recipient.id if recipient and recipient.public else None
        failures = technical_checks(
            DepositedInvoice(ChorusInvoiceType(row.type), row.service_code, row.engagement),
            self._snapshot(s, row, recipient), self.clock.today())
        reasons: list[Reason] = [(f.code, dict(f.params)) for f in failures]
        if not reasons and connector_of(s, row.supplier_structure_id) is not None:
            # The connector is on (issue 19 item 6): Chorus Pro makes it available or
            # not; the invoice stays deposited until its report says.
            queue_deposit(s, row, self.principal.user_id, self.clock.now())
            self._audit(s, "chorus_pro_queued", "chorus_invoice", row.id,
                        {"cpp_deposit": [None, row.cpp_deposit]})
            return
        self._moved(s, row, ChorusActor.SYSTEM,
                    ChorusState.NON_COMPLIANT if reasons else ChorusState.MADE_AVAILABLE,
                    reasons=reasons, operation="checks",
                    changes={"reasons": [None, [code for code, _ in reasons]]})

    def _snapshot(self, s: Session, row: ChorusInvoice,
                  recipient: ChorusStructure | None) -> DirectorySnapshot:
        supplier = s.get(ChorusStructure, row.supplier_structure_id)
        assert supplier is not None
        return DirectorySnapshot(
            supplier=_structure(s, supplier, with_services=False),
            recipient=_structure(s, recipient, with_services=True) if recipient else None,
            duplicate_number=_duplicate(s, row), origin_valid=_origin_valid(s, row))


def _structure(s: Session, row: ChorusStructure, *, with_services: bool) -> StructureSnapshot:
    services: tuple[ServiceSnapshot, ...] = ()
    if with_services:
        services = tuple(
            ServiceSnapshot(code=v.code, active=v.active, start_date=v.start_date,
                            end_date=v.end_date, engagement_required=v.engagement_required)
            for v in s.execute(select(ChorusService).where(
                col(ChorusService.structure_id) == row.id)).scalars())
    return StructureSnapshot(
        active=row.active, public=row.public,
        service_code_required=row.service_code_required,
        engagement_required=row.engagement_required,
        engagement_or_service_required=row.engagement_or_service_required,
        services=services)


def _duplicate(s: Session, row: ChorusInvoice) -> bool:
    """Another invoice of the supplier that left the drafts has this number up to case
    and spaces (the exact number is unique per supplier already)."""
    return s.execute(select(ChorusInvoice.id).where(
        col(ChorusInvoice.supplier_structure_id) == row.supplier_structure_id,
        col(ChorusInvoice.id) != row.id,
        col(ChorusInvoice.state) != ChorusState.DRAFT.value,
        number_key(col(ChorusInvoice.number)) == row.number.replace(" ", "").upper(),
    ).limit(1)).first() is not None


def _origin_valid(s: Session, row: ChorusInvoice) -> bool:
    """A 381's origin: an invoice (380) of the same supplier and recipient that the
    recipient has, and that no other 381 invalidates."""
    if row.type != ChorusInvoiceType.CREDIT_NOTE.value:
        return True
    origin = s.get(ChorusInvoice, row.origin_invoice_id) if row.origin_invoice_id else None
    if origin is None or origin.type != ChorusInvoiceType.INVOICE.value \
            or origin.supplier_structure_id != row.supplier_structure_id \
            or origin.recipient_siret != row.recipient_siret \
            or ChorusState(origin.state) not in CREDITABLE:
        return False
    other = s.execute(select(ChorusInvoice.id).where(
        col(ChorusInvoice.origin_invoice_id) == origin.id,
        col(ChorusInvoice.id) != row.id,
        col(ChorusInvoice.state).not_in([ChorusState.DRAFT.value,
                                         ChorusState.NON_COMPLIANT.value])).limit(1)).first()
    return other is None
