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

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from cofatui.enums import (
    FINAL_CLAIM_STATUSES,
    ClaimReason,
    ClaimStatus,
    Collector,
    InvoiceType,
    PaymentType,
)
from cofatui.errors import FieldError, RuleViolation
from cofatui.rules.addresses import billing_errors, contact_required_errors, partner_errors
from cofatui.rules.addresses import contact_errors as contact_errors  # moved; still ours
from cofatui.rules.currencies import currency_errors
from cofatui.rules.deadlines import DueDateShifts, invoice_declaration_deadline
from cofatui.rules.money import Money, currency_decimals, is_currency
from cofatui.rules.numbers import AMOUNT_MAX, amount_errors

MAX_COMMENT = 900
MAX_REFERENCE = 35
OPEN_BLOCKING = (ClaimStatus.PENDING, ClaimStatus.REJECTED)
ALT_CONTACT_WITHOUT_INTERVENTION = "claims.alt_contact_without_intervention"
#: No date of a claim line before this one: an earlier year is a typing slip (0024 for
#: 2024), and no contract in force covers a debt that old.
MIN_DATE = date(2000, 1, 1)
#: An initial due date at most this many years after the invoice date: payment terms are
#: months, not decades (2205 typed for 2025).
MAX_TERM_YEARS = 5
#: An amount — a line's (``rules.numbers``), or a declaration's total in one currency —
#: stays below this: a claim amount holds 15 digits before the decimals.
MAX_AMOUNT = AMOUNT_MAX
#: The invoices one payment line names, comma-separated, fit the column that keeps them.
MAX_PAYMENT_REFERENCES = 500
DATE_TOO_EARLY = "claims.date_too_early"
DATE_TOO_LATE = "claims.date_too_late"
DUE_TOO_FAR = "claims.due_too_far"
TOTAL_TOO_LARGE = "claims.total_too_large"
REFERENCES_TOO_LONG = "claims.references_too_long"


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
QUEUE_AMOUNT_LIMIT = MAX_AMOUNT


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

    The date rules (invoice date from ``MIN_DATE`` to today, due date from the invoice
    date to ``MAX_TERM_YEARS`` later) and the currency being in use on the invoice date
    are claim rules, checked only when ``today`` is given: a file import without a
    ``today`` checks the values alone (a code ISO 4217 knows). The declaration delay
    needs the contract and is :func:`invoice_errors`' business.
    """
    problems: list[FieldError] = []
    if line.type not in InvoiceType.__members__:
        problems.append(FieldError("type", INVOICE_TYPE_MESSAGE))
    if not line.number.strip():
        problems.append(FieldError("number", "common.mandatory"))
    elif len(line.number) > MAX_REFERENCE:
        problems.append(FieldError("number", "common.max_chars", {"max": MAX_REFERENCE}))
    if today is not None:
        problems.extend(_date_refusals("invoice_date", line.invoice_date, today,
                                       INVOICE_IN_FUTURE))
        if line.due_date < line.invoice_date:
            problems.append(FieldError("due_date", DUE_BEFORE_INVOICE))
        elif line.due_date > _years_after(line.invoice_date, MAX_TERM_YEARS):
            problems.append(FieldError("due_date", DUE_TOO_FAR, {"years": MAX_TERM_YEARS}))
    problems.extend(_currency_refusals(line.currency, line.invoice_date, today))
    problems.extend(_amount_refusals("amount_excl_tax", line.amount_excl_tax, line.currency))
    if not (line.tax.is_finite() and line.amount_excl_tax.is_finite()):
        problems.extend(amount_errors("tax", line.tax))
    elif line.tax < 0:
        problems.append(FieldError("tax", "common.not_negative"))
    elif line.amount_excl_tax > 0 and line.tax > line.amount_excl_tax:
        problems.append(FieldError("tax", TAX_ABOVE_AMOUNT))
    else:
        problems.extend(_amount_refusals("tax", line.tax, line.currency, zero_ok=True))
    return problems


def payment_line_refusals(line: PaymentInput, today: date | None) -> list[FieldError]:
    """The rules of one payment line, each refusal's ``field`` the line's attribute; the
    date range and the currency in use on the payment date only when ``today`` is given.
    Whether the references name invoices of the claim is :func:`payment_errors`'
    business."""
    problems: list[FieldError] = []
    if line.type not in PaymentType.__members__:
        problems.append(FieldError("type", PAYMENT_TYPE_MESSAGE))
    references = ",".join(line.invoice_references)
    if len(references) > MAX_PAYMENT_REFERENCES:
        problems.append(FieldError("invoice_references", REFERENCES_TOO_LONG,
                                   {"max": MAX_PAYMENT_REFERENCES}))
    if today is not None:
        problems.extend(_date_refusals("payment_date", line.payment_date, today,
                                       PAYMENT_IN_FUTURE))
    problems.extend(_currency_refusals(line.currency, line.payment_date, today))
    problems.extend(_amount_refusals("amount", line.amount, line.currency))
    return problems


def _date_refusals(field: str, day: date, today: date, future: str) -> list[FieldError]:
    """A line's date from ``MIN_DATE`` to ``today``."""
    if day < MIN_DATE:
        return [FieldError(field, DATE_TOO_EARLY, {"min": MIN_DATE})]
    if day > today:
        return [FieldError(field, future)]
    return []


def _years_after(day: date, years: int) -> date:
    """``day`` ``years`` later (29 February → 28 February in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _currency_refusals(code: str, on: date, today: date | None) -> list[FieldError]:
    """A line's currency: in use on the line's date when the claim rules apply (``today``
    given), otherwise a code ISO 4217 knows."""
    if today is not None:
        return currency_errors(code, on)
    if is_currency(code):
        return []
    return [FieldError("currency", "money.unknown_currency", {"code": code})]


def _amount_refusals(field: str, amount: Decimal, currency: str,
                     zero_ok: bool = False) -> list[FieldError]:
    """An amount above 0 (or 0 when ``zero_ok``), storable (``rules.numbers``), with no
    more decimals than the currency's minor unit (JPY none, EUR two)."""
    if not amount.is_finite():
        return amount_errors(field, amount)
    if amount < 0 or (amount == 0 and not zero_ok):
        return [FieldError(field, "common.not_negative" if zero_ok else "common.above_zero")]
    storable = amount_errors(field, amount)
    if storable:
        return storable
    if is_currency(currency):
        decimals = currency_decimals(currency)
        if amount != amount.quantize(Decimal(1).scaleb(-decimals)):
            return [FieldError(field, "common.max_decimals", {"count": decimals})]
    return []


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
    (in these lines, or among the claim's ``existing`` ones); the invoices of one
    currency, with the existing ones, below ``MAX_AMOUNT``."""
    existing = list(existing)
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
    errors.extend(_totals(prefix, [(i.currency, i.amount_excl_tax + i.tax)
                                   for i in [*existing, *lines]]))
    return errors


def _totals(prefix: str, amounts: Iterable[tuple[str, Decimal]]) -> list[FieldError]:
    """A claim's lines of one currency add up to less than ``MAX_AMOUNT`` (their sum is
    stored and added up again), on the list's field ``prefix``."""
    totals: dict[str, Decimal] = {}
    for currency, amount in amounts:
        # A line refused on its own (not storable, not above 0) is not counted again.
        if amount.is_finite() and 0 < amount < MAX_AMOUNT:
            totals[currency] = totals.get(currency, Decimal(0)) + amount
    return [FieldError(prefix, TOTAL_TOO_LARGE, {"currency": currency, "max": MAX_AMOUNT})
            for currency, total in sorted(totals.items()) if total >= MAX_AMOUNT]


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
    existing = list(existing)
    errors.extend(_twice(lines, payment_key, existing, prefix, "amount",
                         PAYMENT_ALREADY_DECLARED, "claims.same_payment_as"))
    errors.extend(_totals(prefix, [(p.currency, p.amount) for p in [*existing, *lines]]))
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


@dataclass(frozen=True)
class ClaimForm:
    """What a claim declaration's fields hold, as sent (``schemas.ClaimCreate`` without
    the contract and debtor)."""

    reason: str
    own_reference: str = ""
    comments: str = ""
    billing: tuple[str, str, str, str] = ("", "", "", "")  # street, postal code, city, country
    invoicing_partner: str = ""
    contact: tuple[str, str, str] = ("", "", "")  # name, e-mail, phone
    alt_contact: tuple[str, str, str] = ("", "", "")
    intervention_requested: bool = False
    invoices: Sequence[InvoiceInput] = ()
    payments: Sequence[PaymentInput] = ()


def claim_errors(form: ClaimForm, today: date, max_declaration_days: int,
                 shifts: DueDateShifts | None = None) -> list[FieldError]:
    """Every field error of a claim declaration: the header, the billing address, the
    invoicing partner, the contact in charge (named, with an e-mail or a phone), the
    alternative contact and the lines (the deadline moved by ``shifts``).
    The repository refuses a declaration with any; the wizard shows each at its step."""
    return [
        *header_errors(form.reason, form.comments, form.own_reference),
        *billing_errors(*form.billing),
        *partner_errors(form.invoicing_partner),
        *contact_errors("contact_", *form.contact),
        *contact_required_errors("contact_", *form.contact),
        *alt_contact_errors(*form.alt_contact, form.intervention_requested),
        *invoice_errors(form.invoices, today, max_declaration_days, shifts=shifts),
        *payment_errors(form.payments, {i.number for i in form.invoices}, today),
    ]


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


#: How far ahead the claims handler may date an indemnity (a payment planned).
INDEMNITY_AHEAD_DAYS = 366


def indemnity_errors(amounts: dict[str, Decimal], indemnity_date: date | None,
                     collector: str | None, currency: str, today: date) -> list[FieldError]:
    """The claims handler's indemnity: each amount (``covered_amount``,
    ``calculated_indemnity``) not negative and storable in the claim's currency, the
    date from ``MIN_DATE`` to a year ahead, the collector one of ``Collector``."""
    errors: list[FieldError] = []
    for name, amount in amounts.items():
        if amount < 0:
            errors.append(FieldError(name, "claim_follow_up.not_negative"))
        else:
            errors.extend(_amount_refusals(name, amount, currency, zero_ok=True))
    if indemnity_date is not None:
        latest = today + timedelta(days=INDEMNITY_AHEAD_DAYS)
        if indemnity_date < MIN_DATE:
            errors.append(FieldError("indemnity_date", DATE_TOO_EARLY, {"min": MIN_DATE}))
        elif indemnity_date > latest:
            errors.append(FieldError("indemnity_date", DATE_TOO_LATE, {"max": latest}))
    if collector is not None and collector not in {c.value for c in Collector}:
        errors.append(FieldError("collector", "claim_follow_up.choose_collector"))
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
