"""The recipient's moves (issue 18 item 7; seed 003 §IX–§XXIII): as
``rules/chorus_states.check_process`` allows them from the invoice's state now — a
return (to recycle, suspended, rejected) with its mandatory comment, a forward jump
along the processing states, undoing a mistaken rejection while no 381 invalidates it.
A suspension keeps its reason (missing documents by default, or received too early);
"mandated" an optional mandate number."""

from __future__ import annotations

from cofatui.enums import ChorusActor, ChorusSpace, ChorusState, ChorusSuspensionReason
from cofatui.repository.sql.chorus_invoices_core import InvoiceCore
from cofatui.repository.sql.chorus_invoices_store import credit_note_of, structure
from cofatui.rules.chorus_states import check_process
from cofatui.schemas_chorus import ChorusInvoiceDetail, ChorusProcess


class InvoiceMoves(InvoiceCore):
    def process(self, invoice_id: int, data: ChorusProcess) -> ChorusInvoiceDetail:
        with self._uow(write=True) as s:
            row = self._as_side(s, invoice_id, ChorusSpace.RECEIVED, data.version)
            assert row.id is not None
            recipient = structure(s, row.recipient_structure_id)
            check_process(ChorusState(row.state), data.state, data.comment, data.reason,
                          reports_payment_in_progress=bool(
                              recipient and recipient.reports_payment_in_progress),
                          credit_note_issued=credit_note_of(s, row.id) is not None)
            reason = ""
            if data.state is ChorusState.SUSPENDED:
                reason = (data.reason or ChorusSuspensionReason.MISSING_DOCUMENTS).value
                row.suspension_reason = reason
            if data.state is ChorusState.MANDATED:
                row.mandate_number = data.mandate_number.strip()
            self._moved(s, row, ChorusActor.RECIPIENT, data.state,
                        comment=data.comment.strip(), suspension_reason=reason,
                        mandate_number=row.mandate_number
                        if data.state is ChorusState.MANDATED else "",
                        operation="process")
            return self._detail(s, row)
