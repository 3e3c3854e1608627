"""``cofatui bulk …``: bulk orders from the command line (issue 14 item 8), on a
database (``--db``: the command runs the import's job itself) or through ``--api``
(the server's workers run it).

    cofatui bulk import FILE [--contract POLICY] [--check] [--again] [--json] [--no-wait]
    cofatui bulk list [--contract POLICY] [--json]
    cofatui bulk show ID [--errors-first] [--json]
    cofatui bulk errors ID -o FILE

``import`` waits for the job (progress on stderr), then prints one row per file line
(its number first) and a summary — or, with ``--json``, one object. Exit codes: 0
succeeded, 3 partially succeeded, 4 failed or refused (the repeat guard too), 2 usage,
1 other errors.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TextIO

from cofatui.commands import actions_of, opened, read_input
from cofatui.errors import CofaError, Conflict, Forbidden, NotFound, ValidationFailed
from cofatui.i18n import t
from cofatui.repository.base import MAX_PAGE, Repository
from cofatui.repository.every_row import every_row
from cofatui.schemas_bulk import BulkImportPublic, BulkLinePublic, BulkLineStatus, BulkStatus

Sub = Callable[[str, str], argparse.ArgumentParser]

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_PARTIAL = 3
EXIT_FAILED = 4
#: How often the waiting command looks at the import, and shows progress at least.
POLL_SECONDS = 0.25
PROGRESS_SECONDS = 1.0


def register(sub: Sub) -> None:
    bulk = sub("bulk", "bulk orders: import a file of product orders, list and show imports")
    action = actions_of(bulk, "bulk_command")

    imp = action("import", "import a bulk order file and wait for its results", cmd_import)
    imp.add_argument("file", metavar="FILE", help="the bulk order file (10 fields, ';')")
    imp.add_argument("--contract", metavar="POLICY",
                     help="the contract number (needed when you have several)")
    imp.add_argument("--check", action="store_true",
                     help="run every check, eligibility included, but order nothing")
    imp.add_argument("--again", action="store_true",
                     help="import a file already imported into this contract")
    imp.add_argument("--json", action="store_true", help="print the result as JSON")
    imp.add_argument("--no-wait", action="store_true",
                     help="start the import and return (see it with `bulk show`)")
    listing = action("list", "the imported files of my contracts, newest first", cmd_list)
    listing.add_argument("--contract", metavar="POLICY", help="one contract only")
    listing.add_argument("--json", action="store_true", help="print a JSON array")
    show = action("show", "the results of an import, line by line", cmd_show)
    show.add_argument("import_id", type=int, metavar="ID", help="the import's number")
    show.add_argument("--errors-first", action="store_true",
                      help="the lines in error first")
    show.add_argument("--json", action="store_true", help="print the result as JSON")
    errors = action("errors", "save the lines in error as a bulk file to fix", cmd_errors)
    errors.add_argument("import_id", type=int, metavar="ID", help="the import's number")
    errors.add_argument("-o", "--output", metavar="FILE", required=True,
                        help="where to write the lines in error")


# --- what is printed -----------------------------------------------------------------


def exit_code(status: BulkStatus) -> int:
    return {BulkStatus.SUCCEEDED: EXIT_OK,
            BulkStatus.PARTIALLY_SUCCEEDED: EXIT_PARTIAL}.get(status, EXIT_FAILED)


def line_json(line: BulkLinePublic) -> dict[str, Any]:
    company = None if line.company_name is None and line.easy_number is None else {
        "name": line.company_name, "easy_number": line.easy_number}
    return {"line": line.line_no, "status": line.status.value,
            "code": line.code if line.status != BulkLineStatus.OK else None,
            "message": line.message(), "detail": line.detail(), "company": company,
            "product": line.product, "action": line.action,
            "product_status": line.product_status}


def import_json(imp: BulkImportPublic, lines: list[BulkLinePublic]) -> dict[str, Any]:
    refused = None if imp.refused is None else {
        "code": imp.refused.code, "message": imp.refused.detail() or imp.refused.message()}
    return {"import_id": imp.id, "file": imp.file_name, "contract": imp.policy_number,
            "status": imp.status.value, "total_lines": imp.total_lines,
            "error_lines": imp.error_lines + imp.not_processed_lines,
            "ok_lines": imp.ok_lines, "refused": refused,
            "lines": [line_json(line) for line in lines]}


def refusal_json(file: str, contract: str, error: CofaError) -> dict[str, Any]:
    """What ``--json`` prints for a file refused before anything was recorded: the
    code's last part is the seed's key (``contract_not_found``…)."""
    code = error.errors[0].code if isinstance(error, ValidationFailed) and error.errors \
        else error.code
    return {"import_id": None, "file": file, "contract": contract,
            "status": BulkStatus.FAILED.value, "total_lines": 0, "error_lines": 0,
            "ok_lines": 0, "refused": {"code": code.rsplit(".", 1)[-1],
                                       "message": error.text()},
            "lines": []}


def list_json(imp: BulkImportPublic) -> dict[str, Any]:
    return {"import_id": imp.id, "file": imp.file_name, "contract": imp.policy_number,
            "user": imp.login,
            "created_at": imp.created_at.isoformat() if imp.created_at else None,
            "status": imp.status.value, "total_lines": imp.total_lines,
            "error_lines": imp.error_lines + imp.not_processed_lines}


def line_row(line: BulkLinePublic) -> str:
    """One row per file line, its number first."""
    company = " ".join(part for part in (line.easy_number, line.company_name) if part)
    order = "/".join(part for part in (line.product, line.action) if part)
    said = ": ".join(part for part in (line.message(), line.detail()) if part)
    return "  ".join(part for part in (
        f"{line.line_no:>5}", f"{t(f'bulk_cli.line.{line.status.value}'):<13}",
        line.code or "", company, order, line.product_status or "", said) if part)


def summary(imp: BulkImportPublic) -> str:
    return t("bulk_cli.summary_check" if imp.check else "bulk_cli.summary",
             file=imp.file_name, contract=imp.policy_number,
             status=t(f"bulk_cli.status.{imp.status.value}"), total=imp.total_lines,
             errors=imp.error_lines + imp.not_processed_lines, ok=imp.ok_lines, id=imp.id)


def print_result(imp: BulkImportPublic, lines: list[BulkLinePublic], as_json: bool,
                 out: TextIO) -> int:
    if as_json:
        print(json.dumps(import_json(imp, lines), ensure_ascii=False, indent=2), file=out)
    else:
        for line in lines:
            print(line_row(line), file=out)
        if imp.refused is not None:
            print(t("bulk_cli.refused", file=imp.file_name,
                    message=imp.refused.detail() or imp.refused.message()), file=out)
        print(summary(imp), file=out)
    return exit_code(imp.status)


# --- the commands --------------------------------------------------------------------




def contract_of(repo: Repository, policy: str | None) -> int:
    """The contract a command acts on: ``--contract POLICY``, else the user's only one."""
    from cofatui.rules.bulk_contract import contract_id_for

    contracts = repo.whoami().contracts
    if policy is not None:
        return contract_id_for(policy, contracts)
    if len(contracts) == 1:
        return contracts[0].contract_id
    if not contracts:
        raise CofaError("bulk_api.no_contract")
    raise UsageError("bulk_api.contract_ambiguous",
                     policies=", ".join(c.policy_number for c in contracts))


class UsageError(CofaError):
    """A command that cannot run as typed (exit 2), such as a missing ``--contract``."""


def all_lines(repo: Repository, import_id: int, errors_first: bool = False
              ) -> list[BulkLinePublic]:
    return list(_pages(repo, import_id, errors_first))


def _pages(repo: Repository, import_id: int, errors_first: bool) -> Iterator[BulkLinePublic]:
    return every_row(lambda seek, limit: repo.bulk.lines(
        import_id, errors_first=errors_first, limit=limit, seek=seek), MAX_PAGE)


def wait(repo: Repository, imp: BulkImportPublic, err: TextIO,
         sleep: Callable[[float], None] = time.sleep,
         clock: Callable[[], float] = time.monotonic) -> BulkImportPublic:
    """The import once its job finished the file, its progress on ``err`` whenever it
    moved and at least every second."""
    shown = (-1, 0.0)
    while not imp.finished:
        now = clock()
        if imp.done_lines != shown[0] or now - shown[1] >= PROGRESS_SECONDS:
            print(t("bulk_cli.progress", file=imp.file_name, done=imp.done_lines,
                    total=imp.total_lines), file=err, flush=True)
            shown = (imp.done_lines, now)
        sleep(POLL_SECONDS)
        imp = repo.bulk.get(imp.id)
    return imp



def cmd_import(args: argparse.Namespace) -> int:
    from cofatui.cli import load_settings_for
    from cofatui.jobs.worker import embedded_worker

    content = read_input(args.file)
    name = Path(args.file).name
    with opened(args) as repo:
        try:
            contract_id = contract_of(repo, args.contract)
            started = repo.bulk.start(contract_id, name, content, check=args.check,
                                      again=args.again)
        except UsageError as exc:
            print(f"cofatui: {exc}", file=sys.stderr)
            return EXIT_USAGE
        except (Conflict, NotFound, Forbidden, ValidationFailed) as exc:
            if args.json:
                print(json.dumps(refusal_json(name, args.contract or "", exc),
                                 ensure_ascii=False, indent=2))
            print(f"cofatui: {exc}", file=sys.stderr)
            return EXIT_FAILED
        imp = started.bulk_import
        if args.no_wait and started.job is not None:
            if args.json:
                print(json.dumps(import_json(imp, []), ensure_ascii=False, indent=2))
            else:
                print(t("bulk_cli.queued", file=imp.file_name, id=imp.id,
                        contract=imp.policy_number, job=started.job.id))
            return EXIT_OK
        # On a database nobody else may be running jobs: this command runs its own
        # worker while it waits (through --api the server's workers run it).
        worker = embedded_worker(repo, load_settings_for(args).mail) \
            if started.job is not None else None
        try:
            imp = wait(repo, imp, sys.stderr)
        finally:
            if worker is not None:
                worker.stop()
        return print_result(imp, all_lines(repo, imp.id), args.json, sys.stdout)


def cmd_show(args: argparse.Namespace) -> int:
    with opened(args) as repo:
        imp = repo.bulk.get(args.import_id)
        return print_result(imp, all_lines(repo, imp.id, args.errors_first), args.json,
                            sys.stdout)


def cmd_list(args: argparse.Namespace) -> int:
    with opened(args) as repo:
        contract_id = contract_of(repo, args.contract) if args.contract else None
        items: list[BulkImportPublic] = []
        while True:
            page = repo.bulk.imports(contract_id, len(items), MAX_PAGE)
            items += page.items
            if not page.items or len(items) >= page.total:
                break
    if args.json:
        print(json.dumps([list_json(imp) for imp in items], ensure_ascii=False, indent=2))
        return EXIT_OK
    if not items:
        print(t("bulk_cli.no_imports"))
    for imp in items:
        when = imp.created_at.strftime("%Y-%m-%d %H:%M") if imp.created_at else ""
        print(f"{imp.id:>6}  {when}  {imp.policy_number:<12} {imp.login:<12} "
              f"{t(f'bulk_cli.status.{imp.status.value}'):<22} "
              f"{imp.total_lines:>6} {imp.error_lines + imp.not_processed_lines:>6}  "
              f"{imp.file_name}")
    return EXIT_OK


def cmd_errors(args: argparse.Namespace) -> int:
    with opened(args) as repo:
        errors = repo.bulk.errors_file(args.import_id)
    try:
        Path(args.output).write_bytes(errors.content)
    except OSError as exc:
        raise CofaError("bulk_api.errors_file_unwritable", path=args.output,
                        reason=exc.strerror or type(exc).__name__) from exc
    print(t("bulk_cli.saved", count=len(errors.content.splitlines()), path=args.output))
    return EXIT_OK
