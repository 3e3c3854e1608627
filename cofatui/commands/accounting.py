"""``cofatui accounting …``: the insurance sub-ledger from the command line (issue 20
item 10), acting as ``--user LOGIN`` on a database or as the token's owner with
``--api``. Non-interactive: a refusal is one coded line on stderr, in my language, and
exit 1.

    cofatui accounting fec --year Y --output DIR [--siren S] [--separator tab|pipe]
    cofatui accounting generate [--siren S]
    cofatui accounting validate --until D [--siren S]
    cofatui accounting close --year Y [--siren S]
    cofatui accounting balance --year Y [--csv] [--siren S]
    cofatui accounting waits [--siren S]
    cofatui accounting books|notices|claim …        (commands/accounting_books.py)

``--year Y`` is the financial year *closing* in Y. Without ``--siren`` a command acts
on every set of books I may read. The FEC is a job: on a database this command runs it
with its own worker while it waits, through ``--api`` the server's workers do; either
way the file is read back with ``repo.jobs.result_file``, so both give the same bytes.
``fec`` prints the path of each file written, one per line.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from cofatui.commands import accounting_books, actions_of, opened
from cofatui.commands.bulk import Sub
from cofatui.commands.chorus_text import day_arg
from cofatui.errors import CofaError
from cofatui.i18n import format_amount, t
from cofatui.schemas_accounting import (
    BalanceFilter,
    BalancePublic,
    BooksPublic,
    FecRequest,
    FinancialYearPublic,
)
from cofatui.schemas_jobs import FINISHED, JobPublic, JobStatus

if TYPE_CHECKING:
    from cofatui.repository.base import Repository

EXIT_OK = 0
#: At least one set of books was refused or its FEC job failed (said on stderr).
EXIT_FAILED = 1
POLL_SECONDS = 0.2


def register(sub: Sub) -> None:
    command = sub("accounting", "the insurance sub-ledger: books, journal, FEC")
    action = actions_of(command, "accounting_command")
    fec = action("fec", "write the FEC of the financial year closing in a year", cmd_fec)
    fec.add_argument("--year", type=int, required=True, help="the year it closes in")
    fec.add_argument("--output", required=True, metavar="DIR",
                     help="the folder the files are written to (created if missing)")
    fec.add_argument("--separator", choices=["tab", "pipe"], default="tab")
    generate = action("generate", "book what is missing (older events, waits)",
                      cmd_generate)
    validate = action("validate", "number the proposed entries up to a day", cmd_validate)
    validate.add_argument("--until", type=day_arg, required=True, metavar="DATE")
    close = action("close", "close the financial year closing in a year", cmd_close)
    close.add_argument("--year", type=int, required=True)
    balance = action("balance", "the balance of the financial year closing in a year",
                     cmd_balance)
    balance.add_argument("--year", type=int, required=True)
    balance.add_argument("--csv", action="store_true", help="CSV on standard output")
    waits = action("waits", "events waiting (for an EUR rate, a year)", cmd_waits)
    for parser in (fec, generate, validate, close, balance, waits):
        parser.add_argument("--siren", help="one set of books (default: every one I read)")
    accounting_books.register_actions(action)


# --- FEC ------------------------------------------------------------------------------


def _folder(output: str) -> Path:
    path = Path(output).expanduser()
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CofaError("accounting_cli.unwritable", path=str(path),
                        reason=exc.strerror or type(exc).__name__) from exc
    return path


def _write(path: Path, content: bytes) -> None:
    """Whole or not at all: a temporary file beside it, then renamed."""
    temporary = path.with_name(f".{path.name}.part")
    try:
        temporary.write_bytes(content)
        os.replace(temporary, path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise CofaError("accounting_cli.unwritable", path=str(path),
                        reason=exc.strerror or type(exc).__name__) from exc


def _wait(repo: Repository, job: JobPublic) -> JobPublic:
    while job.status not in FINISHED:
        time.sleep(POLL_SECONDS)
        job = repo.jobs.get(job.id)
    return job


def _queue(repo: Repository, pairs: list[tuple[BooksPublic, FinancialYearPublic]],
           separator: str) -> tuple[list[tuple[BooksPublic, JobPublic]], bool]:
    """One FEC job per set of books; a refused one (nothing validated) is said on
    stderr and the others still run."""
    queued: list[tuple[BooksPublic, JobPublic]] = []
    refused = False
    for books, year in pairs:
        try:
            queued.append((books, repo.ledger.fec(FecRequest(
                books_id=books.id, year_id=year.id, separator=separator))))
        except CofaError as exc:
            print(f"cofatui: {books.siren}: {exc}", file=sys.stderr)
            refused = True
    return queued, refused


def cmd_fec(args: argparse.Namespace) -> int:
    from cofatui.cli import load_settings_for
    from cofatui.jobs.worker import embedded_worker

    folder = _folder(args.output)
    with opened(args) as repo:
        pairs = accounting_books.years_closing_in(
            accounting_books.books_for(repo, args.siren), args.year)
        queued, failed = _queue(repo, pairs, args.separator)
        # On a database nobody else may be running jobs: run our own worker while we
        # wait (through --api the server's workers run them).
        worker = embedded_worker(repo, load_settings_for(args).mail) if queued else None
        try:
            done = [(books, _wait(repo, job)) for books, job in queued]
        finally:
            if worker is not None:
                worker.stop()
        for books, job in done:
            if job.status is not JobStatus.DONE:
                print(t("accounting_cli.fec_failed", siren=books.siren,
                        error=job.error or job.status.value), file=sys.stderr)
                failed = True
                continue
            stored = repo.jobs.result_file(job.id)
            path = folder / (Path(stored.name).name or f"{books.siren}FEC.txt")
            _write(path, stored.content)
            print(path)
            left_out = int(job.params.get("left_out") or 0)
            if left_out:
                print(t("accounting_cli.left_out", siren=books.siren, count=left_out),
                      file=sys.stderr)
    return EXIT_FAILED if failed else EXIT_OK


# --- generate, validate, close ----------------------------------------------------------


def cmd_generate(args: argparse.Namespace) -> int:
    with opened(args) as repo:
        targets: list[int | None] = [None] if args.siren is None else [
            b.id for b in accounting_books.books_for(repo, args.siren)]
        results = [repo.ledger.generate(books_id) for books_id in targets]
    for r in results:
        print(t("accounting_cli.generated", posted=r.posted, replaced=r.replaced,
                reversed=r.reversed, waiting=r.waiting))
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    with opened(args) as repo:
        for books in accounting_books.books_for(repo, args.siren):
            done = repo.ledger.validate(books.id, args.until)
            print(t("accounting_cli.validated", siren=books.siren, count=done.count,
                    first=done.first_number, last=done.last_number,
                    until=args.until.isoformat()))
    return EXIT_OK


def cmd_close(args: argparse.Namespace) -> int:
    with opened(args) as repo:
        pairs = accounting_books.years_closing_in(
            accounting_books.books_for(repo, args.siren), args.year)
        for books, year in pairs:
            closed = repo.ledger.close_year(year.id, year.version)
            print(t("accounting_cli.closed", siren=books.siren,
                    start=closed.start.isoformat(), end=closed.end.isoformat(),
                    last=closed.last_number))
    return EXIT_OK


# --- balance and waits ----------------------------------------------------------------

#: The CSV's columns (amounts with a dot, 2 decimals: for a spreadsheet or a script).
BALANCE_COLUMNS = ("siren", "year_end", "account", "aux_num", "label", "opening", "debit",
                   "credit", "closing")


def balance_rows(books: BooksPublic, year: FinancialYearPublic,
                 balance: BalancePublic) -> list[list[str]]:
    return [[books.siren, year.end.isoformat(), r.account, r.aux_num,
             r.aux_label or r.label, f"{r.opening:.2f}", f"{r.debit:.2f}",
             f"{r.credit:.2f}", f"{r.closing:.2f}"] for r in balance.rows]


def _balance_text(books: BooksPublic, year: FinancialYearPublic,
                  balance: BalancePublic) -> list[str]:
    lines = [t("accounting_cli.balance_title", siren=books.siren, name=books.name,
               start=year.start.isoformat(), end=year.end.isoformat())]
    for r in balance.rows:
        account = f"{r.account} {r.aux_num}".strip()
        lines.append(f"{account:<20} {(r.aux_label or r.label)[:32]:<32} "
                     f"{format_amount(r.opening):>16} {format_amount(r.debit):>16} "
                     f"{format_amount(r.credit):>16} {format_amount(r.closing):>16}")
    lines.append(t("accounting_cli.balance_total", opening=format_amount(balance.opening),
                   debit=format_amount(balance.debit), credit=format_amount(balance.credit),
                   closing=format_amount(balance.closing)))
    return lines


def cmd_balance(args: argparse.Namespace) -> int:
    with opened(args) as repo:
        pairs = accounting_books.years_closing_in(
            accounting_books.books_for(repo, args.siren), args.year)
        found = [(b, y, repo.ledger.balance(BalanceFilter(books_id=b.id, year_id=y.id)))
                 for b, y in pairs]
    if args.csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(BALANCE_COLUMNS)
        for books, year, balance in found:
            writer.writerows(balance_rows(books, year, balance))
        return EXIT_OK
    for books, year, balance in found:
        print("\n".join(_balance_text(books, year, balance)))
    return EXIT_OK


def cmd_waits(args: argparse.Namespace) -> int:
    with opened(args) as repo:
        found = [(b, w) for b in accounting_books.books_for(repo, args.siren)
                 for w in repo.ledger.waits(b.id)]
    if not found:
        print(t("accounting_cli.no_waits"))
    for books, w in found:
        print(t("accounting_cli.wait", siren=books.siren, key=w.event_key,
                date=w.event_date.isoformat(), message=w.message))
    return EXIT_OK
