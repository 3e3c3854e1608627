"""``cofatui accounting books|notices|claim …``: what a walk through the sub-ledger needs
besides the ledger itself (issue 20 item 10), through ``repo.books``, ``repo.premiums``
and ``repo.claim_accounting``. Every rule is the repository's; these commands only
find what the user named (a SIREN, a policy, a notice number) and print the answer.

    cofatui accounting books list [--json]
    cofatui accounting books create --siren S --name N --contract POLICY…
                                    --start D --end D [--bank-account A] [--bank-label L]
    cofatui accounting books add-year --end D [--siren S]
    cofatui accounting notices list [--contract POLICY] [--status S] [--json]
    cofatui accounting notices issue --contract POLICY --due D --amount A [--number N]
                                     [--currency C] [--role R] [--from D --to D]
    cofatui accounting notices pay NUMBER… --on D [--eur AMOUNT] [--bank-account A]
    cofatui accounting claim received CLAIM_ID --on D --eur AMOUNT
    cofatui accounting claim irrecoverable CLAIM_ID --on D
    cofatui accounting claim vat CLAIM_ID --recoverable yes|no
"""

from __future__ import annotations

import argparse
import json
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from cofatui.commands import Action, actions_of, all_pages, opened
from cofatui.commands.chorus_text import amount_arg, day_arg
from cofatui.enums import NoticeLineRole, NoticeStatus
from cofatui.errors import CofaError, NotFound
from cofatui.i18n import format_amount, t
from cofatui.repository.base import MAX_PAGE
from cofatui.schemas_accounting import (
    BooksCreate,
    BooksPublic,
    ClaimAccountingPublic,
    ClaimIrrecoverable,
    ClaimVatSwitch,
    FinancialYearCreate,
    FinancialYearPublic,
    IndemnityReceived,
    NoticeCreate,
    NoticeFilter,
    NoticeLineIn,
    NoticePublic,
    PaymentCreate,
)

if TYPE_CHECKING:
    from cofatui.repository.base import Repository

EXIT_OK = 0


# --- finding what the user named ----------------------------------------------------


def _digits(siren: str) -> str:
    return "".join(ch for ch in siren if not ch.isspace())


def books_for(repo: Repository, siren: str | None) -> list[BooksPublic]:
    """The sets of books a command acts on: the one of ``--siren``, else every one I
    may read. None at all is a coded refusal, never an empty success."""
    every = repo.books.list()
    if siren is not None:
        wanted = _digits(siren)
        chosen = [b for b in every if b.siren == wanted]
        if not chosen:
            raise NotFound("accounting_cli.books_unknown", siren=wanted)
        return chosen
    if not every:
        raise NotFound("accounting_cli.no_books")
    return every


def year_closing_in(books: BooksPublic, year: int) -> FinancialYearPublic | None:
    """The financial year of ``books`` that closes in the calendar year ``year`` (issue
    20 item 10: ``--year 2026`` is the year ending in 2026)."""
    return next((y for y in books.years if y.end.year == year), None)


def years_closing_in(books: list[BooksPublic],
                     year: int) -> list[tuple[BooksPublic, FinancialYearPublic]]:
    """Each set of books with its year closing in ``year``; none: a coded refusal."""
    pairs = [(b, y) for b in books if (y := year_closing_in(b, year)) is not None]
    if not pairs:
        raise NotFound("accounting_cli.no_year", year=str(year))
    return pairs


def _contract_id(repo: Repository, policy: str) -> int:
    from cofatui.rules.bulk_contract import contract_id_for

    return contract_id_for(policy, repo.whoami().contracts)


def _notice_by_number(repo: Repository, number: str) -> NoticePublic:
    wanted = number.strip()
    found = repo.premiums.notices(NoticeFilter(text=wanted), 0, MAX_PAGE).items
    match = next((n for n in found if n.number == wanted), None)
    if match is None:
        raise NotFound("accounting_cli.notice_unknown", number=wanted)
    return match


# --- registration ---------------------------------------------------------------------


def register_actions(action: Action) -> None:
    """Add ``books``, ``notices`` and ``claim`` to ``cofatui accounting``."""
    books = actions_of(action("books", "sets of books: list, create, add a year", _usage),
                       "accounting_books_command")
    listed = books("list", "the sets of books I may read", cmd_books_list)
    listed.add_argument("--json", action="store_true", help="print a JSON array")
    create = books("create", "set up the books of a policyholder legal entity",
                   cmd_books_create)
    create.add_argument("--siren", required=True)
    create.add_argument("--name", required=True)
    create.add_argument("--contract", action="append", required=True, metavar="POLICY",
                        help="a contract the books cover (repeat for several)")
    create.add_argument("--start", type=day_arg, required=True, metavar="DATE",
                        help="first financial year's start (YYYY-MM-DD)")
    create.add_argument("--end", type=day_arg, required=True, metavar="DATE",
                        help="first financial year's end")
    create.add_argument("--bank-account", default="512", metavar="ACCOUNT")
    create.add_argument("--bank-label", default="Banque", metavar="LABEL")
    add_year = books("add-year", "open the next financial year", cmd_books_add_year)
    add_year.add_argument("--end", type=day_arg, required=True, metavar="DATE")
    add_year.add_argument("--siren")

    notices = actions_of(action("notices", "premium notices: list, pay", _usage),
                         "accounting_notices_command")
    nlist = notices("list", "premium notices of my contracts, due date first",
                    cmd_notices_list)
    nlist.add_argument("--contract", metavar="POLICY")
    nlist.add_argument("--status", choices=[s.value for s in NoticeStatus])
    nlist.add_argument("--json", action="store_true", help="print a JSON array")
    issue = notices("issue", "a manual notice (insurer staff), or one received on paper "
                             "typed in (--number as printed)", cmd_notices_issue)
    issue.add_argument("--contract", required=True, metavar="POLICY")
    issue.add_argument("--number", default="", help="as printed on a paper notice")
    issue.add_argument("--due", type=day_arg, required=True, metavar="DATE")
    issue.add_argument("--amount", type=amount_arg, required=True,
                       help="the premium excluding tax")
    issue.add_argument("--tax", type=amount_arg, default=Decimal(0))
    issue.add_argument("--currency", default="EUR")
    issue.add_argument("--role", choices=[r.value for r in NoticeLineRole],
                       default=NoticeLineRole.CREDIT_INSURANCE.value)
    issue.add_argument("--from", dest="period_start", type=day_arg, metavar="DATE",
                       help="the period's first day (default: the due date)")
    issue.add_argument("--to", dest="period_end", type=day_arg, metavar="DATE",
                       help="the period's last day (default: the due date)")
    pay = notices("pay", "record the payment of whole notices", cmd_notices_pay)
    pay.add_argument("numbers", nargs="+", metavar="NUMBER")
    pay.add_argument("--on", type=day_arg, required=True, metavar="DATE",
                     help="the day the bank debited (YYYY-MM-DD)")
    pay.add_argument("--eur", type=amount_arg, metavar="AMOUNT",
                     help="the EUR amount the bank debited (required when the notices "
                          "are not in EUR)")
    pay.add_argument("--bank-account", default="", metavar="ACCOUNT",
                     help="default: the books' bank account")

    claim = actions_of(action("claim", "a claim's accounting facts", _usage),
                       "accounting_claim_command")
    received = claim("received", "the indemnity as the bank credited it", cmd_received)
    received.add_argument("claim_id", type=int, metavar="CLAIM_ID")
    received.add_argument("--on", type=day_arg, required=True, metavar="DATE")
    received.add_argument("--eur", type=amount_arg, required=True, metavar="AMOUNT")
    lost = claim("irrecoverable", "declare a closed claim irrecoverable (written off)",
                 cmd_irrecoverable)
    lost.add_argument("claim_id", type=int, metavar="CLAIM_ID")
    lost.add_argument("--on", type=day_arg, required=True, metavar="DATE")
    vat = claim("vat", "whether the write-off reverses the VAT", cmd_vat)
    vat.add_argument("claim_id", type=int, metavar="CLAIM_ID")
    vat.add_argument("--recoverable", choices=["yes", "no"], required=True)


def _usage(args: argparse.Namespace) -> int:  # pragma: no cover - argparse requires one
    return EXIT_OK


# --- books ----------------------------------------------------------------------------


def books_json(b: BooksPublic) -> dict[str, Any]:
    return {"id": b.id, "siren": b.siren, "name": b.name, "bank_account": b.bank_account,
            "policies": b.policy_numbers,
            "years": [{"id": y.id, "start": y.start.isoformat(), "end": y.end.isoformat(),
                       "status": y.status.value, "chart": y.chart,
                       "validated_until": None if y.validated_until is None
                       else y.validated_until.isoformat(), "last_number": y.last_number}
                      for y in b.years]}


def books_lines(b: BooksPublic) -> list[str]:
    lines = [t("accounting_cli.books", siren=b.siren, name=b.name,
               policies=", ".join(b.policy_numbers), bank=b.bank_account)]
    lines += [t("accounting_cli.year", start=y.start.isoformat(), end=y.end.isoformat(),
                status=t(f"accounting_cli.year_status.{y.status.value}"),
                until=y.validated_until.isoformat() if y.validated_until else "-",
                last=y.last_number) for y in b.years]
    return lines


def cmd_books_list(args: argparse.Namespace) -> int:
    with opened(args) as repo:
        every = repo.books.list()
    if args.json:
        print(json.dumps([books_json(b) for b in every], ensure_ascii=False, indent=2))
    elif not every:
        print(t("accounting_cli.none"))
    for b in [] if args.json else every:
        print("\n".join(books_lines(b)))
    return EXIT_OK


def cmd_books_create(args: argparse.Namespace) -> int:
    with opened(args) as repo:
        made = repo.books.create(BooksCreate(
            siren=_digits(args.siren), name=args.name,
            contract_ids=[_contract_id(repo, p) for p in args.contract],
            bank_account=args.bank_account, bank_label=args.bank_label,
            first_year_start=args.start, first_year_end=args.end))
    print("\n".join(books_lines(made)))
    return EXIT_OK


def cmd_books_add_year(args: argparse.Namespace) -> int:
    with opened(args) as repo:
        chosen = books_for(repo, args.siren)
        if len(chosen) > 1:
            raise CofaError("accounting_cli.siren_needed",
                            sirens=", ".join(b.siren for b in chosen))
        year = repo.books.add_year(FinancialYearCreate(books_id=chosen[0].id, end=args.end))
    print(t("accounting_cli.year", start=year.start.isoformat(), end=year.end.isoformat(),
            status=t(f"accounting_cli.year_status.{year.status.value}"), until="-",
            last=year.last_number))
    return EXIT_OK


# --- notices --------------------------------------------------------------------------


def notice_json(n: NoticePublic) -> dict[str, Any]:
    return {"id": n.id, "number": n.number, "policy": n.policy_number, "kind": n.kind.value,
            "status": n.status.value, "due_date": n.due_date.isoformat(),
            "currency": n.currency, "total": str(n.total),
            "paid_on": None if n.paid_on is None else n.paid_on.isoformat()}


def cmd_notices_list(args: argparse.Namespace) -> int:
    with opened(args) as repo:
        flt = NoticeFilter(
            contract_id=None if args.contract is None else _contract_id(repo, args.contract),
            status=None if args.status is None else NoticeStatus(args.status))
        found: list[NoticePublic] = all_pages(
            lambda offset: repo.premiums.notices(flt, offset, MAX_PAGE))
    if args.json:
        print(json.dumps([notice_json(n) for n in found], ensure_ascii=False, indent=2))
        return EXIT_OK
    if not found:
        print(t("accounting_cli.none"))
    for n in found:
        print(t("accounting_cli.notice", number=n.number, policy=n.policy_number,
                kind=n.kind.value, due=n.due_date.isoformat(),
                amount=format_amount(n.total, n.currency), status=n.status.value))
    return EXIT_OK


def cmd_notices_issue(args: argparse.Namespace) -> int:
    with opened(args) as repo:
        made = repo.premiums.create_notice(NoticeCreate(
            contract_id=_contract_id(repo, args.contract), number=args.number,
            period_start=args.period_start or args.due,
            period_end=args.period_end or args.due, due_date=args.due,
            currency=args.currency.upper(), lines=[NoticeLineIn(
                role=NoticeLineRole(args.role), amount_excl_tax=args.amount, tax=args.tax)]))
    print(t("accounting_cli.notice", number=made.number, policy=made.policy_number,
            kind=made.kind.value, due=made.due_date.isoformat(),
            amount=format_amount(made.total, made.currency), status=made.status.value))
    return EXIT_OK


def cmd_notices_pay(args: argparse.Namespace) -> int:
    with opened(args) as repo:
        notices = [_notice_by_number(repo, number) for number in args.numbers]
        # The contract is the notices' (mixed contracts are the repository's refusal).
        paid = repo.premiums.pay(PaymentCreate(
            contract_id=notices[0].contract_id, paid_on=args.on,
            notice_ids=[n.id for n in notices], bank_account=args.bank_account,
            eur_amount=args.eur))
    print(t("accounting_cli.paid", id=paid.id, numbers=", ".join(paid.notice_numbers),
            amount=format_amount(paid.amount, paid.currency),
            eur=format_amount(paid.eur_amount, "EUR"), on=paid.paid_on.isoformat()))
    return EXIT_OK


# --- a claim's facts --------------------------------------------------------------------


def _facts_line(f: ClaimAccountingPublic) -> str:
    return t("accounting_cli.claim", id=f.claim_id,
             received=f.indemnity_received_on.isoformat() if f.indemnity_received_on
             else "-",
             eur=format_amount(f.indemnity_received_eur, "EUR")
             if f.indemnity_received_eur is not None else "-",
             irrecoverable=f.irrecoverable_on.isoformat() if f.irrecoverable_on else "-",
             vat=t("accounting_cli.yes" if f.vat_recoverable else "accounting_cli.no"))


def cmd_received(args: argparse.Namespace) -> int:
    with opened(args) as repo:
        version = repo.claim_accounting.get(args.claim_id).version
        facts = repo.claim_accounting.record_received(args.claim_id, IndemnityReceived(
            received_on=args.on, eur_amount=args.eur, version=version))
    print(_facts_line(facts))
    return EXIT_OK


def cmd_irrecoverable(args: argparse.Namespace) -> int:
    with opened(args) as repo:
        version = repo.claim_accounting.get(args.claim_id).version
        facts = repo.claim_accounting.declare_irrecoverable(
            args.claim_id, ClaimIrrecoverable(on=args.on, version=version))
    print(_facts_line(facts))
    return EXIT_OK


def cmd_vat(args: argparse.Namespace) -> int:
    with opened(args) as repo:
        version = repo.claim_accounting.get(args.claim_id).version
        facts = repo.claim_accounting.set_vat_recoverable(
            args.claim_id, ClaimVatSwitch(vat_recoverable=args.recoverable == "yes",
                                          version=version))
    print(_facts_line(facts))
    return EXIT_OK
