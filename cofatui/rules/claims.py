"""Rules of a claim declaration (SPEC §6), pure: they take values and a date, and
return field-level errors or raise ``RuleViolation``."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from cofatui.enums import FINAL_CLAIM_STATUSES, ClaimReason, ClaimStatus, InvoiceType, PaymentType
from cofatui.errors import FieldError, RuleViolation

MAX_COMMENT = 900
MAX_REFERENCE = 35
OPEN_BLOCKING = (ClaimStatus.PENDING, ClaimStatus.REJECTED)


@dataclass(frozen=True)
class InvoiceInput:
    type: str
    number: str
    invoice_date: date
    due_date: date
    currency: str
    amount_excl_tax: Decimal
    tax: Decimal


@dataclass(frozen=True)
class PaymentInput:
    type: str
    invoice_references: Sequence[str]
    payment_date: date
    currency: str
    amount: Decimal


def check_one_open_claim_per_debtor(existing_statuses: Iterable[str]) -> None:
    """Only one claim per debtor may be pending or rejected; a new one is allowed only
    when every previous claim is final (closed or cancelled)."""
    statuses = [ClaimStatus(s) for s in existing_statuses if s != ClaimStatus.DRAFT]
    if any(s not in FINAL_CLAIM_STATUSES for s in statuses):
        raise RuleViolation("A claim on this debtor is still open: a new one can be declared "
                            "only when all previous claims are closed or cancelled.")


def invoice_errors(lines: Sequence[InvoiceInput], today: date, max_declaration_days: int,
                   prefix: str = "invoices") -> list[FieldError]:
    """Field errors of invoice lines: type, number, dates, amounts and the delay."""
    errors: list[FieldError] = []
    if not lines:
        errors.append(FieldError(prefix, "Add at least one invoice"))
    for i, line in enumerate(lines, start=1):
        where = f"{prefix}[{i}]"
        if line.type not in InvoiceType.__members__:
            errors.append(FieldError(f"{where}.type", "Type must be AG, IN, PLP or OUB", i))
        if not line.number.strip():
            errors.append(FieldError(f"{where}.number", "Mandatory", i))
        elif len(line.number) > MAX_REFERENCE:
            errors.append(FieldError(f"{where}.number", "At most 35 characters", i))
        if line.invoice_date > today:
            errors.append(FieldError(f"{where}.invoice_date", "Invoice date is in the future", i))
        if line.due_date < line.invoice_date:
            errors.append(FieldError(f"{where}.due_date",
                                     "Due date is before the invoice date", i))
        deadline = line.invoice_date + timedelta(days=max_declaration_days)
        if line.invoice_date <= today and today > deadline:
            errors.append(FieldError(
                f"{where}.invoice_date",
                f"Too late to declare: the deadline was {deadline.isoformat()} "
                f"({max_declaration_days} days after the invoice date)", i))
        if not _currency_ok(line.currency):
            errors.append(FieldError(f"{where}.currency", "Not an ISO 4217 currency code", i))
        if line.amount_excl_tax <= 0:
            errors.append(FieldError(f"{where}.amount_excl_tax", "Must be above 0", i))
        if line.tax < 0:
            errors.append(FieldError(f"{where}.tax", "Must not be negative", i))
    return errors


def payment_errors(lines: Sequence[PaymentInput], invoice_numbers: set[str], today: date,
                   prefix: str = "payments") -> list[FieldError]:
    errors: list[FieldError] = []
    for i, line in enumerate(lines, start=1):
        where = f"{prefix}[{i}]"
        if line.type not in PaymentType.__members__:
            errors.append(FieldError(f"{where}.type", "Type must be CN or SE", i))
        if line.payment_date > today:
            errors.append(FieldError(f"{where}.payment_date", "Date is in the future", i))
        if not _currency_ok(line.currency):
            errors.append(FieldError(f"{where}.currency", "Not an ISO 4217 currency code", i))
        if line.amount <= 0:
            errors.append(FieldError(f"{where}.amount", "Must be above 0", i))
        unknown = [r for r in line.invoice_references if r not in invoice_numbers]
        if unknown:
            errors.append(FieldError(f"{where}.invoice_references",
                                     "Unknown invoice: " + ", ".join(unknown), i))
    return errors


def header_errors(reason: str, comments: str, own_reference: str) -> list[FieldError]:
    errors: list[FieldError] = []
    if reason not in {r.value for r in ClaimReason}:
        errors.append(FieldError("reason", "Choose a reason"))
    if len(comments) > MAX_COMMENT:
        errors.append(FieldError("comments", f"At most {MAX_COMMENT} characters "
                                             f"({len(comments)} typed)"))
    if len(own_reference) > MAX_REFERENCE:
        errors.append(FieldError("own_reference", "At most 35 characters"))
    return errors


def claim_amount(invoices: Sequence[InvoiceInput], payments: Sequence[PaymentInput]) -> Decimal:
    """Invoices including tax, less payments and credit notes (never below zero)."""
    due = sum((i.amount_excl_tax + i.tax for i in invoices), Decimal(0))
    paid = sum((p.amount for p in payments), Decimal(0))
    return max(due - paid, Decimal(0))


def _currency_ok(code: str) -> bool:
    return len(code) == 3 and code.isascii() and code.isalpha() and code.isupper()
