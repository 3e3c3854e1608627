"""``cofatui chorus …``: Chorus Pro from the command line (issue 18 item 11), acting as
``--user LOGIN`` on a database or as the token's owner with ``--api``.

    cofatui chorus structures [--mine] [--json]
    cofatui chorus structure create --public --siret S --name N --legal-status L
                                    --address A --postal-code P --city C [--country FR]
                                    [--service-code-required] [--engagement-required]
                                    [--engagement-or-service-required]
                                    [--reports-payment-in-progress] [--json]   (operators)
    cofatui chorus dashboard [--side issued|received] [--structure SIRET] [--json]
    cofatui chorus invoices [--side issued|received] [--state S,…] [criteria]
                            [--json|--csv]
    cofatui chorus invoice deposit FILE [--pdf PDF] [--signed] [--attach F]… [--draft]
    cofatui chorus invoice show|submit|delete|credit-note ID
    cofatui chorus invoice process ID --state S [--comment T]
                                      [--reason missing_documents|too_early]
                                      [--mandate-number N]
    cofatui chorus invoice correct ID [--recipient-siret S] [--service-code C]
                                      [--engagement E] [--market-number M]
                                      [--invoice FILE] [--comment T]
    cofatui chorus invoice complete ID [--attach F]… [--comment T]
    cofatui chorus invoice payment-mode ID --iban IBAN
    cofatui chorus invoice reissue ID --number N
    cofatui chorus invoice export ID [--format facturx|xml|pdf] [--output PATH]
    cofatui chorus invoice import-facturx FILE… [--json]
    cofatui chorus invoice send|refresh ID
    cofatui chorus connector set|show|test --structure SIRET …, store-secret REF
                                             (commands/chorus_facturx.py, chorus_connector.py)

States are accepted in either form (``made_available`` or ``MISE_A_DISPOSITION``).
Exit codes: 0 done (an invoice made available), 3 non-compliant after a deposit or a
correction, 1 refused (a coded message on stderr), 2 usage.
"""

from __future__ import annotations

import argparse
from typing import Any

from cofatui.commands import actions_of, all_pages, chorus_connector, chorus_facturx, opened
from cofatui.commands import chorus_invoices as inv
from cofatui.commands.bulk import Sub
from cofatui.commands.chorus_text import (
    amount_arg,
    day_arg,
    dumps,
    mine_json,
    service_line,
    state_arg,
    state_text,
    states_arg,
    structure_json,
    structure_line,
)
from cofatui.enums import ChorusInvoiceType, ChorusSpace, ChorusSuspensionReason
from cofatui.i18n import t
from cofatui.repository.base import MAX_PAGE
from cofatui.schemas_chorus import (
    ChorusDashboard,
    ChorusDirectoryFilter,
    ChorusStructureCreate,
    ChorusStructurePublic,
)

EXIT_OK = 0
_SIDES = [s.value for s in ChorusSpace]


def register(sub: Sub) -> None:
    command = sub("chorus", "Chorus Pro: structures, invoices, dashboards")
    action = actions_of(command, "chorus_command")

    structures = action("structures", "the directory's public structures, or mine",
                        cmd_structures)
    structures.add_argument("--mine", action="store_true",
                            help="the structures I am attached to, with my role and spaces")
    structures.add_argument("--json", action="store_true", help="print a JSON array")

    structure = action("structure", "create a structure", _usage)
    create = actions_of(structure, "chorus_structure_command")(
        "create", "create a structure (public: operators, with the AIFE request's fields)",
        cmd_structure_create)
    _structure_arguments(create)

    dashboard = action("dashboard", "a count per state, per side", cmd_dashboard)
    dashboard.add_argument("--side", choices=_SIDES,
                           help="one side (default: each side I hold a space on)")
    dashboard.add_argument("--structure", metavar="SIRET", help="one of my structures")
    dashboard.add_argument("--json", action="store_true", help="print JSON")

    listing = action("invoices", "search invoices (newest deposit first)", inv.cmd_list)
    _search_arguments(listing)

    invoice = action("invoice", "deposit, read, process or answer one invoice", _usage)
    invoice_action = actions_of(invoice, "chorus_invoice_command")
    _invoice_actions(invoice_action)
    chorus_facturx.register_invoice_actions(invoice_action)
    chorus_connector.register_invoice_actions(invoice_action)
    chorus_connector.register(action)


def _usage(args: argparse.Namespace) -> int:  # argparse requires the action first
    return 2


def _structure_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--public", action="store_true", help="a public structure (operators)")
    p.add_argument("--siret", required=True, help="14 digits (spaces ignored)")
    p.add_argument("--name", required=True, help="raison sociale")
    p.add_argument("--label", default="")
    p.add_argument("--legal-status", default="", help="statut juridique (public: mandatory)")
    p.add_argument("--address", default="")
    p.add_argument("--postal-code", default="")
    p.add_argument("--city", default="")
    p.add_argument("--country", default="FR", help="ISO 3166 code (default FR)")
    p.add_argument("--email", default="")
    p.add_argument("--rcs", default="")
    p.add_argument("--vat-number", default="", help="that of the SIRET's SIREN")
    for flag in ("service-code-required", "engagement-required",
                 "engagement-or-service-required", "reports-payment-in-progress"):
        p.add_argument(f"--{flag}", action="store_true")
    p.add_argument("--json", action="store_true", help="print the structure as JSON")


def _search_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--side", choices=_SIDES, default=ChorusSpace.ISSUED.value,
                   help="issued (default) or received")
    p.add_argument("--structure", metavar="SIRET", help="one of my structures (default all)")
    p.add_argument("--state", type=states_arg, metavar="S,…",
                   help="states, either form (made_available or MISE_A_DISPOSITION)")
    for name in ("deposited-from", "deposited-to", "changed-from", "changed-to"):
        p.add_argument(f"--{name}", type=day_arg, metavar="DATE")
    p.add_argument("--supplier", help="SIRET or name")
    p.add_argument("--recipient", help="SIRET or name")
    p.add_argument("--service-code")
    p.add_argument("--number", help="contains")
    p.add_argument("--type", choices=[x.value for x in ChorusInvoiceType])
    p.add_argument("--frame")
    p.add_argument("--engagement")
    p.add_argument("--amount-min", type=amount_arg, metavar="AMOUNT", help="incl. tax")
    p.add_argument("--amount-max", type=amount_arg, metavar="AMOUNT", help="incl. tax")
    p.add_argument("--limit", type=int, metavar="N", help="the first N only (default all)")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print a JSON array")
    out.add_argument("--csv", action="store_true", help="print CSV")


def _invoice_actions(action: Any) -> None:
    def with_id(name: str, text: str, handler: Any) -> argparse.ArgumentParser:
        p: argparse.ArgumentParser = action(name, text, handler)
        p.add_argument("invoice_id", type=int, metavar="ID")
        p.add_argument("--json", action="store_true", help="print the invoice as JSON")
        return p

    deposit = action("deposit", "deposit an invoice (FILE: the API's invoice JSON)",
                     inv.cmd_deposit)
    deposit.add_argument("file", metavar="FILE")
    deposit.add_argument("--pdf", metavar="PDF", help="the invoice's PDF (main document)")
    deposit.add_argument("--signed", action="store_true", help="the PDF is signed")
    deposit.add_argument("--attach", action="append", metavar="FILE",
                         help="an attachment (repeatable)")
    deposit.add_argument("--draft", action="store_true", help="keep it as a draft")
    deposit.add_argument("--json", action="store_true", help="print the invoice as JSON")

    with_id("show", "one invoice: lines, VAT, files, history, what I may do",
            inv.cmd_show)
    with_id("submit", "deposit a draft", inv.cmd_submit)
    with_id("delete", "delete a draft", inv.cmd_delete)
    process = with_id("process", "move an invoice I received", inv.cmd_process)
    process.add_argument("--state", required=True, type=state_arg, metavar="S",
                         help="the target state, either form")
    process.add_argument("--comment", default="", help="mandatory for a return")
    process.add_argument("--reason", choices=[r.value for r in ChorusSuspensionReason],
                         help="a suspension's (default missing_documents)")
    process.add_argument("--mandate-number", default="", metavar="N")
    correct = with_id("correct", "correct a non-compliant or to-recycle invoice",
                      inv.cmd_correct)
    for name in ("recipient-siret", "service-code", "engagement", "market-number"):
        correct.add_argument(f"--{name}")
    correct.add_argument("--invoice", metavar="FILE",
                         help="non-compliant: the whole invoice again (number kept)")
    correct.add_argument("--comment", default="")
    complete = with_id("complete", "complete a suspended invoice", inv.cmd_complete)
    complete.add_argument("--attach", action="append", metavar="FILE",
                          help="a new attachment (repeatable)")
    complete.add_argument("--comment", default="")
    mode = with_id("payment-mode", "a rejected direct debit becomes a transfer",
                   inv.cmd_payment_mode)
    mode.add_argument("--iban", required=True)
    with_id("credit-note", "issue the 381 that cancels the invoice", inv.cmd_credit_note)
    reissue = with_id("reissue", "copy into a new draft with a new number", inv.cmd_reissue)
    reissue.add_argument("--number", required=True)


# --- structures ----------------------------------------------------------------------------


def _print_structure(s: ChorusStructurePublic, suffix: str = "") -> None:
    print(structure_line(s) + suffix)
    for v in s.services:
        print(service_line(v.code, v.label, v.active, v.engagement_required))


def cmd_structures(args: argparse.Namespace) -> int:
    with opened(args) as repo:
        if args.mine:
            mine = repo.chorus_directory.mine()
            if args.json:
                print(dumps([mine_json(m) for m in mine]))
                return EXIT_OK
            for m in mine:
                spaces = ", ".join(t(f"chorus_cli.space.{s.value}") for s in m.spaces)
                role = t(f"chorus_cli.role.{m.role.value}")
                _print_structure(m.structure, "  [" + (t(
                    "chorus_cli.role_spaces", role=role, spaces=spaces) if spaces else role)
                    + "]")
            if not mine:
                print(t("chorus_cli.no_structure"))
            return EXIT_OK
        found = all_pages(lambda offset: repo.chorus_directory.structures(
            ChorusDirectoryFilter(), offset, MAX_PAGE))
    if args.json:
        print(dumps([structure_json(s) for s in found]))
        return EXIT_OK
    for s in found:
        _print_structure(s)
    if not found:
        print(t("chorus_cli.no_structure"))
    return EXIT_OK


def cmd_structure_create(args: argparse.Namespace) -> int:
    data = inv.model(
        ChorusStructureCreate, siret=args.siret, name=args.name, label=args.label,
        legal_status=args.legal_status, address=args.address,
        postal_code=args.postal_code, city=args.city, country=args.country,
        email=args.email, rcs=args.rcs, vat_number=args.vat_number, public=args.public,
        service_code_required=args.service_code_required,
        engagement_required=args.engagement_required,
        engagement_or_service_required=args.engagement_or_service_required,
        reports_payment_in_progress=args.reports_payment_in_progress)
    with opened(args) as repo:
        made = repo.chorus_directory.create_structure(data).structure
    if args.json:
        print(dumps(structure_json(made)))
    else:
        print(t("chorus_cli.structure_created", siret=made.siret, name=made.name))
        _print_structure(made)
    return EXIT_OK


# --- dashboard -----------------------------------------------------------------------------


def cmd_dashboard(args: argparse.Namespace) -> int:
    with opened(args) as repo:
        structure_id = None
        if args.structure:
            structure_id = repo.chorus_directory.structure_by_siret(args.structure).id
        if args.side:
            sides = [ChorusSpace(args.side)]
        else:  # the sides I hold a space on
            held = {space for m in repo.chorus_directory.mine() for space in m.spaces}
            sides = [side for side in ChorusSpace if side in held]
        boards = [repo.chorus_invoices.dashboard(side, structure_id) for side in sides]
    if args.json:
        print(dumps([b.model_dump(mode="json") for b in boards]))
        return EXIT_OK
    if not boards:
        print(t("chorus_cli.no_structure"))
    for board in boards:
        _print_dashboard(board)
    return EXIT_OK


def _print_dashboard(board: ChorusDashboard) -> None:
    print(t(f"chorus_cli.dashboard.{board.side.value}", total=board.total))
    for count in board.counts:
        print(f"  {state_text(count.state):<45} {count.chorus_status:<30} {count.count:>8}")
