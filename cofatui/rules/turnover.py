"""Rules of turnover declarations (issue 17 items 2–3, seed "DÉCLARATION D'ACTIVITÉ OU
DE CHIFFRE D'AFFAIRES"), pure: no database, no clock (today is a parameter).

- A request's due date defaults to the period's end + 30 days; its three reminders fall
  at due − 7, due and due + 15 (our choice), none in the past nor after due + 60.
- A contract has one request per overlapping period (cancelled ones aside).
- Amounts are Money, at least 0, with at most 2 decimals (fewer if the currency has
  fewer); totals are kept per currency, never added across currencies.
- "Nothing to declare" is refused while any amount is not zero.
- Once sent a declaration is frozen; a cancelled one too.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from decimal import Decimal

from cofatui.enums import TurnoverBreakdown, TurnoverStatus
from cofatui.errors import FieldError, RuleViolation
from cofatui.rules.addresses import contact_errors, contact_required_errors, country_errors
from cofatui.rules.currencies import currency_errors
from cofatui.rules.money import Money, currency_decimals, is_currency, totals_by_currency
from cofatui.rules.numbers import TOO_MANY_DECIMALS, amount_errors, decimal_places
from cofatui.schemas_turnover import (
    DEFAULT_DUE_DAYS,
    DEFAULT_REMINDER_OFFSETS,
    TurnoverContact,
    TurnoverLineIn,
)

#: At most 2 decimals whatever the currency (fewer when its minor unit has fewer).
MAX_DECIMALS = 2
#: A reminder later than this after the due date is refused (it would be forgotten).
LATEST_REMINDER_DAYS = 60

ALREADY_SENT = "turnover.already_sent"
CANCELLED = "turnover.cancelled"
ALREADY_CANCELLED = "turnover.already_cancelled"
NOT_FOUND = "turnover.not_found"
OVERLAPS = "turnover.period_overlaps"
NOTHING_WITH_AMOUNTS = "turnover.nothing_to_declare_with_amounts"


# --- the request ----------------------------------------------------------------------
def default_due_date(period_end: date) -> date:
    return period_end + timedelta(days=DEFAULT_DUE_DAYS)


def default_reminders(due: date) -> list[date]:
    return [due + timedelta(days=offset) for offset in DEFAULT_REMINDER_OFFSETS]


def request_errors(period_start: date, period_end: date, due: date,
                   reminders: Sequence[date], today: date) -> list[FieldError]:
    """The refusals of a request's dates (none when they are fine)."""
    errors: list[FieldError] = []
    if period_end < period_start:
        errors.append(FieldError("period_end", "turnover.end_before_start",
                                 {"start": period_start}))
    if due < period_end:
        errors.append(FieldError("due_date", "turnover.due_before_end", {"end": period_end}))
    latest = due + timedelta(days=LATEST_REMINDER_DAYS)
    for i, day in enumerate(reminders):
        if day < today:
            errors.append(FieldError(f"reminders.{i}", "turnover.reminder_in_past",
                                     {"today": today}))
        elif day > latest:
            errors.append(FieldError(f"reminders.{i}", "turnover.reminder_too_late",
                                     {"latest": latest}))
    if len(set(reminders)) != len(reminders):
        errors.append(FieldError("reminders", "turnover.reminder_twice"))
    return errors


def overlaps(start: date, end: date, other_start: date, other_end: date) -> bool:
    """Two periods (both ends included) share at least one day."""
    return start <= other_end and other_start <= end


def days_late(due: date, status: str, today: date) -> int:
    """Days past the due date while not sent (0 once sent or cancelled, or not late)."""
    if status != TurnoverStatus.NEW:
        return 0
    return max(0, (today - due).days)


# --- the lifecycle ---------------------------------------------------------------------
def edit_refusal(status: str) -> RuleViolation | None:
    """Why a declaration in ``status`` may not be saved, imported into or sent."""
    if status == TurnoverStatus.SENT:
        return RuleViolation(ALREADY_SENT)
    if status == TurnoverStatus.CANCELLED:
        return RuleViolation(CANCELLED)
    return None


def cancel_refusal(status: str) -> RuleViolation | None:
    if status == TurnoverStatus.SENT:
        return RuleViolation(ALREADY_SENT)
    if status == TurnoverStatus.CANCELLED:
        return RuleViolation(ALREADY_CANCELLED)
    return None


def nothing_to_declare_refusal(nothing: bool,
                               amounts: Iterable[Decimal | None]) -> RuleViolation | None:
    """"Rien à déclarer" only while every amount is empty or zero."""
    if nothing and any(a is not None and a != 0 for a in amounts):
        return RuleViolation(NOTHING_WITH_AMOUNTS)
    return None


def contact_refusals(contact: TurnoverContact) -> list[FieldError]:
    """The contact in charge (seed "Modifier"): a name, and an e-mail or a phone, as a
    claim's contact (fields ``contact.name`` …)."""
    return contact_required_errors("contact.", contact.name, contact.email, contact.phone) \
        + contact_errors("contact.", contact.name, contact.email, contact.phone)


# --- the lines -------------------------------------------------------------------------
def amount_refusals(field: str, amount: Decimal, currency: str) -> list[FieldError]:
    """An amount of a line: Money at least 0, at most 2 decimals (fewer if the currency
    has fewer), within what the database stores."""
    if not amount.is_finite():
        return amount_errors(field, amount)
    if amount < 0:
        return [FieldError(field, "common.not_negative")]
    places = min(MAX_DECIMALS, currency_decimals(currency)) if is_currency(currency) \
        else MAX_DECIMALS
    errors = amount_errors(field, amount)  # too large: said first
    if not errors and decimal_places(amount) > places:
        return [FieldError(field, TOO_MANY_DECIMALS, {"count": places})]
    return errors


def line_key_errors(index: int, line: TurnoverLineIn,
                    breakdown: TurnoverBreakdown) -> list[FieldError]:
    """A line names exactly one debtor (company id or EasyNumber) per debtor, one
    country per country."""
    where = f"lines.{index}"
    named = [k for k in ("company_id", "easy_number", "country")
             if getattr(line, k) not in (None, "")]
    if len(named) != 1:
        return [FieldError(where, "turnover.line_key")]
    if breakdown == TurnoverBreakdown.DEBTOR and named[0] == "country":
        return [FieldError(f"{where}.country", "turnover.line_other_breakdown")]
    if breakdown == TurnoverBreakdown.COUNTRY and named[0] != "country":
        return [FieldError(f"{where}.{named[0]}", "turnover.line_other_breakdown")]
    if named[0] == "country":
        return country_errors(str(line.country), f"{where}.country")
    return []


def line_value_errors(index: int, line: TurnoverLineIn, currency: str,
                      today: date) -> list[FieldError]:
    """The amount and currency of a line (``currency`` the line's, after defaults)."""
    where = f"lines.{index}"
    errors = currency_errors(currency, today, f"{where}.currency")
    if line.amount is not None:
        errors += amount_refusals(f"{where}.amount", line.amount, currency)
    return errors


def totals(amounts: Iterable[tuple[Decimal | None, str]]) -> list[Money]:
    """The declared amounts per currency (empty lines count as nothing), by currency."""
    found = totals_by_currency(Money(a, c) for a, c in amounts if a is not None)
    return [found[c] for c in sorted(found)]


__all__ = ["ALREADY_CANCELLED", "ALREADY_SENT", "CANCELLED", "LATEST_REMINDER_DAYS",
           "MAX_DECIMALS", "NOTHING_WITH_AMOUNTS", "NOT_FOUND", "OVERLAPS", "amount_refusals",
           "cancel_refusal", "contact_refusals", "days_late", "default_due_date",
           "default_reminders", "edit_refusal", "line_key_errors", "line_value_errors",
           "nothing_to_declare_refusal", "overlaps", "request_errors", "totals"]
