"""How a request pending on a product reads beside its standing decision (SPEC §5):
``€75,000 granted · €90,000 requested, 1 d 23:59:59``."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from cofatui.enums import ProductStatus
from cofatui.i18n import format_amount, t
from cofatui.schemas import ProductPublic
from cofatui.tui.kit.products import countdown_text, product_name, status_label


def waiting_until(p: ProductPublic) -> datetime | None:
    """When the decision on the product's pending request is expected (None: nothing is
    pending)."""
    if p.pending_request is not None:
        return p.pending_request.expected_decision_at
    return p.expected_decision_at if p.status == ProductStatus.PENDING else None


def request_text(kind: str, amount: Decimal | None, currency: str,
                 target: str | None = None) -> str:
    """What the request asks for: ``€90,000 requested``, ``renewal requested``…"""
    money = format_amount(amount, currency) if amount is not None else ""
    if kind == "transform":
        if money:
            return t("lifecycle.request.transform_amount", target=product_name(target or ""),
                     amount=money)
        return t("lifecycle.request.transform", target=product_name(target or ""))
    if kind == "renew":
        return t("lifecycle.request.renew")
    return t(f"lifecycle.request.{kind}", amount=money)


def beside_text(p: ProductPublic, now: datetime) -> str:
    """The standing decision with the request pending on it and its countdown; "" when
    no amendment is pending (a first request has no standing decision to show)."""
    asked = p.pending_request
    if asked is None or p.status == ProductStatus.PENDING:
        return ""
    standing = t("lifecycle.standing", amount=format_amount(p.decided_amount, p.currency),
                 status=status_label(p.status)).strip()
    request = request_text(asked.kind, asked.requested_amount, asked.currency,
                           asked.target_code)
    left = countdown_text(asked.expected_decision_at, now)
    if not left:
        return t("lifecycle.beside_no_time", standing=standing, request=request)
    return t("lifecycle.beside", standing=standing, request=request, left=left)


__all__ = ["beside_text", "request_text", "waiting_until"]
