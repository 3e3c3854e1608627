"""``cofatui ilu …``: ILUs, "demandes d'engagements" (issue 17 item 6), from the command
line, on a database (``--db --user``) or as the token's owner (``--api``).

    cofatui ilu create --company EASYNUMBER|ID [--contract POLICY] [--deadline DATE]
                       [--message TEXT] [--json]               (underwriters)
    cofatui ilu list [--closed | --issued] [--company EASYNUMBER|ID] [--contract POLICY]
                     [--json]
    cofatui ilu answer ID --experience on_time|late|difficulties
                       (--delete-cover | --real-need AMOUNT) [--comment TEXT] [--json]

``list`` shows a contract's active ILUs (``--closed``: answered, expired, closed);
``--issued`` is the back office's list across contracts. A refusal prints its coded
message and exits 1; a command typed wrong exits 2.
"""

from __future__ import annotations

import argparse
import json
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from cofatui.commands import actions_of, opened
from cofatui.commands.bulk import EXIT_OK, Sub, UsageError, contract_of
from cofatui.enums import IluView, PaymentExperience
from cofatui.errors import NotFound, ValidationFailed
from cofatui.i18n import t
from cofatui.repository.base import Repository
from cofatui.schemas import CompanySearch
from cofatui.schemas_ilu import COMMENT_MAX, IluAnswer, IluCreate, IluPublic


def register(sub: Sub) -> None:
    command = sub("ilu", "ILUs (demandes d'engagements): issue, list, answer")
    action = actions_of(command, "ilu_command")

    def common(p: argparse.ArgumentParser, contract: bool = True) -> argparse.ArgumentParser:
        if contract:
            p.add_argument("--contract", metavar="POLICY",
                           help="the contract number (needed when you have several)")
        p.add_argument("--json", action="store_true", help="print JSON")
        return p

    create = common(action("create", "issue an ILU on a covered buyer (underwriters)",
                           cmd_create))
    create.add_argument("--company", required=True, metavar="EASYNUMBER|ID",
                        help="the buyer: its EasyNumber or its id")
    create.add_argument("--deadline", type=_date, metavar="YYYY-MM-DD",
                        help="the answer's deadline (default: in 30 days)")
    create.add_argument("--message", default="", help="a message to the policyholder")
    listing = common(action("list", "a contract's ILUs, or those issued (back office)",
                            cmd_list))
    views = listing.add_mutually_exclusive_group()
    views.add_argument("--closed", action="store_true",
                       help="answered, expired or closed ones (default: active)")
    views.add_argument("--issued", action="store_true",
                       help="every ILU issued, across contracts (underwriters)")
    listing.add_argument("--company", metavar="EASYNUMBER|ID", help="only this buyer's")
    answer = common(action("answer", "answer an open ILU (once)", cmd_answer),
                    contract=False)
    answer.add_argument("ilu_id", type=int, metavar="ID", help="the ILU's id")
    answer.add_argument("--experience", required=True,
                        choices=[e.value for e in PaymentExperience],
                        help="your payment experience with the buyer")
    need = answer.add_mutually_exclusive_group(required=True)
    need.add_argument("--delete-cover", action="store_true",
                      help="delete the cover with the answer (the normal deletion rules)")
    need.add_argument("--real-need", type=_amount, metavar="AMOUNT",
                      help="your real need, in the cover's currency (0 or more)")
    answer.add_argument("--comment", default="", help="at most 250 characters")


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(t("ilu_cli.bad_date", value=text)) from None


def _amount(text: str) -> Decimal:
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation:
        raise argparse.ArgumentTypeError(t("ilu_cli.bad_amount", value=text)) from None
    if not value.is_finite():
        raise argparse.ArgumentTypeError(t("ilu_cli.bad_amount", value=text))
    return value


def company_of(repo: Repository, value: str) -> int:
    """The company named by its EasyNumber, else by its id."""
    try:
        found = repo.companies.search(CompanySearch(easy_number=value), limit=1).items
    except ValidationFailed:
        found = []
    if found:
        return found[0].id
    if value.isdigit():
        return int(value)
    raise NotFound("companies.not_found", company_id=value)


def ilu_json(ilu: IluPublic) -> dict[str, Any]:
    return ilu.model_dump(mode="json")


def _line(ilu: IluPublic) -> str:
    cover = f"{ilu.cover_amount} {ilu.currency}" if ilu.cover_amount is not None else "-"
    answer = ""
    if ilu.experience is not None:
        answer = t(f"ilu_cli.experience.{ilu.experience.value}") + ", " + (
            t("ilu_cli.cover_deleted") if ilu.delete_cover
            else t("ilu_cli.real_need", amount=f"{ilu.real_need} {ilu.currency}"))
        if ilu.need_above_cover:
            answer += " " + t("ilu_cli.above_cover")
    elif ilu.closed_reason:
        answer = t(f"ilu_cli.reason.{ilu.closed_reason}")
    return (f"{ilu.id:>6}  {ilu.policy_number:<10} {ilu.easy_number:<14} "
            f"{ilu.company_name[:28]:<28} {ilu.product_code:<8} {cover:>18}  "
            f"{ilu.deadline.isoformat()}  {t(f'ilu_cli.status.{ilu.status.value}'):<10} "
            f"{answer}").rstrip()


def _print(args: argparse.Namespace, ilus: list[IluPublic]) -> None:
    if args.json:
        print(json.dumps([ilu_json(i) for i in ilus], ensure_ascii=False, indent=2))
        return
    if not ilus:
        print(t("ilu_cli.none"))
    for ilu in ilus:
        print(_line(ilu))


def cmd_create(args: argparse.Namespace) -> int:
    with opened(args) as repo:
        made = repo.ilus.create(IluCreate(
            contract_id=contract_of(repo, args.contract),
            company_id=company_of(repo, args.company), deadline=args.deadline,
            message=args.message))
    if args.json:
        print(json.dumps(ilu_json(made), ensure_ascii=False, indent=2))
    else:
        print(t("ilu_cli.created", id=made.id, company=made.company_name,
                deadline=made.deadline.isoformat()))
    return EXIT_OK


def cmd_list(args: argparse.Namespace) -> int:
    with opened(args) as repo:
        if args.issued:
            if args.company or args.contract:
                raise UsageError("ilu.issued_alone")
            _print(args, _all(lambda offset: repo.ilus.issued(offset, 500)))
            return EXIT_OK
        contract_id = contract_of(repo, args.contract)
        company_id = company_of(repo, args.company) if args.company else None
        view = IluView.CLOSED if args.closed else IluView.ACTIVE
        _print(args, _all(lambda offset: repo.ilus.ilus(contract_id, view, company_id,
                                                        offset, 500)))
    return EXIT_OK


def _all(page: Any) -> list[IluPublic]:
    out: list[IluPublic] = []
    while True:
        got = page(len(out))
        out += got.items
        if not got.items or len(out) >= got.total:
            return out


def cmd_answer(args: argparse.Namespace) -> int:
    if len(args.comment) > COMMENT_MAX:  # the form's own limit, said as the server would
        raise ValidationFailed.at("comment", "ilu.comment_too_long", max=COMMENT_MAX)
    with opened(args) as repo:
        ilu = repo.ilus.get(args.ilu_id)
        answered = repo.ilus.answer(ilu.id, IluAnswer(
            version=ilu.version, experience=PaymentExperience(args.experience),
            delete_cover=args.delete_cover, real_need=args.real_need, comment=args.comment))
    if args.json:
        print(json.dumps(ilu_json(answered), ensure_ascii=False, indent=2))
        return EXIT_OK
    print(t("ilu_cli.answered", id=answered.id, company=answered.company_name))
    if answered.need_above_cover:
        print(t("ilu_cli.modify_hint"))
    return EXIT_OK
