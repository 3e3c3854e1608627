"""The objects behind the demo's requests (issue 17 item 1): the ILU behind each ILU
notification, the company-information submission (with its file) behind each
document outcome, and the turnover declarations behind the monthly requests and
reminders. Rows are built in their stored form (``cofatui.demo.loader``): ints, text,
bools, bytes and None, so the portfolio's worker process can build them too.

Nothing here draws from the portfolio's random generator: what a row is follows from
the notification it stands behind (its date, its id), so the rest of the demo is the
same with or without these objects."""

from __future__ import annotations

import calendar
import hashlib
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from cofatui.enums import (
    ACCOUNTS_TYPES,
    CompanyInfoStatus,
    CompanyInfoType,
    DocumentSource,
    IluStatus,
    NotificationTarget,
    PaymentExperience,
    TurnoverBasis,
    TurnoverBreakdown,
    TurnoverStatus,
)
from cofatui.repository.sql.turnover_lines import debtor_key

Row = tuple[Any, ...]
Take = Callable[[str], int]
Ts = Callable[[datetime], str]
Day = Callable[[date], str]

ILU_COLUMNS = (
    "id", "contract_id", "company_id", "product_id", "product_code", "cover_amount",
    "currency", "status", "deadline", "message", "issued_at", "issued_by", "experience",
    "delete_cover", "real_need", "comment", "answered_at", "answered_by", "closed_reason",
    "closed_at", "version")
SUBMISSION_COLUMNS = (
    "id", "contract_id", "company_id", "form", "nature", "event_date", "amount", "currency",
    "description", "info_type", "closing_date", "complete", "comment", "dra_review",
    "status", "created_at", "created_by", "decided_at", "decided_by", "decision_comment",
    "version")
#: A document row's columns; its tuple carries the bytes after them (for
#: ``document_content``: generator._insert_documents).
DOCUMENT_COLUMNS = (
    "id", "source", "contract_id", "company_id", "claim_id", "submission_id",
    "declaration_id", "filename", "content_type", "size", "sha256", "category", "comment",
    "created_at", "created_by")
DECLARATION_COLUMNS = (
    "id", "contract_id", "period_start", "period_end", "label", "basis", "breakdown",
    "due_date", "status", "requested_at", "requested_by", "contact_name", "contact_phone",
    "contact_email", "nothing_to_declare", "sent_at", "sent_by", "cancelled_at",
    "cancelled_by", "updated_at", "version")
LINE_COLUMNS = ("id", "declaration_id", "company_id", "country", "sort_key", "amount",
                "currency", "updated_at")

ILU_DAYS = 30  # an ILU's deadline after it is issued (our choice, issue 17 item 6)
UNDERWRITER = "underwriter"


def _pdf(title: str) -> bytes:
    """A small, real one-page PDF saying ``title`` (offsets computed, so readers open it)."""
    stream = f"BT /F1 14 Tf 72 760 Td ({title}) Tj ET".encode("latin-1")
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
               b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
               b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


@dataclass(frozen=True)
class _File:
    name: str
    content_type: str
    content: bytes
    sha256: str


def _file(name: str, content_type: str, content: bytes) -> _File:
    return _File(name, content_type, content, hashlib.sha256(content).hexdigest())


#: The demo's files, one per kind: the same bytes for every submission of a kind.
_PDF = _file("document.pdf", "application/pdf", _pdf("Document sent (cofatui demo)"))
_BALANCE = _file("aged_balance.csv", "text/csv",
                 b"Invoice;Due date;Amount;Currency\nF-1001;2026-09-30;12500.00;EUR\n"
                 b"F-1002;2026-10-31;8300.00;EUR\n")
_TURNOVER_IMPORT = _file("turnover.csv", "text/csv",
                         b"EasyNumber;Nom;Pays;Montant;Devise\n")

#: The demo's document kinds (texts.DOCUMENT_KINDS) as the information types they are.
INFO_TYPES = {
    "annual accounts": CompanyInfoType.ANNUAL_ACCOUNTS,
    "interim accounts": CompanyInfoType.INTERIM_ACCOUNTS,
    "aged balance": CompanyInfoType.AGED_BALANCE,
    "consolidated annual accounts": CompanyInfoType.CONSOLIDATED_ACCOUNTS,
    "capital / equity information": CompanyInfoType.CAPITAL,
    "annual report": CompanyInfoType.ANNUAL_REPORT,
}
#: The demo notification's outcome (texts.document: analysed, in progress, unusable).
OUTCOMES = (CompanyInfoStatus.ANALYSED, CompanyInfoStatus.IN_PROGRESS,
            CompanyInfoStatus.NOT_COMPATIBLE)
_EXPERIENCES = tuple(PaymentExperience)


def document_row(did: int, source: DocumentSource, contract_id: int, company_id: int | None,
                 owner: int, file: _File, name: str, category: str, at: str,
                 by: str) -> Row:
    owners = {DocumentSource.COMPANY_INFORMATION: (None, owner, None),
              DocumentSource.TURNOVER: (None, None, owner)}[source]
    return (did, source.value, contract_id, company_id, *owners, name, file.content_type,
            len(file.content), file.sha256, category, "", at, by, file.content)


@dataclass
class RequestRows:
    """What one batch adds behind its notifications, per table."""

    ilus: list[Row]
    submissions: list[Row]
    documents: list[Row]


class RequestObjects:
    """Builds the ILU or the submission behind one notification of a company."""

    def __init__(self, take: Take, ts: Ts, day: Day, now: datetime, out: RequestRows) -> None:
        self.take, self.ts, self.day, self.now, self.out = take, ts, day, now, out

    def ilu(self, contract_id: int, company_id: int, at: datetime, product_id: int,
            code: str, amount: int | None, currency: str, active: bool,
            open_taken: bool, by: str) -> tuple[str, int, bool]:
        """The ILU on the company's cover issued at ``at``: open while before its
        deadline (one per contract and company), else answered or expired; closed
        when the cover is no longer active. Returns (target type, id, open now)."""
        iid = self.take("ilu")
        deadline = at.date() + timedelta(days=ILU_DAYS)
        answered = closed = None
        experience = need = None
        reason = ""
        if not active:
            status, closed, reason = IluStatus.CLOSED, at + timedelta(days=3), "cover_deleted"
        elif deadline >= self.now.date() and not open_taken:
            status = IluStatus.OPEN
        elif iid % 4 == 0 and deadline < self.now.date():
            status = IluStatus.EXPIRED
            closed = datetime.combine(deadline + timedelta(days=1), datetime.min.time())
        else:
            status = IluStatus.ANSWERED
            answered = min(self.now - timedelta(hours=1), at + timedelta(days=2 + iid % 9))
            experience = _EXPERIENCES[iid % 3].value
            # The real need: four fifths of the cover, in whole units.
            need = None if amount is None else amount * 4 // 5 // 1000 * 1000
        self.out.ilus.append((
            iid, contract_id, company_id, product_id, code, amount, currency, status.value,
            self.day(deadline), "", self.ts(at), UNDERWRITER, experience,
            None if experience is None else False, need, "",
            None if answered is None else self.ts(answered), by if answered else "",
            reason, None if closed is None else self.ts(closed), 1))
        return NotificationTarget.ILU.value, iid, status == IluStatus.OPEN

    def submission(self, contract_id: int, company_id: int, at: datetime, kind: str,
                   outcome: int, year: int, by: str,
                   status: CompanyInfoStatus | None = None) -> tuple[str, int]:
        """The information transmission whose outcome the notification at ``at`` tells,
        with its file. Returns (target type, id)."""
        sid = self.take("company_information")
        info_type = INFO_TYPES[kind]
        status = status or OUTCOMES[min(outcome, 2)]
        decided = status != CompanyInfoStatus.IN_PROGRESS
        sent = at - timedelta(days=3) if decided else at
        accounts = info_type in ACCOUNTS_TYPES
        self.out.submissions.append((
            sid, contract_id, company_id, "transmission", None, None, None, None, "",
            info_type.value, self.day(date(year, 12, 31)) if accounts else None,
            True if accounts else None, "", False, status.value, self.ts(sent), by,
            self.ts(at) if decided else None, UNDERWRITER if decided else "", "", 1))
        file = _BALANCE if info_type == CompanyInfoType.AGED_BALANCE else _PDF
        extension = file.name.rsplit(".", 1)[1]
        self.out.documents.append(document_row(
            self.take("document"), DocumentSource.COMPANY_INFORMATION, contract_id,
            company_id, sid, file, f"{info_type.value}_{year}.{extension}",
            info_type.value, self.ts(sent), by))
        return NotificationTarget.COMPANY_INFORMATION.value, sid


@dataclass(frozen=True)
class Debtor:
    company_id: int
    name: str
    country: str


@dataclass
class TurnoverRows:
    declarations: list[Row]
    lines: list[Row]
    documents: list[Row]


def month_end(start: date) -> date:
    return start.replace(day=calendar.monthrange(start.year, start.month)[1])


class TurnoverObjects:
    """The declaration behind each monthly request (its reminders lead to it too): the
    last two months still New, one Cancelled by the underwriter, the others Sent with
    their lines; two Sent ones keep their imported file."""

    CANCELLED_MONTHS_AGO = 6
    IMPORTED_MONTHS_AGO = (3, 4)

    def __init__(self, take: Take, ts: Ts, day: Day, now: datetime,
                 rng: random.Random) -> None:
        self.take, self.ts, self.day, self.now, self.rng = take, ts, day, now, rng
        self.out = TurnoverRows([], [], [])

    def declaration(self, contract_id: int, currency: str, breakdown: TurnoverBreakdown,
                    basis: TurnoverBasis, period: date, months_ago: int, requested: datetime,
                    debtors: Sequence[Debtor], contact: tuple[str, str, str]) -> int:
        did = self.take("turnover_declaration")
        end = month_end(period)
        due = end + timedelta(days=30)
        status = TurnoverStatus.NEW if months_ago <= 2 else (
            TurnoverStatus.CANCELLED if months_ago == self.CANCELLED_MONTHS_AGO
            else TurnoverStatus.SENT)
        # Sent some days after the period is over (its sales are known then), before due.
        over = datetime.combine(end + timedelta(days=1), time(9), tzinfo=requested.tzinfo)
        sent = min(self.now, max(requested, over) + timedelta(days=12)) \
            if status == TurnoverStatus.SENT else None
        cancelled = requested + timedelta(days=10) \
            if status == TurnoverStatus.CANCELLED else None
        name, phone, email = contact if sent else ("", "", "")
        self.out.declarations.append((
            did, contract_id, self.day(period), self.day(end), f"{period:%m/%Y}",
            basis.value, breakdown.value, self.day(due), status.value, self.ts(requested),
            UNDERWRITER, name, phone, email, False,
            None if sent is None else self.ts(sent), "demo" if sent else "",
            None if cancelled is None else self.ts(cancelled),
            UNDERWRITER if cancelled else "", self.ts(sent or cancelled or requested), 1))
        if sent is not None:
            self._lines(did, currency, breakdown, debtors, self.ts(sent))
            if months_ago in self.IMPORTED_MONTHS_AGO:
                self.out.documents.append(document_row(
                    self.take("document"), DocumentSource.TURNOVER, contract_id, None, did,
                    _TURNOVER_IMPORT, f"turnover_{period:%Y_%m}.csv", "import",
                    self.ts(sent - timedelta(minutes=5)), "demo"))
        return did

    def _lines(self, did: int, currency: str, breakdown: TurnoverBreakdown,
               debtors: Sequence[Debtor], at: str) -> None:
        amount = self.rng.randrange
        if breakdown == TurnoverBreakdown.DEBTOR:
            for d in debtors:
                self.out.lines.append((self.take("turnover_line"), did, d.company_id, d.country,
                                       debtor_key(d.name), amount(1_000, 250_000) * 1000,
                                       currency, at))
            return
        for country in sorted({d.country for d in debtors}):
            self.out.lines.append((self.take("turnover_line"), did, None, country, country,
                                   amount(10_000, 900_000) * 1000, currency, at))


__all__ = ["DECLARATION_COLUMNS", "DOCUMENT_COLUMNS", "ILU_COLUMNS", "LINE_COLUMNS",
           "SUBMISSION_COLUMNS", "Debtor", "RequestObjects", "RequestRows",
           "TurnoverObjects", "month_end"]
