"""``cofatui company-info …``: company information sent to the insurer (issue 17 item 4,
seed "ENVOYER DES INFORMATIONS SUR UNE ENTREPRISE"), on a database (``--db --user``) or
as the token's owner (``--api``).

    cofatui company-info send --company EASYNUMBER|ID [--contract POLICY]
        --type TYPE [--closing-date DATE --complete|--incomplete] [--comment TEXT]
        [--dra-review] FILE…                            (information transmission)
    cofatui company-info send --company EASYNUMBER|ID [--contract POLICY]
        --negative --nature commercial|financial --event-date DATE --description TEXT
        [--amount AMOUNT --currency CODE] [FILE…]       (negative information)
    cofatui company-info list [--contract POLICY] [--company EASYNUMBER|ID] [--status S]
        [--queue [--country C] [--form F] [--type T] [--dra-review]]
    cofatui company-info decide ID --outcome analysed|not_compatible|already_known
        [--comment TEXT]                                (underwriters)

Every action takes ``--json``. Files are read from disk and checked by the repository
by their content (PDF, JPG, PNG, GIF, XLSX, CSV). A refusal prints its coded message
and exits 1; a command typed wrong exits 2.
"""

from __future__ import annotations

import argparse
import json
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel
from pydantic import ValidationError as PydanticError

from cofatui.commands import actions_of, all_pages, opened
from cofatui.commands.bulk import EXIT_OK, Sub, contract_of
from cofatui.commands.ilu import company_of
from cofatui.enums import CompanyInfoForm, CompanyInfoStatus, CompanyInfoType, NegativeNature
from cofatui.errors import FieldError, ValidationFailed
from cofatui.i18n import t
from cofatui.i18n.messages import render
from cofatui.pydantic_errors import field_errors
from cofatui.repository.base import MAX_PAGE
from cofatui.rules.attachments import MAX_ATTACHMENT_BYTES
from cofatui.rules.company_info import OUTCOMES
from cofatui.schemas_company_info import (
    CompanyInfoDecision,
    CompanyInfoFilter,
    CompanyInfoIn,
    CompanyInfoPublic,
    UploadedFile,
)


def register(sub: Sub) -> None:
    command = sub("company-info", "company information sent to the insurer: send, list, "
                                  "decide")
    action = actions_of(command, "company_info_command")

    send = action("send", "send negative information or an information transmission "
                          "on a company", cmd_send)
    send.add_argument("files", nargs="*", metavar="FILE",
                      help="documents: PDF, JPG, PNG, GIF, XLSX or CSV (1 to 10 for a "
                           "transmission, 10 MB each, 50 MB in all)")
    send.add_argument("--company", required=True, metavar="EASYNUMBER|ID",
                      help="the company (any of the database, buyer or supplier)")
    send.add_argument("--contract", metavar="POLICY",
                      help="the contract number (needed when you have several)")
    send.add_argument("--negative", action="store_true",
                      help="negative information (default: an information transmission)")
    send.add_argument("--nature", choices=[n.value for n in NegativeNature],
                      help="negative information: commercial or financial")
    send.add_argument("--event-date", type=_date, metavar="YYYY-MM-DD",
                      help="negative information: the date of the event")
    send.add_argument("--description", default="",
                      help="negative information: what happened (at most 2000 characters)")
    send.add_argument("--amount", type=_amount, metavar="AMOUNT",
                      help="negative information: the amount at stake")
    send.add_argument("--currency", metavar="CODE", help="the amount's currency (EUR…)")
    send.add_argument("--type", dest="info_type", choices=[c.value for c in CompanyInfoType],
                      help="transmission: the kind of document")
    send.add_argument("--closing-date", type=_date, metavar="YYYY-MM-DD",
                      help="accounts: their closing date")
    complete = send.add_mutually_exclusive_group()
    complete.add_argument("--complete", dest="complete", action="store_const", const=True,
                          help="accounts: they are complete")
    complete.add_argument("--incomplete", dest="complete", action="store_const",
                          const=False, help="accounts: they are not complete")
    send.add_argument("--comment", default="",
                      help="transmission: a comment (at most 1000 characters)")
    send.add_argument("--dra-review", action="store_true",
                      help="transmission: ask for a review of the company's DRA")
    send.add_argument("--json", action="store_true", help="print JSON")

    listing = action("list", "a contract's submissions (newest first), or the back "
                             "office's queue (--queue, oldest first)", cmd_list)
    listing.add_argument("--contract", metavar="POLICY", help="the contract number")
    listing.add_argument("--company", metavar="EASYNUMBER|ID", help="only this company's")
    listing.add_argument("--status", choices=[s.value for s in CompanyInfoStatus],
                         help="only those in this status (queue default: in_progress)")
    listing.add_argument("--queue", action="store_true",
                         help="the back office's queue across contracts (underwriters)")
    listing.add_argument("--country", metavar="CODE", help="the company's country (ISO 3)")
    listing.add_argument("--form", choices=[f.value for f in CompanyInfoForm])
    listing.add_argument("--type", dest="info_type", choices=[c.value for c in CompanyInfoType])
    listing.add_argument("--dra-review", action="store_true",
                         help="only those asking for a DRA review")
    listing.add_argument("--json", action="store_true", help="print JSON")

    decide = action("decide", "give a submission its outcome, once (underwriters)",
                    cmd_decide)
    decide.add_argument("submission_id", type=int, metavar="ID", help="the submission's id")
    decide.add_argument("--outcome", required=True, choices=sorted(o.value for o in OUTCOMES))
    decide.add_argument("--comment", default="", help="at most 1000 characters")
    decide.add_argument("--json", action="store_true", help="print JSON")


M = TypeVar("M", bound=BaseModel)


def _model(model: type[M], **fields: Any) -> M:
    """``model`` of ``fields``, its refusals (a comment too long…) coded as the API
    codes them, not a crash."""
    try:
        return model(**fields)
    except PydanticError as exc:
        raise ValidationFailed(field_errors(exc.errors())) from None


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(t("company_info_cli.bad_date", value=text)) from None


def _amount(text: str) -> Decimal:
    try:
        value = Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():
        raise argparse.ArgumentTypeError(t("company_info_cli.bad_amount", value=text))
    return value


def read_files(paths: list[str]) -> list[UploadedFile]:
    """The files named, read from disk; one that cannot be read, or is far over the
    size a file may have, is refused at its place (``files.N``) before anything is sent."""
    errors: list[FieldError] = []
    files: list[UploadedFile] = []
    for index, name in enumerate(paths):
        path = Path(name).expanduser()
        try:
            if path.stat().st_size > MAX_ATTACHMENT_BYTES:
                errors.append(FieldError(f"files.{index}", "attachments.too_large",
                                         {"megabytes": MAX_ATTACHMENT_BYTES // (1024 * 1024)}))
                continue
            files.append(UploadedFile(name=path.name, content=path.read_bytes()))
        except OSError as exc:
            errors.append(FieldError(f"files.{index}", "company_info.file_unreadable",
                                     {"path": str(path), "reason": exc.strerror or str(exc)}))
    if errors:
        raise ValidationFailed(errors)
    return files


def submission_json(row: CompanyInfoPublic) -> dict[str, Any]:
    return row.model_dump(mode="json")


def _subject(row: CompanyInfoPublic) -> str:
    if row.form == CompanyInfoForm.NEGATIVE:
        return t("company_info_cli.negative")
    assert row.info_type is not None
    return t(f"company_info_cli.type.{row.info_type.value}")


def _line(row: CompanyInfoPublic) -> str:
    sent = row.created_at.date().isoformat() if row.created_at else ""
    return (f"{row.id:>6}  {sent:<10}  {row.policy_number:<10} {row.easy_number:<14} "
            f"{row.company_name[:28]:<28} {_subject(row)[:30]:<30} "
            f"{t(f'company_info_cli.status.{row.status.value}'):<16} "
            f"{len(row.documents):>2} {t('company_info_cli.files')}"
            f"{'  ' + t('company_info_cli.dra_review') if row.dra_review else ''}").rstrip()


def _print_one(args: argparse.Namespace, row: CompanyInfoPublic, said: str) -> None:
    if args.json:
        print(json.dumps(submission_json(row), ensure_ascii=False, indent=2))
    else:
        print(said)


def cmd_send(args: argparse.Namespace) -> int:
    files = read_files(args.files)
    with opened(args) as repo:
        data = _model(
            CompanyInfoIn, contract_id=contract_of(repo, args.contract),
            company_id=company_of(repo, args.company),
            form=CompanyInfoForm.NEGATIVE if args.negative else CompanyInfoForm.TRANSMISSION,
            nature=args.nature, event_date=args.event_date, amount=args.amount,
            currency=args.currency.upper() if args.currency else None,
            description=args.description, info_type=args.info_type,
            closing_date=args.closing_date, complete=args.complete,
            comment=args.comment, dra_review=args.dra_review)
        sent = repo.company_info.send(data, files)
    _print_one(args, sent, render("company_info_cli.sent", {
        "id": sent.id, "subject": _subject(sent), "company": sent.company_name,
        "count": len(sent.documents)}))
    return EXIT_OK


def cmd_list(args: argparse.Namespace) -> int:
    with opened(args) as repo:
        flt = CompanyInfoFilter(
            company_id=company_of(repo, args.company) if args.company else None,
            country=args.country.upper() if args.country else None, form=args.form,
            info_type=args.info_type, dra_review=True if args.dra_review else None,
            status=args.status)
        if args.queue:
            if args.contract:
                flt.contract_id = contract_of(repo, args.contract)
            rows = all_pages(lambda offset: repo.company_info.queue(flt, offset, MAX_PAGE))
        else:
            flt.contract_id = contract_of(repo, args.contract)
            rows = all_pages(lambda offset: repo.company_info.submissions(flt, offset, MAX_PAGE))
    if args.json:
        print(json.dumps([submission_json(r) for r in rows], ensure_ascii=False, indent=2))
        return EXIT_OK
    if not rows:
        print(t("company_info_cli.none"))
    for row in rows:
        print(_line(row))
    return EXIT_OK


def cmd_decide(args: argparse.Namespace) -> int:
    with opened(args) as repo:
        row = repo.company_info.get(args.submission_id)
        decided = repo.company_info.decide(row.id, _model(
            CompanyInfoDecision, version=row.version,
            outcome=CompanyInfoStatus(args.outcome), comment=args.comment))
    _print_one(args, decided, t(
        "company_info_cli.decided", id=decided.id, company=decided.company_name,
        status=t(f"company_info_cli.status.{decided.status.value}")))
    return EXIT_OK
