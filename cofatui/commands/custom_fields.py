"""``cofatui custom-fields …``: a contract's custom fields from the command line (issue 16
item 8), on a database (``--db``: the command runs the import's job itself) or through
``--api``.

    cofatui custom-fields list [--contract POLICY] [--json]
    cofatui custom-fields create NAME [--format text|date|number] [--contract POLICY]
    cofatui custom-fields modify SLOT [--name NAME] [--format F] [--contract POLICY]
    cofatui custom-fields delete SLOT [--yes] [--contract POLICY]
    cofatui custom-fields template [-o FILE] [--all] [--contract POLICY]
    cofatui custom-fields import FILE [--at WHEN] [--no-wait] [--json] [--contract POLICY]

``delete`` says how many values are lost and deletes only with ``--yes`` (or a yes at
the prompt). ``import`` waits for its job and prints the lines in error first, then a
summary with the encoding the file was read in. Exit codes: 0 done, 4 an import
failed or was refused, 2 usage (a deletion not confirmed too), 1 other errors.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cofatui.commands import actions_of, opened, read_input
from cofatui.commands.bulk import EXIT_FAILED, EXIT_OK, EXIT_USAGE, Sub, UsageError, contract_of
from cofatui.errors import CofaError, message_text
from cofatui.formats import custom_field_import as fmt
from cofatui.formats.csv_lines import ImportRefused, decode
from cofatui.i18n import t
from cofatui.i18n.messages import decode_params
from cofatui.repository.base import MAX_PAGE, Repository
from cofatui.schemas_custom_fields import CustomFieldCreate, CustomFieldPublic, CustomFieldUpdate
from cofatui.schemas_jobs import ImportLinePublic, ImportResultPublic, ImportStatus

POLL_SECONDS = 0.25


def register(sub: Sub) -> None:
    command = sub("custom-fields", "a contract's custom fields: list, create, rename, "
                                   "delete, import values")
    action = actions_of(command, "custom_fields_command")

    def contract(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument("--contract", metavar="POLICY",
                       help="the contract number (needed when you have several)")
        return p

    listing = contract(action("list", "the eight fields, with their values", cmd_list))
    listing.add_argument("--json", action="store_true", help="print a JSON array")
    create = contract(action("create", "create a free field (five at most)", cmd_create))
    create.add_argument("name", metavar="NAME", help="at most 60 characters, unique")
    create.add_argument("--format", default="text", choices=("text", "date", "number"))
    modify = contract(action("modify", "rename a free field or change its format",
                             cmd_modify))
    modify.add_argument("slot", type=int, metavar="SLOT", help="the free field's slot, 1..5")
    modify.add_argument("--name", help="its new name")
    modify.add_argument("--format", choices=("text", "date", "number"),
                        help="its new format (every stored value must fit)")
    delete = contract(action("delete", "delete a free field and its values", cmd_delete))
    delete.add_argument("slot", type=int, metavar="SLOT", help="the free field's slot, 1..5")
    delete.add_argument("--yes", action="store_true",
                        help="confirm losing the field's values without a prompt")
    template = contract(action("template", "write the import template (CSV, ';')",
                               cmd_template))
    template.add_argument("-o", "--output", metavar="FILE", default="custom_fields.csv")
    template.add_argument("--all", action="store_true",
                          help="every field of the contract, not only the seed's three")
    imp = contract(action("import", "import values keyed by EasyNumber", cmd_import))
    imp.add_argument("file", metavar="FILE", help="the CSV file (';', UTF-8 or Windows-1252)")
    imp.add_argument("--at", metavar="WHEN",
                     help="run the import later: an ISO date and time (UTC unless a zone "
                          "is given)")
    imp.add_argument("--no-wait", action="store_true", help="queue the import and return")
    imp.add_argument("--json", action="store_true", help="print the result as JSON")



def field_label(field: CustomFieldPublic) -> str:
    """A fixed field's label in the user's language, a free field's own name."""
    return t(f"custom_fields_cli.fixed.{field.key}") if field.fixed else field.name


def field_json(field: CustomFieldPublic) -> dict[str, Any]:
    return {"key": field.key, "slot": field.slot, "name": field_label(field),
            "format": field.format, "fixed": field.fixed, "currency": field.currency,
            "values": field.values, "invalid": field.invalid, "version": field.version}


def _free(repo: Repository, contract_id: int, slot: int) -> CustomFieldPublic:
    found = next((f for f in repo.custom_fields.fields(contract_id) if f.slot == slot), None)
    if found is None:
        raise CofaError("custom_fields.not_found" if 1 <= slot <= 5
                        else "custom_fields.not_a_free_slot", slot=slot)
    return found


def cmd_list(args: argparse.Namespace) -> int:
    with opened(args) as repo:
        fields = repo.custom_fields.fields(contract_of(repo, args.contract))
    if args.json:
        print(json.dumps([field_json(f) for f in fields], ensure_ascii=False, indent=2))
        return EXIT_OK
    for f in fields:
        slot = "-" if f.slot is None else str(f.slot)
        fmt_text = t(f"custom_fields_cli.format.{f.format}")
        if f.currency:
            fmt_text += f" ({f.currency})"
        invalid = t("custom_fields_cli.invalid", count=f.invalid) if f.invalid else ""
        print(f"{slot:>2}  {field_label(f):<32} {fmt_text:<16} "
              f"{t('custom_fields_cli.values', count=f.values)} {invalid}".rstrip())
    return EXIT_OK


def cmd_create(args: argparse.Namespace) -> int:
    with opened(args) as repo:
        made = repo.custom_fields.create(contract_of(repo, args.contract),
                                         CustomFieldCreate(name=args.name, format=args.format))
    print(t("custom_fields_cli.created", name=made.name, slot=made.slot or 0,
            format=t(f"custom_fields_cli.format.{made.format}")))
    return EXIT_OK


def cmd_modify(args: argparse.Namespace) -> int:
    if args.name is None and args.format is None:
        print(f"cofatui: {t('custom_fields_cli.nothing_to_change')}", file=sys.stderr)
        return EXIT_USAGE
    with opened(args) as repo:
        contract_id = contract_of(repo, args.contract)
        field = _free(repo, contract_id, args.slot)
        changed = repo.custom_fields.modify(contract_id, args.slot, CustomFieldUpdate(
            name=args.name, format=args.format, version=field.version or 0))
    print(t("custom_fields_cli.modified", name=changed.name, slot=args.slot,
            format=t(f"custom_fields_cli.format.{changed.format}")))
    return EXIT_OK


def cmd_delete(args: argparse.Namespace) -> int:
    with opened(args) as repo:
        contract_id = contract_of(repo, args.contract)
        field = _free(repo, contract_id, args.slot)
        question = t("custom_fields_cli.confirm_delete", name=field.name, count=field.values)
        if not args.yes:
            if not sys.stdin.isatty():
                print(f"cofatui: {question} {t('custom_fields_cli.add_yes')}", file=sys.stderr)
                return EXIT_USAGE
            answer = input(f"{question} [y/N] ").strip().casefold()
            if answer not in ("y", "yes", "o", "oui"):
                return EXIT_USAGE
        gone = repo.custom_fields.delete(contract_id, args.slot, field.version or 0,
                                         values=field.values)
    print(t("custom_fields_cli.deleted", name=field.name, count=gone.values))
    return EXIT_OK


def cmd_template(args: argparse.Namespace) -> int:
    columns = None
    if args.all:
        with opened(args) as repo:
            fields = repo.custom_fields.fields(contract_of(repo, args.contract))
        free = {f.slot: (f.name, f.format) for f in fields if f.slot is not None}
        columns = fmt.columns_for(free)
    try:
        Path(args.output).write_text(fmt.template(columns), encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise CofaError("bulk_api.errors_file_unwritable", path=args.output,
                        reason=exc.strerror or type(exc).__name__) from exc
    print(t("custom_fields_cli.template_saved", path=args.output))
    return EXIT_OK


def _when(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise UsageError("custom_fields.bad_time", value=text) from None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _lines(repo: Repository, import_id: int) -> list[ImportLinePublic]:
    lines: list[ImportLinePublic] = []
    while True:
        page = repo.imports.lines(import_id, offset=len(lines), limit=MAX_PAGE,
                                  errors_first=True)
        lines += page.items
        if not page.items or len(lines) >= page.total:
            return lines


def _encoding(content: bytes) -> str:
    try:
        return "Windows-1252" if decode(content, fmt.MAX_BYTES).encoding == "cp1252" \
            else "UTF-8"
    except ImportRefused:
        return "-"


def cmd_import(args: argparse.Namespace) -> int:
    from cofatui.cli import load_settings_for
    from cofatui.jobs.worker import embedded_worker

    content = read_input(args.file)
    try:
        run_at = _when(args.at)
    except UsageError as exc:
        print(f"cofatui: {exc}", file=sys.stderr)
        return EXIT_USAGE
    with opened(args) as repo:
        result = repo.custom_fields.import_values(contract_of(repo, args.contract),
                                                  Path(args.file).name, content, run_at)
        if result.status == ImportStatus.RUNNING and (args.no_wait or run_at is not None):
            print(t("custom_fields_cli.queued", file=result.file_name, id=result.id))
            return EXIT_OK
        worker = embedded_worker(repo, load_settings_for(args).mail) \
            if result.status == ImportStatus.RUNNING else None
        try:
            while result.status == ImportStatus.RUNNING:
                time.sleep(POLL_SECONDS)
                result = repo.imports.result(result.id)
        finally:
            if worker is not None:
                worker.stop()
        lines = [] if result.refusal_code else _lines(repo, result.id)
    return _print(result, lines, _encoding(content), args.json)


def _print(result: ImportResultPublic, lines: list[ImportLinePublic], encoding: str,
           as_json: bool) -> int:
    wrong = [line for line in lines if line.status.value == "error"]
    if as_json:
        print(json.dumps({"import_id": result.id, "file": result.file_name,
                          "status": result.status.value, "encoding": encoding,
                          "total_lines": result.total_lines, "ok_lines": result.ok_lines,
                          "error_lines": result.error_lines,
                          "refused": result.refusal or None,
                          "lines": [{"line": line.line_no, "status": line.status.value,
                                     "code": line.code or None, "message": line.message}
                                    for line in wrong]}, ensure_ascii=False, indent=2))
    else:
        for line in wrong:
            said = message_text(line.code, decode_params(line.params)) if line.code else ""
            print(f"{line.line_no:>6}  {t(f'custom_fields_cli.line.{line.status.value}'):<14}"
                  f"{said}".rstrip())
        if result.refusal:
            print(t("custom_fields_cli.refused", file=result.file_name,
                    message=result.refusal))
        print(t("custom_fields_cli.summary", file=result.file_name, encoding=encoding,
                status=t(f"custom_fields_cli.status.{result.status.value}"),
                total=result.total_lines, ok=result.ok_lines, errors=result.error_lines,
                id=result.id))
    return EXIT_OK if result.status == ImportStatus.SUCCEEDED else EXIT_FAILED
