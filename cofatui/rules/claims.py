"""Rules of a claim declaration (SPEC §6), pure: they take values and a date, and
return field-level errors or raise ``RuleViolation``.

An invoice line holds its amount **excluding** tax and the tax (the form's two fields;
an import's amount including tax is split before it gets here): the tax is never more
than the amount excluding tax, since no tax rate is above 100 % and a tax above it is
the total typed in the wrong field. A line declared twice — an invoice (same type and
number) or a payment (same type, invoices, date and amount) — is refused, within one
declaration and against the lines already in the claim, so that a file imported again
never counts its lines twice.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from cofatui.enums import FINAL_CLAIM_STATUSES, ClaimReason, ClaimStatus, InvoiceType, PaymentType
from cofatui.errors import FieldError, RuleViolation
from cofatui.rules.deadlines import DueDateShifts, invoice_declaration_deadline
from cofatui.rules.money import Money, is_currency

MAX_COMMENT = 900
MAX_REFERENCE = 35
OPEN_BLOCKING = (ClaimStatus.PENDING, ClaimStatus.REJECTED)
#: The longest contact name, e-mail and phone a declaration keeps.
MAX_CONTACT = {"name": 120, "email": 200, "phone": 40}
EMAIL_INVALID = "claims.email_invalid"
ALT_CONTACT_WITHOUT_INTERVENTION = "claims.alt_contact_without_intervention"
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


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


#: The claims the handler's queue shows unless a status is chosen: registered, not final.
QUEUE_OPEN_STATUSES = (ClaimStatus.PENDING, ClaimStatus.ACCEPTED, ClaimStatus.REJECTED)
QUEUE_AMOUNT_CURRENCY = "claims.queue_amount_currency"
QUEUE_AMOUNT_ORDER = "claims.queue_amount_order"
QUEUE_DRAFT = "claims.queue_draft"
QUEUE_AMOUNT_TOO_LARGE = "claims.queue_amount_too_large"
QUEUE_AMOUNT_LIMIT = Decimal(10) ** 15  # a claim amount holds 15 digits before the decimals


def queue_filter_errors(status: str | None, contract_id: int | None, amount_min: Decimal | None,
                        amount_max: Decimal | None, currency: str | None) -> list[FieldError]:
    """What is wrong with a claims queue filter: a draft status, a negative or crossed
    amount bound, or an amount bound with neither a currency nor a contract (one
    contract has one currency)."""
    errors: list[FieldError] = []
    if status == ClaimStatus.DRAFT:
        errors.append(FieldError("status", QUEUE_DRAFT))
    for name, bound in (("amount_min", amount_min), ("amount_max", amount_max)):
        if bound is not None and bound < 0:
            errors.append(FieldError(name, "common.not_negative"))
        elif bound is not None and bound >= QUEUE_AMOUNT_LIMIT:
            errors.append(FieldError(name, QUEUE_AMOUNT_TOO_LARGE))
    if amount_min is not None and amount_max is not None and amount_min > amount_max:
        errors.append(FieldError("amount_max", QUEUE_AMOUNT_ORDER))
    if currency is not None and not _currency_ok(currency):
        errors.append(FieldError("currency", "common.currency_invalid", {"code": currency}))
    if (amount_min is not None or amount_max is not None) and contract_id is None \
            and not currency:
        errors.append(FieldError("currency", QUEUE_AMOUNT_CURRENCY))
    return errors


def check_one_open_claim_per_debtor(existing_statuses: Iterable[str]) -> None:
    """Only one claim per debtor may be pending or rejected; a new one is allowed only
    when every previous claim is final (closed or cancelled)."""
    statuses = [ClaimStatus(s) for s in existing_statuses if s != ClaimStatus.DRAFT]
    if any(s not in FINAL_CLAIM_STATUSES for s in statuses):
        raise RuleViolation("claims.open_claim_on_debtor")


INVOICE_TYPE_MESSAGE = "claims.invoice_type"
PAYMENT_TYPE_MESSAGE = "claims.payment_type"
INVOICE_IN_FUTURE = "claims.invoice_in_future"
DUE_BEFORE_INVOICE = "claims.due_before_invoice"
PAYMENT_IN_FUTURE = "claims.payment_in_future"
TAX_ABOVE_AMOUNT = "claims.tax_above_amount"
INVOICE_ALREADY_DECLARED = "claims.invoice_already_declared"
PAYMENT_ALREADY_DECLARED = "claims.payment_already_declared"


#: What makes two payment lines the same payment: type, invoices (in any order), date,
#: currency and amount.
PaymentKey = tuple[str, tuple[str, ...], date, str, Decimal]


def invoice_key(line: InvoiceInput) -> tuple[str, str]:
    """Two lines of the same type and number are one invoice declared twice (an IN and a
    PLP line may share a number: interest on that invoice)."""
    return line.type, line.number.strip()


def payment_key(line: PaymentInput) -> PaymentKey:
    # Decimal("100.0") == Decimal("100.00"), and both hash alike: no normalising needed.
    return (line.type, tuple(sorted(r.strip() for r in line.invoice_references)),
            line.payment_date, line.currency, line.amount)


def invoice_line_refusals(line: InvoiceInput, today: date | None) -> list[FieldError]:
    """The rules of one invoice line, each refusal's ``field`` the line's attribute.

    The two date rules (invoice date not in the future, due date not before the invoice
    date) are claim rules and are checked only when ``today`` is given: a file import
    without a ``today`` checks the values alone. The declaration delay needs the
    contract and is :func:`invoice_errors`' business.
    """
    problems: list[FieldError] = []
    if line.type not in InvoiceType.__members__:
        problems.append(FieldError("type", INVOICE_TYPE_MESSAGE))
    if not line.number.strip():
        problems.append(FieldError("number", "common.mandatory"))
    elif len(line.number) > MAX_REFERENCE:
        problems.append(FieldError("number", "common.max_chars", {"max": MAX_REFERENCE}))
    if today is not None:
        if line.invoice_date > today:
            problems.append(FieldError("invoice_date", INVOICE_IN_FUTURE))
        if line.due_date < line.invoice_date:
            problems.append(FieldError("due_date", DUE_BEFORE_INVOICE))
    if not _currency_ok(line.currency):
        problems.append(FieldError("currency", "common.currency_invalid",
                                   {"code": line.currency}))
    if line.amount_excl_tax <= 0:
        problems.append(FieldError("amount_excl_tax", "common.above_zero"))
    if line.tax < 0:
        problems.append(FieldError("tax", "common.not_negative"))
    elif line.amount_excl_tax > 0 and line.tax > line.amount_excl_tax:
        problems.append(FieldError("tax", TAX_ABOVE_AMOUNT))
    return problems


def payment_line_refusals(line: PaymentInput, today: date | None) -> list[FieldError]:
    """The rules of one payment line, each refusal's ``field`` the line's attribute; the
    date rule only when ``today`` is given. Whether the references name invoices of the
    claim is :func:`payment_errors`' business."""
    problems: list[FieldError] = []
    if line.type not in PaymentType.__members__:
        problems.append(FieldError("type", PAYMENT_TYPE_MESSAGE))
    if today is not None and line.payment_date > today:
        problems.append(FieldError("payment_date", PAYMENT_IN_FUTURE))
    if not _currency_ok(line.currency):
        problems.append(FieldError("currency", "common.currency_invalid",
                                   {"code": line.currency}))
    if line.amount <= 0:
        problems.append(FieldError("amount", "common.above_zero"))
    return problems


def late_declaration_refusal(line: InvoiceInput, today: date, max_declaration_days: int,
                             shifts: DueDateShifts | None = None) -> FieldError | None:
    """Why it is too late to declare this invoice (None when in time), on the field
    ``invoice_date``: the deadline is the invoice date + the contract's delay, moved by
    an active extension of due date on that invoice (``shifts``, by invoice number)."""
    if line.invoice_date > today:
        return None  # a future invoice is refused for that reason alone
    deadline = invoice_declaration_deadline(line.number, line.invoice_date,
                                            max_declaration_days, shifts)
    if today <= deadline:
        return None
    moved = deadline - timedelta(days=max_declaration_days) != line.invoice_date
    return FieldError("invoice_date",
                      "claims.deadline_passed_moved" if moved else "claims.deadline_passed",
                      {"deadline": deadline, "days": max_declaration_days})


def invoice_errors(lines: Sequence[InvoiceInput], today: date, max_declaration_days: int,
                   prefix: str = "invoices", shifts: DueDateShifts | None = None,
                   existing: Iterable[InvoiceInput] = ()) -> list[FieldError]:
    """Field errors of invoice lines: type, number, dates, amounts, the delay (moved by
    the buyer's active extension of due date, ``shifts``) and an invoice declared twice
    (in these lines, or among the claim's ``existing`` ones)."""
    errors: list[FieldError] = []
    if not lines:
        errors.append(FieldError(prefix, "claims.no_invoice"))
    for i, line in enumerate(lines, start=1):
        where = f"{prefix}[{i}]"
        errors.extend(_at(p, f"{where}.{p.field}", i) for p in invoice_line_refusals(line, today))
        late = late_declaration_refusal(line, today, max_declaration_days, shifts)
        if late:
            errors.append(_at(late, f"{where}.invoice_date", i))
    errors.extend(_twice(lines, invoice_key, existing, prefix, "number",
                         INVOICE_ALREADY_DECLARED, "claims.same_invoice_as"))
    return errors


def _at(problem: FieldError, field: str, line: int) -> FieldError:
    """``problem`` on ``field`` of line ``line``."""
    return FieldError(field, problem.code, problem.params, line=line)


def _twice(lines: Sequence[Any], key: Callable[[Any], Hashable], existing: Iterable[Any],
           prefix: str, attribute: str, already: str, again: str) -> list[FieldError]:
    """A line already in the claim (code ``already``), or the same as an earlier line of
    this declaration (code ``again``, parameter ``first``: that line's number)."""
    known = {key(line) for line in existing}
    first: dict[Hashable, int] = {}
    errors: list[FieldError] = []
    for i, line in enumerate(lines, start=1):
        k = key(line)
        if k in known:
            errors.append(FieldError(f"{prefix}[{i}].{attribute}", already, line=i))
        elif k in first:
            errors.append(FieldError(f"{prefix}[{i}].{attribute}", again, {"first": first[k]},
                                     line=i))
        else:
            first[k] = i
    return errors


def payment_errors(lines: Sequence[PaymentInput], invoice_numbers: set[str], today: date,
                   prefix: str = "payments",
                   existing: Iterable[PaymentInput] = ()) -> list[FieldError]:
    """Field errors of payment lines, the invoices they name, and a payment declared
    twice (same type, invoices, date and amount: in these lines or in ``existing``)."""
    errors: list[FieldError] = []
    for i, line in enumerate(lines, start=1):
        where = f"{prefix}[{i}]"
        errors.extend(_at(p, f"{where}.{p.field}", i) for p in payment_line_refusals(line, today))
        unknown = [r for r in line.invoice_references if r not in invoice_numbers]
        if unknown:
            errors.append(FieldError(f"{where}.invoice_references", "claims.unknown_invoice",
                                     {"invoices": unknown, "count": len(unknown)}, line=i))
    errors.extend(_twice(lines, payment_key, existing, prefix, "amount",
                         PAYMENT_ALREADY_DECLARED, "claims.same_payment_as"))
    return errors


def header_errors(reason: str, comments: str, own_reference: str) -> list[FieldError]:
    errors: list[FieldError] = []
    if reason not in {r.value for r in ClaimReason}:
        errors.append(FieldError("reason", "claims.choose_reason"))
    if len(comments) > MAX_COMMENT:
        errors.append(FieldError("comments", "common.too_long",
                                 {"max": MAX_COMMENT, "length": len(comments)}))
    if len(own_reference) > MAX_REFERENCE:
        errors.append(FieldError("own_reference", "common.max_chars", {"max": MAX_REFERENCE}))
    return errors


def contact_errors(prefix: str, name: str, email: str, phone: str) -> list[FieldError]:
    """Lengths of a contact's name, e-mail and phone, and the e-mail's shape; fields
    ``<prefix>name``, ``<prefix>email``, ``<prefix>phone``."""
    errors: list[FieldError] = []
    for part, value in (("name", name), ("email", email), ("phone", phone)):
        if len(value) > MAX_CONTACT[part]:
            errors.append(FieldError(f"{prefix}{part}", "common.max_chars",
                                     {"max": MAX_CONTACT[part]}))
    if email.strip() and len(email) <= MAX_CONTACT["email"] \
            and not _EMAIL.fullmatch(email.strip()):
        errors.append(FieldError(f"{prefix}email", EMAIL_INVALID))
    return errors


def alt_contact_errors(name: str, email: str, phone: str,
                       intervention: bool) -> list[FieldError]:
    """The optional alternative contact of an intervention request: when any of it is
    given, a name is needed and an intervention must be requested (now or before)."""
    errors = contact_errors("alt_contact_", name, email, phone)
    if any(v.strip() for v in (name, email, phone)):
        if not name.strip():
            errors.append(FieldError("alt_contact_name", "common.mandatory"))
        elif not intervention:
            errors.append(FieldError("alt_contact_name", ALT_CONTACT_WITHOUT_INTERVENTION))
    return errors


def claim_amount(invoices: Sequence[InvoiceInput], payments: Sequence[PaymentInput]) -> Decimal:
    """Invoices including tax, less payments and credit notes (never below zero), of lines
    in ONE currency: lines in several raise ``CurrencyMismatch`` (a claim keeps them per
    currency and converts them with a recorded rate: ``rules.indemnity``)."""
    lines = [*(Money(i.amount_excl_tax + i.tax, i.currency) for i in invoices),
             *(-Money(p.amount, p.currency) for p in payments)]
    if not lines:
        return Decimal(0)
    return max(sum(lines[1:], lines[0]).amount, Decimal(0))


def _currency_ok(code: str) -> bool:
    # An ISO 4217 code Money knows ("ABC" is refused at the line, not when totalled).
    return is_currency(code)
