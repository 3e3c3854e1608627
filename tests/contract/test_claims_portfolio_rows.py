"""The claims portfolio is read from rows kept beside the claims (one per debtor, its
latest claim): after every command that writes a claim, the portfolio must be what the
claims themselves say — same debtors, latest claim, count, status, amounts, order
(the latest claim's last change, newest first) and filter — on every backend."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.enums import ClaimStatus
from cofatui.models import Claim, ClaimDebtor, ClaimDebtorCount
from cofatui.repository.base import Repository
from cofatui.repository.sql.latest_claims import rebuild_claim_debtors, refresh_debtor
from cofatui.schemas import (
    AdditionalDeclaration,
    ClaimCreate,
    ClaimStatusChange,
    IndemnityUpdate,
    InvoiceLine,
    LineValidation,
)
from tests.contract.conftest import Backend
from tests.contract.dataset import TODAY

Row = tuple[object, ...]


def invoice(number: str, amount: str = "1000.00") -> InvoiceLine:
    return InvoiceLine(type="IN", number=number, invoice_date=TODAY - timedelta(days=40),
                       due_date=TODAY - timedelta(days=10), currency="EUR",
                       amount_excl_tax=Decimal(amount), tax=Decimal("200.00"))


def submit(backend: Backend, company: str, number: str = "1001"):  # type: ignore[no-untyped-def]
    return backend.open("alice").claims.submit(ClaimCreate(
        contact_name="Alice", contact_email="alice@example.test",
        contract_id=backend.ids["A"], company_id=backend.ids[company], reason="insolvency",
        invoices=[invoice(number)]))


def expected(repo: Repository, contract_id: int) -> list[Row]:
    """From the claims list (newest change first): each debtor's latest registered claim
    (highest id), in the list's order, with its number of claims."""
    claims = repo.claims.rows(contract_id, 0, 500).items
    registered = [c for c in claims if c.status != ClaimStatus.DRAFT]
    count = Counter(c.company_id for c in registered)
    latest = {c.company_id: c.id for c in registered}
    for c in registered:
        latest[c.company_id] = max(latest[c.company_id], c.id)
    return [(c.company_id, c.id, c.reference, c.status, count[c.company_id], c.claim_amount,
             c.covered_amount, c.calculated_indemnity, c.intervention_requested)
            for c in registered if latest[c.company_id] == c.id]


def shown(repo: Repository, contract_id: int, text: str | None = None) -> list[Row]:
    page = repo.claims.portfolio(contract_id, text)
    assert page.total == len(page.items)
    return [(r.company_id, r.latest_claim_id, r.latest_reference, r.latest_status, r.claims,
             r.claim_amount, r.covered_amount, r.calculated_indemnity,
             r.intervention_requested) for r in page.items]


def test_portfolio_follows_every_claim_write(backend: Backend) -> None:
    alice, uw, contract = backend.open("alice"), backend.open("uw"), backend.ids["A"]

    def check() -> list[Row]:
        rows = shown(alice, contract)
        assert rows == expected(alice, contract)
        backend.clock.advance(minutes=1)
        return rows

    beta = submit(backend, "beta")
    gamma = submit(backend, "gamma")
    foo = submit(backend, "foo")
    assert [r[1] for r in check()] == [foo.id, gamma.id, beta.id]

    lines = alice.claims.detail(beta.id).invoices
    beta = uw.claims.validate_lines(beta.id, LineValidation(invoice_ids=[lines[0].id]),
                                   beta.version)
    check()
    gamma = alice.claims.add_declaration(gamma.id, AdditionalDeclaration(
        invoices=[invoice("1002", "300.00")], intervention_requested=True), gamma.version)
    check()
    foo = uw.claims.set_status(foo.id, ClaimStatusChange(status=ClaimStatus.ACCEPTED),
                              foo.version)
    check()
    foo = uw.claims.set_indemnity(foo.id, IndemnityUpdate(), foo.version)
    check()
    beta = uw.claims.set_status(beta.id, ClaimStatusChange(status=ClaimStatus.CLOSED),
                               beta.version)
    check()
    second = submit(backend, "beta", "2001")
    rows = check()
    assert rows[0][:2] == (backend.ids["beta"], second.id) and rows[0][4] == 2
    # Rejected and the newer claim's debtor is still listed once, by its latest claim.
    uw.claims.set_status(second.id, ClaimStatusChange(status=ClaimStatus.REJECTED,
                                                     comment="No proof"), second.version)
    check()

    # The filter matches the debtor's name, its latest claim's reference, its EasyNumber.
    assert [r[1] for r in shown(alice, contract, "gamma")] == [gamma.id]
    assert [r[1] for r in shown(alice, contract, (second.reference or "").lower())] \
        == [second.id]
    assert shown(alice, contract, beta.reference) == []  # not the latest claim any more
    easy = alice.claims.portfolio(contract).items[-1]
    assert [r[0] for r in shown(alice, contract, easy.easy_number)] == [easy.company_id]
    # Needles under three characters are a plain scan, not the trigram index.
    assert {r[0] for r in shown(alice, contract, "ma")} == {backend.ids["beta"],
                                                            backend.ids["gamma"]}


def test_portfolio_pages_and_counts(backend: Backend) -> None:
    alice, contract = backend.open("alice"), backend.ids["A"]
    for company in ("beta", "gamma", "foo", "alpha"):
        submit(backend, company)
        backend.clock.advance(minutes=1)
    whole = alice.claims.portfolio(contract)
    assert whole.total == 4
    ids = [r.latest_claim_id for r in whole.items]
    for size in (1, 2, 3):  # deep pages are read from the other end: same rows
        pages = [alice.claims.portfolio(contract, None, offset, size)
                 for offset in range(0, 4, size)]
        assert [r.latest_claim_id for p in pages for r in p.items] == ids
        assert {p.total for p in pages} == {4}
    assert alice.claims.portfolio(contract, None, 10, 3).items == []
    assert backend.open("bob").claims.portfolio(backend.ids["B"]).total == 0


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True)
def test_rebuilding_gives_the_rows_the_commands_kept(backend: Backend) -> None:
    """What the commands keep equals what a rebuild from the claims gives (the demo and
    bulk loads rebuild), drafts left out."""
    uw = backend.open("uw")
    first = submit(backend, "beta")
    uw.claims.set_status(first.id, ClaimStatusChange(status=ClaimStatus.CLOSED), first.version)
    backend.clock.advance(minutes=1)
    submit(backend, "beta", "2001")
    submit(backend, "gamma")
    with Session(backend.engine) as s:
        draft = s.get(Claim, first.id)
        assert draft is not None
        s.add(Claim(contract_id=draft.contract_id, company_id=backend.ids["foo"],
                    status=ClaimStatus.DRAFT.value))
        s.commit()

    def rows() -> list[tuple[Any, ...]]:
        with Session(backend.engine) as s:
            return [tuple(r) for r in s.execute(select(
                col(ClaimDebtor.contract_id), col(ClaimDebtor.company_id),
                col(ClaimDebtor.claim_id), col(ClaimDebtor.claims), col(ClaimDebtor.updated_at),
                col(ClaimDebtor.search_text))
                .order_by(col(ClaimDebtor.contract_id), col(ClaimDebtor.company_id))).all()] + [
                tuple(r) for r in s.execute(select(
                    col(ClaimDebtorCount.contract_id), col(ClaimDebtorCount.debtors))
                    .order_by(col(ClaimDebtorCount.contract_id))).all()]

    kept = rows()
    assert len(kept) == 3  # two debtors of contract A, and A's count
    with backend.engine.begin() as conn:
        rebuild_claim_debtors(conn)
    assert rows() == kept
    with Session(backend.engine) as s:  # one debtor rebuilt (a claim turned draft)
        refresh_debtor(s, backend.ids["A"], backend.ids["beta"])
        s.commit()
    assert rows() == kept


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True)
def test_filtered_pages_whichever_way_they_are_read(backend: Backend,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Filtered, the matches are sorted or walked (SQLite, by their density), read in
    full or counted (beyond PROBE): the pages and the total are the same."""
    from cofatui.repository.sql import claim_follow_up

    alice, contract = backend.open("alice"), backend.ids["A"]
    for company in ("beta", "gamma", "foo", "alpha"):
        submit(backend, company)
        backend.clock.advance(minutes=1)
    order = [r.latest_claim_id for r in alice.claims.portfolio(contract).items]
    for probe in (1000, 2):
        monkeypatch.setattr(claim_follow_up, "PROBE", probe)
        for needle in ("dms-", "DM", "mma", "zzz"):
            whole = alice.claims.portfolio(contract, needle, 0, 100)
            wanted = [i for i in order if i in {r.latest_claim_id for r in whole.items}]
            assert [r.latest_claim_id for r in whole.items] == wanted
            assert whole.total == len(wanted)
            for size in (1, 3):
                paged = [r.latest_claim_id for offset in range(0, 5, size)
                         for r in alice.claims.portfolio(contract, needle, offset, size).items]
                assert paged == wanted
            assert {alice.claims.portfolio(contract, needle, o, 3).total
                    for o in (0, 3, 9)} == {len(wanted)}
        assert alice.claims.portfolio(contract, "dms-").total == 4
        assert alice.claims.portfolio(contract, "mma").total == 1
