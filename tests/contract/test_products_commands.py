"""NEW ACTION, product commands and the underwriter's queue (SPEC §4-§5)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from cofatui.enums import NotificationType, ProductStatus
from cofatui.errors import Conflict, Forbidden, RuleViolation, ValidationFailed
from cofatui.schemas import (
    NotificationFilter,
    ProductRequest,
)
from tests.contract.conftest import Backend
from tests.contract.refusals import refused


def request(backend: Backend, code: str, company: str = "epsilon", **kw: object
            ) -> ProductRequest:
    return ProductRequest(contract_id=backend.ids["A"], company_id=backend.ids[company],
                          code=code, **kw)  # type: ignore[arg-type]


def test_new_action_menu_disables_with_reasons(backend: Backend) -> None:
    menu = {m.code: m for m in backend.open("alice").products.new_action_menu(
        backend.ids["A"], backend.ids["alpha"])}
    assert not menu["ECL"].allowed
    assert menu["ECL"].reason_code == "ecl_needs_no_cover"
    assert not menu["CRL"].allowed and menu["CRL"].reason_code == "cover_exists"
    assert menu["RSC"].allowed
    fresh = {m.code: m for m in backend.open("alice").products.new_action_menu(
        backend.ids["A"], backend.ids["epsilon"])}
    assert fresh["ECL"].allowed and fresh["CRL"].allowed


def test_immediate_product_updates_portfolio_and_notifies(backend: Backend) -> None:
    alice = backend.open("alice")
    product = alice.products.request(request(backend, "RLI", amount=Decimal(20000)))
    assert product.status == ProductStatus.GRANTED
    # Decided by the contract's tables: the @rating amount of Epsilon's DRA (3).
    assert product.decided_by == "rule:rating-grid"
    assert product.decided_amount == Decimal(10000)
    # Epsilon was not in contract A's portfolio: it is now, first (most recent).
    first = alice.portfolio.rows(backend.ids["A"]).items[0]
    assert first.company_name == "Epsilon Transports" and first.products == ["RLI"]
    note = alice.notifications.rows(NotificationFilter(type=NotificationType.DECISION.value))
    assert any(n.company_name == "Epsilon Transports" for n in note.items)


def test_express_agreement_refused_on_covered_company(backend: Backend) -> None:
    with refused(RuleViolation, "products.ecl_needs_no_cover"):
        backend.open("alice").products.request(request(backend, "ECL", company="alpha"))


def test_modify_is_a_request_on_the_standing_decision(backend: Backend) -> None:
    alice = backend.open("alice")
    product = next(p for p in alice.products.of_company(backend.ids["A"], backend.ids["alpha"])
                   if p.code == "CRL")
    modified = alice.products.modify(product.id, Decimal(120000), product.version)
    assert modified.status == ProductStatus.GRANTED
    assert modified.decided_amount == Decimal(100000)
    assert modified.pending_request is not None
    assert modified.pending_request.requested_amount == Decimal(120000)
    with pytest.raises(Conflict):
        alice.products.modify(product.id, Decimal(1000), product.version)
    cancelled = alice.products.cancel_request(modified.id, modified.version)
    assert cancelled.status == ProductStatus.GRANTED and cancelled.pending_request is None
    assert cancelled.decided_amount == Decimal(100000)
    history = alice.products.history(product.id)
    assert {"request", "modify", "cancel_request"} <= {e.action for e in history}


def test_monitoring_must_stop_before_delete_and_dra_change_notifies(backend: Backend) -> None:
    alice, uw = backend.open("alice"), backend.open("uw")
    rsm = next(p for p in alice.products.of_company(backend.ids["A"], backend.ids["gamma"])
               if p.code == "RSM")
    with refused(RuleViolation, "products.delete_monitored"):
        alice.products.delete(rsm.id, rsm.version)
    company = alice.companies.get(backend.ids["gamma"])
    assert uw.underwriting.set_company_dra(company.id, 3, company.version, "Payment incidents") == 1
    notes = alice.notifications.rows(NotificationFilter(type="monitoring_update", text="gamma"))
    assert any("DRA changed from 8 to 3" in n.title for n in notes.items)
    # The monitored product shows the new DRA (its version moved with it).
    rsm = next(p for p in alice.products.of_company(backend.ids["A"], backend.ids["gamma"])
               if p.id == rsm.id)
    assert rsm.delivered_dra == 3
    stopped = alice.products.stop_monitoring(rsm.id, rsm.version)
    assert stopped.status == ProductStatus.DELETED and not stopped.monitored


def test_validation_and_rights(backend: Backend) -> None:
    with pytest.raises(ValidationFailed) as err:
        backend.open("alice").products.request(request(backend, "CRL"))
    assert "amount" in err.value.by_field()
    with pytest.raises(ValidationFailed):
        backend.open("alice").products.request(
            request(backend, "TOPLINER", amount=Decimal(1000), duration_days=120))
    with pytest.raises(Forbidden):
        backend.open("reader").products.request(request(backend, "RSC"))
    with pytest.raises(Forbidden):
        backend.open("bob").products.request(request(backend, "RSC"))


def test_company_detail_multi_contract_view(backend: Backend) -> None:
    detail = backend.open("both").products.company_detail(backend.ids["A"], backend.ids["beta"])
    assert detail.client_reference == "CR-002"
    assert detail.other_contracts == ["P-B"]
    assert [p.code for p in detail.products] == ["CRL"]
    assert detail.custom_field_names == {1: "Segment"}
    lyon = backend.open("alice").products.company_detail(backend.ids["A"], backend.ids["delta"])
    assert lyon.head_office_name == "Alpha Industries"


def test_full_report_new_investigation_is_delivered_later(backend: Backend) -> None:
    alice = backend.open("alice")
    report = alice.products.request(request(backend, "REPORT_FULL", language="fr",
                                           new_investigation=True))
    assert report.status == ProductStatus.PENDING
    assert report.expected_decision_at == backend.clock.now() + timedelta(days=3)
    instant = alice.products.request(request(backend, "REPORT_INSTANT", language="en"))
    assert instant.status == ProductStatus.GRANTED
