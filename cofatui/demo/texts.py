"""Wording of demo notifications: what the insurer would actually send.

Every function returns ``(category, type, importance, title, body)`` with values of
:mod:`cofatui.enums`; the generator adds the ids and the date.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from cofatui.enums import Importance, NotificationCategory, NotificationType
from cofatui.notification_wording import PRODUCT_NAMES

Message = tuple[str, str, str, str, str]

_INS = NotificationCategory.INSURANCE.value
_INF = NotificationCategory.INFORMATION.value
_MGT = NotificationCategory.MANAGEMENT.value
_LOW = Importance.LOW.value
_NORMAL = Importance.NORMAL.value
_HIGH = Importance.HIGH.value
_DECISION = NotificationType.DECISION.value
_MODIFICATION = NotificationType.MODIFICATION.value
_MONITORING = NotificationType.MONITORING_UPDATE.value
_REPORT = NotificationType.REPORT_DELIVERED.value
_END = NotificationType.END_OF_COVER.value
_CLAIM = NotificationType.CLAIM_UPDATE.value
_INDEMNITY = NotificationType.INDEMNITY.value
_TURNOVER = NotificationType.TURNOVER_REQUEST.value
_ILU = NotificationType.ILU_REQUEST.value
_DOCUMENT = NotificationType.DOCUMENT.value

COVER_CODES = frozenset({"CRL", "RLI", "ECL", "TOPLINER"})
LANGUAGES = {"en": "English", "fr": "French", "de": "German", "es": "Spanish"}


def money(currency: str, units: int) -> str:
    """``EUR 150,000`` from thousandths; cents only when there are some."""
    if units % 1000 == 0:
        return f"{currency} {units // 1000:,}"
    return f"{currency} {Decimal(units) / 1000:,.2f}"


def _cap(text: str) -> str:
    return text[0].upper() + text[1:]


def about(company: str, country: str) -> str:
    """How a body names the company (the notification links it, with its identifiers)."""
    return f"{company} ({country})"


def product_decision(code: str, status: str, currency: str, requested: int | None,
                     decided: int | None, who: str, comment: str, where: str) -> Message:
    """The notification of a decision on a request (or of a delivery)."""
    name = PRODUCT_NAMES[code]
    category = _INS if code in COVER_CODES else _INF
    by = f"Decided automatically by rule \u201c{who.removeprefix('rule:')}\u201d." \
        if who != "underwriter" else "Decided by an underwriter."
    said = "Underwriter comment" if who == "underwriter" else "Reason"
    why = f" {said}: {comment}" if comment else ""
    amount = money(currency, decided) if decided else ""
    if code in ("RSC", "RSM"):
        return (_INF, _DECISION, _LOW, f"{_cap(name)} delivered: {comment}".rstrip(": "),
                f"The {name} on {where} is available. {comment}".strip(), )
    if code == "REPORT":
        return (_INF, _REPORT, _LOW, f"{comment or 'Report'} delivered",
                f"The {comment.lower() or 'report'} on {where} is available in your documents.")
    if code in ("RCO", "ROM"):
        return (_INF, _DECISION, _NORMAL, f"@rating opinion: {amount} recommended",
                f"The {name} on {where} recommends a credit amount of {amount}.")
    if status == "granted":
        if code == "TOPLINER":
            return (_INS, _DECISION, _NORMAL, f"TopLiner granted: {amount}",
                    f"Your TopLiner request on {where} was accepted for {amount}. {by}")
        return (category, _DECISION, _NORMAL, f"{_cap(name)} granted: {amount}",
                f"Your {name} request on {where} has been granted for {amount}. {by}")
    if status == "partially_granted":
        asked = money(currency, requested or 0)
        return (category, _DECISION, _HIGH,
                f"{_cap(name)} partially granted: {amount} of {asked}",
                f"Your {name} request of {asked} on {where} has been granted for "
                f"{amount} only. {by}{why}")
    if status == "refused":
        return (category, _DECISION, _HIGH, f"{_cap(name)} refused",
                f"Your {name} request on {where} has been refused. {by}{why}")
    if status == "reduced":
        before = money(currency, requested or 0)
        return (category, _MODIFICATION, _HIGH,
                f"{_cap(name)} reduced from {before} to {amount}",
                f"The {name} on {where} has been reduced from {before} to {amount}.{why}")
    return (category, _DECISION, _NORMAL, f"{_cap(name)}: {status.replace('_', ' ')}",
            f"Decision on the {name} on {where}: {status.replace('_', ' ')}. {by}")


def product_change(code: str, status: str, currency: str, amount: int | None,
                   end: date | None, where: str) -> Message:
    """The notification of what happened to a product after its decision."""
    name = PRODUCT_NAMES[code]
    category = _INS if code in COVER_CODES else _INF
    value = f" of {money(currency, amount)}" if amount else ""
    if status == "terminated":
        return (category, _MODIFICATION, _HIGH, f"{_cap(name)} terminated",
                f"The {name}{value} on {where} has been terminated following a serious "
                "deterioration of the buyer's situation. Deliveries after today are not "
                "covered.")
    if status == "expired":
        when = f" on {end.isoformat()}" if end else ""
        return (_INS if code in COVER_CODES else _INF, _END, _NORMAL,
                f"{_cap(name)} expired{when}",
                f"The time-limited {name}{value} on {where} reached its end date{when}.")
    if status == "deleted":
        if code in ("RSM", "ROM"):
            return (_INF, _MODIFICATION, _LOW, f"Monitoring stopped: {name}",
                    f"Monitoring of {where} has been stopped at your request.")
        return (category, _MODIFICATION, _NORMAL, f"{_cap(name)} deleted",
                f"The {name}{value} on {where} has been deleted at your request. The company "
                "stays in your portfolio for two years so that unpaid invoices can still be "
                "declared.")
    if status == "cancellation_in_progress":
        return (category, _MODIFICATION, _LOW, f"Cancellation in progress: {name}",
                f"Your request to cancel the {name}{value} on {where} is being processed.")
    if status == "deletion_in_progress":
        return (category, _MODIFICATION, _LOW, f"Deletion in progress: {name}",
                f"Your request to delete the {name}{value} on {where} is being processed.")
    return (category, _MODIFICATION, _NORMAL, f"{_cap(name)} replaced",
            f"The {name}{value} on {where} has been replaced by a new decision.")


def dra_change(before: int, after: int, where: str) -> Message:
    importance = _HIGH if after <= before - 2 or after == 0 else (
        _NORMAL if after < before else _LOW)
    detail = " The company is now in default." if after == 0 else ""
    return (_INF, _MONITORING, importance, f"DRA changed from {before} to {after}",
            f"The debtor risk assessment of {where} changed from {before} to {after}.{detail}")


def ending(code: str, currency: str, amount: int | None, end: date, days_left: int,
           where: str) -> Message:
    name = PRODUCT_NAMES[code]
    value = f" {money(currency, amount)}" if amount else ""
    importance = _HIGH if days_left <= 5 else _NORMAL
    return (_INS, _END, importance, f"Guarantee ends on {end.isoformat()}: {name}{value}",
            f"The {name}{value} on {where} ends on {end.isoformat()} ({days_left} days "
            "left). Renew it from the home screen if you still need cover.")


DOCUMENT_KINDS = ("annual accounts", "interim accounts", "aged balance",
                  "consolidated annual accounts", "capital / equity information",
                  "annual report")


def document(kind: str, outcome: int, year: int, where: str) -> Message:
    if outcome == 0:
        return (_MGT, _DOCUMENT, _LOW, f"Company information analysed: {kind} {year}",
                f"The {kind} {year} you sent about {where} have been analysed.")
    if outcome == 1:
        return (_MGT, _DOCUMENT, _LOW, f"Company information in progress: {kind} {year}",
                f"The {kind} {year} you sent about {where} are being analysed.")
    return (_MGT, _DOCUMENT, _NORMAL, f"Document not usable: {kind} {year}",
            f"The {kind} {year} you sent about {where} are not compatible or already known.")


def ilu(currency: str, amount: int | None, where: str) -> Message:
    value = f" ({money(currency, amount)} today)" if amount else ""
    return (_MGT, _ILU, _NORMAL, "Cover need requested (ILU)",
            f"Please tell us your real cover need on {where}{value}: your payment "
            "experience, and whether the business relationship continues.")


def turnover(period: str, reminder: int, policy: str) -> Message:
    if reminder == 0:
        return (_MGT, _TURNOVER, _NORMAL, f"Turnover declaration requested: {period}",
                f"Please declare your insured turnover for {period} under policy {policy}.")
    return (_MGT, _TURNOVER, _HIGH if reminder == 3 else _NORMAL,
            f"Reminder {reminder}: turnover declaration for {period}",
            f"Your turnover declaration for {period} under policy {policy} has not been "
            "received yet.")


CLAIM_WORDS = {
    "pending": ("registered", _NORMAL), "accepted": ("accepted", _NORMAL),
    "rejected": ("rejected", _HIGH), "closed": ("closed", _LOW),
    "cancelled": ("cancelled", _LOW),
}


def claim(reference: str, status: str, where: str) -> Message:
    word, importance = CLAIM_WORDS[status]
    return (_MGT, _CLAIM, importance, f"Claim {reference} {word}",
            f"Your claim {reference} on {where} has been {word}.")


def indemnity(reference: str, currency: str, units: int, where: str) -> Message:
    return (_INS, _INDEMNITY, _HIGH, f"Indemnity calculated: {money(currency, units)}",
            f"The indemnity of claim {reference} on {where} has been calculated: "
            f"{money(currency, units)}.")
