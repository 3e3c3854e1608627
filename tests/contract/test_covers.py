"""Other covers on every backend (issue 20 item 3, seed 002 §3–4): a prospection cover
takes indemnities and repayments and its final balance only after the amortisation
ends; an exchange cover covers receivables settled once; events book proposed entries
when the contract has books; read-only users read, unattached ones find nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.enums import CoverEventKind, CoverKind
from cofatui.errors import Forbidden, NotFound, RuleViolation, ValidationFailed
from cofatui.models import JournalEntry
from cofatui.schemas_accounting import (
    CoverCreate,
    CoverEventCreate,
    CoverPublic,
    ReceivableCreate,
)
from tests.contract.conftest import Backend
from tests.contract.refusals import assert_coded, refused
from tests.contract.test_books import make_books


def prospection(backend: Backend, login: str = "alice") -> CoverPublic:
    return backend.open(login).covers.create(CoverCreate(
        contract_id=backend.ids["A"], kind=CoverKind.PROSPECTION, reference="PRO-1",
        currency="EUR", start=date(2023, 1, 1), end=date(2028, 12, 31),
        guarantee_end=date(2024, 12, 31), amortisation_end=date(2026, 6, 30)))


def event(kind: CoverEventKind, cover_id: int, on: date, eur: str,
          **kw: object) -> CoverEventCreate:
    return CoverEventCreate(cover_id=cover_id, kind=kind, event_date=on,
                            eur_amount=Decimal(eur), **kw)  # type: ignore[arg-type]


def test_prospection_life(backend: Backend) -> None:
    books = make_books(backend)
    cover = prospection(backend)
    alice = backend.open("alice")
    alice.covers.record_event(event(CoverEventKind.PROSPECTION_INDEMNITY, cover.id,
                                    date(2024, 6, 1), "10000"))
    alice.covers.record_event(event(CoverEventKind.PROSPECTION_REPAYMENT, cover.id,
                                    date(2026, 3, 1), "4000"))
    assert alice.covers.get(cover.id).outstanding == Decimal("6000.00")
    with refused(RuleViolation, "covers.repayment_exceeds"):
        alice.covers.record_event(event(CoverEventKind.PROSPECTION_REPAYMENT, cover.id,
                                        date(2026, 3, 2), "6000.01"))
    with pytest.raises(ValidationFailed) as info:  # before the amortisation ends
        alice.covers.record_event(event(CoverEventKind.PROSPECTION_BALANCE, cover.id,
                                        date(2026, 6, 29), "6000"))
    assert info.value.errors[0].field == "event_date"
    with pytest.raises(ValidationFailed) as info:
        alice.covers.record_event(event(CoverEventKind.PROSPECTION_BALANCE, cover.id,
                                        date(2026, 7, 1), "5000"))
    assert_coded(info.value.errors[0], "covers.balance_is_outstanding")
    last = alice.covers.record_event(event(CoverEventKind.PROSPECTION_BALANCE, cover.id,
                                           date(2026, 7, 1), "6000"))
    assert alice.covers.get(cover.id).outstanding == 0
    assert [e.kind for e in alice.covers.events(cover.id)] == [
        CoverEventKind.PROSPECTION_INDEMNITY, CoverEventKind.PROSPECTION_REPAYMENT,
        CoverEventKind.PROSPECTION_BALANCE]
    with Session(backend.engine) as s:
        kinds = s.execute(select(col(JournalEntry.source_id)).where(
            col(JournalEntry.books_id) == books.id,
            col(JournalEntry.source_kind) == "cover_event")).scalars().all()
    assert last.id in kinds  # the 2026 events fall in the books' year


def test_exchange_receivable_settled_once(backend: Backend) -> None:
    alice = backend.open("alice")
    cover = alice.covers.create(CoverCreate(
        contract_id=backend.ids["A"], kind=CoverKind.EXCHANGE, reference="CHG-1",
        currency="USD", start=date(2026, 1, 1), end=date(2026, 12, 31),
        guaranteed_rate=Decimal("1.08")))
    assert cover.covered_share == 100
    receivable = alice.covers.add_receivable(ReceivableCreate(
        cover_id=cover.id, reference="INV-9", debtor="Acme Inc", amount=Decimal("10800"),
        booked_rate=Decimal("1.10"), booked_on=date(2026, 3, 1)))
    settle = event(CoverEventKind.EXCHANGE_SETTLEMENT, cover.id, date(2026, 9, 1), "9500",
                   currency_amount=Decimal("10800"), receivable_id=receivable.id)
    with refused(RuleViolation, "covers.wrong_kind"):
        alice.covers.record_event(event(CoverEventKind.PROSPECTION_INDEMNITY, cover.id,
                                        date(2026, 9, 1), "1"))
    alice.covers.record_event(settle)
    assert alice.covers.receivables(cover.id)[0].settled
    with pytest.raises(ValidationFailed) as info:
        alice.covers.record_event(settle)
    assert info.value.errors[0].field == "receivable_id"
    with refused(RuleViolation, "covers.not_exchange"):
        alice.covers.add_receivable(ReceivableCreate(
            cover_id=prospection(backend).id, reference="X", debtor="Y",
            amount=Decimal(1), booked_rate=Decimal(1), booked_on=date(2026, 3, 1)))


def test_cover_checks_and_rights(backend: Backend) -> None:
    with pytest.raises(ValidationFailed) as info:
        backend.open("alice").covers.create(CoverCreate(
            contract_id=backend.ids["A"], kind=CoverKind.EXCHANGE, reference="E",
            currency="EUR", start=date(2026, 1, 1), end=date(2025, 12, 31)))
    assert {e.field for e in info.value.errors} >= {"end", "guaranteed_rate", "currency"}
    cover = prospection(backend)
    with refused(RuleViolation, "covers.reference_taken"):
        prospection(backend)
    with refused(Forbidden, "access.read_only"):
        prospection(backend, login="reader")
    reader = backend.open("reader")
    assert reader.covers.get(cover.id).reference == "PRO-1"
    with refused(Forbidden, "access.read_only"):
        reader.covers.record_event(event(CoverEventKind.PROSPECTION_INDEMNITY, cover.id,
                                         date(2024, 6, 1), "1"))
    for login in ("bob", "carol"):
        assert backend.open(login).covers.list().total == 0
        with refused(NotFound, "covers.cover_not_found"):
            backend.open(login).covers.get(cover.id)
