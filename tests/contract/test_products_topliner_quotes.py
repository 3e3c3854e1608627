"""TopLiner quotes (SPEC §5; seed 001 "Garantie TopLiner"): an accepted TopLiner is a
quote — amount granted, validity period, premium and currency — that the user refuses,
simulates again (a refusal too) or buys. Contract B's Beta has a reduced Agrément, so a
TopLiner may be asked for there. It is an online simulation: the contract's tables
(``rules.underwriting``: rule topliner-online, DRA 3+ up to 100,000; Beta's DRA 4 is in
the 1.80 %-a-year band) quote it at once; beyond them an underwriter decides."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from cofatui.enums import NotificationType, ProductStatus
from cofatui.errors import Conflict, Forbidden, NotFound, RuleViolation, ValidationFailed
from cofatui.models import Product, UnderwritingRule
from cofatui.rules.products import TOPLINER_QUOTE_VALID_DAYS
from cofatui.schemas import (
    NotificationFilter,
    PortfolioCriteria,
    ProductPublic,
    ProductRequest,
    QueueFilter,
    UnderwriterDecisionInput,
)
from tests.contract import dataset
from tests.contract.conftest import Backend
from tests.contract.refusals import refused

TODAY = dataset.TODAY


def topliner(backend: Backend, contract: str = "B", company: str = "beta",
             amount: int = 60000, days: int = 60) -> ProductRequest:
    return ProductRequest(contract_id=backend.ids[contract], company_id=backend.ids[company],
                          code="TOPLINER", amount=Decimal(amount), duration_days=days)


def add_topliner_refusal(backend: Backend, contract: str = "B") -> None:
    """A rule of the contract, tried first, refuses every TopLiner."""
    with Session(backend.engine) as s:
        s.add(UnderwritingRule(contract_id=backend.ids[contract], product_code="TOPLINER",
                               name="topliner-closed", priority=1, min_dra=None,
                               decision="refused", reason="No TopLiner on this contract."))
        s.commit()


def quote(backend: Backend, login: str = "bob", contract: str = "B",
          company: str = "beta") -> ProductPublic:
    return backend.open(login).products.request(topliner(backend, contract, company))


def test_accepted_topliner_is_a_quote_not_a_cover(backend: Backend) -> None:
    bob = backend.open("bob")
    wap_before = bob.products.wap(backend.ids["B"]).wap
    q = quote(backend)
    assert q.status == ProductStatus.QUOTED
    assert q.requested_amount == q.decided_amount == Decimal(60000)
    assert q.currency == "EUR" and q.decided_by == "rule:topliner-online"
    assert q.premium == Decimal("177.53")  # 60,000 x 1.80 % x 60 / 365
    assert (q.effective_date, q.end_date) == (TODAY, TODAY + timedelta(days=60))
    assert q.duration_days == 60
    assert q.quote_valid_until == TODAY + timedelta(days=TOPLINER_QUOTE_VALID_DAYS)
    assert bob.products.wap(backend.ids["B"]).wap == wap_before
    assert all(g.product_id != q.id for g in bob.products.ending_guarantees(backend.ids["B"],
                                                                            365).items)
    row = bob.portfolio.rows(backend.ids["B"], PortfolioCriteria(text="beta")).items[0]
    assert row.cover_amount == Decimal(5000)  # the reduced Agrément, not the quote
    # While the quote waits, no second TopLiner.
    with refused(RuleViolation, "products.topliner_quote_open"):
        bob.products.request(topliner(backend))
    menu = {m.code: m for m in bob.products.new_action_menu(backend.ids["B"], backend.ids["beta"])}
    assert menu["TOPLINER"].reason_code == "topliner_quote_open"


def test_refused_topliner_decision_stays_refused(backend: Backend) -> None:
    add_topliner_refusal(backend)
    refused = backend.open("bob").products.request(topliner(backend))
    assert refused.status == ProductStatus.REFUSED
    assert refused.decided_by == "rule:topliner-closed"
    assert refused.comment == "No TopLiner on this contract."
    assert refused.premium is None and refused.quote_valid_until is None


def test_underwriter_accepting_a_topliner_makes_a_quote(backend: Backend) -> None:
    bob, uw = backend.open("bob"), backend.open("uw")
    # Beyond the contract's online limit (100,000): an underwriter decides.
    pending = bob.products.request(topliner(backend, amount=150000, days=30))
    assert pending.status == ProductStatus.PENDING
    item = next(i for i in uw.underwriting.queue(QueueFilter(code="TOPLINER")).items
                if i.product_id == pending.id)
    decided = uw.underwriting.decide(pending.id, UnderwriterDecisionInput(
        decision="partial", amount=Decimal(50000), comment="Half of it"), item.version)
    assert decided.status == ProductStatus.QUOTED
    # Priced by the tariff: 50,000 x 1.80 % x 30 / 365 = 73.97, below the minimum premium.
    assert decided.decided_amount == Decimal(50000) and decided.premium == Decimal(100)
    assert decided.end_date == TODAY + timedelta(days=30)
    notes = bob.notifications.rows(NotificationFilter(type=NotificationType.DECISION.value)).items
    assert any(n.title.startswith("TopLiner quoted: ") for n in notes)
    bought = bob.products.answer_topliner_quote(decided.id, "buy", decided.version)
    # Less than asked for was offered: the cover bought is a partial one.
    assert bought.status == ProductStatus.PARTIALLY_GRANTED


def test_quote_bought_becomes_the_active_topliner(backend: Backend) -> None:
    bob = backend.open("bob")
    q = quote(backend)
    bought = bob.products.answer_topliner_quote(q.id, "buy", q.version)
    assert bought.status == ProductStatus.GRANTED
    assert bought.decided_amount == Decimal(60000) and bought.premium == q.premium
    assert (bought.effective_date, bought.end_date) == (TODAY, TODAY + timedelta(days=60))
    assert bought.version > q.version
    history = [e.action for e in bob.products.history(q.id)]
    assert history[0] == "quote_buy"
    notes = bob.notifications.rows(NotificationFilter(text="beta")).items
    assert any(n.title.startswith("TopLiner bought: ") for n in notes)
    # It is a cover now: it ends within 60 days and counts in the WAP.
    assert any(g.product_id == q.id for g in bob.products.ending_guarantees(backend.ids["B"],
                                                                            60).items)
    log = backend.open("uw").audit.entries().items
    assert any(e.operation == "answer_topliner_quote" and e.target_id == q.id
               and e.changes["status"] == ["quoted", "granted"] for e in log)
    with pytest.raises(RuleViolation):
        bob.products.answer_topliner_quote(q.id, "refuse", bought.version)


def test_quote_refused_is_recorded(backend: Backend) -> None:
    bob = backend.open("bob")
    q = quote(backend)
    refused = bob.products.answer_topliner_quote(q.id, "refuse", q.version)
    assert refused.status == ProductStatus.REFUSED
    assert bob.products.history(q.id)[0].action == "quote_refuse"
    assert all(g.product_id != q.id for g in bob.products.ending_guarantees(backend.ids["B"],
                                                                            365).items)


def test_new_simulation_records_a_refusal_and_the_same_values_can_be_asked_again(
        backend: Backend) -> None:
    bob = backend.open("bob")
    q = quote(backend)
    refused = bob.products.answer_topliner_quote(q.id, "new_simulation", q.version)
    assert refused.status == ProductStatus.REFUSED
    assert bob.products.history(q.id)[0].action == "quote_new_simulation"
    again = bob.products.request(topliner(backend, amount=int(refused.requested_amount or 0),
                                         days=refused.duration_days or 0))
    assert again.id != q.id and again.status == ProductStatus.QUOTED
    assert (again.requested_amount, again.duration_days) == (Decimal(60000), 60)


def test_stale_quote_answer_is_a_conflict(backend: Backend) -> None:
    bob = backend.open("bob")
    q = quote(backend)
    with pytest.raises(Conflict):
        bob.products.answer_topliner_quote(q.id, "buy", q.version + 1)
    assert bob.products.of_company(backend.ids["B"], backend.ids["beta"])[0].status == \
        ProductStatus.QUOTED


def test_expired_quote_cannot_be_answered(backend: Backend) -> None:
    bob = backend.open("bob")
    q = quote(backend)
    with Session(backend.engine) as s:
        s.execute(update(Product).where(Product.id == q.id).values(  # type: ignore[arg-type]
            quote_valid_until=TODAY - timedelta(days=1)))
        s.commit()
    current = next(p for p in bob.products.of_company(backend.ids["B"], backend.ids["beta"])
                   if p.id == q.id)
    with refused(RuleViolation, "products.quote_expired", ended=TODAY - timedelta(days=1)):
        bob.products.answer_topliner_quote(q.id, "buy", current.version)
    # An expired quote no longer holds back a new TopLiner.
    assert bob.products.request(topliner(backend)).status == ProductStatus.QUOTED


def test_quote_answers_are_checked(backend: Backend) -> None:
    bob = backend.open("bob")
    q = quote(backend)
    with pytest.raises(ValidationFailed):
        bob.products.answer_topliner_quote(q.id, "maybe", q.version)
    crl = bob.products.of_company(backend.ids["B"], backend.ids["epsilon"])[0]
    with pytest.raises(RuleViolation):
        bob.products.answer_topliner_quote(crl.id, "buy", crl.version)
    with pytest.raises(RuleViolation):
        bob.products.delete(q.id, q.version)


def test_quote_of_another_contract_cannot_be_answered(backend: Backend) -> None:
    q = quote(backend)
    with pytest.raises(NotFound):
        backend.open("alice").products.answer_topliner_quote(q.id, "buy", q.version)
    # On contract A, the underwriter refuses Foo's pending Agrément: a TopLiner is possible.
    uw = backend.open("uw")
    item = next(i for i in uw.underwriting.queue(QueueFilter(code="CRL")).items
                if i.product_id == backend.ids["p_foo_crl"])
    uw.underwriting.decide(item.product_id, UnderwriterDecisionInput(
        decision="refuse", comment="Too risky"), item.version)
    qa = quote(backend, "alice", contract="A", company="foo")
    assert qa.status == ProductStatus.QUOTED
    with pytest.raises(Forbidden):
        backend.open("reader").products.answer_topliner_quote(qa.id, "buy", qa.version)
    with pytest.raises(NotFound):
        backend.open("bob").products.answer_topliner_quote(qa.id, "buy", qa.version)
