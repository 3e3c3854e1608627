"""Extensions of due date: free within the DMC, requested beyond it, one per buyer,
cancel while pending, modify when active, the decision moves the claim deadline."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from cofatui.errors import Conflict, Forbidden, RuleViolation, ValidationFailed
from cofatui.schemas import (
    ClaimCreate,
    ExtensionCreate,
    ExtensionDecisionInput,
    ExtensionInvoiceLine,
    InvoiceLine,
    NotificationFilter,
    PlanLineInput,
)
from tests.contract.conftest import Backend
from tests.contract.dataset import TODAY
from tests.contract.refusals import assert_coded, refused

INVOICE_DATE = TODAY - timedelta(days=30)
DUE = TODAY + timedelta(days=15)


def create(backend: Backend, *plan: tuple[int, str], company: str = "beta") -> ExtensionCreate:
    return ExtensionCreate(
        contract_id=backend.ids["A"], company_id=backend.ids[company], reason="Cash shortage",
        invoices=[ExtensionInvoiceLine(number="F-1", invoice_date=INVOICE_DATE, due_date=DUE,
                                       amount=Decimal("600.00")),
                  ExtensionInvoiceLine(number="F-2", invoice_date=INVOICE_DATE, due_date=DUE,
                                       amount=Decimal("400.50"))],
        plan=[PlanLineInput(due_date=DUE + timedelta(days=d), amount=Decimal(a))
              for d, a in plan])


def test_within_dmc_is_granted_freely(backend: Backend) -> None:
    ext = backend.open("alice").extensions.request(create(backend, (20, "1000.50")))
    assert ext.status == "active" and ext.decided_by == "rule:within-dmc"
    assert "freely" in ext.comment
    assert ext.total == Decimal("1000.50")


def test_beyond_dmc_waits_for_the_underwriter_who_moves_the_deadline(backend: Backend) -> None:
    alice, uw = backend.open("alice"), backend.open("uw")
    ext = alice.extensions.request(create(backend, (60, "500.50"), (90, "500.00")))
    assert ext.status == "pending" and "maximum credit duration" in ext.comment
    before = ext.declaration_deadline
    with pytest.raises(Forbidden):
        alice.extensions.decide(ext.id, ExtensionDecisionInput(decision="accept"), ext.version)
    decided = uw.extensions.decide(ext.id, ExtensionDecisionInput(
        decision="accept_other_plan",
        plan=[PlanLineInput(due_date=DUE + timedelta(days=45), amount=Decimal("1000.50"))]),
        ext.version)
    assert decided.status == "active"
    assert [p.amount for p in decided.plan] == [Decimal("1000.50")]
    assert len(decided.proposed_plan) == 2
    assert decided.declaration_deadline == before + timedelta(days=45)
    notes = alice.notifications.rows(NotificationFilter(text="beta")).items
    assert any("Extension of due date active" in n.title for n in notes)


def test_plan_total_must_equal_invoices(backend: Backend) -> None:
    with pytest.raises(ValidationFailed) as err:
        backend.open("alice").extensions.request(create(backend, (20, "1000.00")))
    [plan] = [e for e in err.value.errors if e.field == "plan"]
    assert_coded(plan, "extensions.plan_missing", gap=Decimal("0.50"))


def test_one_extension_per_buyer_and_cancel_only_pending(backend: Backend) -> None:
    alice = backend.open("alice")
    active = alice.extensions.request(create(backend, (20, "1000.50")))
    with refused(RuleViolation, "extensions.already_active"):
        alice.extensions.request(create(backend, (20, "1000.50")))
    with refused(RuleViolation, "extensions.cancel_not_pending"):
        alice.extensions.cancel(active.id, active.version)
    pending = alice.extensions.request(create(backend, (100, "1000.50"), company="gamma"))
    cancelled = alice.extensions.cancel(pending.id, pending.version)
    assert cancelled.status == "cancelled"
    with pytest.raises(Conflict):
        alice.extensions.cancel(pending.id, pending.version)


def test_modify_active_plan_beyond_dmc_goes_back_to_the_insurer(backend: Backend) -> None:
    alice = backend.open("alice")
    active = alice.extensions.request(create(backend, (20, "1000.50")))
    modified = alice.extensions.modify(active.id, [PlanLineInput(
        due_date=DUE + timedelta(days=120), amount=Decimal("1000.50"))], active.version)
    assert modified.status == "pending"


def test_no_extension_after_a_claim(backend: Backend) -> None:
    alice = backend.open("alice")
    alice.claims.submit(ClaimCreate(
        contact_name="Alice", contact_email="alice@example.test",
        contract_id=backend.ids["A"], company_id=backend.ids["beta"], reason="insolvency",
        invoices=[InvoiceLine(type="IN", number="9", invoice_date=TODAY - timedelta(days=40),
                              due_date=TODAY - timedelta(days=10), currency="EUR",
                              amount_excl_tax=Decimal(100))]))
    with refused(RuleViolation, "extensions.claim_declared"):
        alice.extensions.request(create(backend, (20, "1000.50")))


def test_extensions_are_scoped_to_the_contract(backend: Backend) -> None:
    ext = backend.open("alice").extensions.request(create(backend, (20, "1000.50")))
    assert [e.id for e in backend.open("alice").extensions.rows(backend.ids["A"])] == [ext.id]
    with pytest.raises(Forbidden):
        backend.open("bob").extensions.rows(backend.ids["A"])
    with pytest.raises(Forbidden):
        backend.open("reader").extensions.request(create(backend, (20, "1000.50"),
                                                        company="gamma"))
