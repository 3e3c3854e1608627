"""A claim's accounting facts on every backend (issue 20 item 5): the indemnity received
(after it is agreed, in EUR), a closed claim without indemnity declared irrecoverable,
the VAT switch; each moves the claim's version and books the claim's entries when the
contract has books; unattached users find nothing, read-only users cannot record."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.enums import ClaimStatus
from cofatui.errors import Conflict, Forbidden, NotFound, RuleViolation, ValidationFailed
from cofatui.models import Claim, JournalEntry
from cofatui.schemas_accounting import ClaimIrrecoverable, ClaimVatSwitch, IndemnityReceived
from tests.contract.conftest import Backend
from tests.contract.refusals import refused
from tests.contract.test_books import make_books


def claim(backend: Backend, status: ClaimStatus, indemnity: str | None = None) -> int:
    """A claim of contract A as the handler left it (written directly: the claim
    workflow has its own tests)."""
    with Session(backend.engine) as s:
        row = Claim(contract_id=backend.ids["A"], company_id=backend.ids["alpha"],
                    status=status.value, submitted_at=datetime(2026, 8, 1, 9, tzinfo=UTC),
                    reference=f"DMS-2026-{status.value}",
                    calculated_indemnity=Decimal(indemnity) if indemnity else None,
                    indemnity_date=date(2026, 9, 15) if indemnity else None)
        s.add(row)
        s.commit()
        assert row.id is not None
        return row.id


def test_indemnity_received_after_it_is_agreed(backend: Backend) -> None:
    cid = claim(backend, ClaimStatus.ACCEPTED, "8000")
    alice = backend.open("alice")
    facts = alice.claim_accounting.get(cid)
    assert facts.vat_recoverable and facts.indemnity_received_on is None
    with refused(RuleViolation, "claim_accounting.before_indemnity"):
        alice.claim_accounting.record_received(cid, IndemnityReceived(
            received_on=date(2026, 9, 1), eur_amount=Decimal(8000), version=facts.version))
    with pytest.raises(ValidationFailed):
        alice.claim_accounting.record_received(cid, IndemnityReceived(
            received_on=date(2026, 12, 1), eur_amount=Decimal(0), version=facts.version))
    got = alice.claim_accounting.record_received(cid, IndemnityReceived(
        received_on=date(2026, 10, 2), eur_amount=Decimal("7990.50"), version=facts.version))
    assert (got.indemnity_received_on, got.indemnity_received_eur) == (
        date(2026, 10, 2), Decimal("7990.50"))
    assert got.version > facts.version
    with refused(Conflict, "claim_accounting.claim_changed"):
        alice.claim_accounting.set_vat_recoverable(cid, ClaimVatSwitch(
            vat_recoverable=False, version=facts.version))
    switched = alice.claim_accounting.set_vat_recoverable(cid, ClaimVatSwitch(
        vat_recoverable=False, version=got.version))
    assert not switched.vat_recoverable


def test_irrecoverable_only_on_a_closed_claim_without_indemnity(backend: Backend) -> None:
    alice = backend.open("alice")
    pending = claim(backend, ClaimStatus.PENDING)
    with refused(RuleViolation, "claim_accounting.not_closed"):
        alice.claim_accounting.declare_irrecoverable(pending, ClaimIrrecoverable(
            on=date(2026, 11, 1), version=alice.claim_accounting.get(pending).version))
    with refused(RuleViolation, "claim_accounting.no_indemnity"):
        alice.claim_accounting.record_received(pending, IndemnityReceived(
            received_on=date(2026, 11, 1), eur_amount=Decimal(1),
            version=alice.claim_accounting.get(pending).version))
    closed = claim(backend, ClaimStatus.CLOSED)
    got = alice.claim_accounting.declare_irrecoverable(closed, ClaimIrrecoverable(
        on=date(2026, 11, 1), version=alice.claim_accounting.get(closed).version))
    assert got.irrecoverable_on == date(2026, 11, 1)


def test_rights_and_booking(backend: Backend) -> None:
    books = make_books(backend)
    cid = claim(backend, ClaimStatus.ACCEPTED, "8000")
    version = backend.open("alice").claim_accounting.get(cid).version
    with refused(Forbidden, "access.read_only"):
        backend.open("reader").claim_accounting.record_received(cid, IndemnityReceived(
            received_on=date(2026, 10, 2), eur_amount=Decimal(8000), version=version))
    for login in ("bob", "carol"):
        with refused(NotFound, "claim_accounting.claim_not_found"):
            backend.open(login).claim_accounting.get(cid)
    backend.open("alice").claim_accounting.record_received(cid, IndemnityReceived(
        received_on=date(2026, 10, 2), eur_amount=Decimal(8000), version=version))
    with Session(backend.engine) as s:
        keys = s.execute(select(col(JournalEntry.event_key)).where(
            col(JournalEntry.books_id) == books.id, col(JournalEntry.source_kind) == "claim",
            col(JournalEntry.source_id) == cid)).scalars().all()
    assert f"indemnity_received:{cid}" in keys
