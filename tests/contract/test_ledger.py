"""``repo.ledger`` (issue 20 items 6–8): validation numbers, validated entries that
nothing changes, closing with the opening entry, the journal's keyset windows and
filters, the balance and an account's ledger, and who may do what.

Entries are written here with the posting engine's writer (``ledger_write``) on the
contract dataset: books over contract A (alice full, reader read-only, bob and carol
not readers of A's accounting, uw insurer staff), years 2025 and 2026; today is
2026-11-22."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.enums import AccountingEventKind, EntryStatus, Journal, YearStatus
from cofatui.errors import Conflict, Forbidden, NotFound, RuleViolation, ValidationFailed
from cofatui.models.accounting import (
    Books,
    BooksContract,
    FinancialYear,
    JournalEntry,
    JournalLine,
)
from cofatui.repository.base import Repository
from cofatui.repository.sql.core import unit_of_work
from cofatui.repository.sql.ledger_write import write_posting
from cofatui.rules.ledger_model import Posting, PostingLine
from cofatui.schemas_accounting import BalanceFilter, JournalFilter, LedgerFilter
from tests.contract.conftest import Backend

# Every backend: sqlite, postgres and http (the API), sampled over http-pg and a real server.

D = Decimal


def _setup(backend: Backend, *, years: tuple[int, ...] = (2025, 2026)) -> dict[str, int]:
    ids: dict[str, int] = {}
    with Session(backend.engine) as s:
        books = Books(siren="732829320", name="Holder A")
        s.add(books)
        s.flush()
        assert books.id is not None
        ids["books"] = books.id
        s.add(BooksContract(books_id=books.id, contract_id=backend.ids["A"]))
        for y in years:
            year = FinancialYear(books_id=books.id, start=date(y, 1, 1), end=date(y, 12, 31),
                                 chart="2014" if y < 2025 else "2025")
            s.add(year)
            s.flush()
            assert year.id is not None
            ids[str(y)] = year.id
        s.commit()
    return ids


def _posting(n: int, day: date, amount: str, debit: str = "6166", credit: str = "512",
             aux: str = "", label: str = "") -> Posting:
    value = D(amount)
    return Posting(
        event_key=f"notice_paid:{n}", event_kind=AccountingEventKind.NOTICE_PAID,
        journal=Journal.BANK, entry_date=day, piece_ref=f"PRM-{n:06d}", piece_date=day,
        label=label or f"Prime {n}", source_kind="payment", source_id=n,
        lines=(PostingLine(debit, value, D(0), f"Prime {n}", aux_num=aux,
                           aux_label=f"Debtor {aux}" if aux else ""),
               PostingLine(credit, D(0), value, f"Prime {n}")))


def _write(backend: Backend, ids: dict[str, int], year: int, *postings: Posting) -> list[int]:
    out = []
    # A writer's transaction (BEGIN IMMEDIATE on SQLite), as the engine's would be.
    with unit_of_work(backend.engine, write=True) as s:
        books = s.get(Books, ids["books"])
        fy = s.get(FinancialYear, ids[str(year)])
        assert books is not None and fy is not None
        for p in postings:
            entry = write_posting(s, books, fy, p)
            assert entry.id is not None
            out.append(entry.id)
    return out


def _numbers(backend: Backend, year_id: int) -> dict[int, int | None]:
    with Session(backend.engine) as s:
        rows = s.execute(select(col(JournalEntry.id), col(JournalEntry.number))
                         .where(col(JournalEntry.year_id) == year_id)).all()
        return {eid: number for eid, number in rows if eid is not None}


def _journal(repo: Repository, flt: JournalFilter, limit: int) -> Iterator[tuple[int, int]]:
    after: str | None = None
    while True:
        window = repo.ledger.journal(flt, after, limit)
        yield from ((line.entry_id, line.line_no) for line in window.items)
        if window.next_after is None:
            return
        after = window.next_after


def test_validation_numbers_in_date_order_continuing_the_counter(backend: Backend) -> None:
    ids = _setup(backend)
    e = _write(backend, ids, 2025, _posting(1, date(2025, 3, 5), "10"),
               _posting(2, date(2025, 1, 20), "20"), _posting(3, date(2025, 3, 5), "30"),
               _posting(4, date(2025, 9, 1), "40"), _posting(5, date(2025, 2, 1), "50"))
    repo = backend.open("alice")
    preview = repo.ledger.validation_preview(ids["books"], date(2025, 3, 31))
    assert (preview.count, preview.first_number, preview.last_number) == (4, 1, 4)
    done = repo.ledger.validate(ids["books"], date(2025, 3, 31))
    assert (done.count, done.first_number, done.last_number) == (4, 1, 4)
    assert done.year.last_number == 4 and done.year.validated_until == date(2025, 3, 31)
    # (date, id) order: 20/01 #2, 01/02 #5, 05/03 #1 then #3; September waits.
    assert _numbers(backend, ids["2025"]) == {e[1]: 1, e[4]: 2, e[0]: 3, e[2]: 4, e[3]: None}
    entry = repo.ledger.entry(e[0])
    assert entry.status == EntryStatus.VALIDATED and entry.valid_date == backend.clock.today()
    assert {line.status for line in entry.lines} == {EntryStatus.VALIDATED}
    # A later entry dated before what is validated still gets the next number.
    late = _write(backend, ids, 2025, _posting(6, date(2025, 1, 2), "60"))[0]
    again = repo.ledger.validate(ids["books"], date(2025, 12, 31))
    assert (again.count, again.first_number, again.last_number) == (2, 5, 6)
    assert _numbers(backend, ids["2025"])[late] == 5
    nothing = repo.ledger.validation_preview(ids["books"], date(2025, 12, 31))
    assert (nothing.count, nothing.first_number, nothing.last_number) == (0, 0, 0)


def test_validation_refusals(backend: Backend) -> None:
    ids = _setup(backend)
    _write(backend, ids, 2026, _posting(1, date(2026, 1, 5), "10"))
    repo = backend.open("alice")
    with pytest.raises(RuleViolation) as previous:
        repo.ledger.validate(ids["books"], date(2026, 6, 30))
    assert previous.value.code == "ledger.previous_open"
    with pytest.raises(RuleViolation) as future:
        repo.ledger.validate(ids["books"], date(2026, 12, 1))
    assert future.value.code == "ledger.until_in_future"
    with pytest.raises(RuleViolation) as no_year:
        repo.ledger.validation_preview(ids["books"], date(2024, 6, 30))
    assert no_year.value.code == "ledger.no_year"
    assert list(_numbers(backend, ids["2026"]).values()) == [None]


def test_validated_entry_unchanged_and_raw_sql_refused(backend: Backend) -> None:
    ids = _setup(backend)
    entry_id = _write(backend, ids, 2025, _posting(1, date(2025, 5, 1), "123.45"))[0]
    repo = backend.open("alice")
    repo.ledger.validate(ids["books"], date(2025, 5, 31))
    before = repo.ledger.entry(entry_id)
    statements = [
        ("UPDATE journal_entry SET label = 'changed' WHERE id = :id", entry_id),
        ("DELETE FROM journal_entry WHERE id = :id", entry_id),
        ("UPDATE journal_line SET debit = 1 WHERE entry_id = :id AND line_no = 1", entry_id),
        ("DELETE FROM journal_line WHERE entry_id = :id", entry_id),
    ]
    for sql, param in statements:
        with pytest.raises(DBAPIError) as refused, backend.engine.begin() as conn:
            conn.execute(text(sql), {"id": param})
        assert "accounting.validated_entry_immutable" in str(refused.value)
    assert repo.ledger.entry(entry_id) == before
    # The Repository has no method that changes or deletes an entry.
    assert not [name for name in dir(repo.ledger)
                if name.startswith(("update", "delete", "edit", "remove"))]


def test_rights_read_only_unattached_and_staff(backend: Backend) -> None:
    ids = _setup(backend)
    entry_id = _write(backend, ids, 2025, _posting(1, date(2025, 5, 1), "10"))[0]
    flt = JournalFilter(books_id=ids["books"], year_id=ids["2025"])
    reader = backend.open("reader")
    assert len(reader.ledger.journal(flt).items) == 2
    assert reader.ledger.validation_preview(ids["books"], date(2025, 5, 31)).count == 1
    with pytest.raises(Forbidden):
        reader.ledger.validate(ids["books"], date(2025, 5, 31))
    with pytest.raises(Forbidden):
        reader.ledger.close_year(ids["2025"], 1)
    for outsider in ("bob", "carol"):
        repo = backend.open(outsider)
        with pytest.raises(NotFound):
            repo.ledger.journal(flt)
        with pytest.raises(NotFound):
            repo.ledger.entry(entry_id)
        with pytest.raises(NotFound):
            repo.ledger.balance(BalanceFilter(books_id=ids["books"], year_id=ids["2025"]))
    # A year of other books is not found either (ids leak nothing).
    with pytest.raises(NotFound):
        reader.ledger.journal(JournalFilter(books_id=ids["books"], year_id=ids["2025"] + 999))
    assert backend.open("uw").ledger.validate(ids["books"], date(2025, 5, 31)).count == 1
    assert _numbers(backend, ids["2025"]) == {entry_id: 1}


def test_journal_windows_filters_and_totals(backend: Backend) -> None:
    ids = _setup(backend)
    postings = [_posting(n, date(2025, 1 + n % 12, 1 + n % 27), f"{n}.{n % 100:02d}",
                         debit="416" if n % 3 == 0 else "6166",
                         credit="4687" if n % 4 == 0 else "512",
                         aux=f"C{n % 5}" if n % 3 == 0 else "",
                         label="Indemnité Dupont SA" if n % 7 == 0 else "")
                for n in range(1, 41)]
    _write(backend, ids, 2025, *postings)
    repo = backend.open("alice")
    whole = JournalFilter(books_id=ids["books"], year_id=ids["2025"])
    everything = list(_journal(repo, whole, 500))
    assert len(everything) == 80
    for limit in (1, 3, 7):
        assert list(_journal(repo, whole, limit)) == everything
    with Session(backend.engine) as s:
        dated = {eid: (d, eid) for eid, d in s.execute(select(col(JournalEntry.id),
                                                             col(JournalEntry.entry_date)))}
    assert [key for key in everything] == sorted(everything, key=lambda k: (dated[k[0]], k[1]))
    every = repo.ledger.journal_totals(whole)
    amounts = sum((D(f"{n}.{n % 100:02d}") for n in range(1, 41)), D(0))
    assert (every.lines, every.entries, every.debit, every.credit) == (80, 40, amounts, amounts)
    spring = repo.ledger.journal_totals(whole.model_copy(update={
        "date_from": date(2025, 3, 1), "date_to": date(2025, 5, 31),
        "status": EntryStatus.PROPOSED}))
    assert spring.lines == 2 * spring.entries == 2 * len(
        {eid for eid, _ in everything if date(2025, 3, 1) <= dated[eid][0] <= date(2025, 5, 31)})
    # An account prefix selects whole entries: totals still balance.
    flt = whole.model_copy(update={"account_prefix": "468"})
    lines = [repo.ledger.entry(eid) for eid in {eid for eid, _ in _journal(repo, flt, 4)}]
    assert len(lines) == 10 and all(any(ln.account == "4687" for ln in e.lines) for e in lines)
    totals = repo.ledger.journal_totals(flt)
    assert (totals.entries, totals.lines) == (10, 20)
    assert totals.debit == totals.credit == sum((e.total for e in lines), D(0))
    # Filters combine: text (case-insensitive, on the label), period, auxiliary.
    text_flt = whole.model_copy(update={"text": "dupont", "date_to": date(2025, 6, 30)})
    found = {eid for eid, _ in _journal(repo, text_flt, 5)}
    assert found and all(repo.ledger.entry(eid).label == "Indemnité Dupont SA"
                         and repo.ledger.entry(eid).entry_date <= date(2025, 6, 30)
                         for eid in found)
    aux = repo.ledger.journal_totals(whole.model_copy(update={"text": "c2"}))
    assert aux.entries == 2 and aux.debit == aux.credit
    assert repo.ledger.journal_totals(whole.model_copy(update={"text": "%"})).entries == 0
    with pytest.raises(ValidationFailed) as bad:
        repo.ledger.journal(whole, "not-a-cursor")
    assert bad.value.errors[0].field == "after"


def test_balance_and_ledger_running_balance(backend: Backend) -> None:
    ids = _setup(backend)
    _write(backend, ids, 2025,
           _posting(1, date(2025, 1, 10), "100", debit="416", credit="411", aux="C1"),
           _posting(2, date(2025, 2, 10), "40", debit="416", credit="411", aux="C2"),
           _posting(3, date(2025, 3, 10), "25", debit="6166", credit="512"),
           _posting(4, date(2025, 4, 10), "5", debit="6166", credit="512"))
    repo = backend.open("alice")
    flt = BalanceFilter(books_id=ids["books"], year_id=ids["2025"], date_from=date(2025, 3, 1))
    result = repo.ledger.balance(flt)
    rows = {(r.account, r.aux_num): r for r in result.rows}
    assert (rows[("416", "C1")].opening, rows[("416", "C2")].opening) == (D(100), D(40))
    assert rows[("6166", "")].opening == 0 and rows[("6166", "")].debit == D(30)
    assert rows[("512", "")].closing == D(-30) and rows[("411", "")].opening == D(-140)
    assert result.debit == result.credit == D(30) and result.closing == result.opening == 0
    ledger_flt = LedgerFilter(books_id=ids["books"], year_id=ids["2025"], account="6166")
    first = repo.ledger.ledger(ledger_flt, limit=1)
    assert first.opening == 0 and [r.balance for r in first.items] == [D(25)]
    second = repo.ledger.ledger(ledger_flt, first.next_after, 1)
    assert [r.balance for r in second.items] == [D(30)] and second.next_after is None
    aux = repo.ledger.ledger(ledger_flt.model_copy(update={"account": "416", "aux_num": "C2"}))
    assert [(r.debit, r.balance) for r in aux.items] == [(D(40), D(40))]


def test_close_year_writes_the_opening_entry_number_one(backend: Backend) -> None:
    ids = _setup(backend, years=(2025,))
    _write(backend, ids, 2025,
           _posting(1, date(2025, 1, 10), "100", debit="416", credit="411", aux="C1"),
           _posting(2, date(2025, 3, 10), "25", debit="6166", credit="512"),
           _posting(3, date(2025, 6, 10), "70", debit="4687", credit="7587"))
    repo = backend.open("alice")
    repo.ledger.validate(ids["books"], date(2025, 1, 31))
    with pytest.raises(Conflict):
        repo.ledger.close_year(ids["2025"], 99)
    with Session(backend.engine) as s:
        current = s.get(FinancialYear, ids["2025"])
        assert current is not None
        closed = repo.ledger.close_year(ids["2025"], current.version)
    assert closed.status == YearStatus.CLOSED and closed.last_number == 3
    assert closed.validated_until == date(2025, 12, 31)
    with pytest.raises(RuleViolation) as twice:
        repo.ledger.close_year(ids["2025"], closed.version)
    assert twice.value.code == "ledger.year_closed"
    with Session(backend.engine) as s:
        following = s.execute(select(FinancialYear).where(
            col(FinancialYear.books_id) == ids["books"],
            col(FinancialYear.start) == date(2026, 1, 1))).scalar_one()
        an = s.execute(select(JournalEntry).where(
            col(JournalEntry.year_id) == following.id)).scalar_one()
        lines = s.execute(select(JournalLine).where(col(JournalLine.entry_id) == an.id)
                          ).scalars().all()
    assert following.end == date(2026, 12, 31) and following.last_number == 1
    assert (an.journal, an.number, an.status) == (Journal.OPENING, 1, EntryStatus.VALIDATED)
    net = {(ln.account, ln.aux_num): ln.debit - ln.credit for ln in lines}
    # 416/411 per auxiliary, bank and 4687 carried; the 45 profit (70 − 25) to 120.
    assert net == {("416", "C1"): D(100), ("411", ""): D(-100), ("512", ""): D(-25),
                   ("4687", ""): D(70), ("120", ""): D(-45)}
    # The next year validates now, its numbers after the opening entry.
    _write(backend, {**ids, "2026": following.id or 0}, 2026,
           _posting(9, date(2026, 2, 1), "10"))
    done = repo.ledger.validate(ids["books"], date(2026, 2, 28))
    assert (done.first_number, done.last_number) == (2, 2)
    # Its balance opens with the AN (dated on the first day, counted as opening).
    opened = repo.ledger.balance(BalanceFilter(books_id=ids["books"],
                                               year_id=following.id or 0))
    assert {(r.account, r.aux_num): r.opening for r in opened.rows}[("416", "C1")] == D(100)
    assert opened.debit == opened.credit == D(10)


def test_concurrent_validations_and_writers_leave_no_gap(backend: Backend) -> None:
    """Four validators race two writers posting entries dated in the validated period:
    every number is given once and the sequence has no gap (the year's row lock; on
    SQLite the write lock)."""
    ids = _setup(backend)
    _write(backend, ids, 2025, *[_posting(n, date(2025, 1 + n % 12, 1 + n % 28), "1")
                                 for n in range(1, 61)])
    barrier = threading.Barrier(6)
    errors: list[BaseException] = []

    def validator(k: int) -> None:
        repo = backend.open("alice")
        barrier.wait()
        try:
            for month in range(1, 13):
                repo.ledger.validate(ids["books"], date(2025, month, 28 - k))
        except BaseException as exc:
            errors.append(exc)

    def writer(k: int) -> None:
        barrier.wait()
        try:
            for n in range(20):
                _write(backend, ids, 2025, _posting(1000 * (k + 1) + n,
                                                    date(2025, 1 + n % 12, 3), "2"))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=validator, args=(k,)) for k in range(4)]
    threads += [threading.Thread(target=writer, args=(k,)) for k in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    backend.open("alice").ledger.validate(ids["books"], date(2025, 12, 31))
    numbers = sorted(n for n in _numbers(backend, ids["2025"]).values() if n is not None)
    assert numbers == list(range(1, 101))
    with Session(backend.engine) as s:
        year = s.get(FinancialYear, ids["2025"])
        proposed_lines = s.execute(select(col(JournalLine.id)).where(
            col(JournalLine.year_id) == ids["2025"],
            col(JournalLine.status) == EntryStatus.PROPOSED.value)).all()
    assert year is not None and year.last_number == 100 and proposed_lines == []


def test_concurrent_generates_and_validations_post_each_event_once(backend: Backend) -> None:
    """Paid notices whose entries are missing (older history): two generates race two
    validations. Each event is booked once (the unique key), and the numbers run 1..n
    without gap nor duplicate."""
    from cofatui.enums import NoticeLineRole
    from cofatui.schemas_accounting import NoticeCreate, NoticeLineIn, PaymentCreate

    ids = _setup(backend)
    staff, alice = backend.open("uw"), backend.open("alice")
    for n in range(12):
        day = date(2025, 1 + n, 10)
        notice = staff.premiums.create_notice(NoticeCreate(
            contract_id=backend.ids["A"], period_start=day, period_end=day, due_date=day,
            lines=[NoticeLineIn(role=NoticeLineRole.CREDIT_INSURANCE,
                                amount_excl_tax=D(100 + n))]))
        alice.premiums.pay(PaymentCreate(contract_id=backend.ids["A"], paid_on=day,
                                         notice_ids=[notice.id]))
    with backend.engine.begin() as conn:  # proposed: removable; the history to rebuild
        conn.execute(text("DELETE FROM journal_line WHERE year_id = :y"), {"y": ids["2025"]})
        conn.execute(text("DELETE FROM journal_entry WHERE year_id = :y"), {"y": ids["2025"]})
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def act(kind: str) -> None:
        repo = backend.open("alice")
        barrier.wait()
        try:
            for month in (3, 6, 9, 12):
                if kind == "generate":
                    repo.ledger.generate(ids["books"])
                else:
                    repo.ledger.validate(ids["books"], date(2025, month, 28))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=act, args=(k,))
               for k in ("generate", "generate", "validate", "validate")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    alice.ledger.generate(ids["books"])
    alice.ledger.validate(ids["books"], date(2025, 12, 31))
    with Session(backend.engine) as s:
        keys = s.execute(select(col(JournalEntry.event_key)).where(
            col(JournalEntry.year_id) == ids["2025"])).scalars().all()
    assert len(keys) == len(set(keys)) == 12
    numbers = sorted(n for n in _numbers(backend, ids["2025"]).values() if n is not None)
    assert numbers == list(range(1, 13))
