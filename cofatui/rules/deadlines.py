"""Deadline to declare a claim (threat of claim / unpaid invoices).

The contract sets a maximum delay to declare a claim, in days counted from the
invoice date (seed 001: "Délai maximum de déclaration … calculé à partir de la date
de facture"); for a claim with several invoices the earliest unpaid invoice decides,
since its deadline is the first to pass. An accepted extension of due date
(prorogation d'échéance) moves the deadline by as many days as it moved the due date
(spec section 5: "The decision moves the claim declaration deadline").

An extension names its invoices, so it moves the deadline of those invoices only, found
by number: :func:`extension_shifts` gives the days per invoice number of an active
extension, and :func:`invoice_declaration_deadline` is the one deadline of one invoice
line that the claim wizard, the claim submission and the additional declarations all
use (a claim's deadline is the earliest of its lines', :func:`earliest_deadline`).

Dates are plain ``date`` values and "today" is always passed in (from the injected
clock), so these rules have no notion of the current time of their own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta

from cofatui.errors import RuleViolation, ValidationFailed

__all__ = [
    "DueDateShifts",
    "check_declaration_in_time",
    "claim_declaration_deadline",
    "days_left",
    "earliest_deadline",
    "extension_shift_days",
    "extension_shifts",
    "invoice_declaration_deadline",
    "merge_shifts",
]

#: Days an active extension of due date moved each invoice's due date, by invoice number.
DueDateShifts = Mapping[str, int]


def extension_shift_days(initial_due_date: date, extended_due_date: date) -> int:
    """How many days an accepted extension moved the due date (0 or more)."""
    shift = (extended_due_date - initial_due_date).days
    if shift < 0:
        raise ValidationFailed.at("extended_due_date", "deadlines.extended_before_initial",
                                  extended=extended_due_date, initial=initial_due_date)
    return shift


def claim_declaration_deadline(
    invoice_date: date,
    max_declaration_days: int,
    extended_due_date: date | None = None,
    *,
    initial_due_date: date | None = None,
) -> date:
    """Last day on which a claim for an invoice of ``invoice_date`` may be declared.

    ``invoice_date`` + the contract's ``max_declaration_days``; when an extension of due
    date was accepted, pass the ``extended_due_date`` together with the invoice's
    ``initial_due_date``: the deadline moves by the days between them (the shift cannot
    be known from the extended date alone).
    """
    if isinstance(max_declaration_days, bool) or max_declaration_days <= 0:
        raise ValidationFailed.at("max_declaration_days", "deadlines.delay_not_positive",
                                  days=max_declaration_days)
    deadline = invoice_date + timedelta(days=max_declaration_days)
    if extended_due_date is not None:
        if initial_due_date is None:
            raise ValidationFailed({"initial_due_date": "deadlines.initial_due_date_needed"})
        deadline += timedelta(days=extension_shift_days(initial_due_date, extended_due_date))
    return deadline


def extension_shifts(invoices: Iterable[tuple[str, date]],
                     plan_due_dates: Iterable[date]) -> dict[str, int]:
    """Days an *active* extension moved the due date of each of its invoices, by number.

    ``invoices`` are (number, original due date) pairs, ``plan_due_dates`` the plan in
    force. Each due date moves to the plan's first new due date (the first instalment is
    the first one that can be missed, ``rules.extensions``), never backwards. The
    caller passes only active extensions: a pending, refused or cancelled one moves
    nothing."""
    dates = list(plan_due_dates)
    if not dates:
        return {}
    first = min(dates)
    return {number.strip(): extension_shift_days(due, max(first, due))
            for number, due in invoices}


def merge_shifts(*shifts: DueDateShifts) -> dict[str, int]:
    """Several extensions' shifts (one per buyer is the rule; older data may hold two):
    an invoice keeps the largest."""
    merged: dict[str, int] = {}
    for one in shifts:
        for number, days in one.items():
            merged[number] = max(days, merged.get(number, 0))
    return merged


def invoice_declaration_deadline(number: str, invoice_date: date, max_declaration_days: int,
                                 shifts: DueDateShifts | None = None) -> date:
    """Last day to declare a claim on one invoice: its date + the contract's delay,
    moved by as many days as an active extension moved that invoice's due date."""
    moved = (shifts or {}).get(number.strip(), 0)
    return claim_declaration_deadline(invoice_date, max_declaration_days) + timedelta(days=moved)


def earliest_deadline(invoices: Iterable[tuple[str, date]], max_declaration_days: int,
                      shifts: DueDateShifts | None = None) -> tuple[date, str, date] | None:
    """The claim's deadline, the first of its invoices' (number, invoice date) to pass,
    as (deadline, that invoice's number, its date); None without invoices."""
    found = [(invoice_declaration_deadline(number, day, max_declaration_days, shifts),
              number, day) for number, day in invoices]
    return min(found, key=lambda f: (f[0], f[2])) if found else None


def days_left(deadline: date, today: date) -> int:
    """Days until ``deadline``: 0 on the day itself (still in time), negative once late."""
    return (deadline - today).days


def check_declaration_in_time(
    invoice_dates: Iterable[date],
    max_days: int,
    today: date,
    *,
    extended_due_date: date | None = None,
    initial_due_date: date | None = None,
) -> None:
    """Refuse a claim declared after the deadline of its earliest unpaid invoice.

    Raises ``RuleViolation`` naming the deadline, so the user knows by how much it was
    missed; ``ValidationFailed`` when there is no invoice at all.
    """
    dates = list(invoice_dates)
    if not dates:
        raise ValidationFailed({"invoices": "deadlines.no_unpaid_invoice"})
    earliest = min(dates)
    deadline = claim_declaration_deadline(
        earliest, max_days, extended_due_date, initial_due_date=initial_due_date
    )
    late = -days_left(deadline, today)
    if late > 0:
        raise RuleViolation(
            "deadlines.declared_late_extended" if extended_due_date else "deadlines.declared_late",
            deadline=deadline, days=max_days, earliest=earliest, count=late)
