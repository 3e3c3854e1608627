"""``cofatui chorus invoice …`` and ``cofatui chorus invoices``: deposit, read, move
and answer Chorus Pro invoices from the command line (issue 18 item 11), through
``repo.chorus_invoices`` on a database (``--user``) or with ``--api``.

A deposit or a correction exits 0 when the invoice is made available, 3 when the
technical checks make it non-compliant (its reasons printed), 1 when refused (a coded
message on stderr). Every action takes ``--json`` and then prints the invoice object
(``id``, ``number``, ``state``, ``chorus_status``, ``reasons[code, message]``…).
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel
from pydantic import ValidationError as PydanticError

from cofatui.commands import all_pages, opened, read_input
from cofatui.commands.chorus_text import (
    CSV_COLUMNS,
    detail_lines,
    dumps,
    invoice_json,
    row_csv,
    row_json,
    row_line,
)
from cofatui.commands.company_info import read_files
from cofatui.enums import ChorusSpace, ChorusState, ChorusSuspensionReason
from cofatui.errors import ValidationFailed
from cofatui.i18n import t
from cofatui.pydantic_errors import field_errors
from cofatui.repository.base import MAX_PAGE, Repository
from cofatui.schemas_chorus import (
    ChorusCompletion,
    ChorusCorrection,
    ChorusInvoiceCreate,
    ChorusInvoiceDetail,
    ChorusInvoiceSearch,
    ChorusPaymentModeChange,
    ChorusProcess,
    ChorusReasonPublic,
)
from cofatui.schemas_company_info import UploadedFile

EXIT_OK = 0
#: The technical checks made it non-compliant (issue 18 item 11).
EXIT_NON_COMPLIANT = 3

M = TypeVar("M", bound=BaseModel)


def model(cls: type[M], **fields: Any) -> M:
    """``cls`` of ``fields``, its refusals coded at their fields as the API codes them."""
    try:
        return cls.model_validate(fields)
    except PydanticError as exc:
        raise ValidationFailed(field_errors(exc.errors())) from None


def invoice_file(path: str) -> ChorusInvoiceCreate:
    """The API's invoice-creation JSON (``fixtures/chorus_invoice.json``)."""
    try:
        return ChorusInvoiceCreate.model_validate_json(read_input(path))
    except PydanticError as exc:
        raise ValidationFailed(field_errors(exc.errors())) from None


def _pdf(path: str | None) -> UploadedFile | None:
    if path is None:
        return None
    return UploadedFile(name=Path(path).name, content=read_input(path))


def _files(paths: list[str] | None) -> list[UploadedFile]:
    return read_files(paths or [])


def _said(d: ChorusInvoiceDetail, args: argparse.Namespace, done: str) -> int:
    """Print the invoice (``--json``) or one line saying what happened and, when
    non-compliant, why; the exit code says where it ended."""
    if args.json:
        print(dumps(invoice_json(d)))
    else:
        print(t(f"chorus_cli.{done}", id=d.id, number=d.number,
                state=t(f"notices.chorus_state.{d.state.value}"), code=d.chorus_status))
        for reason in d.reasons:
            print(t("chorus_cli.show.reason", code=reason.code, message=reason.message))
    return EXIT_NON_COMPLIANT if d.state is ChorusState.NON_COMPLIANT else EXIT_OK


# --- entry and deposit ---------------------------------------------------------------


def cmd_deposit(args: argparse.Namespace) -> int:
    data = invoice_file(args.file)
    pdf = _pdf(args.pdf)
    files = _files(args.attach)
    with opened(args) as repo:
        made = repo.chorus_invoices.create(data, pdf, files, signed=args.signed,
                                           submit=not args.draft)
    return _said(made, args, "saved" if args.draft else "deposited")


def cmd_submit(args: argparse.Namespace) -> int:
    with opened(args) as repo:
        d = repo.chorus_invoices.get(args.invoice_id)
        made = repo.chorus_invoices.submit(d.id, d.version)
    return _said(made, args, "deposited")


def cmd_delete(args: argparse.Namespace) -> int:
    with opened(args) as repo:
        d = repo.chorus_invoices.get(args.invoice_id)
        repo.chorus_invoices.delete_draft(d.id, d.version)
    print(t("chorus_cli.deleted", id=d.id, number=d.number))
    return EXIT_OK


# --- reading ----------------------------------------------------------------------------


def cmd_show(args: argparse.Namespace) -> int:
    with opened(args) as repo:
        d = repo.chorus_invoices.get(args.invoice_id)
    if args.json:
        print(dumps(invoice_json(d)))
    else:
        for text in detail_lines(d):
            print(text)
    return EXIT_OK


def _criteria(repo: Repository, args: argparse.Namespace) -> ChorusInvoiceSearch:
    structure_id = None
    if args.structure:
        structure_id = repo.chorus_directory.structure_by_siret(args.structure).id
    return model(
        ChorusInvoiceSearch, side=ChorusSpace(args.side), structure_id=structure_id,
        states=args.state or [], deposited_from=args.deposited_from,
        deposited_to=args.deposited_to, changed_from=args.changed_from,
        changed_to=args.changed_to, supplier=args.supplier or "",
        recipient=args.recipient or "", service_code=args.service_code or "",
        number=args.number or "", type=args.type, frame=args.frame or "",
        engagement=args.engagement or "", amount_min=args.amount_min,
        amount_max=args.amount_max)


def cmd_list(args: argparse.Namespace) -> int:
    with opened(args) as repo:
        criteria = _criteria(repo, args)
        if args.limit is not None:
            rows = repo.chorus_invoices.search(criteria, 0, args.limit).items
        else:
            rows = all_pages(lambda offset: repo.chorus_invoices.search(
                criteria, offset, MAX_PAGE))
        # Only a non-compliant invoice has reasons; its detail says them.
        reasons: dict[int, list[ChorusReasonPublic]] = {
            r.id: repo.chorus_invoices.get(r.id).reasons for r in rows
            if args.json and r.state is ChorusState.NON_COMPLIANT}
    if args.json:
        print(dumps([row_json(r, reasons.get(r.id, [])) for r in rows]))
    elif args.csv:
        out = csv.writer(sys.stdout, lineterminator="\n")
        out.writerow(CSV_COLUMNS)
        out.writerows(row_csv(r) for r in rows)
    else:
        if not rows:
            print(t("chorus_cli.no_invoice"))
        for r in rows:
            print(row_line(r))
    return EXIT_OK


# --- the recipient's moves and the supplier's answers ------------------------------------


def cmd_process(args: argparse.Namespace) -> int:
    reason = args.reason
    if reason is None and args.state is ChorusState.SUSPENDED:
        reason = ChorusSuspensionReason.MISSING_DOCUMENTS.value
    with opened(args) as repo:
        d = repo.chorus_invoices.get(args.invoice_id)
        moved = repo.chorus_invoices.process(d.id, model(
            ChorusProcess, version=d.version, state=args.state, comment=args.comment,
            reason=reason, mandate_number=args.mandate_number))
    return _said(moved, args, "moved")


def cmd_correct(args: argparse.Namespace) -> int:
    whole = invoice_file(args.invoice) if args.invoice else None
    with opened(args) as repo:
        d = repo.chorus_invoices.get(args.invoice_id)
        corrected = repo.chorus_invoices.correct(d.id, model(
            ChorusCorrection, version=d.version, recipient_siret=args.recipient_siret,
            service_code=args.service_code, engagement=args.engagement,
            market_number=args.market_number, invoice=whole, comment=args.comment))
    return _said(corrected, args, "deposited")


def cmd_complete(args: argparse.Namespace) -> int:
    files = _files(args.attach)
    with opened(args) as repo:
        d = repo.chorus_invoices.get(args.invoice_id)
        done = repo.chorus_invoices.complete(d.id, model(
            ChorusCompletion, version=d.version, comment=args.comment), files)
    return _said(done, args, "moved")


def cmd_payment_mode(args: argparse.Namespace) -> int:
    with opened(args) as repo:
        d = repo.chorus_invoices.get(args.invoice_id)
        done = repo.chorus_invoices.change_payment_mode(d.id, model(
            ChorusPaymentModeChange, version=d.version, iban=args.iban))
    return _said(done, args, "payment_mode_changed")


def cmd_credit_note(args: argparse.Namespace) -> int:
    with opened(args) as repo:
        made = repo.chorus_invoices.credit_note(args.invoice_id)
    return _said(made, args, "credit_note")


def cmd_reissue(args: argparse.Namespace) -> int:
    with opened(args) as repo:
        made = repo.chorus_invoices.reissue(args.invoice_id, args.number)
    return _said(made, args, "reissued")
