"""The posting engine through the Repository (issue 20 items 5–6): a claim's events
booked as proposed entries with the claim, only the difference posted for each event
key, a validated entry reversed (never changed) when its event changes, the books'
account numbers, events waiting for a year, and ``generate`` adding nothing twice.

The books are set up with plain rows (their area is tested in test_books.py); what is
asserted here is what the accountant reads in the journal."""

from __future__ import annotations

import threading
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.enums import ChartVersion, ClaimStatus, EntryStatus, YearStatus
from cofatui.errors import Forbidden, NotFound
from cofatui.models import (
    AccountOverride,
    Books,
    BooksContract,
    FinancialYear,
    JournalEntry,
    JournalLine,
    PremiumNotice,
    PremiumNoticeLine,
    PremiumPayment,
)
from cofatui.schemas import ClaimCreate, ClaimStatusChange, IndemnityUpdate, InvoiceLine
from tests.contract.conftest import Backend
from tests.contract.dataset import TODAY

YEAR_START = date(TODAY.year, 1, 1)


def books_for(backend: Backend, contract: str = "A", *, year: bool = True,
              bank: str = "512") -> int:
    """Books on one contract with the calendar year of TODAY (optional)."""
    with Session(backend.engine) as s:
        books = Books(siren="732829320", name="Holder A SA", bank_account=bank,
                      bank_label="Banque" if bank == "512" else "Banque Populaire")
        s.add(books)
        s.flush()
        assert books.id is not None
        s.add(BooksContract(books_id=books.id, contract_id=backend.ids[contract]))
        if year:
            s.add(FinancialYear(books_id=books.id, start=YEAR_START,
                                end=date(TODAY.year, 12, 31), chart=_chart(YEAR_START)))
        s.commit()
        return books.id


def _chart(start: date) -> str:
    return (ChartVersion.PCG_2014 if start < date(2025, 1, 1) else ChartVersion.PCG_2025).value


def add_year(backend: Backend, books_id: int, start: date) -> None:
    with Session(backend.engine) as s:
        s.add(FinancialYear(books_id=books_id, start=start,
                            end=date(start.year, 12, 31), chart=_chart(start)))
        s.commit()


def submit(backend: Backend, amount: str = "1000.00"):  # type: ignore[no-untyped-def]
    return backend.open("alice").claims.submit(ClaimCreate(
        contact_name="Alice", contact_email="alice@example.test",
        contract_id=backend.ids["A"], company_id=backend.ids["beta"], reason="insolvency",
        invoices=[InvoiceLine(type="IN", number="1001", invoice_date=TODAY - timedelta(40),
                              due_date=TODAY - timedelta(10), currency="EUR",
                              amount_excl_tax=Decimal(amount), tax=Decimal("200.00"))]))


def entries(backend: Backend, books_id: int) -> list[JournalEntry]:
    with Session(backend.engine) as s:
        return list(s.execute(select(JournalEntry).where(col(JournalEntry.books_id) == books_id)
                              .order_by(col(JournalEntry.id))).scalars())


def lines_of(backend: Backend, entry_id: int) -> list[JournalLine]:
    with Session(backend.engine) as s:
        return list(s.execute(select(JournalLine).where(col(JournalLine.entry_id) == entry_id)
                              .order_by(col(JournalLine.line_no))).scalars())


def net_by_key(backend: Backend, books_id: int) -> dict[str, dict[str, Decimal]]:
    """What is booked per event key: net debit − credit per account."""
    out: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    with Session(backend.engine) as s:
        for key, account, debit, credit in s.execute(
                select(col(JournalEntry.event_key), col(JournalLine.account),
                       col(JournalLine.debit), col(JournalLine.credit))
                .join(JournalLine, col(JournalLine.entry_id) == col(JournalEntry.id))
                .where(col(JournalEntry.books_id) == books_id)):
            out[key][account] += debit - credit
    return {k: {a: v for a, v in nets.items() if v} for k, nets in out.items()}


def agree(backend: Backend, claim_id: int, indemnity: str | None = None) -> None:
    uw = backend.open("uw")
    claim = uw.claims.detail(claim_id).claim
    accepted = uw.claims.set_status(claim_id, ClaimStatusChange(status=ClaimStatus.ACCEPTED),
                                    claim.version)
    uw.claims.set_indemnity(claim_id, IndemnityUpdate(
        calculated_indemnity=Decimal(indemnity) if indemnity else None,
        indemnity_date=TODAY), accepted.version)


def test_a_claim_is_booked_with_its_registration_balanced(backend: Backend) -> None:
    books_id = books_for(backend)
    claim = submit(backend)
    booked = entries(backend, books_id)
    registered = [e for e in booked if e.event_key == f"claim_registered:{claim.id}"]
    assert len(registered) == 1
    entry = registered[0]
    assert entry.status == EntryStatus.PROPOSED.value and entry.number is None
    assert entry.piece_ref == claim.reference and entry.entry_date == TODAY
    lines = lines_of(backend, entry.id or 0)
    assert {(ln.account, ln.debit > 0) for ln in lines} == {("416", True), ("411", False)}
    assert sum(ln.debit for ln in lines) == sum(ln.credit for ln in lines) == entry.total
    assert entry.total == Decimal("1200.00")  # the invoice including VAT
    assert {ln.aux_num for ln in lines} == {"CR-002"}  # the debtor's client reference
    for e in booked:  # every entry balances, no negative amount
        ls = lines_of(backend, e.id or 0)
        assert sum(ln.debit for ln in ls) == sum(ln.credit for ln in ls)
        assert all(ln.debit >= 0 and ln.credit >= 0 for ln in ls)


def test_a_contract_without_books_books_nothing(backend: Backend) -> None:
    submit(backend)
    with Session(backend.engine) as s:
        assert s.execute(select(func.count()).select_from(JournalEntry)).scalar_one() == 0


def test_generate_books_history_once_and_reruns_add_nothing(backend: Backend) -> None:
    claim = submit(backend)  # before the books: nothing booked yet
    books_id = books_for(backend)
    assert entries(backend, books_id) == []
    alice = backend.open("alice")
    first = alice.ledger.generate(books_id)
    assert first.posted >= 1 and first.waiting == 0
    keys = {e.event_key for e in entries(backend, books_id)}
    assert f"claim_registered:{claim.id}" in keys
    again = alice.ledger.generate(books_id)
    assert (again.posted, again.replaced, again.reversed) == (0, 0, 0)
    assert len(entries(backend, books_id)) == first.posted


def test_an_indemnity_changed_while_proposed_replaces_its_entry(backend: Backend) -> None:
    books_id = books_for(backend)
    claim = submit(backend)
    agree(backend, claim.id, "900.00")
    key = f"indemnity_agreed:{claim.id}"
    assert net_by_key(backend, books_id)[key] == {"4687": Decimal("900.00"),
                                                  "7587" if TODAY.year >= 2025 else "791":
                                                  Decimal("-900.00")}
    uw = backend.open("uw")
    current = uw.claims.detail(claim.id).claim
    uw.claims.set_indemnity(claim.id, IndemnityUpdate(calculated_indemnity=Decimal("800.00"),
                                                      indemnity_date=TODAY),
                            current.version)
    agreed = [e for e in entries(backend, books_id) if e.event_key == key]
    assert len(agreed) == 1 and agreed[0].total == Decimal("800.00")
    assert agreed[0].status == EntryStatus.PROPOSED.value


def test_a_change_after_validation_gives_a_reversal_and_a_new_entry(backend: Backend) -> None:
    books_id = books_for(backend)
    claim = submit(backend)
    agree(backend, claim.id, "900.00")
    key = f"indemnity_agreed:{claim.id}"
    with Session(backend.engine) as s:  # validated as repo.ledger.validate would
        s.execute(update(JournalLine).values(status=EntryStatus.VALIDATED.value))
        s.execute(update(JournalEntry).values(status=EntryStatus.VALIDATED.value,
                                              number=JournalEntry.id, valid_date=TODAY))
        s.commit()
    validated = {e.id: (e.total, e.label) for e in entries(backend, books_id)}
    uw = backend.open("uw")
    uw.claims.set_indemnity(claim.id, IndemnityUpdate(calculated_indemnity=Decimal("700.00"),
                                                      indemnity_date=TODAY),
                            uw.claims.detail(claim.id).claim.version)
    after = entries(backend, books_id)
    for e in after:  # the validated entries are as they were
        if e.id in validated:
            assert (e.total, e.label) == validated[e.id]
            assert e.status == EntryStatus.VALIDATED.value
    mine = [e for e in after if e.event_key == key]
    assert [e.revision for e in mine] == [1, 2, 3]
    reversal, repost = mine[1], mine[2]
    assert reversal.event_kind == "reversal" and reversal.total == Decimal("900.00")
    assert reversal.reverses_id == mine[0].id
    assert repost.total == Decimal("700.00") and repost.status == EntryStatus.PROPOSED.value
    assert net_by_key(backend, books_id)[key]["4687"] == Decimal("700.00")
    assert backend.open("alice").ledger.generate(books_id).posted == 0


def test_a_cancelled_claim_withdraws_what_was_proposed(backend: Backend) -> None:
    books_id = books_for(backend)
    claim = submit(backend)
    uw = backend.open("uw")
    uw.claims.set_status(claim.id, ClaimStatusChange(status=ClaimStatus.CANCELLED),
                         uw.claims.detail(claim.id).claim.version)
    nets = net_by_key(backend, books_id)
    total: dict[str, Decimal] = defaultdict(Decimal)
    for by_account in nets.values():
        for account, amount in by_account.items():
            total[account] += amount
    # Registered then cancelled: 411 is whole again, 416 back to nothing.
    assert total.get("416", Decimal(0)) == 0 and total.get("411", Decimal(0)) == 0


def test_an_event_without_a_year_waits_then_generate_books_it(backend: Backend) -> None:
    books_id = books_for(backend, year=False)
    claim = submit(backend)
    assert entries(backend, books_id) == []
    alice = backend.open("alice")
    waits = alice.ledger.waits(books_id)
    assert {w.event_key for w in waits} >= {f"claim_registered:{claim.id}"}
    assert {w.code for w in waits} == {"accounting.no_year"}
    assert waits[0].params == {"on": TODAY.isoformat()}
    add_year(backend, books_id, YEAR_START)
    result = alice.ledger.generate(books_id)
    assert result.posted >= 1 and result.waiting == 0
    assert alice.ledger.waits(books_id) == []


def test_a_closed_year_sends_its_late_events_to_the_next_years_first_day(
        backend: Backend) -> None:
    books_id = books_for(backend)
    next_start = date(TODAY.year + 1, 1, 1)
    add_year(backend, books_id, next_start)
    with Session(backend.engine) as s:
        s.execute(update(FinancialYear).where(col(FinancialYear.start) == YEAR_START)
                  .values(status=YearStatus.CLOSED.value))
        s.commit()
    submit(backend)
    booked = entries(backend, books_id)
    assert booked and {e.entry_date for e in booked} == {next_start}


def add_payments(backend: Backend, count: int, books_id: int | None = None) -> list[int]:
    """``count`` EUR premium payments of one notice each on contract A, written as
    history (not booked): generate books them."""
    ids = []
    with Session(backend.engine) as s:
        if books_id is not None:
            s.add(AccountOverride(books_id=books_id, account="6166", number="6165",
                                  label="Insolvabilité clients"))
        for n in range(count):
            payment = PremiumPayment(contract_id=backend.ids["A"], paid_on=TODAY,
                                     bank_account="512", currency="EUR",
                                     amount=Decimal("2500.00"), eur_amount=Decimal("2500.00"))
            s.add(payment)
            s.flush()
            notice = PremiumNotice(number=f"PRM-{TODAY.year}-{n + 1:06d}",
                                   contract_id=backend.ids["A"], kind="provisional",
                                   period_start=YEAR_START,
                                   period_end=YEAR_START + timedelta(89), issued_on=YEAR_START,
                                   due_date=YEAR_START + timedelta(30), currency="EUR",
                                   amount_excl_tax=Decimal("2500.00"),
                                   total=Decimal("2500.00"), status="paid",
                                   payment_id=payment.id)
            s.add(notice)
            s.flush()
            s.add(PremiumNoticeLine(notice_id=notice.id or 0, line_no=1,
                                    role="credit_insurance", label="Prime provisionnelle",
                                    amount_excl_tax=Decimal("2500.00")))
            ids.append(payment.id or 0)
        s.commit()
    return ids


def test_a_payment_uses_the_books_bank_account_and_overrides(backend: Backend) -> None:
    books_id = books_for(backend, bank="51210000")
    [payment_id] = add_payments(backend, 1, books_id)
    result = backend.open("alice").ledger.generate(books_id)
    assert result.posted == 1
    [entry] = entries(backend, books_id)
    assert entry.journal == "BQ" and entry.event_key == f"notice_paid:{payment_id}"
    lines = {ln.account: ln for ln in lines_of(backend, entry.id or 0)}
    assert set(lines) == {"6165", "51210000"}
    assert lines["6165"].debit == Decimal("2500.00")
    assert lines["6165"].account_label == "Insolvabilité clients"
    assert lines["51210000"].credit == Decimal("2500.00")
    assert lines["51210000"].account_label == "Banque Populaire"


def test_concurrent_generates_post_each_event_once(backend: Backend) -> None:
    """Two servers generating the same books at once (PostgreSQL lets both read before
    either writes): each event is posted once, the loser's chunk retried."""
    if backend.name != "postgres":
        pytest.skip("a race of two writers: PostgreSQL's concurrency")
    books_id = books_for(backend)
    add_payments(backend, 60)
    start = threading.Barrier(2)
    results: list[int] = []

    def run() -> None:
        repo = backend.open("alice")
        start.wait()
        results.append(repo.ledger.generate(books_id).posted)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    booked = entries(backend, books_id)
    assert len(booked) == 60 == len({e.event_key for e in booked})
    assert sum(results) == 60


def test_generate_needs_full_accounting_rights_and_hides_others_books(
        backend: Backend) -> None:
    books_id = books_for(backend)
    with pytest.raises(Forbidden):
        backend.open("reader").ledger.generate(books_id)
    with pytest.raises(NotFound):
        backend.open("bob").ledger.generate(books_id)
    with pytest.raises(NotFound):
        backend.open("bob").ledger.waits(books_id)
    assert backend.open("reader").ledger.waits(books_id) == []


def test_generate_without_books_id_books_every_set_i_may_write(backend: Backend) -> None:
    books_id = books_for(backend)
    add_payments(backend, 2)
    assert backend.open("reader").ledger.generate(None).posted == 0  # read-only: skipped
    assert entries(backend, books_id) == []
    assert backend.open("alice").ledger.generate(None).posted == 2
    assert len(entries(backend, books_id)) == 2
