"""Stand-ins for ``repo.books``, ``repo.ledger`` and ``repo.jobs`` (FEC) in the
accounting screens' Pilot tests: the SQL areas are being written at the same time, so
the screens are tested against the protocols (``repository/areas/{books,ledger}.py``)
with a small, known journal. The fakes keep the rules the screens rely on: filters
select whole entries, keyset windows never split an entry, validation numbers proposed
entries in (date, id) order from the year's last number."""

from __future__ import annotations

import builtins
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from cofatui.enums import AccountingEventKind as K
from cofatui.enums import EntryStatus, Journal, YearStatus
from cofatui.errors import NotFound, RuleViolation, ValidationFailed
from cofatui.schemas_accounting import (
    AccountOverrideSet,
    AccountPublic,
    BalanceFilter,
    BalancePublic,
    BalanceRow,
    BooksCreate,
    BooksPublic,
    FecRequest,
    FinancialYearCreate,
    FinancialYearPublic,
    GenerateResult,
    JournalFilter,
    JournalLinePublic,
    JournalTotals,
    JournalWindow,
    LedgerFilter,
    LedgerRow,
    LedgerWindow,
    ValidationPreview,
    ValidationResult,
    WaitPublic,
)
from cofatui.schemas_jobs import JobFileContent, JobPublic, JobStatus
from tests.tui.products_env import Env

D = Decimal
LABELS = {"6166": "Primes d'assurance-crédit", "512": "Banque", "416": "Clients douteux",
          "411": "Clients", "4687": "Produits à recevoir", "7587": "Indemnités d'assurance",
          "6817": "Dotations aux dépréciations", "491": "Dépréciation des comptes clients"}


def year(id_: int, start: date, end: date, status: YearStatus, last: int) -> FinancialYearPublic:
    return FinancialYearPublic(id=id_, books_id=1, start=start, end=end, status=status,
                               chart="2025", validated_until=None, last_number=last,
                               closed_at=None, version=1)


#: (entry id, date, journal, kind, source, source id, piece, label, status, number,
#:  lines: (account, aux, debit, credit, currency amount, currency))
ENTRIES: list[tuple[Any, ...]] = [
    (1, date(2026, 2, 10), Journal.BANK, K.NOTICE_PAID, "payment", 7, "PRM-2026-000001",
     "Prime Coface PRM-2026-000001", EntryStatus.VALIDATED, 2,
     [("6166", "", D("1200.00"), D(0), None, "EUR"), ("512", "", D(0), D("1200.00"), None, "EUR")]),
    (2, date(2026, 3, 5), Journal.OTHER, K.CLAIM_REGISTERED, "claim", 42, "DMS-2026-000046",
     "Sinistre Coface DMS-2026-000046 Dupont SA", EntryStatus.PROPOSED, None,
     [("416", "C001", D("12000.00"), D(0), None, "EUR"),
      ("411", "C001", D(0), D("12000.00"), None, "EUR")]),
    (3, date(2026, 4, 1), Journal.OTHER, K.INDEMNITY_AGREED, "claim", 42, "DMS-2026-000046",
     "Indemnité Coface DMS-2026-000046 Dupont SA", EntryStatus.PROPOSED, None,
     [("4687", "", D("9000.00"), D(0), None, "EUR"),
      ("7587", "", D(0), D("9000.00"), None, "EUR")]),
    (4, date(2026, 5, 2), Journal.BANK, K.INDEMNITY_RECEIVED, "claim", 42, "DMS-2026-000046",
     "Encaissement indemnité DMS-2026-000046", EntryStatus.PROPOSED, None,
     [("512", "", D("9000.00"), D(0), None, "EUR"), ("4687", "", D(0), D("9000.00"), None, "EUR")]),
    (5, date(2026, 6, 1), Journal.BANK, K.NOTICE_PAID, "payment", 8, "PRM-2026-000002",
     "Prime TopLiner PRM-2026-000002", EntryStatus.PROPOSED, None,
     [("6166", "", D("920.00"), D(0), D("1000.00"), "USD"),
      ("512", "", D(0), D("920.00"), D("1000.00"), "USD")]),
]


def _lines(entry: tuple[Any, ...]) -> list[JournalLinePublic]:
    eid, day, jnl, kind, skind, sid, piece, label, status, number, lines = entry
    return [JournalLinePublic(
        entry_id=eid, line_no=n, journal=jnl, entry_date=day, number=number, status=status,
        event_kind=kind, piece_ref=piece, piece_date=day, entry_label=label, account=acc,
        account_label=LABELS[acc], aux_num=aux, aux_label="Dupont SA" if aux else "",
        label=label, debit=debit, credit=credit, currency_amount=amount, currency=cur,
        source_kind=skind, source_id=sid)
        for n, (acc, aux, debit, credit, amount, cur) in enumerate(lines, 1)]


@dataclass
class FakeBooks:
    books: list[BooksPublic] = field(default_factory=list)
    created: list[BooksCreate] = field(default_factory=list)

    def list(self) -> list[BooksPublic]:
        return list(self.books)

    def get(self, books_id: int) -> BooksPublic:
        for b in self.books:
            if b.id == books_id:
                return b
        raise NotFound("books.books_not_found")

    def create(self, data: BooksCreate) -> BooksPublic:
        if data.siren != "732829320":
            raise ValidationFailed("books.siren_invalid", field="siren")
        self.created.append(data)
        made = self.books[0].model_copy(update={"id": 2, "name": data.name,
                                                "siren": data.siren})
        self.books.append(made)
        return made

    def update(self, books_id: int, data: Any) -> BooksPublic:
        raise NotImplementedError

    def add_year(self, data: FinancialYearCreate) -> FinancialYearPublic:
        raise NotImplementedError

    def accounts(self, books_id: int, year_id: int) -> builtins.list[AccountPublic]:
        return [AccountPublic(account=a, label=label, number=a, number_label=label,
                              source="seed 002 §1") for a, label in sorted(LABELS.items())]

    def set_override(self, data: AccountOverrideSet) -> AccountPublic:
        raise NotImplementedError


class FakeLedger:
    def __init__(self) -> None:
        self.entries = [list(e) for e in ENTRIES]
        self.last_number = 2
        self.validated_until: date | None = None
        self.fec_requests: list[FecRequest] = []

    def _selected(self, flt: JournalFilter) -> list[JournalLinePublic]:
        out: list[JournalLinePublic] = []
        for entry in self.entries:
            lines = _lines(tuple(entry))
            head = lines[0]
            text = flt.text.lower()
            if ((flt.date_from and head.entry_date < flt.date_from)
                    or (flt.date_to and head.entry_date > flt.date_to)
                    or (flt.journal and head.journal != flt.journal)
                    or (flt.event_kind and head.event_kind != flt.event_kind)
                    or (flt.status and head.status != flt.status)
                    or (flt.account_prefix and not any(
                        ln.account.startswith(flt.account_prefix) for ln in lines))
                    or (text and not any(text in f"{ln.label} {ln.piece_ref} {ln.aux_num}".lower()
                                        for ln in lines))):
                continue
            out += lines
        return out

    def journal(self, flt: JournalFilter, after: str | None = None,
                limit: int = 200) -> JournalWindow:
        lines = self._selected(flt)
        start = int(after) if after else 0
        end = min(len(lines), start + limit)
        while end < len(lines) and lines[end].entry_id == lines[end - 1].entry_id:
            end += 1  # whole entries
        return JournalWindow(items=lines[start:end],
                             next_after=str(end) if end < len(lines) else None)

    def journal_totals(self, flt: JournalFilter) -> JournalTotals:
        lines = self._selected(flt)
        return JournalTotals(lines=len(lines), entries=len({ln.entry_id for ln in lines}),
                             debit=sum((ln.debit for ln in lines), D(0)),
                             credit=sum((ln.credit for ln in lines), D(0)))

    def generate(self, books_id: int | None = None) -> GenerateResult:
        return GenerateResult(posted=0, replaced=0, reversed=0, waiting=1)

    def waits(self, books_id: int) -> list[WaitPublic]:
        return [WaitPublic(books_id=1, event_key="notice_paid:9", event_kind=K.NOTICE_PAID,
                           source_kind="payment", source_id=9, event_date=date(2026, 3, 31),
                           code="accounting.no_rate", params={"currency": "USD"},
                           message="no EUR rate for USD on 2026-03-31", since=None)]

    def _proposed(self, until: date) -> list[list[Any]]:
        return sorted((e for e in self.entries
                       if e[8] == EntryStatus.PROPOSED and e[1] <= until),
                      key=lambda e: (e[1], e[0]))

    def validation_preview(self, books_id: int, until: date) -> ValidationPreview:
        if until > date(2026, 11, 22):
            raise RuleViolation("ledger.until_in_future")
        count = len(self._proposed(until))
        first = self.last_number + 1 if count else 0
        return ValidationPreview(books_id=books_id, year_id=2, until=until, count=count,
                                 first_number=first, last_number=first + count - 1 if count else 0)

    def validate(self, books_id: int, until: date) -> ValidationResult:
        todo = self._proposed(until)
        first = self.last_number + 1
        for entry in todo:
            self.last_number += 1
            entry[8], entry[9] = EntryStatus.VALIDATED, self.last_number
        self.validated_until = until
        return ValidationResult(year=year(2, date(2026, 1, 1), date(2026, 12, 31),
                                          YearStatus.OPEN, self.last_number),
                                count=len(todo), first_number=first, last_number=self.last_number)

    def balance(self, flt: BalanceFilter) -> BalancePublic:
        rows: dict[tuple[str, str], list[Decimal]] = {}
        for entry in self.entries:
            for ln in _lines(tuple(entry)):
                sums = rows.setdefault((ln.account, ln.aux_num), [D(0), D(0)])
                sums[0] += ln.debit
                sums[1] += ln.credit
        out = [BalanceRow(account=a, label=LABELS[a], aux_num=aux,
                          aux_label="Dupont SA" if aux else "", opening=D(0), debit=d,
                          credit=c, closing=d - c)
               for (a, aux), (d, c) in sorted(rows.items())]
        debit = sum((r.debit for r in out), D(0))
        return BalancePublic(rows=out, opening=D(0), debit=debit, credit=debit, closing=D(0))

    def ledger(self, flt: LedgerFilter, after: str | None = None,
               limit: int = 200) -> LedgerWindow:
        running, items = D(0), []
        for entry in self.entries:
            for ln in _lines(tuple(entry)):
                if ln.account == flt.account and flt.aux_num in (None, ln.aux_num):
                    running += ln.debit - ln.credit
                    items.append(LedgerRow(
                        entry_id=ln.entry_id, line_no=ln.line_no, entry_date=ln.entry_date,
                        journal=ln.journal, number=ln.number, piece_ref=ln.piece_ref,
                        label=ln.label, aux_num=ln.aux_num, debit=ln.debit, credit=ln.credit,
                        balance=running, source_kind=ln.source_kind, source_id=ln.source_id))
        start = int(after) if after else 0
        return LedgerWindow(account=flt.account, label=LABELS[flt.account], opening=D(0),
                            items=items[start:start + limit],
                            next_after=str(start + limit) if start + limit < len(items) else None)

    def fec(self, request: FecRequest) -> JobPublic:
        self.fec_requests.append(request)
        return fec_job(JobStatus.QUEUED)


FEC_BYTES = "JournalCode\tJournalLib\r\n".encode("iso-8859-15")


def fec_job(status: JobStatus) -> JobPublic:
    done = status is JobStatus.DONE
    return JobPublic(id=99, kind="ledger.fec", params={"left_out": 4}, status=status,
                     progress_done=1 if done else 0, progress_total=1, error_code="",
                     error="", result_name="732829320FEC20261231.txt" if done else "",
                     result_size=len(FEC_BYTES) if done else None, attempts=1,
                     cancel_requested=False, created_at=datetime(2026, 11, 22, tzinfo=UTC),
                     started_at=None, finished_at=None)


class FakeJobs:
    """The FEC job: done at the second look."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.looks = 0

    def get(self, job_id: int) -> JobPublic:
        if job_id != 99:
            return self.real.get(job_id)  # type: ignore[no-any-return]
        self.looks += 1
        return fec_job(JobStatus.DONE if self.looks > 1 else JobStatus.RUNNING)

    def result_file(self, job_id: int) -> JobFileContent:
        return JobFileContent(name="732829320FEC20261231.txt", content=FEC_BYTES)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


def books_fixture() -> BooksPublic:
    return BooksPublic(id=1, siren="732829320", name="Dupont SA", bank_account="512",
                       bank_label="Banque", contract_ids=[1], policy_numbers=["POL-A"],
                       years=[year(1, date(2025, 1, 1), date(2025, 12, 31), YearStatus.CLOSED, 40),
                              year(2, date(2026, 1, 1), date(2026, 12, 31), YearStatus.OPEN, 2)],
                       version=1)


@dataclass
class AccountingApp:
    app: Any
    ledger: FakeLedger
    books: FakeBooks


def accounting_app(env: Env, login: str = "alice", language: str = "en") -> AccountingApp:
    """The real app on the contract dataset, its books and ledger areas the fakes."""
    app = env.app(login, language)
    ledger, books = FakeLedger(), FakeBooks([books_fixture()])
    inner: Any = app.repo.wrapped  # type: ignore[attr-defined]  # the SQL repository under the app's connection watch
    inner.ledger = ledger
    inner.books = books
    inner.jobs = FakeJobs(inner.jobs)
    return AccountingApp(app, ledger, books)
