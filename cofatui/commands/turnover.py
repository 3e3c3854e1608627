"""``cofatui turnover …``: turnover declarations from the command line (issue 17 items
2–3), acting as ``--user LOGIN`` on a database or as the token's owner with ``--api``.

    cofatui turnover request --contract POLICY --start DATE --end DATE [--label L]
                             [--basis outstanding|sales] [--breakdown debtor|country]
                             [--due DATE] [--reminder DATE]... [--json]   (underwriters)
    cofatui turnover list [--contract POLICY] [--status S] [--late] [--json]
    cofatui turnover show ID [--lines] [--json]
    cofatui turnover template ID [--format xlsx|csv] [-o FILE]
    cofatui turnover import ID FILE [--json]
    cofatui turnover send ID [--yes] [--json]

``request`` is what a cron runs to issue the period's requests (dates ISO,
``2026-06-30``). ``list`` shows an underwriter the requests across contracts (the back
office), anyone else their contract's declarations. ``import`` is all-or-nothing: the
lines in error are printed first, then a summary; the result is also in Tools › Import
results. ``send`` says how many lines have no amount (sent as 0) and sends only with
``--yes`` (or a yes at the prompt). Refusals are printed as coded messages in the
user's language. Exit codes: 0 done, 4 an import failed or was refused, 2 usage (a send
not confirmed too), 1 other errors.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

from cofatui.commands import actions_of, opened, read_input
from cofatui.commands.bulk import EXIT_FAILED, EXIT_OK, EXIT_USAGE, Sub, contract_of
from cofatui.commands.custom_fields import _lines
from cofatui.enums import Role, TurnoverBasis, TurnoverBreakdown, TurnoverStatus
from cofatui.errors import CofaError, message_text
from cofatui.formats import turnover_import as fmt
from cofatui.formats.csv_lines import ImportRefused
from cofatui.i18n import format_amount, format_date, t
from cofatui.i18n.messages import decode_params
from cofatui.repository.base import Repository
from cofatui.schemas_jobs import ImportLinePublic, ImportResultPublic, ImportStatus
from cofatui.schemas_turnover import (
    TurnoverDeclarationPublic,
    TurnoverFilter,
    TurnoverLinePublic,
    TurnoverRequestIn,
)

#: Lines read per call (the repository's largest page).
PAGE = 500


def register(sub: Sub) -> None:
    command = sub("turnover", "turnover declarations: request, list, show, template, "
                              "import, send")
    action = actions_of(command, "turnover_command")

    request = action("request", "issue a turnover declaration request (underwriters)",
                     cmd_request)
    request.add_argument("--contract", metavar="POLICY", required=True,
                         help="the contract number")
    request.add_argument("--start", type=_day, required=True, metavar="DATE",
                         help="the period's first day (2026-01-01)")
    request.add_argument("--end", type=_day, required=True, metavar="DATE",
                         help="the period's last day (2026-06-30)")
    request.add_argument("--label", default="", help="the period's label (60 characters)")
    request.add_argument("--basis", choices=[b.value for b in TurnoverBasis],
                         help="default: the contract's terms")
    request.add_argument("--breakdown", choices=[b.value for b in TurnoverBreakdown],
                         help="default: the contract's terms")
    request.add_argument("--due", type=_day, metavar="DATE",
                         help="the due date (default: the period's end + 30 days)")
    request.add_argument("--reminder", type=_day, action="append", metavar="DATE",
                         help="a reminder's date, up to three (default: due - 7, due, "
                              "due + 15)")
    request.add_argument("--json", action="store_true", help="print the request as JSON")

    listing = action("list", "declarations: mine, or every request (underwriters)", cmd_list)
    listing.add_argument("--contract", metavar="POLICY", help="one contract only")
    listing.add_argument("--status", choices=[s.value for s in TurnoverStatus])
    listing.add_argument("--late", action="store_true", help="only those past their due date")
    listing.add_argument("--json", action="store_true", help="print a JSON array")

    show = action("show", "one declaration, with its totals (and lines)", cmd_show)
    show.add_argument("declaration_id", type=int, metavar="ID")
    show.add_argument("--lines", action="store_true", help="every line too")
    show.add_argument("--json", action="store_true", help="print it as JSON")

    template = action("template", "write the import template, pre-filled with the "
                                  "declaration's lines", cmd_template)
    template.add_argument("declaration_id", type=int, metavar="ID")
    template.add_argument("--format", choices=("xlsx", "csv"), default="xlsx")
    template.add_argument("-o", "--output", metavar="FILE",
                          help="where to write it (default: turnover-ID.xlsx or .csv)")

    imp = action("import", "import the amounts from an XLSX or CSV, all-or-nothing",
                 cmd_import)
    imp.add_argument("declaration_id", type=int, metavar="ID")
    imp.add_argument("file", metavar="FILE")
    imp.add_argument("--json", action="store_true", help="print the result as JSON")

    send = action("send", "send the declaration (frozen afterwards)", cmd_send)
    send.add_argument("declaration_id", type=int, metavar="ID")
    send.add_argument("--yes", action="store_true",
                      help="confirm without a prompt (lines without an amount are sent as 0)")
    send.add_argument("--json", action="store_true", help="print the declaration as JSON")


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as 2026-06-30, got {text!r}") \
            from None


# --- what is printed ---------------------------------------------------------------------


def declaration_json(d: TurnoverDeclarationPublic) -> dict[str, Any]:
    return dict(d.model_dump(mode="json"))


def line_json(line: TurnoverLinePublic) -> dict[str, Any]:
    return {"company_id": line.company_id, "easy_number": line.easy_number or None,
            "company_name": line.company_name or None, "country": line.country,
            "amount": None if line.amount is None else str(line.amount),
            "currency": line.currency}


def _totals(d: TurnoverDeclarationPublic) -> str:
    return ", ".join(format_amount(x.amount, x.currency) for x in d.totals) or "-"


def _row(d: TurnoverDeclarationPublic) -> str:
    status = t(f"turnover_cli.status.{d.status.value}")
    late = t("turnover_cli.days_late", count=d.days_late) if d.days_late else ""
    sent = format_date(d.sent_at) if d.sent_at else ""
    return (f"{d.id:>6}  {d.policy_number:<12} {format_date(d.period_start)} → "
            f"{format_date(d.period_end)}  {d.label[:20]:<20} "
            f"{t(f'turnover_cli.basis.{d.basis.value}'):<12} "
            f"{t(f'turnover_cli.breakdown.{d.breakdown.value}'):<10} {status:<10} "
            f"{format_date(d.due_date)} {sent:<10} {_totals(d)} {late}").rstrip()


def _describe(d: TurnoverDeclarationPublic) -> list[str]:
    said = [
        t("turnover_cli.show.title", id=d.id, label=d.label or "-", policy=d.policy_number),
        t("turnover_cli.show.period", start=format_date(d.period_start),
          end=format_date(d.period_end)),
        t("turnover_cli.show.terms", basis=t(f"turnover_cli.basis.{d.basis.value}"),
          breakdown=t(f"turnover_cli.breakdown.{d.breakdown.value}")),
        t("turnover_cli.show.status", status=t(f"turnover_cli.status.{d.status.value}"),
          due=format_date(d.due_date), late=d.days_late),
        t("turnover_cli.show.lines", count=d.line_count, filled=d.filled_count),
        t("turnover_cli.show.totals", totals=_totals(d)),
    ]
    if d.sent_at:
        said.append(t("turnover_cli.show.sent", when=format_date(d.sent_at), who=d.sent_by))
    if d.nothing_to_declare:
        said.append(t("turnover_cli.show.nothing"))
    return said


def _all_lines(repo: Repository, declaration_id: int) -> list[TurnoverLinePublic]:
    lines: list[TurnoverLinePublic] = []
    while True:
        page = repo.turnover.lines(declaration_id, offset=len(lines), limit=PAGE)
        lines += page.items
        if not page.items or len(lines) >= page.total:
            return lines


# --- actions -----------------------------------------------------------------------------


def cmd_request(args: argparse.Namespace) -> int:
    with opened(args) as repo:
        made = repo.turnover.request(TurnoverRequestIn(
            contract_id=contract_of(repo, args.contract), period_start=args.start,
            period_end=args.end, label=args.label, basis=args.basis,
            breakdown=args.breakdown, due_date=args.due, reminders=args.reminder))
    if args.json:
        print(json.dumps(declaration_json(made), ensure_ascii=False, indent=2))
    else:
        print(t("turnover_cli.requested", id=made.id, policy=made.policy_number,
                start=format_date(made.period_start), end=format_date(made.period_end),
                due=format_date(made.due_date)))
    return EXIT_OK


def cmd_list(args: argparse.Namespace) -> int:
    with opened(args) as repo:
        status = TurnoverStatus(args.status) if args.status else None
        if repo.whoami().role == Role.UNDERWRITER:
            contract_id = contract_of(repo, args.contract) if args.contract else None
            found = _every(lambda offset: repo.turnover.requests(
                TurnoverFilter(contract_id=contract_id, status=status, late_only=args.late),
                offset=offset, limit=PAGE))
        else:
            contract_id = contract_of(repo, args.contract)
            found = [d for d in _every(lambda offset: repo.turnover.declarations(
                contract_id, offset=offset, limit=PAGE))
                if (status is None or d.status == status) and (not args.late or d.days_late)]
    if args.json:
        print(json.dumps([declaration_json(d) for d in found], ensure_ascii=False, indent=2))
        return EXIT_OK
    if not found:
        print(t("turnover_cli.none"))
    for d in found:
        print(_row(d))
    return EXIT_OK


def _every(page: Any) -> list[TurnoverDeclarationPublic]:
    found: list[TurnoverDeclarationPublic] = []
    while True:
        got = page(len(found))
        found += got.items
        if not got.items or len(found) >= got.total:
            return found


def cmd_show(args: argparse.Namespace) -> int:
    with opened(args) as repo:
        first = repo.turnover.lines(args.declaration_id, 0, 1)  # a new one is pre-filled
        d = repo.turnover.get(args.declaration_id)
        lines = _all_lines(repo, d.id) if args.lines and first.total else []
    if args.json:
        out = declaration_json(d)
        if args.lines:
            out["lines"] = [line_json(line) for line in lines]
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return EXIT_OK
    for text in _describe(d):
        print(text)
    for line in lines:
        amount = "-" if line.amount is None else format_amount(line.amount, line.currency)
        print(f"  {line.easy_number:<19} {line.company_name[:40]:<40} {line.country:<3} "
              f"{amount}".rstrip())
    return EXIT_OK


def cmd_template(args: argparse.Namespace) -> int:
    path = Path(args.output or f"turnover-{args.declaration_id}.{args.format}")
    with opened(args) as repo:
        content = repo.turnover.template(args.declaration_id, args.format)
    try:
        path.write_bytes(content)
    except OSError as exc:
        raise CofaError("bulk_api.errors_file_unwritable", path=str(path),
                        reason=exc.strerror or type(exc).__name__) from exc
    print(t("turnover_cli.template_saved", path=str(path)))
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    content = read_input(args.file)
    with opened(args) as repo:
        result = repo.turnover.import_file(args.declaration_id, Path(args.file).name, content)
        lines = [] if result.refusal_code else _lines(repo, result.id)
        refusal = _refusal(content, repo.turnover.get(args.declaration_id).breakdown) \
            if result.refusal_code else None
    _print_import(result, lines, "XLSX" if fmt.is_xlsx(content) else "CSV", refusal,
                  args.json)
    return EXIT_OK if result.status == ImportStatus.SUCCEEDED else EXIT_FAILED


def _refusal(content: bytes, breakdown: TurnoverBreakdown) -> ImportRefused | None:
    """Why a file was refused whole, with its code and parameters (the stored result
    says it in English only): the same reading, done here again."""
    try:
        fmt.read(content, breakdown)
    except ImportRefused as exc:
        return exc
    return None


def _said(line: ImportLinePublic) -> str:
    return message_text(line.code, decode_params(line.params)) if line.code else ""


def _print_import(result: ImportResultPublic, lines: list[ImportLinePublic], kind: str,
                  refusal: ImportRefused | None, as_json: bool) -> None:
    wrong = [line for line in lines if line.status.value == "error"]
    if as_json:
        print(json.dumps({
            "import_id": result.id, "file": result.file_name, "format": kind,
            "status": result.status.value, "total_lines": result.total_lines,
            "ok_lines": result.ok_lines, "error_lines": result.error_lines,
            "refusal_code": refusal.code if refusal else result.refusal_code or None,
            "refused": refusal.text() if refusal else result.refusal or None,
            "lines": [{"line": line.line_no, "code": line.code, "message": _said(line)}
                      for line in wrong]}, ensure_ascii=False, indent=2))
        return
    for line in wrong:
        print(f"{line.line_no:>6}  {_said(line)}")
    if result.refusal:
        print(t("turnover_cli.refused", file=result.file_name,
                message=refusal.text() if refusal else result.refusal))
    print(t("turnover_cli.import_summary", file=result.file_name, format=kind,
            status=t(f"turnover_cli.import_status.{result.status.value}"),
            total=result.total_lines, ok=result.ok_lines, errors=result.error_lines,
            id=result.id))


def cmd_send(args: argparse.Namespace) -> int:
    with opened(args) as repo:
        repo.turnover.lines(args.declaration_id, 0, 1)  # counted once pre-filled
        d = repo.turnover.get(args.declaration_id)
        empty = d.line_count - d.filled_count
        question = t("turnover_cli.confirm_send", id=d.id, label=d.label or "-",
                     count=empty, totals=_totals(d))
        if not args.yes:
            if not sys.stdin.isatty():
                print(f"cofatui: {question} {t('turnover_cli.add_yes')}", file=sys.stderr)
                return EXIT_USAGE
            answer = input(f"{question} [y/N] ").strip().casefold()
            if answer not in ("y", "yes", "o", "oui"):
                return EXIT_USAGE
        sent = repo.turnover.send(d.id, d.version)
    if args.json:
        print(json.dumps(declaration_json(sent), ensure_ascii=False, indent=2))
    else:
        print(t("turnover_cli.sent", id=sent.id, totals=_totals(sent)))
    return EXIT_OK


__all__ = ["register"]
