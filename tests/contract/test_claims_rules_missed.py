"""Claim rules of issue 10 item 6, on every backend: the declaration deadline moved by
the buyer's active extension of due date (first declaration and additional ones), a tax
above the amount excluding tax refused, a payment or invoice already in the claim
refused."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cofatui.errors import FieldError, ValidationFailed
from cofatui.models import ClaimInvoice, ClaimPayment
from cofatui.repository.base import Repository
from cofatui.schemas import (
    AdditionalDeclaration,
    ClaimCreate,
    ClaimPublic,
    ExtensionCreate,
    ExtensionDecisionInput,
    ExtensionInvoiceLine,
    ExtensionPublic,
    InvoiceLine,
    PaymentLine,
    PlanLineInput,
)
from tests.contract.conftest import Backend
from tests.contract.dataset import TODAY
from tests.contract.refusals import assert_coded, field_codes

DELAY = 150  # contract A's maximum delay to declare a claim
OLD = TODAY - timedelta(days=DELAY + 10)  # its deadline passed 10 days ago
OLD_DUE = OLD + timedelta(days=30)


def invoice(number: str, day: date = OLD, excl: str = "1000.00", tax: str = "200.00"
            ) -> InvoiceLine:
    return InvoiceLine(type="IN", number=number, invoice_date=day,
                       due_date=day + timedelta(days=30), currency="EUR",
                       amount_excl_tax=Decimal(excl), tax=Decimal(tax))


def claim(backend: Backend, *invoices: InvoiceLine, company: str = "beta",
          payments: tuple[PaymentLine, ...] = ()) -> ClaimCreate:
    return ClaimCreate(contract_id=backend.ids["A"], company_id=backend.ids[company],
                       contact_name="Alice", contact_email="alice@example.test",
                       reason="insolvency", invoices=list(invoices), payments=list(payments))


def extension(backend: Backend, repo: Repository, company: str, moved_days: int,
              numbers: tuple[str, ...] = ("1001", "1002")) -> ExtensionPublic:
    """An extension on ``numbers`` (all dated OLD) moving their due date ``moved_days``;
    within the contract's DMC, so it is active at once."""
    amount = Decimal("1200.00")
    return repo.extensions.request(ExtensionCreate(
        contract_id=backend.ids["A"], company_id=backend.ids[company], reason="Cash shortage",
        invoices=[ExtensionInvoiceLine(number=n, invoice_date=OLD, due_date=OLD_DUE,
                                       amount=amount) for n in numbers],
        plan=[PlanLineInput(due_date=OLD_DUE + timedelta(days=moved_days),
                            amount=amount * len(numbers))]))


def late_fields(exc: pytest.ExceptionInfo[ValidationFailed]) -> dict[str, FieldError]:
    return {e.field: e for e in exc.value.errors if e.code.startswith("claims.deadline_passed")}


# --- the declaration deadline moved by an active extension of due date --------------------

def test_claim_within_the_deadline_moved_by_an_active_extension_is_accepted(
        backend: Backend) -> None:
    alice = backend.open("alice")
    ext = extension(backend, alice, "beta", moved_days=10)
    assert ext.status == "active" and ext.declaration_deadline == TODAY  # the last day
    with pytest.raises(ValidationFailed) as refused:  # an invoice the extension did not move
        alice.claims.submit(claim(backend, invoice("1001"), invoice("1003")))
    assert set(late_fields(refused)) == {"invoices[2].invoice_date"}
    result = alice.claims.submit(claim(backend, invoice("1001"), invoice("1002")))
    assert result.reference and result.invoice_count == 2
    assert alice.claims.detail(result.id).due_date_shifts == {"1001": 10, "1002": 10}


def test_claim_after_the_deadline_moved_by_an_active_extension_is_refused(
        backend: Backend) -> None:
    alice = backend.open("alice")
    ext = extension(backend, alice, "gamma", moved_days=9)
    assert ext.declaration_deadline == TODAY - timedelta(days=1)
    with pytest.raises(ValidationFailed) as refused:
        alice.claims.submit(claim(backend, invoice("1001"), company="gamma"))
    late = late_fields(refused)["invoices[1].invoice_date"]
    assert_coded(late, "claims.deadline_passed_moved", deadline=TODAY - timedelta(days=1))


@pytest.mark.parametrize("outcome", ["pending", "cancelled", "refused"])
def test_an_extension_not_active_does_not_move_the_deadline(backend: Backend,
                                                            outcome: str) -> None:
    alice = backend.open("alice")
    # Beyond the contract's DMC (90 days from the invoice date): the insurer decides.
    ext = extension(backend, alice, "beta", moved_days=200)
    assert ext.status == "pending"
    if outcome == "cancelled":
        assert alice.extensions.cancel(ext.id, ext.version).status == "cancelled"
    elif outcome == "refused":
        decided = backend.open("uw").extensions.decide(
            ext.id, ExtensionDecisionInput(decision="refuse", comment="No"), ext.version)
        assert decided.status == "refused"
    with pytest.raises(ValidationFailed) as refused:
        alice.claims.submit(claim(backend, invoice("1001")))
    assert set(late_fields(refused)) == {"invoices[1].invoice_date"}


def test_accepted_extension_beyond_the_dmc_moves_the_deadline_of_a_claim(
        backend: Backend) -> None:
    alice = backend.open("alice")
    ext = extension(backend, alice, "beta", moved_days=200)
    backend.open("uw").extensions.decide(ext.id, ExtensionDecisionInput(decision="accept"),
                                        ext.version)
    assert alice.claims.submit(claim(backend, invoice("1001"))).reference


def _registered(backend: Backend, alice: Repository, company: str) -> ClaimPublic:
    """A claim on a recent invoice, to add declarations to."""
    return alice.claims.submit(claim(backend, invoice("900", day=TODAY - timedelta(days=20)),
                                    company=company))


def test_additional_declaration_within_the_moved_deadline_is_accepted(
        backend: Backend) -> None:
    alice = backend.open("alice")
    extension(backend, alice, "beta", moved_days=10)
    first = _registered(backend, alice, "beta")
    with pytest.raises(ValidationFailed) as refused:
        alice.claims.add_declaration(first.id, AdditionalDeclaration(invoices=[invoice("1003")]),
                              first.version)
    assert set(late_fields(refused)) == {"invoices[1].invoice_date"}
    added = alice.claims.add_declaration(first.id,
                                         AdditionalDeclaration(invoices=[invoice("1001")]),
                                  first.version)
    assert added.invoice_count == 2


def test_additional_declaration_after_the_moved_deadline_is_refused(backend: Backend) -> None:
    alice = backend.open("alice")
    extension(backend, alice, "gamma", moved_days=9)
    first = _registered(backend, alice, "gamma")
    with pytest.raises(ValidationFailed) as refused:
        alice.claims.add_declaration(first.id, AdditionalDeclaration(invoices=[invoice("1001")]),
                              first.version)
    assert late_fields(refused)["invoices[1].invoice_date"].code == "claims.deadline_passed_moved"


# --- tax and amount of an invoice line --------------------------------------------------------

def test_tax_above_the_amount_excluding_tax_is_refused_by_the_repository(
        backend: Backend) -> None:
    alice = backend.open("alice")
    recent = TODAY - timedelta(days=20)
    before = _lines(backend)
    with pytest.raises(ValidationFailed) as refused:
        alice.claims.submit(claim(backend, invoice("1", day=recent, excl="100", tax="150")))
    assert set(refused.value.by_field()) == {"invoices[1].tax"}
    assert _lines(backend) == before
    first = alice.claims.submit(claim(backend, invoice("1", day=recent, excl="100", tax="20")))
    assert first.claim_amount == Decimal("120.00")
    with pytest.raises(ValidationFailed) as refused:
        alice.claims.add_declaration(first.id, AdditionalDeclaration(
            invoices=[invoice("2", day=recent, excl="100", tax="150")]), first.version)
    assert set(refused.value.by_field()) == {"invoices[1].tax"}
    with pytest.raises(ValidationFailed) as refused:
        alice.claims.submit(claim(backend, invoice("3", day=recent, excl="100", tax="-1"),
                                 company="gamma"))
    assert set(refused.value.by_field()) == {"invoices[1].tax"}


# --- a line declared twice --------------------------------------------------------------------

def _lines(backend: Backend) -> tuple[int, int]:
    with Session(backend.engine) as s:
        return (s.execute(select(func.count()).select_from(ClaimInvoice)).scalar_one(),
                s.execute(select(func.count()).select_from(ClaimPayment)).scalar_one())


def test_a_payment_already_in_the_claim_is_refused_not_counted_twice(backend: Backend) -> None:
    alice = backend.open("alice")
    recent = TODAY - timedelta(days=20)
    paid = PaymentLine(type="SE", invoice_references=["1", "2"], payment_date=recent,
                       currency="EUR", amount=Decimal("100.00"))
    first = alice.claims.submit(claim(backend, invoice("1", day=recent),
                                     invoice("2", day=recent), payments=(paid,)))
    assert first.claim_amount == Decimal("2300.00")
    again = paid.model_copy(update={"invoice_references": ["2", "1"],
                                    "amount": Decimal("100.0")})
    before = _lines(backend)
    with pytest.raises(ValidationFailed) as refused:
        alice.claims.add_declaration(first.id, AdditionalDeclaration(payments=[again]),
                                     first.version)
    assert field_codes(refused.value) == {"payments[1].amount": "claims.payment_already_declared"}
    assert _lines(backend) == before
    credit_note = paid.model_copy(update={"type": "CN"})
    added = alice.claims.add_declaration(first.id, AdditionalDeclaration(payments=[credit_note]),
                                  first.version)
    assert added.claim_amount == Decimal("2200.00")


def test_the_same_payment_twice_in_one_declaration_is_refused(backend: Backend) -> None:
    paid = PaymentLine(type="SE", invoice_references=["1"], payment_date=TODAY,
                       currency="EUR", amount=Decimal("10"))
    with pytest.raises(ValidationFailed) as refused:
        backend.open("alice").claims.submit(claim(
            backend, invoice("1", day=TODAY - timedelta(days=20)), payments=(paid, paid)))
    assert set(refused.value.by_field()) == {"payments[2].amount"}


def test_an_invoice_already_in_the_claim_is_refused(backend: Backend) -> None:
    alice = backend.open("alice")
    first = _registered(backend, alice, "beta")
    with pytest.raises(ValidationFailed) as refused:
        alice.claims.add_declaration(first.id, AdditionalDeclaration(
            invoices=[invoice("900", day=TODAY - timedelta(days=20))]), first.version)
    assert field_codes(refused.value) == {"invoices[1].number": "claims.invoice_already_declared"}
    with pytest.raises(ValidationFailed) as refused:
        alice.claims.submit(claim(backend, invoice("5", day=TODAY - timedelta(days=20)),
                                 invoice("5", day=TODAY - timedelta(days=21)), company="gamma"))
    assert set(refused.value.by_field()) == {"invoices[2].number"}
