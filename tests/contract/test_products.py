"""``repo.products`` read: a company's products and their history, pending requests,
WAP, and Home's data: the ending guarantees page through all rows with their true
total, and the TopLiner end alert is a notification raised once per product and day,
whoever asks and however often."""

from __future__ import annotations

import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.errors import Forbidden, NotFound
from cofatui.models import EndAlert, Notification, Product
from cofatui.schemas import NotificationFilter
from tests.contract import dataset
from tests.contract.conftest import Backend

ENDING = 130  # more than one page of 50


def add_cover(backend: Backend, company: str, code: str, end_in_days: int,
              status: str = "granted", contract: str = "A") -> int:
    with Session(backend.engine) as s:
        product = Product(
            contract_id=backend.ids[contract], company_id=backend.ids[company], code=code,
            status=status, requested_amount=Decimal(40000), decided_amount=Decimal(40000),
            currency="EUR", requested_at=dataset.NOW - timedelta(days=60),
            decided_at=dataset.NOW - timedelta(days=59), updated_at=dataset.NOW,
            effective_date=date(2026, 1, 1), end_date=dataset.TODAY + timedelta(days=end_in_days),
            decided_by="rule:auto", duration_days=90 if code == "TOPLINER" else None)
        s.add(product)
        s.commit()
        assert product.id is not None
        return product.id


def end_alerts(backend: Backend, product_id: int) -> list[Notification]:
    with Session(backend.engine) as s:
        return list(s.execute(select(Notification).where(
            col(Notification.product_id) == product_id,
            col(Notification.type) == "end_of_cover")).scalars())


def test_products_and_history_are_scoped_to_the_contract(backend: Backend) -> None:
    alice, bob = backend.open("alice"), backend.open("bob")
    codes = [p.code for p in alice.products.of_company(backend.ids["A"], backend.ids["beta"])]
    assert codes == ["CRL"]
    assert alice.products.history(backend.ids["p_beta_crl"])[0].action == "request"
    with pytest.raises(NotFound):
        bob.products.history(backend.ids["p_beta_crl"])
    with pytest.raises(Forbidden):
        bob.products.of_company(backend.ids["A"], backend.ids["beta"])


def test_pending_requests_and_ending_guarantees(backend: Backend) -> None:
    repo = backend.open("alice")
    page = repo.products.pending_requests(backend.ids["A"])
    pending = page.items
    assert [(p.company_name, p.code) for p in pending] == [("Foo [UK] Ltd", "CRL")]
    assert page.total == 1 and pending[0].kind == "initial"
    assert pending[0].expected_decision_at is not None
    ending = repo.products.ending_guarantees(backend.ids["A"], within_days=30)
    assert [(e.company_name, e.code) for e in ending.items] == [("Alpha Industries Lyon",
                                                                  "RLI")]
    assert ending.total == 1
    soon = repo.products.ending_guarantees(backend.ids["A"], within_days=5)
    assert soon.items == [] and soon.total == 0


def test_wap_weights_dra_by_active_credit_decision(backend: Backend) -> None:
    summary = backend.open("alice").products.wap(backend.ids["A"])
    # alpha DRA 7 x 100 000, beta DRA 4 x 50 000, delta (RLI) DRA 7 x 15 000
    expected = (Decimal(7) * 100000 + Decimal(4) * 50000 + Decimal(7) * 15000) / 165000
    assert summary.wap == expected.quantize(Decimal("0.1"))
    assert summary.distribution["6-7"] == Decimal("115000")
    assert summary.distribution["4-5"] == Decimal("50000")
    assert summary.companies == 5
    with pytest.raises(Forbidden):
        backend.open("bob").products.wap(backend.ids["A"])


def test_ending_guarantees_page_through_every_row_with_the_true_total(
        backend: Backend) -> None:
    companies = list(dataset.COMPANIES)
    for i in range(ENDING):
        add_cover(backend, companies[i % len(companies)], "CRL", i % 29 + 1)
    add_cover(backend, "alpha", "CRL", 31)  # after the window
    add_cover(backend, "alpha", "CRL", -1)  # already ended
    add_cover(backend, "beta", "CRL", 3, status="refused")  # no cover
    add_cover(backend, "epsilon", "CRL", 3, contract="B")  # another contract
    repo = backend.open("alice")
    contract = backend.ids["A"]
    rows = []
    offset = 0
    while True:
        page = repo.products.ending_guarantees(contract, 30, offset, 50)
        assert page.total == ENDING + 1  # and the dataset's RLI ending in 10 days
        assert len(page.items) <= 50
        if not page.items:
            break
        rows += page.items
        offset += len(page.items)
    assert len(rows) == ENDING + 1 == len({r.product_id for r in rows})
    assert [(r.end_date, r.product_id) for r in rows] == sorted(
        (r.end_date, r.product_id) for r in rows)
    assert all(dataset.TODAY <= r.end_date <= dataset.TODAY + timedelta(days=30) for r in rows)
    assert all(r.status is not None and r.version >= 1 for r in rows)
    soon = repo.products.ending_guarantees(contract, 5, 0, 500)
    assert soon.total == len(soon.items) == sum(
        1 for r in rows if r.end_date <= dataset.TODAY + timedelta(days=5))


def test_ending_guarantees_need_access_to_the_contract(backend: Backend) -> None:
    with pytest.raises(Forbidden):
        backend.open("bob").products.ending_guarantees(backend.ids["A"], 30)


def test_topliner_end_alert_is_raised_once_per_product_per_day(backend: Backend) -> None:
    soon = add_cover(backend, "alpha", "TOPLINER", 3)
    last_day = add_cover(backend, "beta", "TOPLINER", 0)
    later = add_cover(backend, "gamma", "TOPLINER", 6)  # not within five days yet
    crl = add_cover(backend, "foo", "CRL", 2)  # only TopLiners alert
    quoted = add_cover(backend, "gamma", "TOPLINER", 2, status="quoted")  # not bought
    contract = backend.ids["A"]
    alice = backend.open("alice")
    assert alice.products.raise_end_alerts(contract) == 2
    for login in ("alice", "reader", "both", "admin"):  # other users, later calls
        assert backend.open(login).products.raise_end_alerts(contract) == 0
    alice.products.ending_guarantees(contract, 30)  # what Home reads (the server raises there too)
    assert [len(end_alerts(backend, p)) for p in (soon, last_day, later, crl, quoted)] \
        == [1, 1, 0, 0, 0]
    note = end_alerts(backend, soon)[0]
    assert note.importance == "high" and note.company_id == backend.ids["alpha"]
    assert "TopLiner ends in 3 days" in note.title
    assert "ends today" in end_alerts(backend, last_day)[0].title
    shown = alice.notifications.rows(NotificationFilter(contract_id=contract, type="end_of_cover"),
                                0, 10)
    assert shown.total == 2


def test_topliner_end_alert_again_the_next_day(backend: Backend) -> None:
    soon = add_cover(backend, "alpha", "TOPLINER", 3)
    contract = backend.ids["A"]
    with Session(backend.engine) as s:  # yesterday's alert does not stand for today's
        s.add(EndAlert(product_id=soon, day=dataset.TODAY - timedelta(days=1)))
        s.commit()
    repo = backend.open("alice")
    assert repo.products.raise_end_alerts(contract) == 1
    assert repo.products.raise_end_alerts(contract) == 0
    if backend.name == "http-server":
        return  # that server's clock is fixed in its own process
    for day in range(1, 5):  # 2, 1, 0 days left: one a day; then it has ended
        backend.clock.advance(days=1)
        created = repo.products.raise_end_alerts(contract)
        assert created == (1 if day <= 3 else 0)
        assert repo.products.raise_end_alerts(contract) == 0
    assert len(end_alerts(backend, soon)) == 4


def test_concurrent_raisers_add_one_end_alert(backend: Backend) -> None:
    soon = add_cover(backend, "alpha", "TOPLINER", 1)
    contract = backend.ids["A"]
    repos = [backend.open(login) for login in ("alice", "both", "admin", "reader")]
    barrier = threading.Barrier(len(repos))
    created: list[int] = []
    errors: list[BaseException] = []

    def raise_alerts(repo: object) -> None:
        barrier.wait()
        try:
            created.append(repo.products.raise_end_alerts(contract))  # type: ignore[attr-defined]
        except BaseException as exc:  # reported below, with the others
            errors.append(exc)

    threads = [threading.Thread(target=raise_alerts, args=(r,)) for r in repos]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(created) == [0] * (len(repos) - 1) + [1]
    assert len(end_alerts(backend, soon)) == 1
    with Session(backend.engine) as s:
        assert s.execute(select(func.count()).select_from(EndAlert)).scalar_one() == 1
