"""Claims after submission: claims portfolio, detail tabs, additional declarations,
attachments, and the handler's status and indemnity reaching the policyholder."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.enums import ClaimStatus
from cofatui.errors import Conflict, Forbidden, RuleViolation, ValidationFailed
from cofatui.models import ClaimInvoice, Document, User
from cofatui.schemas import (
    AdditionalDeclaration,
    ClaimCreate,
    ClaimStatusChange,
    IndemnityUpdate,
    InvoiceLine,
    LineValidation,
    NotificationFilter,
    PaymentLine,
)
from tests.contract.conftest import Backend
from tests.contract.dataset import TODAY
from tests.contract.refusals import field_codes

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def invoice(number: str, amount: str = "1000.00") -> InvoiceLine:
    return InvoiceLine(type="IN", number=number, invoice_date=TODAY - timedelta(days=40),
                       due_date=TODAY - timedelta(days=10), currency="EUR",
                       amount_excl_tax=Decimal(amount), tax=Decimal("200.00"))


def submit(backend: Backend, company: str = "beta"):  # type: ignore[no-untyped-def]
    return backend.open("alice").claims.submit(ClaimCreate(
        contact_name="Alice", contact_email="alice@example.test",
        contract_id=backend.ids["A"], company_id=backend.ids[company], reason="insolvency",
        invoices=[invoice("1001"), invoice("1002", "500.00")],
        payments=[PaymentLine(type="SE", invoice_references=["1001"],
                              payment_date=TODAY - timedelta(days=5), currency="EUR",
                              amount=Decimal("200.00"))]))


def test_claims_portfolio_has_one_row_per_debtor(backend: Backend) -> None:
    first = submit(backend)
    uw = backend.open("uw")
    uw.claims.set_status(first.id, ClaimStatusChange(status=ClaimStatus.CLOSED), first.version)
    second = submit(backend)
    submit(backend, "gamma")
    page = backend.open("alice").claims.portfolio(backend.ids["A"])
    rows = {r.company_name: r for r in page.items}
    assert page.total == 2
    assert rows["Beta Maschinenbau GmbH"].claims == 2
    assert rows["Beta Maschinenbau GmbH"].latest_reference == second.reference
    assert backend.open("alice").claims.portfolio(backend.ids["A"], text="gamma").total == 1


def test_detail_tabs_show_declaration_account_and_indemnification(backend: Backend) -> None:
    claim = submit(backend)
    detail = backend.open("alice").claims.detail(claim.id)
    assert [i.number for i in detail.invoices] == ["1001", "1002"]
    assert detail.claim.claim_amount == Decimal("1700.00")  # 1200 + 700 - 200
    assert detail.declarations[0].kind == "initial"
    assert detail.credit_limit == Decimal("50000")
    assert detail.insured_percentage == Decimal("90")
    assert [c.id for c in detail.debtor_history] == [claim.id]
    with pytest.raises(Exception) as err:
        backend.open("bob").claims.detail(claim.id)
    assert type(err.value).__name__ == "NotFound"


def test_additional_declaration_keeps_originals(backend: Backend) -> None:
    claim = submit(backend)
    alice = backend.open("alice")
    updated = alice.claims.add_declaration(claim.id, AdditionalDeclaration(
        invoices=[invoice("1003", "300.00")], intervention_requested=True,
        contact_name="New contact"), claim.version)
    assert updated.invoice_count == 3 and updated.intervention_requested
    assert updated.claim_amount == Decimal("2200.00")
    detail = alice.claims.detail(claim.id)
    assert [d.kind for d in detail.declarations] == ["initial", "additional"]
    assert detail.invoices[0].amount_excl_tax == Decimal("1000.00")
    with pytest.raises(ValidationFailed) as twice:
        alice.claims.add_declaration(claim.id, AdditionalDeclaration(invoices=[invoice("1001")]),
                              updated.version)
    assert "claims.invoice_already_declared" in field_codes(twice.value).values()
    with pytest.raises(Conflict):
        alice.claims.add_declaration(claim.id, AdditionalDeclaration(invoices=[invoice("1009")]),
                              claim.version)


def test_attachments_are_checked_by_content_and_listed_newest_first(backend: Backend) -> None:
    claim = submit(backend)
    alice = backend.open("alice")
    with pytest.raises(ValidationFailed) as wrong:
        alice.claims.add_document(claim.id, "invoice.pdf", b"MZ\x90\x00 not a pdf", "contractual")
    assert list(field_codes(wrong.value).values()) == ["attachments.wrong_type"]
    first = alice.claims.add_document(claim.id, "contract.pdf", PDF, "contractual", "signed")
    backend.clock.advance(minutes=1)
    second = backend.open("alice").claims.add_document(claim.id, "photo.png", PNG, "other")
    assert first.content_type == "application/pdf" and second.content_type == "image/png"
    detail = backend.open("alice").claims.detail(claim.id)
    assert [d.filename for d in detail.documents] == ["photo.png", "contract.pdf"]
    assert backend.open("alice").documents.content(first.id)[1] == PDF
    with Session(backend.engine) as s:
        assert s.execute(select(func.count()).select_from(Document)).scalar_one() == 2
    with pytest.raises(Forbidden):
        backend.open("reader").claims.add_document(claim.id, "x.pdf", PDF, "other")


def test_handler_indemnity_reaches_policyholder_as_notification(backend: Backend) -> None:
    claim = submit(backend)
    uw = backend.open("uw")
    with pytest.raises(Forbidden):
        backend.open("alice").claims.set_indemnity(claim.id, IndemnityUpdate(), claim.version)
    lines = backend.open("alice").claims.detail(claim.id)
    validated = uw.claims.validate_lines(claim.id, LineValidation(
        invoice_ids=[i.id for i in lines.invoices]), claim.version)
    accepted = uw.claims.set_status(claim.id, ClaimStatusChange(status=ClaimStatus.ACCEPTED),
                                   validated.version)
    result = uw.claims.set_indemnity(claim.id, IndemnityUpdate(), accepted.version)
    assert result.covered_amount == Decimal("1530.00")  # 90 % of 1700, within 50 000
    assert result.calculated_indemnity == Decimal("1530.00")
    notes = backend.open("alice").notifications.rows(NotificationFilter(type="indemnity")).items
    assert any("€1,530.00" in n.title for n in notes)
    with Session(backend.engine) as s:
        validated_count = s.execute(select(func.count()).select_from(ClaimInvoice).where(
            col(ClaimInvoice.validated).is_(True))).scalar_one()
    assert validated_count == 2


def test_opted_out_users_do_not_see_claim_notifications(backend: Backend) -> None:
    with Session(backend.engine) as s:
        user = s.execute(select(User).where(col(User.login) == "admin")).scalar_one()
        user.notify_opt_out = True
        s.commit()
    claim = submit(backend)
    backend.open("uw").claims.set_status(claim.id, ClaimStatusChange(
        status=ClaimStatus.REJECTED, comment="Missing documents"), claim.version)
    updates = NotificationFilter(type="claim_update")
    seen_by_alice = backend.open("alice").notifications.rows(updates)
    seen_by_admin = backend.open("admin").notifications.rows(updates)
    assert seen_by_alice.total == 1 and seen_by_admin.total == 0


def test_final_claims_cannot_change(backend: Backend) -> None:
    claim = submit(backend)
    uw = backend.open("uw")
    closed = uw.claims.set_status(claim.id, ClaimStatusChange(status=ClaimStatus.CLOSED),
                                 claim.version)
    with pytest.raises(RuleViolation):
        uw.claims.set_status(claim.id, ClaimStatusChange(status=ClaimStatus.ACCEPTED),
                            closed.version)
    with pytest.raises(RuleViolation):
        backend.open("alice").claims.add_declaration(claim.id, AdditionalDeclaration(
            invoices=[invoice("2001")]), closed.version)
