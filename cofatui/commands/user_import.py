"""``cofatui user import`` and ``cofatui user template`` (issue 16 items 6 and 7)::

    cofatui user template [--xlsx] [-o FILE]
    cofatui user import FILE [--contract POLICY] [--json]

``import`` acts as the token's owner with ``--api``, or as ``--user LOGIN`` on a
database (the import and its results belong to a user: the operator without ``--user``
is refused). The file is imported all-or-nothing; every line is printed, errors first,
with what it did (created, attached, unchanged) or why it is refused, then a summary.
Exit codes: 0 every line applied, 4 the import failed or the file was refused, 1 other
errors (not an administrator of the contract…), 2 usage.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from cofatui.commands import Handler, read_input
from cofatui.commands.bulk import EXIT_FAILED, EXIT_OK, contract_of
from cofatui.commands.custom_fields import _encoding, _lines
from cofatui.errors import CofaError, RuleViolation, message_text
from cofatui.formats import user_import as fmt
from cofatui.i18n.messages import decode_params
from cofatui.repository.base import Repository
from cofatui.schemas_jobs import ImportLinePublic, ImportResultPublic, ImportStatus

#: How a line's outcome is printed.
_OUTCOMES = {"user_import.created": "created", "user_import.attached": "attached",
             "user_import.unchanged": "unchanged"}


def register(action: Callable[[str, str, Handler], argparse.ArgumentParser]) -> None:
    """The two actions, added to ``cofatui user``."""
    template = action("template", "write the user import template (CSV ';' or XLSX)",
                      cmd_template)
    template.add_argument("--xlsx", action="store_true", help="an XLSX sheet (default: CSV)")
    template.add_argument("-o", "--output", metavar="FILE",
                          help="where to write it (default: users.csv or users.xlsx)")
    imp = action("import", "import users from a CSV (';', UTF-8 or Windows-1252) or an "
                 "XLSX, all-or-nothing", cmd_import)
    imp.add_argument("file", metavar="FILE")
    imp.add_argument("--contract", metavar="POLICY",
                     help="the contract to attach them to (default: your only one)")
    imp.add_argument("--json", action="store_true", help="print the result as JSON")


def cmd_template(args: argparse.Namespace) -> int:
    path = Path(args.output or ("users.xlsx" if args.xlsx else "users.csv"))
    content = fmt.template_xlsx() if args.xlsx else fmt.template_csv()
    try:
        path.write_bytes(content)
    except OSError as exc:
        raise CofaError("bulk_api.errors_file_unwritable", path=str(path),
                        reason=exc.strerror or type(exc).__name__) from exc
    print(f"Template written to {path}: one user per line under the column names "
          f"({';'.join(fmt.TEMPLATE_HEADER)}).")
    return EXIT_OK


@contextmanager
def _opened(args: argparse.Namespace) -> Iterator[Repository]:
    from cofatui import i18n
    from cofatui.cli import load_settings_for, open_repository

    settings = load_settings_for(args)
    i18n.set_language(settings.language)
    if not (getattr(args, "api", None) or settings.api_url or getattr(args, "user", None)):
        raise RuleViolation("user_import.needs_user")
    repo = open_repository(args, settings, say=lambda text: print(text, file=sys.stderr))
    try:
        yield repo
    finally:
        repo.close()


def cmd_import(args: argparse.Namespace) -> int:
    content = read_input(args.file)
    with _opened(args) as repo:
        result = repo.users.import_users(contract_of(repo, args.contract),
                                         Path(args.file).name, content)
        lines = [] if result.refusal_code else _lines(repo, result.id)
    encoding = "XLSX" if fmt.is_xlsx(content) else _encoding(content)
    if args.json:
        _print_json(result, lines, encoding)
    else:
        _print(result, lines, encoding)
    return EXIT_OK if result.status == ImportStatus.SUCCEEDED else EXIT_FAILED


def _outcome(line: ImportLinePublic) -> str:
    if line.status.value == "ok":
        return _OUTCOMES.get(line.code, "applied")
    return "not applied" if line.status.value == "not_applied" else "error"


def _said(line: ImportLinePublic) -> str:
    return message_text(line.code, decode_params(line.params)) if line.code else ""


def _print(result: ImportResultPublic, lines: list[ImportLinePublic], encoding: str) -> None:
    for line in lines:
        print(f"{line.line_no:>6}  {_outcome(line):<12}{_said(line)}".rstrip())
    if result.refusal:
        print(f"{result.file_name}: refused: {result.refusal}")
    not_applied = sum(1 for line in lines if line.status.value == "not_applied")
    print(f"{result.file_name} ({encoding}): {result.status.value.replace('_', ' ')} — "
          f"{result.total_lines} line(s), {result.ok_lines} applied, "
          f"{result.error_lines} in error"
          + (f", {not_applied} not applied (all-or-nothing: fix the errors and import "
             "the file again)" if not_applied else "")
          + f" (import #{result.id}).")


def _print_json(result: ImportResultPublic, lines: list[ImportLinePublic], encoding: str
                ) -> None:
    print(json.dumps({
        "import_id": result.id, "file": result.file_name, "status": result.status.value,
        "encoding": encoding,
        "total_lines": result.total_lines, "ok_lines": result.ok_lines,
        "error_lines": result.error_lines, "refused": result.refusal or None,
        "refusal_code": result.refusal_code or None,
        "lines": [{"line": line.line_no, "outcome": _outcome(line),
                   "code": line.code or None, "message": _said(line),
                   "login": line.params.get("login")} for line in lines]},
        ensure_ascii=False, indent=2))
