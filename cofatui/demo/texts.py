"""Wording of demo notifications: what the insurer would actually send.

Every function returns ``(category, type, importance, kind, params, title, body)``: values
of :mod:`cofatui.enums`, then what the notification says as data (its kind and params,
rendered in the reader's language, and the English title; see
:mod:`cofatui.notification_wording`), then the body; the generator adds the ids and the
date.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any, ParamSpec

from cofatui import notification_wording as wording
from cofatui.enums import Importance, NotificationCategory, NotificationType
from cofatui.i18n.messages import Term
from cofatui.notification_wording import Notice

Message = tuple[str, str, str, str, str, str, str]
_P = ParamSpec("_P")

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


def _said(category: str, kind: str, importance: str, notice: Notice, body: Term) -> Message:
    """The row's columns. The body is data too (a ``body`` parameter rendered in the
    reader's language), so the stored body stays empty."""
    kind_, _, title = _columns(notice.kind, tuple(notice.params.items()))
    return (category, kind, importance, kind_,
            wording.dump_params({**notice.params, "body": body}), title, "")


@lru_cache(maxsize=100_000)  # a million notifications say far fewer different things
def _columns(kind: str, params: tuple[tuple[str, object], ...]) -> tuple[str, str, str]:
    said = Notice(kind, dict(params)).columns()
    return said["kind"], said["params"], said["title"]


#: Stands for the company in a cached message (``_per_company``).
_WHERE = "@where@"
_WHERE_JSON = json.dumps(_WHERE)
#: ``json.dumps(text, ensure_ascii=False)`` without building an encoder each call.
_encode = json.JSONEncoder(ensure_ascii=False).encode


def _per_company(build: Callable[_P, Message]) -> Callable[_P, Message]:
    """``build`` (whose last argument is ``where``, the company it names) with its
    messages cached but for the company: a million notifications say far fewer different
    things than they name companies, and encoding the parameters is most of a message's
    cost. The company goes into the cached message's JSON where the stand-in was, encoded
    as the JSON encoder would have: the same columns as ``build`` gives."""
    def checked(*args: Any) -> tuple[Message, bool]:
        message = untyped(*args)
        # The stand-in only as a parameter: the company can be put in its place.
        return message, not (_WHERE in message[5] or _WHERE in message[6]
                             or message[4].count(_WHERE_JSON) != message[4].count(_WHERE))

    # The check made once per cached message; the company's JSON once per company in a
    # row (an entry's notifications all name it: about ten each).
    untyped: Callable[..., Message] = build
    template = lru_cache(maxsize=20_000)(checked)
    last = [("", _encode(""))]  # (company, its JSON), replaced whole (threads)

    @functools.wraps(build)
    def said(*args: _P.args, **kwargs: _P.kwargs) -> Message:
        where = args[-1] if args and not kwargs else None
        if not isinstance(where, str):
            return build(*args, **kwargs)
        message, placeable = template(*args[:-1], _WHERE)
        if not placeable:
            return build(*args, **kwargs)  # named elsewhere than as a parameter
        company = last[0]
        if company[0] != where:
            company = last[0] = (where, _encode(where))
        params = message[4].replace(_WHERE_JSON, company[1])
        return (*message[:4], params, message[5], message[6])

    return said


def _body(key: str, **params: object) -> Term:
    return Term.of(f"notices.body.{key}", **params)


#: The demo's reasons (and the default rules' own), read in the reader's language.
_REASONS = {
    "Insufficient financial information available.": "insufficient_information",
    "Payment incidents reported by other insured parties.": "payment_incidents",
    "Deteriorated financial situation (losses in the last two years).": "deteriorated",
    "Negative equity in the latest accounts.": "negative_equity",
    "Collective proceedings opened against the company.": "collective_proceedings",
    "Amount limited in view of the company's size.": "company_size",
    "Limited to the amount supported by the latest balance sheet.": "balance_sheet",
    "Exposure already high on this group.": "group_exposure",
    "The buyer is in default (DRA 0): no @rating cover.": "default_no_rating",
    "An @rating cover needs a DRA of 3 or more.": "rating_needs_dra3",
    "The buyer is in default (DRA 0): no Express agreement.": "default_no_express",
    "The buyer has unpaid invoices declared: no Express agreement.": "unpaid_no_express",
}


def _reason(comment: str) -> Term | str:
    """A known reason as a catalog entry; anything else as it was written."""
    key = _REASONS.get(comment)
    return Term(f"notices.reason.{key}") if key else comment


def _by(who: str, comment: str = "") -> Term:
    """Who decided, and why when the decision needs a reason."""
    if who == "underwriter":
        return _body("by_underwriter_comment", comment=_reason(comment)) if comment \
            else _body("by_underwriter")
    rule = who.removeprefix("rule:")
    return _body("by_rule_reason", rule=rule, comment=_reason(comment)) if comment \
        else _body("by_rule", rule=rule)


def _amount(currency: str, units: int | None) -> Decimal | None:
    return None if units is None else Decimal(units) / 1000


def _decided(code: str, status: str, currency: str, requested: int | None,
             decided: int | None) -> Notice:
    return wording.decision(code, status, currency, _amount(currency, requested),
                            _amount(currency, decided) if decided else None)


def about(company: str, country: str) -> str:
    """How a body names the company (the notification links it, with its identifiers)."""
    return f"{company} ({country})"


@_per_company
def product_decision(code: str, status: str, currency: str, requested: int | None,
                     decided: int | None, who: str, comment: str, where: str) -> Message:
    """The notification of a decision on a request (or of a delivery)."""
    category = _INS if code in COVER_CODES else _INF
    product = wording.product(code)
    amount = wording.money(_amount(currency, decided), currency) if decided else ""
    asked = wording.money(_amount(currency, requested or 0), currency)
    on: dict[str, object] = {"product": product, "where": where}
    if code in ("RSC", "RSM"):
        dra = comment.removeprefix("DRA ")
        if dra.isdigit():
            return _said(_INF, _DECISION, _LOW,
                         Notice("product.delivered_dra", {"product": product, "dra": dra}),
                         _body("delivered_dra", **on, dra=dra))
        return _said(_INF, _DECISION, _LOW, Notice("product.delivered", {"product": product}),
                     _body("delivered", **on))
    if code == "REPORT":
        report = wording.product({"Instant report": "REPORT_INSTANT",
                                  "Full report": "REPORT_FULL",
                                  "Credit report": "REPORT_CREDIT"}.get(comment, "REPORT"))
        return _said(_INF, _REPORT, _LOW, Notice("product.delivered", {"product": report}),
                     _body("report_delivered", product=report, where=where))
    if code in ("RCO", "ROM"):
        if not amount:
            return _said(_INF, _DECISION, _NORMAL, Notice("opinion.none"),
                         _body("opinion_none", **on))
        return _said(_INF, _DECISION, _NORMAL, Notice("opinion.recommended", {"amount": amount}),
                     _body("opinion", **on, amount=amount))
    notice = _decided(code, status, currency, requested, decided)
    if status == "granted":
        return _said(_INS if code == "TOPLINER" else category, _DECISION, _NORMAL, notice,
                     _body("granted", **on, amount=amount, by=_by(who)))
    if status == "partially_granted":
        return _said(category, _DECISION, _HIGH, notice,
                     _body("partially_granted", **on, amount=amount, requested=asked,
                           by=_by(who, comment)))
    if status == "refused":
        return _said(category, _DECISION, _HIGH, notice,
                     _body("refused", **on, by=_by(who, comment)))
    if status == "reduced":
        body = _body("reduced_reason", **on, requested=asked, amount=amount,
                     comment=_reason(comment)) if comment else \
            _body("reduced", **on, requested=asked, amount=amount)
        return _said(category, _MODIFICATION, _HIGH, notice, body)
    state = wording.status(status)
    return _said(category, _DECISION, _NORMAL,
                 Notice("product.status", {"product": product, "status": state}),
                 _body("decided", **on, status=state, by=_by(who)))


@_per_company
def product_change(code: str, status: str, currency: str, amount: int | None,
                   end: date | None, where: str) -> Message:
    """The notification of what happened to a product after its decision."""
    del currency, amount  # the body names the product, not its amount
    category = _INS if code in COVER_CODES else _INF
    product = wording.product(code)
    on: dict[str, object] = {"product": product, "where": where}

    def plain(state: str) -> Notice:
        return Notice("product.status", {"product": product, "status": wording.status(state)})

    if status == "terminated":
        return _said(category, _MODIFICATION, _HIGH, plain(status), _body("terminated", **on))
    if status == "expired":
        if end is None:
            return _said(category, _END, _NORMAL, plain(status), _body("expired", **on))
        return _said(category, _END, _NORMAL,
                     Notice("product.expired_on", {"product": product, "on": end}),
                     _body("expired_on", **on, on=end))
    if status == "deleted":
        if code in ("RSM", "ROM"):
            return _said(_INF, _MODIFICATION, _LOW,
                         Notice("product.monitoring_stopped", {"product": product}),
                         _body("monitoring_stopped", where=where))
        return _said(category, _MODIFICATION, _NORMAL, plain(status), _body("deleted", **on))
    if status == "cancellation_in_progress":
        return _said(category, _MODIFICATION, _LOW,
                     Notice("product.cancellation_in_progress", {"product": product}),
                     _body("cancellation", **on))
    if status == "deletion_in_progress":
        return _said(category, _MODIFICATION, _LOW,
                     Notice("product.deletion_in_progress", {"product": product}),
                     _body("deletion", **on))
    return _said(category, _MODIFICATION, _NORMAL, plain("replaced"), _body("replaced", **on))


@_per_company
def dra_change(before: int, after: int, where: str) -> Message:
    importance = _HIGH if after <= before - 2 or after == 0 else (
        _NORMAL if after < before else _LOW)
    return _said(_INF, _MONITORING, importance, wording.dra_change(before, after),
                 _body("dra_default" if after == 0 else "dra_changed", where=where,
                       before=str(before), after=str(after)))


@_per_company
def ending(code: str, currency: str, amount: int | None, end: date, days_left: int,
           where: str) -> Message:
    importance = _HIGH if days_left <= 5 else _NORMAL
    params: dict[str, object] = {"product": wording.product(code), "end": end}
    notice = Notice("product.guarantee_ends_amount",
                    {**params, "amount": wording.money(_amount(currency, amount), currency)}) \
        if amount else Notice("product.guarantee_ends", params)
    return _said(_INS, _END, importance, notice,
                 _body("ending", **params, where=where, count=days_left))


DOCUMENT_KINDS = ("annual accounts", "interim accounts", "aged balance",
                  "consolidated annual accounts", "capital / equity information",
                  "annual report")
_DOCUMENT_TERMS = dict(zip(DOCUMENT_KINDS, (
    "annual_accounts", "interim_accounts", "aged_balance", "consolidated_annual_accounts",
    "capital_equity", "annual_report"), strict=True))
_DOCUMENT_OUTCOMES = (("document.analysed", _LOW), ("document.in_progress", _LOW),
                      ("document.unusable", _NORMAL))


@_per_company
def document(kind: str, outcome: int, year: int, where: str) -> Message:
    params = {"document": Term(f"notices.document.{_DOCUMENT_TERMS[kind]}"),
              "year": str(year)}
    said, importance = _DOCUMENT_OUTCOMES[min(outcome, 2)]
    return _said(_MGT, _DOCUMENT, importance, Notice(said, params),
                 _body(said.replace(".", "_"), **params, where=where))


@_per_company
def ilu(currency: str, amount: int | None, where: str) -> Message:
    body = _body("ilu_amount", where=where,
                 amount=wording.money(_amount(currency, amount), currency)) if amount \
        else _body("ilu", where=where)
    return _said(_MGT, _ILU, _NORMAL, Notice("ilu.requested"), body)


def turnover(month: date, reminder: int, policy: str) -> Message:
    if reminder == 0:
        return _said(_MGT, _TURNOVER, _NORMAL, Notice("turnover.requested", {"month": month}),
                     _body("turnover", month=month, policy=policy))
    return _said(_MGT, _TURNOVER, _HIGH if reminder == 3 else _NORMAL,
                 Notice("turnover.reminder", {"number": str(reminder), "month": month}),
                 _body("turnover_reminder", month=month, policy=policy))


CLAIM_IMPORTANCE = {"pending": _NORMAL, "accepted": _NORMAL, "rejected": _HIGH,
                    "closed": _LOW, "cancelled": _LOW}


def claim(reference: str, status: str, where: str) -> Message:
    notice = wording.claim_update(reference, status)
    return _said(_MGT, _CLAIM, CLAIM_IMPORTANCE[status], notice,
                 _body("claim", reference=reference, where=where,
                       status=notice.params["status"]))


def indemnity(reference: str, currency: str, units: int, where: str) -> Message:
    amount = wording.money(_amount(currency, units), currency)
    return _said(_INS, _INDEMNITY, _HIGH, Notice("indemnity.calculated", {"amount": amount}),
                 _body("indemnity", reference=reference, where=where, amount=amount))
