"""Reading the requests on products (``product_request``): the pending one of each
product, their public form, and building the first requests of pending products loaded
in bulk (the demo)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ColumnElement, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from cofatui.enums import ProductStatus, RequestStatus
from cofatui.models import DecisionRequest, Product
from cofatui.schemas import ProductPublic, ProductRequestPublic


def pending_only() -> ColumnElement[bool]:
    """``status = 'pending'`` written as a literal: SQLite uses a partial index only when
    the query's WHERE holds its condition word for word (a bound parameter does not)."""
    return text("product_request.status = 'pending'")  # type: ignore[return-value]


def pending_of(s: Session, product_ids: Iterable[int]) -> dict[int, DecisionRequest]:
    """The pending request of each of these products that has one."""
    ids = list(product_ids)
    if not ids:
        return {}
    rows = s.execute(select(DecisionRequest).where(
        DecisionRequest.product_id.in_(ids), pending_only())).scalars()
    return {r.product_id: r for r in rows}


def request_public(request: DecisionRequest | None) -> ProductRequestPublic | None:
    return ProductRequestPublic.model_validate(request) if request is not None else None


def product_public(product: Product, pending: DecisionRequest | None) -> ProductPublic:
    """The product's standing decision with the request pending on it, if any."""
    public = ProductPublic.model_validate(product)
    if pending is None:
        return public
    return public.model_copy(update={"pending_request": request_public(pending)})


def products_public(s: Session, products: Iterable[Product]) -> list[ProductPublic]:
    items = list(products)
    pending = pending_of(s, [p.id for p in items if p.id is not None])
    return [product_public(p, pending.get(p.id)) for p in items]


def backfill_initial_requests(conn: Connection | Session) -> int:
    """A pending first request for every pending product that has none (products loaded
    in bulk, as the demo does); returns how many were made. Migration 0007 holds a frozen
    copy of this statement."""
    result = conn.execute(text(
        "INSERT INTO product_request (product_id, contract_id, company_id, kind, status,"
        " code, requested_amount, currency, duration_days, requested_at,"
        " expected_decision_at, requested_by, decided_by, comment, version)"
        " SELECT p.id, p.contract_id, p.company_id, 'initial', 'pending', p.code,"
        " p.requested_amount, p.currency, p.duration_days,"
        " coalesce(p.requested_at, p.updated_at), p.expected_decision_at, '', '', '', 1"
        " FROM product p WHERE p.status = :pending AND NOT EXISTS (SELECT 1 FROM"
        " product_request r WHERE r.product_id = p.id AND r.status = 'pending')"
        " ORDER BY p.id"), {"pending": ProductStatus.PENDING.value})
    return int(result.rowcount or 0)


__all__ = ["RequestStatus", "backfill_initial_requests", "pending_of", "pending_only",
           "product_public", "products_public", "request_public"]
