"""The FEC of one set of books and financial year (issue 20 item 9), as a job.

``repo.ledger.fec`` (:func:`queue`) checks at once what would make the file pointless
— books the user may not read, a year of other books, a year with nothing validated —
counts the proposed entries the file will leave out, and queues the job (kind
``ledger.fec``, ``params["left_out"]``) in one transaction. The job
(``jobs/ledger_fec.py``) calls :func:`export` as its owner, which checks the rights
again (they may have changed since) and streams :func:`fec_rows` into
``formats/fec.py``'s writer: validated lines only, in validation order (EcritureNum,
so the opening entry, number 1, comes first), read through a server-side cursor
(``yield_per``) so that a million lines keep memory flat."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.enums import EntryStatus, Journal
from cofatui.errors import RuleViolation
from cofatui.formats import fec
from cofatui.models import Job
from cofatui.models.accounting import FinancialYear, JournalEntry, JournalLine
from cofatui.repository.sql.jobs import job_public
from cofatui.repository.sql.ledger_queries import books_year
from cofatui.schemas_accounting import FecRequest
from cofatui.schemas_jobs import JobPublic

if TYPE_CHECKING:
    from cofatui.repository.sql.ledger import SqlLedger

#: The job kind (``jobs/handlers.py``).
FEC_JOB = "ledger.fec"
#: JournalLib of each journal (French: the file is for the French tax office).
JOURNAL_LABELS: dict[str, str] = {
    Journal.BANK.value: "Banque",
    Journal.OTHER.value: "Opérations diverses",
    Journal.OPENING.value: "À-nouveaux",
}
#: Rows fetched per round trip of the server-side cursor.
YIELD_PER = 5000
Progress = Callable[[int, int | None], None]


def _count(s: Session, year_id: int, status: EntryStatus) -> int:
    return int(s.execute(select(func.count()).select_from(JournalEntry)
                         .where(col(JournalEntry.year_id) == year_id,
                                col(JournalEntry.status) == status.value)).scalar_one())


def _refuse_empty(s: Session, year: FinancialYear) -> None:
    assert year.id is not None
    if _count(s, year.id, EntryStatus.VALIDATED) == 0:
        raise RuleViolation("ledger.nothing_validated", start=year.start, end=year.end)


def queue(area: SqlLedger, request: FecRequest) -> JobPublic:
    """Queue the FEC (see the module). Raises: NotFound (books not readable, year of
    other books); RuleViolation ``ledger.nothing_validated``."""
    with area._uow(write=True) as s:
        books, year = books_year(s, area.root, request.books_id, request.year_id,
                                 write=False)
        _refuse_empty(s, year)
        assert year.id is not None
        left_out = _count(s, year.id, EntryStatus.PROPOSED)
        params = {"books_id": books.id, "year_id": year.id, "separator": request.separator,
                  "left_out": left_out, "name": fec.file_name(books.siren, year.end)}
        now = area.clock.now()
        job = Job(kind=FEC_JOB, owner_id=area.principal.user_id, params=json.dumps(params),
                  created_at=now, run_after=now)
        s.add(job)
        s.flush()
        area._audit(s, "ledger.fec", "financial_year", year.id,
                    {"job_id": job.id, "left_out": left_out})
        return job_public(job)


def fec_rows(s: Session, year_id: int) -> Iterator[fec.FecLine]:
    """The year's validated lines in validation order (EcritureNum, then line), as the
    FEC writes them; streamed (server-side cursor on PostgreSQL)."""
    e, ln = JournalEntry, JournalLine
    query = (select(e.journal, e.number, e.entry_date, ln.account, ln.account_label,
                    ln.aux_num, ln.aux_label, e.piece_ref, e.piece_date, ln.label, e.label,
                    ln.debit, ln.credit, e.valid_date, ln.currency_amount, ln.currency)
             .join(ln, col(ln.entry_id) == col(e.id))
             .where(col(e.year_id) == year_id,
                    col(e.status) == EntryStatus.VALIDATED.value)
             .order_by(col(e.number), col(ln.line_no))
             .execution_options(yield_per=YIELD_PER))
    for (journal, number, day, account, account_label, aux_num, aux_label, piece_ref,
         piece_date, line_label, entry_label, debit, credit, valid_date, currency_amount,
         currency) in s.execute(query):
        yield fec.FecLine(
            journal_code=journal, journal_label=JOURNAL_LABELS.get(journal, journal),
            number=number, entry_date=day, account=account, account_label=account_label,
            aux_num=aux_num, aux_label=aux_label, piece_ref=piece_ref, piece_date=piece_date,
            label=line_label or entry_label, debit=debit, credit=credit,
            valid_date=valid_date, currency_amount=currency_amount if currency else None,
            currency=currency if currency_amount is not None else "")


def export(area: SqlLedger, books_id: int, year_id: int, separator: str,
           progress: Progress) -> tuple[str, bytes]:
    """The job's work: the file's name and bytes, written through a temporary file
    (the writer's rename), read back once complete."""
    with area._uow() as s:
        books, year = books_year(s, area.root, books_id, year_id, write=False)
        _refuse_empty(s, year)
        name = fec.file_name(books.siren, year.end)
        with tempfile.TemporaryDirectory(prefix="cofatui-fec-") as folder:
            path = Path(folder) / name
            fec.write_fec(path, fec_rows(s, year_id), fec.separator_of(separator),
                          lambda done: progress(done, None))
            return name, path.read_bytes()
