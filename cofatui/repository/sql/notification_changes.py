"""Each notification records the change it reports (issue 16 item 9): its direction,
its size and, for the answer to a request, who asked. They are written as the row is
inserted, whichever command wrote it, so that the thresholds read two indexed columns
instead of every notification's parameters.

What counts as a change of a standing decision or evaluation:

- a decision replacing a standing one (an amendment or a renewal decided): the standing
  amount (kept in the product's history as ``replaced``) against the new one; the
  request's author is recorded, so that their own answer always shows to them;
- a monitored company's DRA moving: RSM in DRA points; a monitored opinion (ROM, CCO)
  by its amount against the amount last notified;
- a claim's indemnity computed again: against the indemnity last notified.

A first decision, a refusal (nothing changes), a request, an alert: no change.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.engine import Connection

from cofatui.i18n.messages import Amount, Term
from cofatui.models import DecisionRequest, Notification, Product, ProductEvent
from cofatui.notification_wording import load_params
from cofatui.rules.thresholds import Change, change_of, in_points

#: Kinds announcing a decision with an amount (``wording.decision`` and TopLiner's).
DECISION_KINDS = frozenset({"product.granted", "product.reduced", "product.partially_granted",
                            "product.status_amount", "product.delivered_amount"})
OPINION_CODES = frozenset({"CCO", "ROM"})
_AMENDMENTS = ("modify", "renew")


def amount_in(params: dict[str, object]) -> Decimal | None:
    """The amount a notice carries: ``amount`` or the ``news`` of a monitoring update."""
    for value in (params.get("amount"), params.get("news")):
        found = _amount(value)
        if found is not None:
            return found
    return None


def _amount(value: object) -> Decimal | None:
    if isinstance(value, Amount):
        return value.amount
    if isinstance(value, Term):
        for _, inner in value.params:
            found = _amount(inner)
            if found is not None:
                return found
    return None


def describe(conn: Connection, note: Any) -> tuple[Change | None, str | None]:
    """The change ``note`` reports and the login whose request it answers."""
    params = load_params(note.params)
    kind, code = note.kind or "", note.product_code or ""
    if kind.startswith("dra.") and in_points(code):  # the @rating score (RSM)
        return change_of(_int(params.get("before")), _int(params.get("after"))), None
    if kind.startswith("dra.") and code in OPINION_CODES and note.product_id is not None:
        return change_of(_last_amount(conn, Notification.product_id, note.product_id),
                         amount_in(params)), None
    if kind == "claim.indemnity" and note.claim_id is not None:
        return change_of(_last_amount(conn, Notification.claim_id, note.claim_id,
                                      "claim.indemnity"), amount_in(params)), None
    if kind in DECISION_KINDS and note.product_id is not None:
        return _decision(conn, note.product_id, code)
    return None, None


def _decision(conn: Connection, product_id: int, code: str
              ) -> tuple[Change | None, str | None]:
    request = conn.execute(
        select(DecisionRequest.kind, DecisionRequest.requested_by)
        .where(DecisionRequest.product_id == product_id,
               DecisionRequest.status != "pending")
        .order_by(DecisionRequest.id.desc()).limit(1)).first()
    if request is None or request.kind not in _AMENDMENTS:
        return None, None  # a first decision: the answer, nothing standing before it
    before = conn.execute(
        select(ProductEvent.amount).where(ProductEvent.product_id == product_id,
                                          ProductEvent.action == "replaced")
        .order_by(ProductEvent.id.desc()).limit(1)).scalar()
    product = conn.execute(select(Product.decided_amount, Product.opinion_amount)
                           .where(Product.id == product_id)).first()
    if product is None:
        return None, request.requested_by or None
    after = product.opinion_amount if code == "ROM" else product.decided_amount
    return change_of(before, after), request.requested_by or None


def _last_amount(conn: Connection, column: Any, value: int,
                 kind: str | None = None) -> Decimal | None:
    query = select(Notification.params).where(column == value)
    if kind is not None:
        query = query.where(Notification.kind == kind)
    for raw in conn.execute(query.order_by(Notification.id.desc()).limit(20)).scalars():
        found = amount_in(load_params(raw))
        if found is not None:
            return found
    return None


def _int(value: object) -> int | None:
    try:
        return int(str(value)) if value not in (None, "") else None
    except ValueError:
        return None


@event.listens_for(Notification, "before_insert")
def _record_change(mapper: Any, connection: Connection, target: Notification) -> None:
    if target.change_direction is not None or target.requested_by is not None:
        return  # the writer said it
    change, requester = describe(connection, target)
    if change is not None:
        target.change_direction = change.direction
        target.change_size = change.size
    target.requested_by = requester


__all__ = ["DECISION_KINDS", "amount_in", "describe"]
