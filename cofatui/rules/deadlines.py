"""Deadline to declare a claim (threat of claim / unpaid invoices).

The contract sets a maximum delay to declare a claim, in days counted from the
invoice date (seed 001: "Délai maximum de déclaration … calculé à partir de la date
de facture"); for a claim with several invoices the earliest unpaid invoice decides,
since its deadline is the first to pass. An accepted extension of due date
(prorogation d'échéance) moves the deadline by as many days as it moved the due date
(spec section 5: "The decision moves the claim declaration deadline").

Dates are plain ``date`` values and "today" is always passed in (from the injected
clock), so these rules have no notion of the current time of their own.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from cofatui.errors import RuleViolation, ValidationFailed

__all__ = [
    "check_declaration_in_time",
    "claim_declaration_deadline",
    "days_left",
    "extension_shift_days",
]


def extension_shift_days(initial_due_date: date, extended_due_date: date) -> int:
    """How many days an accepted extension moved the due date (0 or more)."""
    shift = (extended_due_date - initial_due_date).days
    if shift < 0:
        raise ValidationFailed({
            "extended_due_date": f"The extended due date {extended_due_date.isoformat()} is "
                                 f"before the initial due date {initial_due_date.isoformat()}"
        })
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
        raise ValidationFailed({
            "max_declaration_days": "The contract's maximum delay to declare a claim must be "
                                    f"a positive number of days, got {max_declaration_days}"
        })
    deadline = invoice_date + timedelta(days=max_declaration_days)
    if extended_due_date is not None:
        if initial_due_date is None:
            raise ValidationFailed({
                "initial_due_date": "The initial due date is needed to apply an extension "
                                    "of due date to the declaration deadline"
            })
        deadline += timedelta(days=extension_shift_days(initial_due_date, extended_due_date))
    return deadline


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
        raise ValidationFailed({"invoices": "A claim needs at least one unpaid invoice"})
    earliest = min(dates)
    deadline = claim_declaration_deadline(
        earliest, max_days, extended_due_date, initial_due_date=initial_due_date
    )
    late = -days_left(deadline, today)
    if late > 0:
        raise RuleViolation(
            f"The claim had to be declared by {deadline.isoformat()} "
            f"({max_days} days after the earliest unpaid invoice, dated "
            f"{earliest.isoformat()}"
            + (", plus the accepted extension of due date" if extended_due_date else "")
            + f"); it is {late} day{'s' if late > 1 else ''} late"
        )
