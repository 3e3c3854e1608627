"""Wording of demo notifications: what the insurer would actually send.

Every function returns ``(category, type, importance, kind, params, title, body)``: values
of :mod:`cofatui.enums`, then what the notification says as data (its kind and params,
rendered in the reader's language, and the English title; see
:mod:`cofatui.notification_wording`), then the body; the generator adds the ids and the
date.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import lru_cache

from cofatui import notification_wording as wording
from cofatui.enums import Importance, NotificationCategory, NotificationType
from cofatui.i18n.messages import Term
from cofatui.notification_wording import PRODUCT_NAMES, Notice

Message = tuple[str, str, str, str, str, str, str]

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


def _said(category: str, kind: str, importance: str, notice: Notice, body: str) -> Message:
    return (category, kind, importance, *_columns(notice.kind, tuple(notice.params.items())),
            body)


@lru_cache(maxsize=100_000)  # a million notifications say far fewer different things
def _columns(kind: str, params: tuple[tuple[str, object], ...]) -> tuple[str, str, str]:
    said = Notice(kind, dict(params)).columns()
    return said["kind"], said["params"], said["title"]


def _amount(currency: str, units: int | None) -> Decimal | None:
    return None if units is None else Decimal(units) / 1000


def _decided(code: str, status: str, currency: str, requested: int | None,
             decided: int | None) -> Notice:
    return wording.decision(code, status, currency, _amount(currency, requested),
                            _amount(currency, decided) if decided else None)


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
    product = wording.product(code)
    if code in ("RSC", "RSM"):
        dra = comment.removeprefix("DRA ")
        notice = Notice("product.delivered_dra", {"product": product, "dra": dra}) \
            if dra.isdigit() else Notice("product.delivered", {"product": product})
        return _said(_INF, _DECISION, _LOW, notice,
                     f"The {name} on {where} is available. {comment}".strip())
    if code == "REPORT":
        report = {"Instant report": "REPORT_INSTANT", "Full report": "REPORT_FULL",
                  "Credit report": "REPORT_CREDIT"}.get(comment, "REPORT")
        return _said(_INF, _REPORT, _LOW,
                     Notice("product.delivered", {"product": wording.product(report)}),
                     f"The {comment.lower() or 'report'} on {where} is available in your "
                     "documents.")
    if code in ("RCO", "ROM"):
        return _said(_INF, _DECISION, _NORMAL,
                     Notice("opinion.recommended",
                            {"amount": wording.money(_amount(currency, decided), currency)}),
                     f"The {name} on {where} recommends a credit amount of {amount}.")
    notice = _decided(code, status, currency, requested, decided)
    if status == "granted":
        if code == "TOPLINER":
            return _said(_INS, _DECISION, _NORMAL, notice,
                         f"Your TopLiner request on {where} was accepted for {amount}. {by}")
        return _said(category, _DECISION, _NORMAL, notice,
                     f"Your {name} request on {where} has been granted for {amount}. {by}")
    if status == "partially_granted":
        asked = money(currency, requested or 0)
        return _said(category, _DECISION, _HIGH, notice,
                     f"Your {name} request of {asked} on {where} has been granted for "
                     f"{amount} only. {by}{why}")
    if status == "refused":
        return _said(category, _DECISION, _HIGH, notice,
                     f"Your {name} request on {where} has been refused. {by}{why}")
    if status == "reduced":
        before = money(currency, requested or 0)
        return _said(category, _MODIFICATION, _HIGH, notice,
                     f"The {name} on {where} has been reduced from {before} to {amount}.{why}")
    return _said(category, _DECISION, _NORMAL,
                 Notice("product.status", {"product": product,
                                           "status": wording.status(status)}),
                 f"Decision on the {name} on {where}: {status.replace('_', ' ')}. {by}")


def product_change(code: str, status: str, currency: str, amount: int | None,
                   end: date | None, where: str) -> Message:
    """The notification of what happened to a product after its decision."""
    name = PRODUCT_NAMES[code]
    category = _INS if code in COVER_CODES else _INF
    value = f" of {money(currency, amount)}" if amount else ""
    product = wording.product(code)
    plain = Notice("product.status", {"product": product, "status": wording.status(status)})
    if status == "terminated":
        return _said(category, _MODIFICATION, _HIGH, plain,
                     f"The {name}{value} on {where} has been terminated following a serious "
                     "deterioration of the buyer's situation. Deliveries after today are not "
                     "covered.")
    if status == "expired":
        when = f" on {end.isoformat()}" if end else ""
        notice = Notice("product.expired_on", {"product": product, "on": end}) if end \
            else plain
        return _said(_INS if code in COVER_CODES else _INF, _END, _NORMAL, notice,
                     f"The time-limited {name}{value} on {where} reached its end date{when}.")
    if status == "deleted":
        if code in ("RSM", "ROM"):
            return _said(_INF, _MODIFICATION, _LOW,
                         Notice("product.monitoring_stopped", {"product": product}),
                         f"Monitoring of {where} has been stopped at your request.")
        return _said(category, _MODIFICATION, _NORMAL, plain,
                     f"The {name}{value} on {where} has been deleted at your request. The "
                     "company stays in your portfolio for two years so that unpaid invoices "
                     "can still be declared.")
    if status == "cancellation_in_progress":
        return _said(category, _MODIFICATION, _LOW,
                     Notice("product.cancellation_in_progress", {"product": product}),
                     f"Your request to cancel the {name}{value} on {where} is being processed.")
    if status == "deletion_in_progress":
        return _said(category, _MODIFICATION, _LOW,
                     Notice("product.deletion_in_progress", {"product": product}),
                     f"Your request to delete the {name}{value} on {where} is being processed.")
    return _said(category, _MODIFICATION, _NORMAL,
                 Notice("product.status", {"product": product,
                                           "status": wording.status("replaced")}),
                 f"The {name}{value} on {where} has been replaced by a new decision.")


def dra_change(before: int, after: int, where: str) -> Message:
    importance = _HIGH if after <= before - 2 or after == 0 else (
        _NORMAL if after < before else _LOW)
    detail = " The company is now in default." if after == 0 else ""
    return _said(_INF, _MONITORING, importance, wording.dra_change(before, after),
                 f"The debtor risk assessment of {where} changed from {before} to {after}."
                 f"{detail}")


def ending(code: str, currency: str, amount: int | None, end: date, days_left: int,
           where: str) -> Message:
    name = PRODUCT_NAMES[code]
    value = f" {money(currency, amount)}" if amount else ""
    importance = _HIGH if days_left <= 5 else _NORMAL
    params: dict[str, object] = {"product": wording.product(code), "end": end}
    notice = Notice("product.guarantee_ends_amount",
                    {**params, "amount": wording.money(_amount(currency, amount), currency)}) \
        if amount else Notice("product.guarantee_ends", params)
    return _said(_INS, _END, importance, notice,
                 f"The {name}{value} on {where} ends on {end.isoformat()} ({days_left} days "
                 "left). Renew it from the home screen if you still need cover.")


DOCUMENT_KINDS = ("annual accounts", "interim accounts", "aged balance",
                  "consolidated annual accounts", "capital / equity information",
                  "annual report")
_DOCUMENT_TERMS = dict(zip(DOCUMENT_KINDS, (
    "annual_accounts", "interim_accounts", "aged_balance", "consolidated_annual_accounts",
    "capital_equity", "annual_report"), strict=True))


def document(kind: str, outcome: int, year: int, where: str) -> Message:
    params = {"document": Term(f"notices.document.{_DOCUMENT_TERMS[kind]}"),
              "year": str(year)}
    if outcome == 0:
        return _said(_MGT, _DOCUMENT, _LOW, Notice("document.analysed", params),
                     f"The {kind} {year} you sent about {where} have been analysed.")
    if outcome == 1:
        return _said(_MGT, _DOCUMENT, _LOW, Notice("document.in_progress", params),
                     f"The {kind} {year} you sent about {where} are being analysed.")
    return _said(_MGT, _DOCUMENT, _NORMAL, Notice("document.unusable", params),
                 f"The {kind} {year} you sent about {where} are not compatible or already "
                 "known.")


def ilu(currency: str, amount: int | None, where: str) -> Message:
    value = f" ({money(currency, amount)} today)" if amount else ""
    return _said(_MGT, _ILU, _NORMAL, Notice("ilu.requested"),
                 f"Please tell us your real cover need on {where}{value}: your payment "
                 "experience, and whether the business relationship continues.")


def turnover(month: date, reminder: int, policy: str) -> Message:
    period = month.strftime("%B %Y")
    if reminder == 0:
        return _said(_MGT, _TURNOVER, _NORMAL, Notice("turnover.requested", {"month": month}),
                     f"Please declare your insured turnover for {period} under policy "
                     f"{policy}.")
    return _said(_MGT, _TURNOVER, _HIGH if reminder == 3 else _NORMAL,
                 Notice("turnover.reminder", {"number": str(reminder), "month": month}),
                 f"Your turnover declaration for {period} under policy {policy} has not been "
                 "received yet.")


CLAIM_WORDS = {
    "pending": ("registered", _NORMAL), "accepted": ("accepted", _NORMAL),
    "rejected": ("rejected", _HIGH), "closed": ("closed", _LOW),
    "cancelled": ("cancelled", _LOW),
}


def claim(reference: str, status: str, where: str) -> Message:
    word, importance = CLAIM_WORDS[status]
    return _said(_MGT, _CLAIM, importance, wording.claim_update(reference, status),
                 f"Your claim {reference} on {where} has been {word}.")


def indemnity(reference: str, currency: str, units: int, where: str) -> Message:
    return _said(_INS, _INDEMNITY, _HIGH,
                 Notice("indemnity.calculated",
                        {"amount": wording.money(_amount(currency, units), currency)}),
                 f"The indemnity of claim {reference} on {where} has been calculated: "
                 f"{money(currency, units)}.")
