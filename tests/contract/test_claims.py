"""Claim submission: rules, all-or-nothing writes, authorisation, audit."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cofatui.errors import Forbidden, RuleViolation, ValidationFailed
from cofatui.models import (
    AuditEntry,
    Claim,
    ClaimDebtor,
    ClaimDeclaration,
    ClaimInvoice,
    ClaimPayment,
)
from cofatui.repository.sql.core import SqlCore
from cofatui.schemas import ClaimCreate, InvoiceLine, PaymentLine
from tests.contract.conftest import Backend
from tests.contract.dataset import TODAY


def invoice(number: str, days_ago: int = 30, amount: str = "1000.00", **kw: object) -> InvoiceLine:
    values: dict[str, object] = dict(
        type="IN", number=number, invoice_date=TODAY - timedelta(days=days_ago),
        due_date=TODAY - timedelta(days=days_ago - 30), currency="EUR",
        amount_excl_tax=Decimal(amount), tax=Decimal("200.00"))
    values.update(kw)
    return InvoiceLine(**values)  # type: ignore[arg-type]


def claim(backend: Backend, *invoices: InvoiceLine, **kw: object) -> ClaimCreate:
    values: dict[str, object] = dict(
        contract_id=backend.ids["A"], company_id=backend.ids["beta"], reason="insolvency",
        contact_name="Alice", contact_email="alice@example.test",
        invoices=list(invoices) or [invoice("1001")])
    values.update(kw)
    return ClaimCreate(**values)  # type: ignore[arg-type]


def row_counts(backend: Backend) -> tuple[int, ...]:
    with Session(backend.engine) as s:
        return tuple(s.execute(select(func.count()).select_from(t)).scalar_one()
                     for t in (Claim, ClaimDeclaration, ClaimInvoice, ClaimPayment,
                               ClaimDebtor))


def test_submit_claim_gives_a_reference_and_exact_amount(backend: Backend) -> None:
    repo = backend.open("alice")
    result = repo.claims.submit(claim(
        backend, invoice("1001", amount="1000.10"),
        invoice("1002", amount="0.20", tax=Decimal("0.04")),
        payments=[PaymentLine(type="CN", invoice_references=["1001"],
                              payment_date=TODAY - timedelta(days=5), currency="EUR",
                              amount=Decimal("100.10"))]))
    assert result.reference and result.reference.startswith("DMS-2026-")
    assert result.claim_amount == Decimal("1100.24")  # 1000.10+200 + 0.20+0.04 - 100.10
    assert result.invoice_count == 2
    listed = repo.claims.rows(backend.ids["A"])
    assert [c.reference for c in listed.items] == [result.reference]


def test_invalid_line_leaves_no_partial_rows(backend: Backend) -> None:
    before = row_counts(backend)
    bad = invoice("1003", due_date=TODAY - timedelta(days=400))  # due before invoice date
    with pytest.raises(ValidationFailed) as err:
        backend.open("alice").claims.submit(claim(backend, invoice("1001"), invoice("1002"), bad))
    assert any(e.line == 3 and e.field.endswith("due_date") for e in err.value.errors)
    assert row_counts(backend) == before


def test_future_invoice_and_late_declaration_are_refused(backend: Backend) -> None:
    with pytest.raises(ValidationFailed) as err:
        backend.open("alice").claims.submit(claim(
            backend, invoice("1", days_ago=-1, due_date=TODAY + timedelta(days=30)),
            invoice("2", days_ago=200)))
    messages = err.value.by_field()
    assert "future" in messages["invoices[1].invoice_date"]
    assert "deadline" in messages["invoices[2].invoice_date"]


def test_failure_after_rows_were_written_rolls_everything_back(
        backend: Backend, monkeypatch: pytest.MonkeyPatch) -> None:
    if backend.name == "http-server":
        pytest.skip("the failure is injected by patching SqlCore in this process, which "
                    "cannot reach a server running in another process")
    before = row_counts(backend)

    def crash(*_a: object, **_k: object) -> None:
        raise RuntimeError("power cut")

    monkeypatch.setattr(SqlCore, "_audit", crash)
    with pytest.raises(RuntimeError):
        backend.open("alice").claims.submit(claim(backend, invoice("1"), invoice("2")))
    assert row_counts(backend) == before


def test_one_open_claim_per_debtor(backend: Backend) -> None:
    repo = backend.open("alice")
    repo.claims.submit(claim(backend, invoice("1")))
    before = row_counts(backend)
    with pytest.raises(RuleViolation):
        repo.claims.submit(claim(backend, invoice("2")))
    assert row_counts(backend) == before


def test_claims_need_write_rights_on_the_claims_section(backend: Backend) -> None:
    for login in ("reader", "carol"):
        with pytest.raises(Forbidden):
            backend.open(login).claims.submit(claim(backend))
    with pytest.raises(Forbidden):
        backend.open("bob").claims.submit(claim(backend))
    with pytest.raises(Forbidden):
        backend.open("carol").claims.rows(backend.ids["A"])


def test_comment_limit(backend: Backend) -> None:
    with pytest.raises(ValidationFailed) as err:
        backend.open("alice").claims.submit(claim(backend, comments="x" * 901))
    assert "comments" in err.value.by_field()


def test_every_write_is_audited(backend: Backend) -> None:
    alice = backend.open("alice")
    result = alice.claims.submit(claim(backend))
    alice.notifications.mark([backend.ids["n1"]], read=True)
    log = backend.open("admin").audit.entries()
    operations = [e.operation for e in log.items]
    assert operations[:2] == ["mark_read", "submit_claim"]
    entry = log.items[1]
    assert entry.login == "alice" and entry.target_id == result.id
    assert entry.changes["reference"] == [None, result.reference]
    with pytest.raises(Forbidden):
        alice.audit.entries()
    with Session(backend.engine) as s:
        assert s.execute(select(func.count()).select_from(AuditEntry)).scalar_one() == 2
