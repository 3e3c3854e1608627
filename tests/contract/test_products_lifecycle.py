"""The decision lifecycle (SPEC §5): a standing decision survives the requests made on
it. Each test is named after the rule it shows; every backend runs it.

Dataset: Alpha holds a credit limit (CRL) of EUR 100,000 granted under contract A; Delta
an @rating cover (RLI) of EUR 15,000 ending in ten days; Foo a first request pending;
the contract's decision tables are those a contract starts with (no rule decides a
credit limit, so it waits for an underwriter; an @rating cover is priced from the DRA).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

import pytest

from cofatui.enums import ClaimStatus, ProductStatus
from cofatui.errors import Conflict, RuleViolation, ValidationFailed
from cofatui.schemas import (
    ClaimCreate,
    InvoiceLine,
    NotificationFilter,
    PortfolioCriteria,
    ProductPublic,
    QueueFilter,
    UnderwriterDecisionInput,
)
from tests.contract.conftest import Backend
from tests.contract.dataset import TODAY
from tests.contract.refusals import refused
from tests.contract.test_products_commands import request


def product(backend: Backend, company: str, code: str, login: str = "alice") -> ProductPublic:
    return next(p for p in backend.open(login).products.of_company(backend.ids["A"],
                                                                backend.ids[company])
                if p.code == code and p.status != ProductStatus.REPLACED)


def alpha_increase(backend: Backend, amount: int = 120000) -> ProductPublic:
    crl = product(backend, "alpha", "CRL")
    return backend.open("alice").products.modify(crl.id, Decimal(amount), crl.version)


def decide(backend: Backend, product_id: int, kind: str, amount: int | None = None,
           comment: str = "", end_in_days: int | None = None) -> ProductPublic:
    uw = backend.open("uw")
    item = next(i for i in uw.underwriting.queue().items if i.product_id == product_id)
    return uw.underwriting.decide(product_id, UnderwriterDecisionInput(
        decision=kind, amount=None if amount is None else Decimal(amount), comment=comment,
        end_date=None if end_in_days is None else TODAY + timedelta(days=end_in_days)),
        item.version)


def test_pending_requests_are_paged_over_all_rows_with_the_true_total(backend: Backend) -> None:
    alice = backend.open("alice")
    made = alice.products.request(request(backend, "CRL", amount=Decimal(900000)))
    amended = alpha_increase(backend)
    first = alice.products.pending_requests(backend.ids["A"], offset=0, limit=2)
    assert first.total == 3 and len(first.items) == 2
    rest = alice.products.pending_requests(backend.ids["A"], offset=2, limit=2)
    assert rest.total == 3
    ids = [p.product_id for p in first.items + rest.items]
    assert ids == [backend.ids["p_foo_crl"], made.id, amended.id]
    assert first.items[1].kind == "initial" and first.items[1].standing_amount is None
    last = rest.items[0]
    assert last.kind == "modify" and last.requested_amount == Decimal(120000)
    assert last.standing_status == ProductStatus.GRANTED
    assert last.standing_amount == Decimal(100000)
    assert alice.products.pending_requests(backend.ids["A"], offset=3).items == []


def test_an_increase_waits_beside_the_standing_decision(backend: Backend) -> None:
    amended = alpha_increase(backend)
    assert amended.status == ProductStatus.GRANTED
    assert amended.decided_amount == Decimal(100000)
    asked = amended.pending_request
    assert asked is not None and asked.kind == "modify" and asked.status == "pending"
    assert asked.requested_amount == Decimal(120000)
    assert asked.expected_decision_at is not None


def test_cancelling_a_pending_increase_keeps_the_standing_credit_limit(backend: Backend) -> None:
    alice = backend.open("alice")
    amended = alpha_increase(backend)
    kept = alice.products.cancel_request(amended.id, amended.version)
    assert kept.status == ProductStatus.GRANTED
    assert kept.decided_amount == Decimal(100000) and kept.pending_request is None
    assert alice.products.pending_requests(backend.ids["A"]).total == 1  # Foo's first request only
    rows = {r.company_name: r for r in alice.portfolio.rows(backend.ids["A"]).items}
    alpha = rows["Alpha Industries"]
    assert alpha.cover_amount == Decimal(100000) and alpha.request_kind is None
    assert "cancel_request" in {e.action for e in alice.products.history(kept.id)}


def test_cancelling_needs_a_pending_request(backend: Backend) -> None:
    crl = product(backend, "alpha", "CRL")
    with refused(RuleViolation, "products.no_request_pending"):
        backend.open("alice").products.cancel_request(crl.id, crl.version)


def test_underwriter_refusing_an_increase_keeps_the_standing_decision_and_says_so(
        backend: Backend) -> None:
    alice = backend.open("alice")
    amended = alpha_increase(backend)
    refused = decide(backend, amended.id, "refuse", comment="Exposure too high")
    assert refused.status == ProductStatus.GRANTED
    assert refused.decided_amount == Decimal(100000) and refused.pending_request is None
    titles = [n.title for n in alice.notifications.rows(NotificationFilter(
        text="alpha industries", type="decision")).items]
    assert "Increase to €120,000.00 refused; your credit limit of €100,000.00 remains" \
        in titles


def test_granted_increase_becomes_the_standing_decision_and_the_old_one_is_replaced(
        backend: Backend) -> None:
    alice = backend.open("alice")
    amended = alpha_increase(backend)
    granted = decide(backend, amended.id, "grant")
    assert granted.status == ProductStatus.GRANTED
    assert granted.decided_amount == Decimal(120000) and granted.decided_by == "uw"
    history = alice.products.history(granted.id)
    replaced = [e for e in history if e.action == "replaced"]
    assert len(replaced) == 1
    assert replaced[0].status == "replaced" and replaced[0].amount == Decimal(100000)


def test_partly_granted_increase_becomes_the_standing_decision(backend: Backend) -> None:
    amended = alpha_increase(backend)
    partly = decide(backend, amended.id, "partial", amount=110000, comment="Part of it")
    assert partly.status == ProductStatus.PARTIALLY_GRANTED
    assert partly.decided_amount == Decimal(110000)


def test_delete_is_refused_while_a_request_is_pending(backend: Backend) -> None:
    alice = backend.open("alice")
    amended = alpha_increase(backend)
    with refused(RuleViolation, "products.request_pending"):
        alice.products.delete(amended.id, amended.version)
    assert product(backend, "alpha", "CRL").status == ProductStatus.GRANTED


def test_delete_of_a_product_that_is_only_a_first_request_cancels_it(backend: Backend) -> None:
    alice = backend.open("alice")
    foo = product(backend, "foo", "CRL")
    assert foo.pending_request is not None and foo.pending_request.kind == "initial"
    gone = alice.products.delete(foo.id, foo.version)
    assert gone.status == ProductStatus.DELETED and gone.pending_request is None
    assert alice.products.pending_requests(backend.ids["A"]).total == 0


def test_readers_use_the_standing_decision_during_a_pending_amendment(backend: Backend) -> None:
    alice = backend.open("alice")
    claim = alice.claims.submit(ClaimCreate(
        contact_name="Alice", contact_email="alice@example.test",
        contract_id=backend.ids["A"], company_id=backend.ids["alpha"], reason="insolvency",
        invoices=[InvoiceLine(type="IN", number="A-1", invoice_date=TODAY - timedelta(days=40),
                              due_date=TODAY - timedelta(days=10), currency="EUR",
                              amount_excl_tax=Decimal("1000.00"))]))
    wap_before = alice.products.wap(backend.ids["A"])
    amended = alpha_increase(backend)
    delta = product(backend, "delta", "RLI")
    assert alice.products.wap(backend.ids["A"]) == wap_before
    rows = {r.company_name: r for r in alice.portfolio.rows(backend.ids["A"]).items}
    alpha = rows["Alpha Industries"]
    assert alpha.cover_status == ProductStatus.GRANTED
    assert alpha.cover_amount == Decimal(100000)
    assert alpha.request_kind == "modify" and alpha.request_amount == Decimal(120000)
    assert alpha.request_expected_at is not None
    pending = alice.portfolio.rows(backend.ids["A"], PortfolioCriteria(
        statuses=[ProductStatus.PENDING])).items
    assert {r.company_name for r in pending} == {"Alpha Industries", "Foo [UK] Ltd"}
    granted = alice.portfolio.rows(backend.ids["A"], PortfolioCriteria(
        statuses=[ProductStatus.GRANTED], text="alpha industries")).items
    assert "Alpha Industries" in {r.company_name for r in granted}
    assert alice.claims.detail(claim.id).credit_limit == Decimal(100000)
    assert claim.status in (ClaimStatus.PENDING, ClaimStatus.DRAFT)
    menu = {m.code: m for m in alice.products.new_action_menu(backend.ids["A"],
                                                              backend.ids["alpha"])}
    assert menu["CRL"].reason_code == "cover_exists"
    # Delta's @rating cover ends in ten days; asked to become an Agrément, it stays
    # among the guarantees ending, with its amount, while the request waits.
    waiting = alice.products.transform(delta.id, "CRL", delta.version, Decimal(30000))
    assert waiting.pending_request is not None
    ending = alice.products.ending_guarantees(backend.ids["A"], within_days=30).items
    assert [(e.product_id, e.decided_amount) for e in ending] == [(delta.id, Decimal(15000))]
    assert amended.decided_amount == Decimal(100000)


def test_underwriter_queue_shows_the_standing_decision_beside_the_request(
        backend: Backend) -> None:
    amended = alpha_increase(backend)
    queue = backend.open("uw").underwriting.queue(QueueFilter(text="alpha"))
    item = next(i for i in queue.items if i.product_id == amended.id)
    assert item.kind == "modify" and item.requested_amount == Decimal(120000)
    assert item.standing_status == ProductStatus.GRANTED
    assert item.standing_amount == Decimal(100000)
    assert item.request_id == amended.pending_request.id  # type: ignore[union-attr]
    first = next(i for i in backend.open("uw").underwriting.queue().items
                 if i.product_id == backend.ids["p_foo_crl"])
    assert first.kind == "initial" and first.standing_status is None


def test_one_pending_request_per_product(backend: Backend) -> None:
    alice = backend.open("alice")
    amended = alpha_increase(backend)
    asks: tuple[Callable[[], object], ...] = (
        lambda: alice.products.modify(amended.id, Decimal(130000), amended.version),
        lambda: alice.products.transform(amended.id, "RLI", amended.version))
    for ask in asks:
        with refused(RuleViolation, "products.request_pending"):
            ask()
    assert alice.products.pending_requests(backend.ids["A"]).total == 2


def test_stale_versions_are_conflicts(backend: Backend) -> None:
    alice = backend.open("alice")
    crl = product(backend, "alpha", "CRL")
    amended = alice.products.modify(crl.id, Decimal(120000), crl.version)
    assert amended.version > crl.version  # asking moves the product's version
    with pytest.raises(Conflict):
        alice.products.cancel_request(amended.id, crl.version)
    with pytest.raises(Conflict):
        backend.open("uw").underwriting.decide(amended.id, UnderwriterDecisionInput(
            decision="grant"), crl.version)
    kept = alice.products.cancel_request(amended.id, amended.version)
    with pytest.raises(Conflict):
        alice.products.modify(kept.id, Decimal(1000), amended.version)


def test_transform_into_rating_cover_is_decided_like_a_rating_cover_on_the_buyer(
        backend: Backend) -> None:
    alice = backend.open("alice")
    crl = product(backend, "alpha", "CRL")
    rli = alice.products.transform(crl.id, "RLI", crl.version)
    # The contract's grid prices an @rating cover on a DRA 7 buyer at EUR 50,000.
    assert rli.code == "RLI" and rli.id != crl.id
    assert rli.status == ProductStatus.GRANTED and rli.decided_amount == Decimal(50000)
    assert rli.decided_by.startswith("rule:")
    old = next(p for p in alice.products.of_company(backend.ids["A"], backend.ids["alpha"])
               if p.id == crl.id)
    assert old.status == ProductStatus.REPLACED
    assert "replaced" in {e.action for e in alice.products.history(crl.id)}


def test_transform_refused_by_the_rules_keeps_the_credit_limit(backend: Backend) -> None:
    alice, uw = backend.open("alice"), backend.open("uw")
    company = alice.companies.get(backend.ids["alpha"])
    uw.underwriting.set_company_dra(company.id, 2, company.version)  # below the @rating threshold
    crl = product(backend, "alpha", "CRL")
    kept = alice.products.transform(crl.id, "RLI", crl.version)
    assert kept.id == crl.id and kept.code == "CRL"
    assert kept.status == ProductStatus.GRANTED and kept.decided_amount == Decimal(100000)
    titles = [n.title for n in alice.notifications.rows(NotificationFilter(
        text="alpha industries", type="decision")).items]
    assert "Transform of your credit limit into @rating cover refused; your credit limit " \
           "of €100,000.00 remains" in titles


def test_transform_into_credit_limit_asks_an_amount_and_keeps_the_rating_cover_meanwhile(
        backend: Backend) -> None:
    alice = backend.open("alice")
    rli = product(backend, "delta", "RLI")
    with pytest.raises(ValidationFailed) as err:
        alice.products.transform(rli.id, "CRL", rli.version)
    assert "amount" in err.value.by_field()
    waiting = alice.products.transform(rli.id, "CRL", rli.version, Decimal(30000))
    assert waiting.id == rli.id and waiting.status == ProductStatus.GRANTED
    asked = waiting.pending_request
    assert asked is not None and asked.kind == "transform" and asked.target_code == "CRL"
    rows = {r.company_name: r for r in alice.portfolio.rows(backend.ids["A"]).items}
    assert rows["Alpha Industries Lyon"].cover_amount == Decimal(15000)
    crl = decide(backend, rli.id, "grant")
    assert crl.code == "CRL" and crl.decided_amount == Decimal(30000)
    assert crl.status == ProductStatus.GRANTED
    assert product(backend, "delta", "CRL").id == crl.id
    rows = {r.company_name: r for r in alice.portfolio.rows(backend.ids["A"]).items}
    assert rows["Alpha Industries Lyon"].cover_amount == Decimal(30000)


def test_renewal_is_a_request_decided_like_an_amendment(backend: Backend) -> None:
    alice = backend.open("alice")
    first = alice.products.request(request(backend, "CRL", amount=Decimal(30000)))
    dated = decide(backend, first.id, "grant", end_in_days=20)
    assert dated.end_date == TODAY + timedelta(days=20)
    crl = product(backend, "epsilon", "CRL")
    with refused(RuleViolation, "products.not_renewable"):
        alpha = product(backend, "alpha", "CRL")
        alice.products.renew(alpha.id, alpha.version)
    waiting = alice.products.renew(crl.id, crl.version)
    asked = waiting.pending_request
    assert asked is not None and asked.kind == "renew" and asked.duration_days == 20
    assert waiting.end_date == TODAY + timedelta(days=20)
    renewed = decide(backend, crl.id, "grant")
    assert renewed.end_date == TODAY + timedelta(days=40)
    assert renewed.decided_amount == Decimal(30000)
    assert "replaced" in {e.action for e in alice.products.history(crl.id)}


def test_refused_renewal_keeps_the_cover_until_its_end(backend: Backend) -> None:
    alice = backend.open("alice")
    first = alice.products.request(request(backend, "CRL", amount=Decimal(30000)))
    decide(backend, first.id, "grant", end_in_days=20)
    crl = product(backend, "epsilon", "CRL")
    waiting = alice.products.renew(crl.id, crl.version)
    kept = decide(backend, waiting.id, "refuse", comment="Not again")
    assert kept.end_date == TODAY + timedelta(days=20)
    assert kept.status == ProductStatus.GRANTED and kept.decided_amount == Decimal(30000)
