"""``repo.ledger.fec`` (issue 20 item 9) on every backend: the job's file is a valid FEC
(read back by ``formats/fec.py``'s strict checker) of the validated entries only, in
validation order with the opening entry first, named ``<SIREN>FEC<closing date>.txt``;
the proposed entries left out are counted; a year with nothing validated is refused;
read-only users export, unattached ones find nothing.

The books and entries are written straight into the database (as validation leaves
them): this file checks the export, not the posting engine."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from cofatui.enums import EntryStatus
from cofatui.errors import NotFound, RuleViolation
from cofatui.formats import fec
from cofatui.models.accounting import (
    Books,
    BooksContract,
    FinancialYear,
    JournalEntry,
    JournalLine,
)
from cofatui.schemas_accounting import FecRequest
from cofatui.schemas_jobs import JobStatus
from tests.contract.conftest import Backend
from tests.contract.jobs_helpers import run_jobs

SIREN = "732829320"
VALIDATED = EntryStatus.VALIDATED.value


def _entry(s: Session, books: Books, year: FinancialYear, *, number: int | None,
           journal: str, day: date, label: str,
           lines: list[tuple[str, str, str, str, str, Decimal | None, str]]) -> None:
    """One entry and its lines ``(account, label, aux, debit, credit, currency amount,
    currency)``; validated when it has a number."""
    status = VALIDATED if number else EntryStatus.PROPOSED.value
    assert books.id is not None and year.id is not None
    total = sum((Decimal(d) for _a, _l, _x, d, _c, _m, _cur in lines), Decimal(0))
    entry = JournalEntry(
        books_id=books.id, year_id=year.id, journal=journal, entry_date=day, status=status,
        number=number, valid_date=date(2026, 11, 1) if number else None,
        event_kind="notice_paid", event_key=f"k:{label}", source_kind="payment",
        source_id=1, piece_ref=f"PRM-{label}", piece_date=day, label=label, total=total)
    s.add(entry)
    s.flush()
    assert entry.id is not None
    for no, (account, account_label, aux, debit, credit, amount, currency) in enumerate(
            lines, start=1):
        s.add(JournalLine(entry_id=entry.id, line_no=no, year_id=year.id, entry_date=day,
                          status=status, account=account, account_label=account_label,
                          aux_num=aux, aux_label=f"{aux} Dupont\tSA" if aux else "",
                          label=label, debit=Decimal(debit), credit=Decimal(credit),
                          currency_amount=amount, currency=currency))


def _books(backend: Backend, *, validated: bool = True) -> tuple[int, int]:
    """Books on contract A with a 2026 year: (books id, year id)."""
    with Session(backend.engine) as s:
        books = Books(siren=SIREN, name="Alpha Industries")
        s.add(books)
        s.flush()
        assert books.id is not None
        s.add(BooksContract(books_id=books.id, contract_id=backend.ids["A"]))
        year = FinancialYear(books_id=books.id, start=date(2026, 1, 1), end=date(2026, 12, 31),
                             chart="2025", last_number=3 if validated else 0)
        s.add(year)
        s.flush()
        if validated:
            # Inserted out of number order: the file follows the numbers, not the ids.
            _entry(s, books, year, number=3, journal="OD", day=date(2026, 6, 2),
                   label="Indemnité Coface DMS-2026-000046 Żółć|東京",
                   lines=[("4687", "Indemnités à recevoir", "", "100.00", "0", None, ""),
                          ("7587", "Indemnités d'assurance", "", "0", "100.00", None, "")])
            _entry(s, books, year, number=1, journal="AN", day=date(2026, 1, 1),
                   label="À-nouveaux 2026",
                   lines=[("416", "Clients douteux", "C-0042", "500.00", "0", None, ""),
                          ("411", "Clients", "C-0042", "0", "500.00", None, "")])
            _entry(s, books, year, number=2, journal="BQ", day=date(2026, 3, 31),
                   label="Prime TopLiner", lines=[
                       ("6166", "Primes d'assurance-crédit", "", "92.10", "0",
                        Decimal("100.00"), "USD"),
                       ("512", "Banque", "", "0", "92.10", None, "")])
        _entry(s, books, year, number=None, journal="BQ", day=date(2026, 11, 20),
               label="Prime PRM-2026-000002",
               lines=[("6166", "Primes", "", "10.00", "0", None, ""),
                      ("512", "Banque", "", "0", "10.00", None, "")])
        s.commit()
        assert year.id is not None
        return books.id, year.id


@pytest.mark.parametrize("login", ["alice", "reader", "uw"])
def test_the_fec_job_writes_the_validated_entries_in_validation_order(
        backend: Backend, login: str) -> None:
    books_id, year_id = _books(backend)
    repo = backend.open(login)
    job = repo.ledger.fec(FecRequest(books_id=books_id, year_id=year_id))
    assert job.params["left_out"] == 1  # the proposed entry of November
    done = run_jobs(backend, repo, job.id)
    assert done.status is JobStatus.DONE, done.error
    assert done.result_name == f"{SIREN}FEC20261231.txt"
    data = repo.jobs.result_file(job.id).content
    lines = fec.read_fec(data)
    assert [line.number for line in lines] == [1, 1, 2, 2, 3, 3]
    assert lines[0].journal_code == "AN" and lines[0].journal_label == "À-nouveaux"
    assert (lines[0].aux_num, lines[0].aux_label) == ("C-0042", "C-0042 Dupont SA")
    assert (lines[2].currency_amount, lines[2].currency) == (Decimal("100.00"), "USD")
    assert lines[4].label == "Indemnité Coface DMS-2026-000046 Zólc ??"
    assert sum(line.debit for line in lines) == sum(line.credit for line in lines)
    assert b"Prime PRM-2026-000002" not in data


def test_the_pipe_separator_on_request(backend: Backend) -> None:
    books_id, year_id = _books(backend)
    repo = backend.open("alice")
    job = repo.ledger.fec(FecRequest(books_id=books_id, year_id=year_id, separator="pipe"))
    assert run_jobs(backend, repo, job.id).status is JobStatus.DONE
    data = repo.jobs.result_file(job.id).content
    assert b"\t" not in data and len(fec.read_fec(data)) == 6


def test_a_year_with_nothing_validated_is_refused(backend: Backend) -> None:
    books_id, year_id = _books(backend, validated=False)
    repo = backend.open("alice")
    before = repo.jobs.list().total
    with pytest.raises(RuleViolation) as refused:
        repo.ledger.fec(FecRequest(books_id=books_id, year_id=year_id))
    assert refused.value.code == "ledger.nothing_validated"
    assert repo.jobs.list().total == before


@pytest.mark.parametrize("login", ["bob", "carol"])
def test_unattached_or_without_accounting_finds_nothing(backend: Backend, login: str) -> None:
    books_id, year_id = _books(backend)
    with pytest.raises(NotFound):
        backend.open(login).ledger.fec(FecRequest(books_id=books_id, year_id=year_id))


def test_a_year_of_other_books_is_not_found(backend: Backend) -> None:
    books_id, _year = _books(backend)
    with Session(backend.engine) as s:
        other = Books(siren="552100554", name="Epsilon Transports")
        s.add(other)
        s.flush()
        assert other.id is not None
        year = FinancialYear(books_id=other.id, start=date(2026, 1, 1),
                             end=date(2026, 12, 31), chart="2025")
        s.add(year)
        s.commit()
        other_year = year.id
    assert other_year is not None
    with pytest.raises(NotFound):
        backend.open("uw").ledger.fec(FecRequest(books_id=books_id, year_id=other_year))
