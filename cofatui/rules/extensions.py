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
- **What a request may hold** (``request_errors``, the form and the repository alike): a
  reason (at most ``MAX_REASON`` characters), a currency in use today (ISO 4217, from
  ``rules.currencies``), invoice numbers of at most ``MAX_INVOICE_NUMBER`` characters
  (the seed's limit on invoice identifiers), invoice dates not in the future, original
  due dates within the contract's DMC (seed 001 p. 32: "elle doit se situer dans votre
  durée maximum de crédit"). Amounts are above 0 with no more decimals than the
  currency has (JPY none, BHD three).
- **Plan dates in range**: a new due date is at most ``MAX_PLAN_DAYS`` after today (the
  seed gives no figure; two years is far beyond any DMC and catches a mistyped year).
  A new due date may be past: an extension granted freely within the DMC is recorded
  afterwards, and a modified plan keeps the instalments already paid. For the same
  reason an invoice whose declaration delay has passed may be recorded (the extension
  may be what moved its deadline).
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
from cofatui.rules.currencies import currency_errors
from cofatui.rules.deadlines import extension_shifts, invoice_declaration_deadline
from cofatui.rules.money import currency_decimals, is_currency
from cofatui.rules.numbers import amount_errors as storable_errors
from cofatui.rules.text import text_errors

__all__ = [
    "BLOCKING_STATUSES",
    "MAX_INVOICE_NUMBER",
    "MAX_PLAN_DAYS",
    "MAX_REASON",
    "ContractTerms",
    "ExtensionInvoice",
    "PlanLine",
    "active_extension_shifts",
    "check_can_cancel",
    "check_can_modify",
    "check_no_open_claim",
    "check_offered",
    "check_one_extension_per_buyer",
    "dmc_end",
    "extension_needs_request",
    "invoices_total",
    "plan_errors",
    "plan_needs_request",
    "request_errors",
    "shifted_declaration_deadline",
]

BLOCKING_STATUSES = frozenset({ExtensionStatus.PENDING, ExtensionStatus.ACTIVE})
MAX_REASON = 500  # the reason column; the form's label and detail fit well within it
MAX_INVOICE_NUMBER = 35  # seed 001: "l'identifiant de la facture est trop long (maximum 35)"
MAX_PLAN_DAYS = 730  # how far ahead a new due date may be (see the module's docstring)


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


@dataclass(frozen=True)
class ContractTerms:
    """What a request is checked against in its contract: the maximum credit duration
    (DMC), in days from the invoice date."""

    dmc_days: int


def invoices_total(invoices: Iterable[ExtensionInvoice]) -> Decimal:
    return sum((i.amount for i in invoices), Decimal(0))


def _amount_errors(amount: Decimal, field: str, line: int, decimals: int | None
                   ) -> list[FieldError]:
    # What no column can hold first, with the repository's input guard's own refusal.
    storable = storable_errors(field, amount, line=line)
    if storable:
        return storable
    if amount <= 0:
        return [FieldError(field, "common.above_zero", line=line)]
    if decimals is not None and amount != amount.quantize(Decimal(1).scaleb(-decimals)):
        return [FieldError(field, "common.max_decimals", {"count": decimals}, line=line)]
    return []


def _decimals(currency: str | None) -> int | None:
    return currency_decimals(currency) if currency and is_currency(currency) else None


def plan_errors(invoices: Sequence[ExtensionInvoice], plan: Sequence[PlanLine],
                currency: str | None = None, today: date | None = None) -> list[FieldError]:
    """Field errors of the form's invoices and payment plan (``invoices[i].field``,
    ``plan[i].field`` with ``line=i``, and ``plan`` for the total).

    With ``currency``, amounts must fit its minor unit; with ``today``, the plan's dates
    must be at most ``MAX_PLAN_DAYS`` ahead. A modification or an underwriter's
    counter-plan is checked this way against the invoices already recorded.
    """
    decimals = _decimals(currency)
    errors: list[FieldError] = []
    if not invoices:
        errors.append(FieldError("invoices", "extensions.no_invoice"))
    seen: dict[str, int] = {}
    for i, inv in enumerate(invoices, start=1):
        where = f"invoices[{i}]"
        bad_text = text_errors(f"{where}.number", inv.number, max_chars=MAX_INVOICE_NUMBER,
                               line=i)
        if bad_text:
            errors.extend(bad_text)
        elif not inv.number.strip():
            errors.append(FieldError(f"{where}.number", "common.mandatory", line=i))
        elif inv.number in seen:
            errors.append(FieldError(f"{where}.number", "extensions.invoice_twice",
                                     {"number": inv.number, "first": seen[inv.number]}, line=i))
        else:
            seen[inv.number] = i
        if inv.due_date < inv.invoice_date:
            errors.append(FieldError(f"{where}.due_date", "claims.due_before_invoice", line=i))
        errors.extend(_amount_errors(inv.amount, f"{where}.amount", i, decimals))
    if not plan:
        errors.append(FieldError("plan", "extensions.no_plan"))
    latest_due = max((i.due_date for i in invoices), default=None)
    previous: date | None = None
    for i, line in enumerate(plan, start=1):
        where = f"plan[{i}]"
        if today is not None and line.due_date > today + timedelta(days=MAX_PLAN_DAYS):
            errors.append(FieldError(f"{where}.due_date", "extensions.plan_date_too_far",
                                     {"last": today + timedelta(days=MAX_PLAN_DAYS)}, line=i))
        elif latest_due is not None and line.due_date <= latest_due:
            errors.append(FieldError(f"{where}.due_date", "extensions.due_date_not_after",
                                     {"latest": latest_due}, line=i))
        if previous is not None and line.due_date <= previous:
            errors.append(
                FieldError(f"{where}.due_date", "extensions.same_date_as_before", line=i)
                if line.due_date == previous else
                FieldError(f"{where}.due_date", "extensions.dates_out_of_order",
                           {"previous": previous}, line=i))
        previous = line.due_date
        errors.extend(_amount_errors(line.amount, f"{where}.amount", i, decimals))
    # Totals only of numbers (a NaN is refused at its line, and cannot be compared).
    amounts = [i.amount for i in invoices] + [p.amount for p in plan]
    if invoices and plan and all(a.is_finite() for a in amounts):
        due, planned = invoices_total(invoices), sum((p.amount for p in plan), Decimal(0))
        if due != planned:
            gap = planned - due
            errors.append(FieldError(
                "plan", "extensions.plan_too_much" if gap > 0 else "extensions.plan_missing",
                {"planned": planned, "due": due, "gap": abs(gap)}))
    return errors


def _invoice_date_errors(invoices: Sequence[ExtensionInvoice], today: date,
                         terms: ContractTerms) -> list[FieldError]:
    errors: list[FieldError] = []
    for i, inv in enumerate(invoices, start=1):
        where = f"invoices[{i}]"
        if inv.invoice_date > today:
            errors.append(FieldError(f"{where}.invoice_date", "extensions.invoice_in_future",
                                     {"today": today}, line=i))
            continue
        end = inv.invoice_date + timedelta(days=terms.dmc_days)
        if inv.due_date > end:
            errors.append(FieldError(f"{where}.due_date", "extensions.due_beyond_dmc",
                                     {"end": end, "days": terms.dmc_days}, line=i))
    return errors


def request_errors(reason: str, currency: str, invoices: Sequence[ExtensionInvoice],
                   plan: Sequence[PlanLine], today: date,
                   terms: ContractTerms) -> list[FieldError]:
    """Every field error of a new request (see the module's docstring), in form order:
    ``reason``, ``currency``, then the invoices' and the plan's lines."""
    errors = text_errors("reason", reason, max_chars=MAX_REASON)
    if not errors and not reason.strip():
        errors.append(FieldError("reason", "extension_requests.give_reason"))
    wrong_currency = currency_errors(currency, today)
    errors.extend(wrong_currency)
    errors.extend(plan_errors(invoices, plan, None if wrong_currency else currency, today))
    errors.extend(_invoice_date_errors(invoices, today, terms))
    return sorted(errors, key=_form_order)


def _form_order(error: FieldError) -> tuple[int, int, str]:
    section = 0 if error.line is None and "[" not in error.field and \
        error.field not in ("invoices", "plan") else \
        1 if error.field.startswith("invoices") else 2
    return section, error.line or 0, error.field


def check_offered(products_allowed: Iterable[str]) -> None:
    """The contract must offer extensions of due date (``EXTENSION`` among its products)."""
    if "EXTENSION" not in {code.strip() for code in products_allowed}:
        raise RuleViolation("products.not_in_contract")


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
