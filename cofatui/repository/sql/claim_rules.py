"""What the claim rules need from the database, read in the caller's transaction: the
days the buyer's active extensions of due date moved its invoices' due dates (the
declaration deadline moves with them), and the lines a claim already holds (a line
declared again is refused)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from cofatui.enums import ExtensionStatus
from cofatui.models import ClaimInvoice, ClaimPayment, Extension, ExtensionInvoice
from cofatui.models import ExtensionPlanLine as PlanRow
from cofatui.repository.sql.extensions import UNDERWRITER as UNDERWRITER_PLAN
from cofatui.rules import claims as rules
from cofatui.rules import extensions as extension_rules
from cofatui.rules.deadlines import merge_shifts

__all__ = ["claim_invoices", "claim_payments", "due_date_shifts"]

def due_date_shifts(s: Session, contract_id: int, company_id: int) -> dict[str, int]:
    """Days each invoice's due date was moved by the buyer's *active* extensions, by
    invoice number (a pending, refused or cancelled extension moves nothing). The plan
    in force is the underwriter's counter-plan when there is one."""
    ids = list(s.execute(select(Extension.id).where(
        Extension.contract_id == contract_id, Extension.company_id == company_id,
        Extension.status == ExtensionStatus.ACTIVE.value)).scalars())
    if not ids:
        return {}
    invoices: dict[int, list[extension_rules.ExtensionInvoice]] = {i: [] for i in ids}
    for row in s.execute(select(ExtensionInvoice).where(
            ExtensionInvoice.extension_id.in_(ids))).scalars():
        invoices[row.extension_id].append(extension_rules.ExtensionInvoice(
            row.number, row.invoice_date, row.due_date, row.amount))
    plans: dict[int, dict[bool, list[extension_rules.PlanLine]]] = {i: {} for i in ids}
    for line in s.execute(select(PlanRow).where(PlanRow.extension_id.in_(ids))).scalars():
        plans[line.extension_id].setdefault(line.proposed_by == UNDERWRITER_PLAN, []).append(
            extension_rules.PlanLine(line.due_date, line.amount))
    return merge_shifts(*(
        extension_rules.active_extension_shifts(
            invoices[i], plans[i].get(True) or plans[i].get(False) or [],
            ExtensionStatus.ACTIVE.value)
        for i in ids))


def claim_invoices(s: Session, claim_id: int) -> list[rules.InvoiceInput]:
    return [rules.InvoiceInput(i.type, i.number, i.invoice_date, i.due_date, i.currency,
                               i.amount_excl_tax, i.tax)
            for i in s.execute(select(ClaimInvoice).where(
                ClaimInvoice.claim_id == claim_id)).scalars()]


def claim_payments(s: Session, claim_id: int) -> list[rules.PaymentInput]:
    return [rules.PaymentInput(p.type, [r for r in p.invoice_references.split(",") if r],
                               p.payment_date, p.currency, p.amount)
            for p in s.execute(select(ClaimPayment).where(
                ClaimPayment.claim_id == claim_id)).scalars()]
