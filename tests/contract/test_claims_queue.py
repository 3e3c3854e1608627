"""The claims handler's queue on every backend: registered claims of every
policyholder, oldest submission first, open ones by default, filtered by status,
contract, intervention and amount (with a currency), paged, for handlers only."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.enums import ClaimStatus
from cofatui.errors import Forbidden, ValidationFailed
from cofatui.models import Claim
from cofatui.schemas import (
    ClaimCreate,
    ClaimQueueFilter,
    ClaimStatusChange,
    InvoiceLine,
)
from tests.contract.conftest import Backend
from tests.contract.dataset import NOW, TODAY

#: key -> (user, contract, debtor, amount excl. tax (tax 20 %), intervention, hours ago)
CLAIMS = {
    "alpha": ("alice", "A", "alpha", "1000", False, 30),
    "beta": ("alice", "A", "beta", "2000", True, 10),
    "gamma": ("alice", "A", "gamma", "500", False, 20),
    "epsilon": ("bob", "B", "epsilon", "3000", True, 50),
    "foo": ("alice", "A", "foo", "100", False, 40),
    "beta_b": ("bob", "B", "beta", "400", False, 25),
}


def build(backend: Backend) -> dict[str, int]:
    """The claims above, submitted hours apart (not in id order), then: beta accepted,
    foo closed, beta_b rejected by the handler."""
    ids: dict[str, int] = {}
    for key, (user, contract, debtor, amount, intervention, _) in CLAIMS.items():
        excl = Decimal(amount)
        claim = backend.open(user).claims.submit(ClaimCreate(
            contact_name="Alice", contact_email="alice@example.test",
            contract_id=backend.ids[contract], company_id=backend.ids[debtor],
            reason="insolvency", intervention_requested=intervention,
            invoices=[InvoiceLine(type="IN", number="1", invoice_date=TODAY - timedelta(40),
                                  due_date=TODAY - timedelta(10), currency="EUR",
                                  amount_excl_tax=excl, tax=excl / 5)]))
        ids[key] = claim.id
    with Session(backend.engine) as s:  # the server's database on every backend
        for key, (*_, hours) in CLAIMS.items():
            s.execute(update(Claim).where(col(Claim.id) == ids[key])
                      .values(submitted_at=NOW - timedelta(hours=hours)))
        s.commit()
    uw = backend.open("uw")
    for key, status, comment in (("beta", "accepted", ""), ("foo", "closed", ""),
                                 ("beta_b", "rejected", "Not insured")):
        version = uw.claims.detail(ids[key]).claim.version
        change = ClaimStatusChange(status=ClaimStatus(status), comment=comment)
        uw.claims.set_status(ids[key], change, version)
    return ids


def queue(backend: Backend, **flt: object) -> list[str]:
    page = backend.open("uw").claims.queue(ClaimQueueFilter(**flt))  # type: ignore[arg-type]
    names = {v: k for k, v in _ids.items()}
    assert page.total == len(page.items)
    return [names[i.claim_id] for i in page.items]


_ids: dict[str, int] = {}


@pytest.fixture
def claims(backend: Backend) -> dict[str, int]:
    _ids.clear()
    _ids.update(build(backend))
    return _ids


def test_claims_queue_lists_open_claims_of_every_policyholder_oldest_first(
        backend: Backend, claims: dict[str, int]) -> None:
    assert queue(backend) == ["epsilon", "alpha", "beta_b", "gamma", "beta"]
    item = backend.open("uw").claims.queue().items[0]
    assert (item.policy_number, item.policyholder, item.company_name) == (
        "P-B", "Holder B", "Epsilon Transports")
    assert (item.status, item.claim_amount, item.currency) == ("pending", Decimal("3600.00"),
                                                               "EUR")
    assert item.intervention_requested and item.reference and item.reference.startswith("DMS-")
    assert item.submitted_at == NOW - timedelta(hours=50)


def test_claims_queue_filter_by_status(backend: Backend, claims: dict[str, int]) -> None:
    assert queue(backend, status="pending") == ["epsilon", "alpha", "gamma"]
    assert queue(backend, status="accepted") == ["beta"]
    assert queue(backend, status="closed") == ["foo"]
    with pytest.raises(ValidationFailed) as refused:
        backend.open("uw").claims.queue(ClaimQueueFilter(status=ClaimStatus.DRAFT))
    assert set(refused.value.by_field()) == {"status"}


def test_claims_queue_filter_by_contract(backend: Backend, claims: dict[str, int]) -> None:
    assert queue(backend, contract_id=backend.ids["B"]) == ["epsilon", "beta_b"]
    assert queue(backend, contract_id=backend.ids["A"]) == ["alpha", "gamma", "beta"]


def test_claims_queue_filter_by_intervention_requested(backend: Backend,
                                                       claims: dict[str, int]) -> None:
    assert queue(backend, intervention_requested=True) == ["epsilon", "beta"]
    assert queue(backend, intervention_requested=False) == ["alpha", "beta_b", "gamma"]


def test_claims_queue_filter_by_amount_in_one_currency(backend: Backend,
                                                       claims: dict[str, int]) -> None:
    # Claim amounts: alpha 1200, beta 2400, gamma 600, epsilon 3600, beta_b 480.
    assert queue(backend, amount_min=Decimal(600), currency="EUR") == [
        "epsilon", "alpha", "gamma", "beta"]
    assert queue(backend, amount_max=Decimal("1200.00"), currency="EUR") == [
        "alpha", "beta_b", "gamma"]
    assert queue(backend, amount_min=Decimal(1000), amount_max=Decimal(3000),
                 contract_id=backend.ids["A"]) == ["alpha", "beta"]
    assert queue(backend, amount_min=Decimal(1), currency="USD") == []


def test_claims_queue_amount_needs_a_currency_and_an_order(backend: Backend,
                                                           claims: dict[str, int]) -> None:
    uw = backend.open("uw")
    with pytest.raises(ValidationFailed) as refused:
        uw.claims.queue(ClaimQueueFilter(amount_min=Decimal(100)))
    assert set(refused.value.by_field()) == {"currency"}
    with pytest.raises(ValidationFailed) as refused:
        uw.claims.queue(ClaimQueueFilter(amount_min=Decimal(5), amount_max=Decimal(4),
                                         currency="EUR"))
    assert set(refused.value.by_field()) == {"amount_max"}
    with pytest.raises(ValidationFailed) as refused:
        uw.claims.queue(ClaimQueueFilter(amount_min=Decimal(-1), currency="EUR"))
    assert set(refused.value.by_field()) == {"amount_min"}


def test_claims_queue_only_for_the_claims_handler(backend: Backend,
                                                  claims: dict[str, int]) -> None:
    for login in ("alice", "admin", "both"):
        with pytest.raises(Forbidden):
            backend.open(login).claims.queue()


def test_claims_queue_pages_give_every_claim_once_in_order(backend: Backend,
                                                           claims: dict[str, int]) -> None:
    uw = backend.open("uw")
    everything = [i.claim_id for i in uw.claims.queue(ClaimQueueFilter()).items]
    for limit in (1, 2, 3):
        seen: list[int] = []
        for offset in range(0, 6, limit):
            page = uw.claims.queue(ClaimQueueFilter(), offset, limit)
            assert page.total == 5 and (page.offset, page.limit) == (offset, limit)
            seen += [i.claim_id for i in page.items]
        assert seen == everything
    assert uw.claims.queue(ClaimQueueFilter(), 5, 2).items == []
