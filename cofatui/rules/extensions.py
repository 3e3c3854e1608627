"""Extension of due date (prorogation d'échéance), SPEC §5 and seed 001 pp. 32-33.

Pure rules: they take values, statuses and dates, and return field errors, raise
``RuleViolation`` or return a date. Choices where the sources leave room:

- **One per buyer**: an extension "exists" while it is pending or active; a refused or
  cancelled one does not stop a new request.
- **After a claim**: a claim on the buyer that is not final (pending, accepted,
  rejected) means the extension goes to the insurer's collection department outside
  the application (seed 001); a closed or cancelled claim, or a draft, does not block.
- **Plan dates**: every new due date is after every original due date (the plan
  postpones the invoices, it does not bring a payment forward), and each is after the
  previous one (two lines on one day are one payment: merge them).
- **Declaration deadline**: an *active* (accepted) extension moves the deadline of each
  invoice by the days between its original due date and the plan's *first* new due
  date: the first instalment is the first one that can be missed, so this never lets a
  deadline pass unnoticed. A pending, refused or cancelled extension moves nothing (the
  seed says any answer "has an impact"; a refusal's impact is that the original
  deadline stands).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from cofatui.enums import FINAL_CLAIM_STATUSES, ClaimStatus, ExtensionStatus
from cofatui.errors import FieldError, RuleViolation, ValidationFailed
from cofatui.i18n.messages import Term
from cofatui.rules.deadlines import extension_shifts, invoice_declaration_deadline

__all__ = [
    "BLOCKING_STATUSES",
    "ExtensionInvoice",
    "PlanLine",
    "active_extension_shifts",
    "check_can_cancel",
    "check_can_modify",
    "check_no_open_claim",
    "check_one_extension_per_buyer",
    "dmc_end",
    "extension_needs_request",
    "invoices_total",
    "plan_errors",
    "plan_needs_request",
    "shifted_declaration_deadline",
]

BLOCKING_STATUSES = frozenset({ExtensionStatus.PENDING, ExtensionStatus.ACTIVE})


@dataclass(frozen=True)
class ExtensionInvoice:
    number: str
    invoice_date: date
    due_date: date  # the original (initial) due date
    amount: Decimal


@dataclass(frozen=True)
class PlanLine:
    due_date: date  # the new due date proposed
    amount: Decimal


def invoices_total(invoices: Iterable[ExtensionInvoice]) -> Decimal:
    return sum((i.amount for i in invoices), Decimal(0))


def plan_errors(invoices: Sequence[ExtensionInvoice], plan: Sequence[PlanLine]) -> list[FieldError]:
    """Field errors of the form's invoices and payment plan (``invoices[i].field``,
    ``plan[i].field`` and ``plan`` for the total)."""
    errors: list[FieldError] = []
    if not invoices:
        errors.append(FieldError("invoices", "extensions.no_invoice"))
    seen: dict[str, int] = {}
    for i, inv in enumerate(invoices, start=1):
        where = f"invoices[{i}]"
        if not inv.number.strip():
            errors.append(FieldError(f"{where}.number", "common.mandatory", line=i))
        elif inv.number in seen:
            errors.append(FieldError(f"{where}.number", "extensions.invoice_twice",
                                     {"number": inv.number, "first": seen[inv.number]}, line=i))
        else:
            seen[inv.number] = i
        if inv.due_date < inv.invoice_date:
            errors.append(FieldError(f"{where}.due_date", "claims.due_before_invoice", line=i))
        if inv.amount <= 0:
            errors.append(FieldError(f"{where}.amount", "common.above_zero", line=i))
    if not plan:
        errors.append(FieldError("plan", "extensions.no_plan"))
    latest_due = max((i.due_date for i in invoices), default=None)
    previous: date | None = None
    for i, line in enumerate(plan, start=1):
        where = f"plan[{i}]"
        if latest_due is not None and line.due_date <= latest_due:
            errors.append(FieldError(f"{where}.due_date", "extensions.due_date_not_after",
                                     {"latest": latest_due}, line=i))
        if previous is not None and line.due_date <= previous:
            errors.append(
                FieldError(f"{where}.due_date", "extensions.same_date_as_before", line=i)
                if line.due_date == previous else
                FieldError(f"{where}.due_date", "extensions.dates_out_of_order",
                           {"previous": previous}, line=i))
        previous = line.due_date
        if line.amount <= 0:
            errors.append(FieldError(f"{where}.amount", "common.above_zero", line=i))
    if invoices and plan:
        due, planned = invoices_total(invoices), sum((p.amount for p in plan), Decimal(0))
        if due != planned:
            gap = planned - due
            errors.append(FieldError(
                "plan", "extensions.plan_too_much" if gap > 0 else "extensions.plan_missing",
                {"planned": planned, "due": due, "gap": abs(gap)}))
    return errors


def check_one_extension_per_buyer(existing_statuses: Iterable[str]) -> None:
    """Only one extension per buyer: none may be requested while one is pending or active."""
    statuses = {ExtensionStatus(s) for s in existing_statuses}
    if statuses & BLOCKING_STATUSES:
        raise RuleViolation("extensions.already_pending" if ExtensionStatus.PENDING in statuses
                            else "extensions.already_active")


def check_no_open_claim(claim_statuses: Iterable[str]) -> None:
    """After a claim, an extension is not requested here (seed 001: by email to the
    insurer's collection department)."""
    open_claims = [s for s in (ClaimStatus(s) for s in claim_statuses)
                   if s != ClaimStatus.DRAFT and s not in FINAL_CLAIM_STATUSES]
    if open_claims:
        raise RuleViolation("extensions.claim_declared")


def check_can_cancel(status: str) -> None:
    """Only a pending request (not yet decided) can be cancelled."""
    if ExtensionStatus(status) != ExtensionStatus.PENDING:
        raise RuleViolation("extensions.cancel_not_pending",
                            status=Term(f"extensions.status.{ExtensionStatus(status).value}"))


def check_can_modify(status: str) -> None:
    """Only an active (accepted) extension can be modified; a pending one waits for its
    decision."""
    if ExtensionStatus(status) != ExtensionStatus.ACTIVE:
        raise RuleViolation("extensions.modify_not_active",
                            status=Term(f"extensions.status.{ExtensionStatus(status).value}"))


def dmc_end(invoice_date: date, dmc_days: int) -> date:
    """Last day of the contract's maximum credit duration for an invoice."""
    if isinstance(dmc_days, bool) or dmc_days <= 0:
        raise ValidationFailed.at("dmc_days", "extensions.dmc_not_positive", days=dmc_days)
    return invoice_date + timedelta(days=dmc_days)


def extension_needs_request(invoice_date: date, new_due_date: date, dmc_days: int,
                            cover_terminated: bool, buyer_in_default: bool) -> tuple[bool, str]:
    """Whether the insurer must be asked, and why (seed 001 p. 32).

    Within the DMC the policyholder may grant extensions freely; a new due date beyond
    it, or any extension once the cover was terminated or the buyer is in default, needs
    the request.
    """
    if new_due_date < invoice_date:
        raise ValidationFailed({"new_due_date": "extensions.new_due_before_invoice"})
    end = dmc_end(invoice_date, dmc_days)
    if cover_terminated:
        return True, ("The cover on this buyer was terminated: any extension of due date must "
                      "be requested, even within the maximum credit duration.")
    if buyer_in_default:
        return True, ("The buyer is in default: any extension of due date must be requested, "
                      "even within the maximum credit duration.")
    if new_due_date > end:
        late = (new_due_date - end).days
        return True, (f"The new due date {new_due_date.isoformat()} is {late} day"
                      f"{'s' if late > 1 else ''} beyond the maximum credit duration "
                      f"({dmc_days} days from the invoice date, until {end.isoformat()}): "
                      "the insurer must approve it.")
    return False, (f"The new due date {new_due_date.isoformat()} is within the maximum credit "
                   f"duration ({dmc_days} days from the invoice date, until {end.isoformat()}): "
                   "you may grant it freely, no request is needed.")


def plan_needs_request(invoices: Sequence[ExtensionInvoice], plan: Sequence[PlanLine],
                       dmc_days: int, cover_terminated: bool,
                       buyer_in_default: bool) -> tuple[bool, str]:
    """:func:`extension_needs_request` for a whole form: the plan's last date against
    the earliest invoice (whose DMC ends first)."""
    if not invoices or not plan:
        raise ValidationFailed({"plan": "extensions.plan_needed"})
    earliest = min(invoices, key=lambda i: i.invoice_date)
    last = max(p.due_date for p in plan)
    return extension_needs_request(earliest.invoice_date, last, dmc_days, cover_terminated,
                                   buyer_in_default)


def shifted_declaration_deadline(invoices: Sequence[ExtensionInvoice], plan: Sequence[PlanLine],
                                 max_declaration_days: int, status: str) -> date:
    """The claim declaration deadline of these invoices once the extension is decided:
    the earliest of the invoices' deadlines, each moved by an active extension."""
    if not invoices:
        raise ValidationFailed({"invoices": "extensions.no_invoice"})
    # The same functions as a claim's deadline: what this screen shows is what a claim
    # declaration is checked against.
    shifts = active_extension_shifts(invoices, plan, status)
    return min(invoice_declaration_deadline(inv.number, inv.invoice_date,
                                            max_declaration_days, shifts)
               for inv in invoices)


def active_extension_shifts(invoices: Sequence[ExtensionInvoice], plan: Sequence[PlanLine],
                            status: str) -> dict[str, int]:
    """Days this extension moved each of its invoices' due dates (by number): nothing
    unless it is active."""
    if ExtensionStatus(status) != ExtensionStatus.ACTIVE:
        return {}
    return extension_shifts(((i.number, i.due_date) for i in invoices),
                            (p.due_date for p in plan))
