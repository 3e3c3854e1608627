"""repo.underwriting: the underwriter's queue, decisions and a company's DRA."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cofatui.enums import ProductStatus
from cofatui.errors import Conflict, Forbidden, RuleViolation
from cofatui.schemas import (
    NotificationFilter,
    PortfolioCriteria,
    QueueFilter,
    UnderwriterDecisionInput,
)
from tests.contract.conftest import Backend
from tests.contract.test_products_commands import request


def test_agrement_pending_then_underwriter_decides(backend: Backend) -> None:
    alice, uw = backend.open("alice"), backend.open("uw")
    pending = alice.products.request(request(backend, "CRL", amount=Decimal(80000)))
    assert pending.status == ProductStatus.PENDING
    assert pending.expected_decision_at is not None
    assert any(p.product_id == pending.id
               for p in alice.products.pending_requests(backend.ids["A"]).items)
    queue = uw.underwriting.queue(QueueFilter(code="CRL"))
    item = next(i for i in queue.items if i.product_id == pending.id)
    assert item.policy_number == "P-A"
    assert [i.requested_at for i in queue.items] == sorted(i.requested_at for i in queue.items)
    decided = uw.underwriting.decide(pending.id, UnderwriterDecisionInput(
        decision="partial", amount=Decimal(60000), comment="Half the exposure"), item.version)
    assert decided.status == ProductStatus.PARTIALLY_GRANTED
    assert decided.decided_by == "uw"
    rows = alice.portfolio.rows(backend.ids["A"], PortfolioCriteria(text="epsilon")).items
    assert rows[0].cover_amount == Decimal(60000)
    notes = alice.notifications.rows(NotificationFilter(text="epsilon")).items
    assert any("partially granted" in n.title for n in notes)
    with pytest.raises(RuleViolation):
        uw.underwriting.decide(pending.id, UnderwriterDecisionInput(decision="grant"),
                          decided.version)


def test_only_underwriters_see_the_queue(backend: Backend) -> None:
    with pytest.raises(Forbidden):
        backend.open("alice").underwriting.queue()


def test_stale_decision_is_a_conflict(backend: Backend) -> None:
    uw = backend.open("uw")
    item = uw.underwriting.queue().items[0]
    with pytest.raises(Conflict):
        uw.underwriting.decide(item.product_id, UnderwriterDecisionInput(decision="grant"),
                          item.version + 5)
