"""The sub-ledger through the API (issue 20 item 10): each ``repo.books`` and
``repo.ledger`` method reaches its route and comes back as the same public model and
the same coded refusal as on a database: the journal's keyset cursor survives the
query string, filters travel as query parameters, a missing value comes back as None,
validation and closing post their JSON bodies, and the FEC is a job whose file is read
with ``repo.jobs.result_file``.

The dataset: contract A (alice full, reader read-only, admin its contract
administrator; bob and carol not readers of A's accounting), today 2026-11-22. Entries
are written with the posting engine's writer, as the events would."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from cofatui.enums import (
    AccountingEventKind,
    CoverEventKind,
    CoverKind,
    EntryStatus,
    Journal,
    NoticeLineRole,
    NoticeStatus,
    YearStatus,
)
from cofatui.errors import Forbidden, NotFound, RuleViolation, ValidationFailed
from cofatui.models.accounting import Books, FinancialYear
from cofatui.repository.base import Repository
from cofatui.repository.sql.ledger_write import write_posting
from cofatui.rules.ledger_model import Posting, PostingLine
from cofatui.schemas_accounting import (
    BalanceFilter,
    BooksCreate,
    CoverCreate,
    CoverEventCreate,
    FinancialYearCreate,
    JournalFilter,
    LedgerFilter,
    NoticeCreate,
    NoticeFilter,
    NoticeLineIn,
    PaymentCreate,
)
from tests.contract.conftest import Backend

pytestmark = pytest.mark.parametrize(
    "backend", ["sqlite", "http", pytest.param("http-pg", marks=pytest.mark.postgres)],
    indirect=True)

D = Decimal
SIREN = "732829320"


def _books(backend: Backend) -> tuple[int, int]:
    """Books over contract A with the 2026 calendar year, set up by its administrator
    through the backend under test."""
    made = backend.open("admin").books.create(BooksCreate(
        siren=SIREN, name="Holder A", contract_ids=[backend.ids["A"]],
        first_year_start=date(2026, 1, 1), first_year_end=date(2026, 12, 31)))
    return made.id, made.years[0].id


def _premium(n: int, day: date, amount: str) -> Posting:
    value = D(amount)
    return Posting(
        event_key=f"notice_paid:{n}", event_kind=AccountingEventKind.NOTICE_PAID,
        journal=Journal.BANK, entry_date=day, piece_ref=f"PRM-2026-{n:06d}",
        piece_date=day, label=f"Prime {n}", source_kind="payment", source_id=n,
        lines=(PostingLine("6166", value, D(0), f"Prime {n}"),
               PostingLine("512", D(0), value, f"Prime {n}")))


def _entries(backend: Backend, books_id: int, year_id: int, *postings: Posting) -> None:
    with Session(backend.engine) as s:
        books, year = s.get(Books, books_id), s.get(FinancialYear, year_id)
        assert books is not None and year is not None
        for p in postings:
            write_posting(s, books, year, p)
        s.commit()


def _whole_journal(repo: Repository, flt: JournalFilter, limit: int) -> list[tuple[int, int]]:
    seen: list[tuple[int, int]] = []
    after: str | None = None
    while True:
        window = repo.ledger.journal(flt, after, limit)
        seen += [(line.entry_id, line.line_no) for line in window.items]
        if window.next_after is None:
            return seen
        after = window.next_after


def test_books_are_set_up_and_read_with_the_rights_of_each_user(backend: Backend) -> None:
    books_id, year_id = _books(backend)
    alice = backend.open("alice")
    listed = alice.books.list()
    assert [(b.id, b.siren, b.bank_account) for b in listed] == [(books_id, SIREN, "512")]
    assert alice.books.get(books_id).years[0].status is YearStatus.OPEN
    assert backend.open("reader").books.get(books_id).policy_numbers == ["P-A"]
    with pytest.raises(NotFound):
        backend.open("bob").books.get(books_id)
    assert backend.open("bob").books.list() == []
    with pytest.raises(Forbidden):
        backend.open("reader").books.add_year(
            FinancialYearCreate(books_id=books_id, end=date(2027, 12, 31)))
    # The refusal keeps its field over the wire.
    with pytest.raises(ValidationFailed) as bad:
        backend.open("admin").books.create(BooksCreate(
            siren="123456789", name="X", contract_ids=[backend.ids["B"]],
            first_year_start=date(2026, 1, 1), first_year_end=date(2026, 12, 31)))
    assert "siren" in {f.field for f in bad.value.errors}
    following = backend.open("admin").books.add_year(
        FinancialYearCreate(books_id=books_id, end=date(2027, 12, 31)))
    assert (following.start, following.end) == (date(2027, 1, 1), date(2027, 12, 31))
    accounts = alice.books.accounts(books_id, year_id)
    assert {a.account for a in accounts} >= {"512", "6166"}


def test_journal_windows_totals_balance_and_ledger(backend: Backend) -> None:
    books_id, year_id = _books(backend)
    _entries(backend, books_id, year_id, *(
        _premium(n, date(2026, 1 + n % 9, 1 + n), str(10 * n)) for n in range(1, 8)))
    repo = backend.open("reader")  # read-only users read everything
    flt = JournalFilter(books_id=books_id, year_id=year_id)
    every = _whole_journal(repo, flt, 500)
    assert len(every) == 14
    # A window of 3 lines still gives whole entries and the same lines, once each.
    assert _whole_journal(repo, flt, 3) == every
    totals = repo.ledger.journal_totals(flt)
    assert (totals.lines, totals.entries, totals.debit, totals.credit) == (
        14, 7, D("280.00"), D("280.00"))
    # Filters travel as query parameters: an account prefix, a text, a status.
    bank = repo.ledger.journal_totals(flt.model_copy(update={"text": "Prime 3"}))
    assert (bank.entries, bank.debit) == (1, D("30.00"))
    assert repo.ledger.journal_totals(
        flt.model_copy(update={"status": EntryStatus.VALIDATED})).entries == 0
    entry = repo.ledger.entry(every[0][0])
    assert sum(line.debit for line in entry.lines) == sum(line.credit for line in entry.lines)
    balance = repo.ledger.balance(BalanceFilter(books_id=books_id, year_id=year_id))
    assert balance.debit == balance.credit == D("280.00")
    assert {r.account: r.closing for r in balance.rows} == {"512": D("-280.00"),
                                                            "6166": D("280.00")}
    ledger = repo.ledger.ledger(LedgerFilter(books_id=books_id, year_id=year_id,
                                             account="6166"), None, 500)
    assert ledger.items[-1].balance == D("280.00") and ledger.next_after is None
    with pytest.raises(NotFound):
        backend.open("bob").ledger.journal_totals(flt)


def test_validate_and_close_post_their_bodies(backend: Backend) -> None:
    books_id, year_id = _books(backend)
    _entries(backend, books_id, year_id, _premium(1, date(2026, 2, 1), "10"),
             _premium(2, date(2026, 3, 1), "20"), _premium(3, date(2026, 10, 1), "30"))
    with pytest.raises(Forbidden):
        backend.open("reader").ledger.validate(books_id, date(2026, 3, 31))
    alice = backend.open("alice")
    preview = alice.ledger.validation_preview(books_id, date(2026, 3, 31))
    assert (preview.count, preview.first_number, preview.last_number) == (2, 1, 2)
    done = alice.ledger.validate(books_id, date(2026, 3, 31))
    assert (done.count, done.last_number) == (2, 2)
    assert done.year.validated_until == date(2026, 3, 31)
    with pytest.raises(RuleViolation) as future:
        alice.ledger.validate(books_id, date(2026, 12, 1))
    assert future.value.code == "ledger.until_in_future"
    assert alice.ledger.waits(books_id) == []
    year = alice.books.get(books_id).years[0]
    closed = alice.ledger.close_year(year.id, year.version)
    assert closed.status is YearStatus.CLOSED and closed.last_number == 3


def test_premiums_covers_and_claim_facts_travel_both_ways(backend: Backend) -> None:
    books_id, year_id = _books(backend)
    a = backend.ids["A"]
    uw, alice = backend.open("uw"), backend.open("alice")
    assert alice.premiums.terms(a) is None  # JSON null comes back as None
    notice = uw.premiums.create_notice(NoticeCreate(
        contract_id=a, period_start=date(2026, 1, 1), period_end=date(2026, 3, 31),
        due_date=date(2026, 2, 1), lines=[NoticeLineIn(
            role=NoticeLineRole.CREDIT_INSURANCE, amount_excl_tax=D("250.00"))]))
    listed = alice.premiums.notices(NoticeFilter(contract_id=a,
                                                 status=NoticeStatus.ISSUED))
    assert [n.number for n in listed.items] == [notice.number] and listed.total == 1
    paid = alice.premiums.pay(PaymentCreate(contract_id=a, paid_on=date(2026, 2, 3),
                                            notice_ids=[notice.id]))
    assert (paid.amount, paid.eur_amount, paid.notice_numbers) == (
        D("250.00"), D("250.00"), [notice.number])
    assert alice.premiums.notice(notice.id).status is NoticeStatus.PAID
    assert [p.id for p in alice.premiums.payments(a).items] == [paid.id]
    # The payment booked its proposed entry in the same transaction.
    totals = alice.ledger.journal_totals(JournalFilter(books_id=books_id, year_id=year_id))
    assert (totals.entries, totals.debit) == (1, D("250.00"))
    cover = alice.covers.create(CoverCreate(
        contract_id=a, kind=CoverKind.PROSPECTION, reference="PROSP-1", currency="EUR",
        start=date(2025, 1, 1), end=date(2029, 12, 31), guarantee_end=date(2027, 1, 1),
        amortisation_end=date(2029, 12, 31)))
    assert [c.id for c in alice.covers.list(a).items] == [cover.id]
    event = alice.covers.record_event(CoverEventCreate(
        cover_id=cover.id, kind=CoverEventKind.PROSPECTION_INDEMNITY,
        event_date=date(2026, 6, 1), eur_amount=D("1000.00")))
    assert [e.id for e in alice.covers.events(cover.id)] == [event.id]
    assert alice.covers.get(cover.id).outstanding == D("1000.00")
    # The final balance before the amortisation ends: refused at its field, which
    # survives the trip (seed 002 §3).
    with pytest.raises(ValidationFailed) as early:
        alice.covers.record_event(CoverEventCreate(
            cover_id=cover.id, kind=CoverEventKind.PROSPECTION_BALANCE,
            event_date=date(2026, 7, 1), eur_amount=D("1000.00")))
    assert [e.field for e in early.value.errors] == ["event_date"]
    with pytest.raises(NotFound):
        alice.claim_accounting.get(999_999)
