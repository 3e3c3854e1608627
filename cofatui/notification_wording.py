"""How notifications name products and amounts: the same words whether the demo
generator wrote them or a real decision did (``Credit limit granted: EUR 15,000``, not
``CRL granted 15000.000 EUR``). Notifications are stored as text, in English, like the
insurer's messages they stand for."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

PRODUCT_NAMES = {
    "CRL": "credit limit", "RLI": "@rating cover", "ECL": "express agreement",
    "CCO": "custom credit opinion", "RCO": "@rating opinion flash",
    "ROM": "@rating opinion with monitoring", "RSC": "DRA flash",
    "RSM": "DRA with monitoring", "TOPLINER": "TopLiner", "REPORT": "report",
    "REPORT_INSTANT": "instant report", "REPORT_FULL": "full report",
    "REPORT_CREDIT": "credit report",
}


def product_name(code: str, capital: bool = False) -> str:
    name = PRODUCT_NAMES.get(code, code)
    return name[0].upper() + name[1:] if capital else name


def money(amount: Decimal | None, currency: str) -> str:
    """``EUR 150,000``; cents only when there are some."""
    if amount is None:
        return ""
    if amount == amount.to_integral_value():
        return f"{currency} {int(amount):,}"
    return f"{currency} {amount:,.2f}"


def decision_title(code: str, status: str, currency: str, requested: Decimal | None,
                   decided: Decimal | None, premium: Decimal | None = None, *,
                   dra: int | None = None, dra_on: date | None = None,
                   opinion: Decimal | None = None,
                   insured_percentage: Decimal | None = None) -> str:
    """The title of the notification of a decision on a product (or its delivery, with
    what it delivers: ``DRA flash delivered: DRA 8 (22 Nov 2026)``)."""
    name = product_name(code, capital=True)
    if code in ("RSC", "RSM") and status == "granted" and dra is not None:
        return f"{name} delivered: DRA {dra}" + (f" ({dra_on:%d %b %Y})" if dra_on else "")
    if code in ("RCO", "ROM") and status == "granted" and opinion is not None:
        return f"{name} delivered: {money(opinion, currency)}"
    if code.startswith("REPORT") or (code in ("RSC", "RSM") and status == "granted"):
        return f"{name} delivered"
    amount = money(decided, currency)
    if insured_percentage is not None and amount and status != "refused":
        amount += f", insured {insured_percentage.normalize():f} %"
    if status == "quoted":
        cost = f", premium {money(premium, currency)}" if premium is not None else ""
        return f"{name} quoted: {amount}{cost}"
    if status == "partially_granted" and requested is not None:
        return f"{name} partially granted: {amount} of {money(requested, currency)}"
    if status == "reduced" and requested is not None:
        return f"{name} reduced from {money(requested, currency)} to {amount}"
    said = status.replace("_", " ")
    return f"{name} {said}: {amount}" if amount and status != "refused" else f"{name} {said}"


def end_alert_title(code: str, end_date: date, days_left: int) -> str:
    """The daily alert of a cover about to end (a TopLiner, five days before its end)."""
    when = "today" if days_left == 0 else \
        f"in {days_left} day{'s' if days_left != 1 else ''}"
    return (f"{product_name(code, capital=True)} ends {when} ({end_date:%d %b %Y}): "
            "ask for a new one if you still need the cover")


def request_refused_title(kind: str, code: str, currency: str, requested: Decimal | None,
                          standing: Decimal | None, target: str | None = None) -> str:
    """A refused amendment leaves the standing decision in force, and says so: ``Increase
    to EUR 45,000 refused; your credit limit of EUR 40,000 remains``."""
    name = product_name(code)
    remains = f"your {name} of {money(standing, currency)} remains" if standing is not None \
        else f"your {name} remains"
    if kind == "transform":
        asked = f"Transform of your {name} into {product_name(target or '')}"
    elif kind == "renew":
        asked = f"Renewal of your {name}"
    elif requested is not None and standing is not None and requested != standing:
        asked = f"{'Increase' if requested > standing else 'Decrease'} to " \
                f"{money(requested, currency)}"
    else:
        asked = f"{product_name(code, capital=True)} change to {money(requested, currency)}"
    return f"{asked} refused; {remains}"


def dra_change_title(before: int | None, after: int, on: date, news: str = "") -> str:
    """A monitored company's DRA changed: ``DRA changed from 8 to 3 on 22 Nov 2026``, and
    what the product shows now (``@rating opinion now EUR 10,000``)."""
    title = f"DRA changed from {before} to {after} on {on:%d %b %Y}"
    return f"{title}; {news}" if news else title
