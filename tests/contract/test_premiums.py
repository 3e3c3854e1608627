"""Premiums on every backend (issue 20 item 2): insurer staff set terms and issue the
yearly schedule (instalments summing exactly, numbered PRM-<year>-nnnnnn), the
adjustment (a refund when negative) and the month's services (once); a policyholder
types a paper notice in and pays whole notices, with the EUR the bank debited when the
currency is not EUR; the payment books a proposed entry when the contract has books."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.enums import NoticeKind, NoticeLineRole, NoticeOrigin, NoticeStatus
from cofatui.errors import Conflict, Forbidden, NotFound, RuleViolation, ValidationFailed
from cofatui.models import Claim, JournalEntry, Product
from cofatui.schemas_accounting import (
    NoticeAdjustment,
    NoticeCreate,
    NoticeFilter,
    NoticeLineIn,
    NoticePublic,
    NoticeSchedule,
    PaymentCreate,
    PremiumPriceSet,
    PremiumTermsSet,
    ServicesBilling,
)
from tests.contract.conftest import Backend
from tests.contract.refusals import assert_coded, refused
from tests.contract.test_books import make_books


def set_terms(backend: Backend, start: date = date(2026, 1, 1), annual: str = "12000",
              currency: str = "EUR", instalments: int = 4) -> None:
    backend.open("uw").premiums.set_terms(PremiumTermsSet(
        contract_id=backend.ids["A"], year_start=start, provisional_premium=Decimal(annual),
        currency=currency, instalments=instalments, rate_per_mille=Decimal("1.5"),
        minimum_premium=Decimal("5000")))


def paper(backend: Backend, number: str, amount: str = "100.00", currency: str = "EUR",
          login: str = "alice") -> NoticePublic:
    return backend.open(login).premiums.create_notice(NoticeCreate(
        contract_id=backend.ids["A"], number=number, period_start=date(2026, 10, 1),
        period_end=date(2026, 10, 31), due_date=date(2026, 11, 1), currency=currency,
        lines=[NoticeLineIn(role=NoticeLineRole.CREDIT_INSURANCE,
                            amount_excl_tax=Decimal(amount))]))


def test_schedule_sums_exactly_and_is_issued_once(backend: Backend) -> None:
    set_terms(backend, annual="10000.01", instalments=4)
    uw = backend.open("uw")
    notices = uw.premiums.issue_schedule(NoticeSchedule(contract_id=backend.ids["A"],
                                                        year_start=date(2026, 1, 1)))
    assert [n.number for n in notices] == [f"PRM-2026-{i:06d}" for i in range(1, 5)]
    assert sum(n.total for n in notices) == Decimal("10000.01")
    assert {(n.kind, n.origin, n.status) for n in notices} == {
        (NoticeKind.PROVISIONAL, NoticeOrigin.INSURER, NoticeStatus.ISSUED)}
    assert [n.period_start for n in notices] == [date(2026, m, 1) for m in (1, 4, 7, 10)]
    with refused(RuleViolation, "premiums.schedule_exists"):
        uw.premiums.issue_schedule(NoticeSchedule(contract_id=backend.ids["A"],
                                                  year_start=date(2026, 1, 1)))
    with refused(RuleViolation, "premiums.not_an_anniversary"):
        uw.premiums.issue_schedule(NoticeSchedule(contract_id=backend.ids["A"],
                                                  year_start=date(2027, 2, 1)))
    page = backend.open("alice").premiums.notices(NoticeFilter())
    assert page.total == 4 and [n.due_date for n in page.items] == sorted(
        n.due_date for n in page.items)


def test_only_staff_set_terms_and_issue(backend: Backend) -> None:
    with refused(Forbidden, "access.underwriters_only"):
        backend.open("alice").premiums.set_terms(PremiumTermsSet(
            contract_id=backend.ids["A"], year_start=date(2026, 1, 1),
            provisional_premium=Decimal(1), rate_per_mille=Decimal(1)))
    with refused(RuleViolation, "premiums.no_terms"):
        backend.open("uw").premiums.issue_schedule(NoticeSchedule(
            contract_id=backend.ids["A"], year_start=date(2026, 1, 1)))
    with pytest.raises(ValidationFailed) as info:
        backend.open("uw").premiums.set_terms(PremiumTermsSet(
            contract_id=backend.ids["A"], year_start=date(2026, 1, 1),
            provisional_premium=Decimal(1), rate_per_mille=Decimal(1), instalments=3))
    assert [e.field for e in info.value.errors] == ["instalments"]


def test_adjustment_refund_is_paid_back(backend: Backend) -> None:
    set_terms(backend, start=date(2025, 1, 1), annual="12000")
    uw = backend.open("uw")
    uw.premiums.issue_schedule(NoticeSchedule(contract_id=backend.ids["A"],
                                              year_start=date(2025, 1, 1)))
    # max(1.5 ‰ × 4 000 000 = 6 000, minimum 5 000) − 12 000 provisional = −6 000
    refund = uw.premiums.issue_adjustment(NoticeAdjustment(
        contract_id=backend.ids["A"], year_start=date(2025, 1, 1),
        turnover=Decimal(4_000_000)))
    assert (refund.kind, refund.total, refund.turnover) == (
        NoticeKind.ADJUSTMENT, Decimal("-6000.00"), Decimal(4_000_000))
    with refused(RuleViolation, "premiums.adjustment_exists"):
        uw.premiums.issue_adjustment(NoticeAdjustment(
            contract_id=backend.ids["A"], year_start=date(2025, 1, 1), turnover=Decimal(1)))
    with refused(RuleViolation, "premiums.year_not_over"):
        uw.premiums.issue_adjustment(NoticeAdjustment(
            contract_id=backend.ids["A"], year_start=date(2026, 1, 1), turnover=Decimal(1)))
    paid = backend.open("alice").premiums.pay(PaymentCreate(
        contract_id=backend.ids["A"], paid_on=date(2026, 2, 1), notice_ids=[refund.id]))
    assert (paid.amount, paid.eur_amount) == (Decimal("-6000.00"), Decimal("-6000.00"))


def test_typed_notice_and_numbers(backend: Backend) -> None:
    notice = paper(backend, "AV-2026-77")
    assert (notice.origin, notice.number, notice.total) == (
        NoticeOrigin.TYPED, "AV-2026-77", Decimal("100.00"))
    with refused(RuleViolation, "premiums.number_taken", number="AV-2026-77"):
        paper(backend, "AV-2026-77")
    with pytest.raises(ValidationFailed) as info:
        paper(backend, "")
    assert_coded(info.value.errors[0], "premiums.number_required")
    with refused(Forbidden, "access.read_only"):
        paper(backend, "AV-2", login="reader")
    issued = paper(backend, "", login="uw")  # staff: numbered by cofatui
    assert issued.number == "PRM-2026-000001" and issued.origin == NoticeOrigin.INSURER
    assert backend.open("reader").premiums.notice(notice.id).number == "AV-2026-77"
    for login in ("bob", "carol"):
        with refused(NotFound, "premiums.notice_not_found"):
            backend.open(login).premiums.notice(notice.id)
        assert backend.open(login).premiums.notices(NoticeFilter()).total == 0


def test_usd_payment_needs_the_eur_debited_and_books_an_entry(backend: Backend) -> None:
    books = make_books(backend)
    usd = paper(backend, "USD-1", "250.00", "USD")
    usd2 = paper(backend, "USD-2", "50.00", "USD")
    eur = paper(backend, "EUR-1", "80.00")
    alice = backend.open("alice")
    with pytest.raises(ValidationFailed) as info:
        alice.premiums.pay(PaymentCreate(contract_id=backend.ids["A"],
                                         paid_on=date(2026, 11, 20), notice_ids=[usd.id]))
    assert_coded(info.value.errors[0], "premiums.eur_required", currency="USD")
    with refused(RuleViolation, "premiums.mixed_currencies"):
        alice.premiums.pay(PaymentCreate(contract_id=backend.ids["A"],
                                         paid_on=date(2026, 11, 20),
                                         notice_ids=[usd.id, eur.id],
                                         eur_amount=Decimal("300")))
    with refused(Forbidden, "access.read_only"):
        backend.open("reader").premiums.pay(PaymentCreate(
            contract_id=backend.ids["A"], paid_on=date(2026, 11, 20), notice_ids=[eur.id]))
    paid = alice.premiums.pay(PaymentCreate(
        contract_id=backend.ids["A"], paid_on=date(2026, 11, 20), notice_ids=[usd.id, usd2.id],
        eur_amount=Decimal("276.40")))
    assert (paid.currency, paid.amount, paid.eur_amount, paid.bank_account) == (
        "USD", Decimal("300.00"), Decimal("276.40"), "512")
    assert paid.notice_numbers == ["USD-1", "USD-2"]
    assert alice.premiums.notice(usd.id).status == NoticeStatus.PAID
    assert alice.premiums.notice(usd.id).paid_on == date(2026, 11, 20)
    with refused(RuleViolation, "premiums.notice_not_due", number="USD-1"):
        alice.premiums.pay(PaymentCreate(contract_id=backend.ids["A"],
                                         paid_on=date(2026, 11, 20), notice_ids=[usd.id],
                                         eur_amount=Decimal(1)))
    assert alice.premiums.payments(backend.ids["A"]).total == 1
    with Session(backend.engine) as s:
        entries = s.execute(select(JournalEntry).where(
            col(JournalEntry.books_id) == books.id,
            col(JournalEntry.source_kind) == "payment",
            col(JournalEntry.source_id) == paid.id)).scalars().all()
    assert [(e.status, e.total) for e in entries] == [("proposed", Decimal("276.40"))]


def test_services_of_a_month_billed_once(backend: Backend) -> None:
    uw = backend.open("uw")
    uw.premiums.set_price(PremiumPriceSet(contract_id=backend.ids["A"], code="CCO",
                                          price=Decimal("40"), vat_rate=Decimal(20)))
    with refused(RuleViolation, "premiums.month_not_over"):
        uw.premiums.bill_services(ServicesBilling(contract_id=backend.ids["A"],
                                                  month=date(2026, 11, 1)))
    with Session(backend.engine) as s:
        company = s.execute(select(col(Product.company_id)).where(
            col(Product.contract_id) == backend.ids["A"])).scalars().first()
        assert company is not None
        for day in (3, 17):
            s.add(Product(contract_id=backend.ids["A"], company_id=company, code="CCO",
                          status="granted", decided_at=datetime(2026, 10, day, 9, tzinfo=UTC)))
        fee_claim = Claim(contract_id=backend.ids["A"], company_id=company, status="pending",
                          reference="DMS-2026-000099", intervention_requested=True,
                          submitted_at=datetime(2026, 10, 20, 9, tzinfo=UTC))
        s.add(fee_claim)
        s.commit()
        fee_claim_id = fee_claim.id
    uw.premiums.set_price(PremiumPriceSet(contract_id=backend.ids["A"], code="FEE",
                                          price=Decimal("150")))
    (notice,) = uw.premiums.bill_services(ServicesBilling(contract_id=backend.ids["A"],
                                                          month=date(2026, 10, 15)))
    assert (notice.kind, notice.amount_excl_tax, notice.tax, notice.total) == (
        NoticeKind.SERVICES, Decimal("230.00"), Decimal("16.00"), Decimal("246.00"))
    assert [ln.role for ln in notice.lines] == [NoticeLineRole.INFORMATION,
                                                NoticeLineRole.INFORMATION, NoticeLineRole.FEE,
                                                NoticeLineRole.VAT]
    assert notice.lines[2].claim_id == fee_claim_id
    assert uw.premiums.bill_services(ServicesBilling(contract_id=backend.ids["A"],
                                                     month=date(2026, 10, 1))) == []
    assert [p.code for p in backend.open("alice").premiums.prices(backend.ids["A"])] == [
        "CCO", "FEE"]
    with refused(Forbidden, "access.underwriters_only"):
        backend.open("alice").premiums.set_price(PremiumPriceSet(
            contract_id=backend.ids["A"], code="CCO", price=Decimal(1)))


def test_withdrawing_notices(backend: Backend) -> None:
    typed = paper(backend, "AV-9")
    issued = paper(backend, "", login="uw")
    with refused(Forbidden, "access.underwriters_only"):  # the insurer's own notice
        backend.open("alice").premiums.cancel_notice(issued.id, issued.version)
    with refused(Conflict, "premiums.notice_changed"):
        backend.open("alice").premiums.cancel_notice(typed.id, typed.version + 1)
    gone = backend.open("alice").premiums.cancel_notice(typed.id, typed.version)
    assert gone.status == NoticeStatus.CANCELLED
    with refused(RuleViolation, "premiums.notice_paid"):
        backend.open("uw").premiums.cancel_notice(typed.id, gone.version)
    with refused(RuleViolation, "premiums.notice_not_due"):
        backend.open("alice").premiums.pay(PaymentCreate(
            contract_id=backend.ids["A"], paid_on=date(2026, 11, 20), notice_ids=[typed.id]))


def test_a_bought_topliner_gets_its_notice_in_its_billed_currency(backend: Backend) -> None:
    from tests.contract.test_products_topliner_quotes import quote

    bob = backend.open("bob")
    q = quote(backend)
    assert bob.premiums.notices(NoticeFilter(kind=NoticeKind.TOPLINER)).total == 0  # a quote
    bought = bob.products.answer_topliner_quote(q.id, "buy", q.version)
    (notice,) = bob.premiums.notices(NoticeFilter(kind=NoticeKind.TOPLINER)).items
    assert (notice.product_id, notice.total, notice.currency, notice.origin) == (
        bought.id, bought.premium, bought.currency, NoticeOrigin.INSURER)
    assert notice.number.startswith("PRM-2026-")
    assert (notice.period_start, notice.period_end) == (bought.effective_date, bought.end_date)


def test_racing_payments_and_numbers(backend: Backend) -> None:
    """Two payments of the same notice: one is recorded, the other refused; notices
    issued at the same moment get distinct numbers with no gap."""
    from tests.contract.test_turnover import race

    make_books(backend)
    notice = paper(backend, "RACE-1")
    outcomes = race(*[lambda: backend.open("alice").premiums.pay(PaymentCreate(
        contract_id=backend.ids["A"], paid_on=date(2026, 11, 20), notice_ids=[notice.id]))
        for _ in range(2)])
    refusals = [o for o in outcomes if isinstance(o, RuleViolation)]
    assert len(refusals) == 1 and refusals[0].code == "premiums.notice_not_due"
    assert backend.open("alice").premiums.payments(backend.ids["A"]).total == 1
    issued = race(*[lambda: paper(backend, "", login="uw") for _ in range(3)])
    assert sorted(n.number for n in issued if isinstance(n, NoticePublic)) == [
        f"PRM-2026-{i:06d}" for i in range(1, 4)]
