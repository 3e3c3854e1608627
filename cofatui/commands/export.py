"""``cofatui export …``: custom exports from the command line (issue 15 item 9), on a
database (``--db``: the command runs the export's job itself) or through ``--api``
(the server's workers run it).

    cofatui export columns --category C [--json]
    cofatui export template create --category C --name N --columns k1,k2,… [--description D]
    cofatui export template list [--category C] [--json]
    cofatui export template show|update|delete TEMPLATE        (an id or a name)
    cofatui export scenario create --category C --name N --template NAME --contract POLICY …
    cofatui export scenario list [--category C] [--json]
    cofatui export scenario update|delete SCENARIO             (an id or a name)
    cofatui export run SCENARIO [--output DIR] [--json]
    cofatui export list [--category C] [--json]
    cofatui export download ID [--format F] [-o PATH]
    cofatui export delete ID [ID …]
    cofatui export run-due                                     (a database only)

``run`` waits for the export (progress on stderr), saves its files into ``--output``
and exits 0 when it is available, 4 when it failed. Refusals are one coded line on
stderr in the user's language (exit 1; 2 for a command that cannot run as typed).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol, TextIO, TypeVar

from cofatui.commands import Action, Handler, actions_of, opened
from cofatui.commands.bulk import EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError
from cofatui.enums import (
    ClaimStatus,
    ExportAggregation,
    ExportCategory,
    ExportFormatChoice,
    ExportFrequency,
    ExportRunStatus,
    ProductStatus,
)
from cofatui.errors import CofaError, NotFound, ValidationFailed
from cofatui.i18n import t
from cofatui.repository.base import MAX_PAGE, Repository
from cofatui.schemas_exports import (
    CustomFieldCriterion,
    ExportDownload,
    ExportRunPublic,
    ExportScenarioIn,
    ExportScenarioPublic,
    ExportScenarioUpdate,
    ExportTemplateIn,
    ExportTemplatePublic,
    ExportTemplateUpdate,
)
from cofatui.schemas_jobs import ExportFormat

Sub = Callable[[str, str], argparse.ArgumentParser]

#: How often ``run`` looks at the export, and shows its progress at least.
POLL_SECONDS = 0.25
PROGRESS_SECONDS = 1.0
_CATEGORIES = [c.value for c in ExportCategory]


def register(sub: Sub) -> None:
    export = sub("export", "custom exports: templates, scenarios, runs and their files")
    action = _usage_as_2(actions_of(export, "export_command"))

    columns = action("columns", "the columns a category's templates may hold", cmd_columns)
    _category(columns, required=True)
    _json(columns, "print [{key, label, type}]")

    template = action("template", "templates: the columns an export writes, in order",
                      _usage)
    template_action = _usage_as_2(actions_of(template, "template_command"))
    create = template_action("create", "create a template", cmd_template_create)
    _category(create, required=True)
    create.add_argument("--name", required=True, help="1 to 60 characters")
    create.add_argument("--columns", required=True, metavar="KEY,KEY,…",
                        help="the column keys, in order (see `export columns`)")
    create.add_argument("--description", default="", help="at most 250 characters")
    _json(create, "print the template as JSON")
    listing = template_action("list", "my templates and the defaults", cmd_template_list)
    _category(listing)
    _json(listing, 'print [{id, name, category, columns, "default"}]')
    show = template_action("show", "one template", cmd_template_show)
    _ref(show, "TEMPLATE")
    _json(show, "print the template as JSON")
    update = template_action("update", "change a template", cmd_template_update)
    _ref(update, "TEMPLATE")
    update.add_argument("--name", help="its new name")
    update.add_argument("--columns", metavar="KEY,KEY,…", help="its new columns, in order")
    update.add_argument("--description", help="its new description")
    _json(update, "print the template as JSON")
    delete = template_action("delete", "delete a template", cmd_template_delete)
    _ref(delete, "TEMPLATE")

    scenario = action("scenario", "scenarios: filters, contracts, schedule, format",
                      _usage)
    scenario_action = _usage_as_2(actions_of(scenario, "scenario_command"))
    s_create = scenario_action("create", "create a scenario", cmd_scenario_create)
    _category(s_create, required=True)
    s_create.add_argument("--name", required=True, help="1 to 60 characters")
    s_create.add_argument("--template", required=True, metavar="NAME",
                          help="the template (its name or id)")
    s_create.add_argument("--aggregation", required=True,
                          choices=[a.value for a in ExportAggregation],
                          help="one row per product (claims: claim), company, or what "
                               "changed in the period")
    s_create.add_argument("--format", required=True,
                          choices=[f.value for f in ExportFormatChoice])
    _scenario_options(s_create, create=True)
    s_list = scenario_action("list", "my scenarios", cmd_scenario_list)
    _category(s_list)
    _json(s_list, "print a JSON array")
    s_update = scenario_action("update", "change a scenario", cmd_scenario_update)
    _ref(s_update, "SCENARIO")
    s_update.add_argument("--name", help="its new name")
    s_update.add_argument("--template", metavar="NAME", help="another template")
    s_update.add_argument("--aggregation", choices=[a.value for a in ExportAggregation])
    s_update.add_argument("--format", choices=[f.value for f in ExportFormatChoice])
    _scenario_options(s_update, create=False)
    s_delete = scenario_action("delete", "delete a scenario (its files stay)",
                               cmd_scenario_delete)
    _ref(s_delete, "SCENARIO")

    run = action("run", "run a scenario now, wait, and save its files", cmd_run)
    _ref(run, "SCENARIO")
    run.add_argument("--output", metavar="DIR", default=".",
                     help="where to save the files (created if missing; default: here)")
    _json(run, "print {export_id, status, rows, files, error}")
    runs = action("list", "my generated files, newest first", cmd_list)
    _category(runs)
    _json(runs, "print a JSON array")
    download = action("download", "save a file of an export", cmd_download)
    download.add_argument("export_id", type=int, metavar="ID", help="the export's number")
    download.add_argument("--format", choices=[f.value for f in ExportFormat],
                          help="xlsx or csv (default: the export's file, XLSX first)")
    download.add_argument("-o", "--output", metavar="PATH",
                          help="the file, or a folder (default: its name, here)")
    remove = action("delete", "delete exports and their files", cmd_delete)
    remove.add_argument("export_ids", type=int, nargs="+", metavar="ID",
                        help="the exports' numbers")
    due = action("run-due", "run the scheduled exports that are due, then exit (for cron)",
                 cmd_run_due)
    due.add_argument("--clock", metavar="ISO", help=argparse.SUPPRESS)  # tests: a fixed now


def _usage_as_2(action: Action) -> Action:
    """Actions whose handler ends with exit 2 on a :class:`UsageError` (a command that
    cannot run as typed); other refusals are the console script's (exit 1)."""
    def add(name: str, text: str, handler: Handler) -> argparse.ArgumentParser:
        def run(args: argparse.Namespace) -> int:
            try:
                return handler(args)
            except UsageError as exc:
                print(f"cofatui: {exc}", file=sys.stderr)
                return EXIT_USAGE

        return action(name, text, run)

    return add


def _category(parser: argparse.ArgumentParser, required: bool = False) -> None:
    parser.add_argument("--category", choices=_CATEGORIES, required=required,
                        help="portfolio or claims")


def _json(parser: argparse.ArgumentParser, text: str) -> None:
    parser.add_argument("--json", action="store_true", help=text)


def _ref(parser: argparse.ArgumentParser, metavar: str) -> None:
    parser.add_argument("ref", metavar=metavar, help="its id or its name")
    if not any(a.dest == "category" for a in parser._actions):
        _category(parser)


def _scenario_options(parser: argparse.ArgumentParser, *, create: bool) -> None:
    repeat = "(repeat it for several)" if create else "(repeat it; replaces the list)"
    parser.add_argument("--description", help="at most 250 characters")
    parser.add_argument("--contract", action="append", metavar="POLICY",
                        required=create, help=f"a contract number {repeat}")
    parser.add_argument("--company-name", metavar="TEXT",
                        help="company names containing it (case and accents ignored)")
    parser.add_argument("--custom-field", action="append", metavar="SLOT=VALUE",
                        help=f"a custom field's value, slot 1 to 5 {repeat}")
    parser.add_argument("--product", action="append", metavar="CODE",
                        help=f"a product code {repeat}")
    parser.add_argument("--status", action="append", metavar="S",
                        help=f"a product status (claims: a claim status) {repeat}")
    parser.add_argument("--frequency", choices=[f.value for f in ExportFrequency])
    parser.add_argument("--start", metavar="DATETIME",
                        help="first run, local time: YYYY-MM-DD HH:MM")
    parser.add_argument("--end", metavar="DATE", help="last day a run may happen: YYYY-MM-DD")
    parser.add_argument("--time-zone", metavar="ZONE",
                        help="IANA name of the schedule's zone (default Europe/Paris)")
    parser.add_argument("--period-from", metavar="DATE", help="period aggregation, run once: "
                                                              "first day")
    parser.add_argument("--period-to", metavar="DATE", help="… last day")
    if create:
        parser.add_argument("--email", action="store_true",
                            help="mail the files to my own address")
    else:
        parser.add_argument("--email", action=argparse.BooleanOptionalAction, default=None,
                            help="mail the files to my own address (or not)")


def _usage(args: argparse.Namespace) -> int:  # the nested actions are required
    return EXIT_USAGE


# --- reading what was typed ------------------------------------------------------------


def _date(text: str, field: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationFailed.at(field, "export_api.bad_date", text=text) from None


def _datetime(text: str, field: str) -> datetime:
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValidationFailed.at(field, "export_api.bad_datetime", text=text) from None
    if value.tzinfo is not None:  # local wall time in the scenario's zone
        raise ValidationFailed.at(field, "export_api.bad_datetime", text=text)
    return value


def _columns(text: str) -> list[str]:
    return [key.strip() for key in text.split(",") if key.strip()]


def _custom_fields(values: Sequence[str]) -> list[CustomFieldCriterion]:
    out = []
    for text in values:
        slot, sep, value = text.partition("=")
        if not sep or not slot.strip().isdigit() or not 1 <= int(slot) <= 5 \
                or not value.strip():
            raise ValidationFailed.at("custom_fields", "export_api.bad_custom_field",
                                      text=text)
        out.append(CustomFieldCriterion(slot=int(slot), value=value.strip()))
    return out


def _statuses(category: ExportCategory, values: Sequence[str]
              ) -> dict[str, list[ProductStatus] | list[ClaimStatus]]:
    kind: type[ProductStatus] | type[ClaimStatus] = \
        ClaimStatus if category == ExportCategory.CLAIMS else ProductStatus
    try:
        found = [kind(value.strip()) for value in values]
    except ValueError:
        raise ValidationFailed.at("statuses", "export_api.bad_status", text=", ".join(values),
                                  known=", ".join(s.value for s in kind)) from None
    return {"claim_statuses" if kind is ClaimStatus else "statuses": found}  # type: ignore[dict-item]


def _contracts(repo: Repository, policies: Sequence[str]) -> list[int]:
    from cofatui.rules.bulk_contract import contract_id_for

    contracts = repo.whoami().contracts
    return list(dict.fromkeys(contract_id_for(policy, contracts) for policy in policies))


class Named(Protocol):
    @property
    def id(self) -> int: ...

    @property
    def name(self) -> str: ...

    @property
    def category(self) -> ExportCategory: ...


N = TypeVar("N", bound=Named)


def pick(items: Iterable[N], ref: str, unknown: str) -> N:
    """The item ``ref`` names: its id (digits), else its name (exactly, then ignoring
    case). A name two categories use needs ``--category``."""
    items = list(items)
    ref = ref.strip()
    if ref.isdigit():
        for item in items:
            if item.id == int(ref):
                return item
    for exact in (True, False):
        found = [item for item in items if item.name == ref or (
            not exact and item.name.casefold() == ref.casefold())]
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise UsageError("export_api.name_ambiguous", name=ref,
                             categories=", ".join(sorted(i.category.value for i in found)))
    raise NotFound(unknown, name=ref)


def _category_of(args: argparse.Namespace) -> ExportCategory | None:
    return ExportCategory(args.category) if getattr(args, "category", None) else None


def _template(repo: Repository, ref: str, category: ExportCategory | None
              ) -> ExportTemplatePublic:
    return pick(repo.exports.templates(category), ref, "export_api.template_unknown")


def _scenario(repo: Repository, ref: str, category: ExportCategory | None
              ) -> ExportScenarioPublic:
    return pick(repo.exports.scenarios(category), ref, "export_api.scenario_unknown")


# --- what is printed -------------------------------------------------------------------


def _print_json(document: object, out: TextIO | None = None) -> None:
    print(json.dumps(document, ensure_ascii=False, indent=2), file=out or sys.stdout)


def template_json(item: ExportTemplatePublic) -> dict[str, Any]:
    return {"id": item.id, "name": item.name, "category": item.category.value,
            "columns": list(item.columns), "default": item.default}


def scenario_json(item: ExportScenarioPublic) -> dict[str, Any]:
    return item.model_dump(mode="json")


def run_name(run: ExportRunPublic) -> str:
    return run.name if not run.direct and run.name else t("export_cli.direct")


def list_json(run: ExportRunPublic) -> dict[str, Any]:
    return {"export_id": run.id, "category": run.category.value, "name": run_name(run),
            "template": run.template_name, "contracts": list(run.policy_numbers),
            "created_at": run.created_at.isoformat() if run.created_at else None,
            "status": run.status.value, "rows": run.rows_done,
            "formats": [f.format.value for f in run.files]}


def _status(run: ExportRunPublic) -> str:
    said = t(f"export_cli.status.{run.status.value}")
    return f"{said}: {run.error}" if run.status == ExportRunStatus.FAILED and run.error \
        else said


def _show_template(item: ExportTemplatePublic, as_json: bool) -> None:
    if as_json:
        _print_json({**template_json(item), "description": item.description,
                     "used_by": list(item.used_by), "version": item.version})
        return
    print(t("export_cli.template_line", id=item.id, category=item.category.value,
            name=item.name, count=len(item.columns)))
    if item.description:
        print(f"  {item.description}")
    print("  " + ", ".join(item.columns))
    if item.used_by:
        print("  " + t("export_cli.used_by", scenarios=", ".join(item.used_by)))


# --- columns and templates -------------------------------------------------------------


def cmd_columns(args: argparse.Namespace) -> int:
    with opened(args) as repo:
        found = repo.exports.columns(ExportCategory(args.category))
    if args.json:
        _print_json([{"key": c.key, "label": c.label, "type": c.type.value} for c in found])
        return EXIT_OK
    for column in found:
        print(f"{column.key:<28} {column.type.value:<9} {column.label}")
    return EXIT_OK


def cmd_template_create(args: argparse.Namespace) -> int:
    with opened(args) as repo:
        made = repo.exports.create_template(ExportTemplateIn(
            category=ExportCategory(args.category), name=args.name,
            description=args.description, columns=_columns(args.columns)))
    _show_template(made, args.json)
    return EXIT_OK


def cmd_template_list(args: argparse.Namespace) -> int:
    with opened(args) as repo:
        found = repo.exports.templates(_category_of(args))
    if args.json:
        _print_json([template_json(item) for item in found])
        return EXIT_OK
    for item in found:
        mark = t("export_cli.default_mark") if item.default else ""
        print(f"{item.id:>5}  {item.category.value:<10} {item.name:<30} "
              f"{len(item.columns):>3} {mark}".rstrip())
    return EXIT_OK


def cmd_template_show(args: argparse.Namespace) -> int:
    with opened(args) as repo:
        _show_template(_template(repo, args.ref, _category_of(args)), args.json)
    return EXIT_OK


def cmd_template_update(args: argparse.Namespace) -> int:
    with opened(args) as repo:
        item = _template(repo, args.ref, _category_of(args))
        changes: dict[str, Any] = {"version": item.version}
        if args.name is not None:
            changes["name"] = args.name
        if args.description is not None:
            changes["description"] = args.description
        if args.columns is not None:
            changes["columns"] = _columns(args.columns)
        made = repo.exports.update_template(item.id, ExportTemplateUpdate(**changes))
    _show_template(made, args.json)
    return EXIT_OK


def cmd_template_delete(args: argparse.Namespace) -> int:
    with opened(args) as repo:
        item = _template(repo, args.ref, _category_of(args))
        repo.exports.delete_template(item.id, item.version)
    print(t("export_cli.template_deleted", name=item.name, id=item.id))
    return EXIT_OK


# --- scenarios -------------------------------------------------------------------------


def _scenario_fields(repo: Repository, args: argparse.Namespace,
                     category: ExportCategory) -> dict[str, Any]:
    """The scenario fields the options give (those not given are left out)."""
    fields: dict[str, Any] = {}
    if args.template is not None:
        fields["template_id"] = _template(repo, args.template, category).id
    if args.contract:
        fields["contract_ids"] = _contracts(repo, args.contract)
    if args.custom_field:
        fields["custom_fields"] = _custom_fields(args.custom_field)
    if args.product:
        fields["product_codes"] = [code.strip() for code in args.product]
    if args.status:
        fields.update(_statuses(category, args.status))
    if args.start is not None:
        fields["starts_at"] = _datetime(args.start, "starts_at")
    if args.end is not None:
        fields["ends_on"] = _date(args.end, "ends_on")
    if args.period_from is not None:
        fields["period_from"] = _date(args.period_from, "period_from")
    if args.period_to is not None:
        fields["period_to"] = _date(args.period_to, "period_to")
    for option, field in (("name", "name"), ("description", "description"),
                          ("company_name", "company_name"), ("aggregation", "aggregation"),
                          ("format", "format"), ("frequency", "frequency"),
                          ("time_zone", "time_zone"), ("email", "email")):
        value = getattr(args, option, None)
        if value is not None:
            fields[field] = value
    return fields


def _show_scenario(item: ExportScenarioPublic) -> None:
    when = item.next_run_at.strftime("%Y-%m-%d %H:%M UTC") if item.next_run_at else \
        t("export_cli.ended") if item.ended else "—"
    print(f"{item.id:>5}  {item.category.value:<10} {item.name:<30} "
          f"{item.template_name:<24} {','.join(item.policy_numbers):<14} "
          f"{item.frequency.value:<8} {item.format.value:<5} {when}")


def cmd_scenario_create(args: argparse.Namespace) -> int:
    category = ExportCategory(args.category)
    with opened(args) as repo:
        fields = _scenario_fields(repo, args, category)
        made = repo.exports.create_scenario(ExportScenarioIn(category=category, **fields))
    _show_scenario(made)
    return EXIT_OK


def cmd_scenario_list(args: argparse.Namespace) -> int:
    with opened(args) as repo:
        found = repo.exports.scenarios(_category_of(args))
    if args.json:
        _print_json([scenario_json(item) for item in found])
        return EXIT_OK
    for item in found:
        _show_scenario(item)
    return EXIT_OK


def cmd_scenario_update(args: argparse.Namespace) -> int:
    with opened(args) as repo:
        item = _scenario(repo, args.ref, _category_of(args))
        fields = _scenario_fields(repo, args, item.category)
        made = repo.exports.update_scenario(
            item.id, ExportScenarioUpdate(version=item.version, **fields))
    _show_scenario(made)
    return EXIT_OK


def cmd_scenario_delete(args: argparse.Namespace) -> int:
    with opened(args) as repo:
        item = _scenario(repo, args.ref, _category_of(args))
        repo.exports.delete_scenario(item.id, item.version)
    print(t("export_cli.scenario_deleted", name=item.name, id=item.id))
    return EXIT_OK


# --- runs and files --------------------------------------------------------------------


def wait(repo: Repository, run: ExportRunPublic, err: TextIO,
         sleep: Callable[[float], None] = time.sleep,
         clock: Callable[[], float] = time.monotonic) -> ExportRunPublic:
    """The export once its job ended, its progress on ``err`` whenever it moved and at
    least every second."""
    shown = (-1, 0.0)
    while run.status == ExportRunStatus.RUNNING:
        now = clock()
        if run.rows_done != shown[0] or now - shown[1] >= PROGRESS_SECONDS:
            total = "?" if run.rows_total is None else run.rows_total
            print(t("export_cli.progress", id=run.id, name=run_name(run), done=run.rows_done,
                    total=total), file=err, flush=True)
            shown = (run.rows_done, now)
        sleep(POLL_SECONDS)
        run = repo.exports.get_run(run.id)
    return run


def save(found: ExportDownload, path: Path) -> int:
    """Write a downloaded file at ``path`` (:meth:`ExportDownload.save`), a failure
    worded for the user; returns its size."""
    try:
        return found.save(path)
    except OSError as exc:
        raise CofaError("export_api.unwritable", path=str(path),
                        reason=exc.strerror or type(exc).__name__) from exc


def _file_name(name: str, export_id: int, fmt: ExportFormat) -> str:
    """The server's name for the file, without any folder in it."""
    base = Path(name.replace("\\", "/")).name.strip()
    return base if base not in ("", ".", "..") else f"export-{export_id}.{fmt.value}"


def _folder(path: Path) -> Path:
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CofaError("export_api.unwritable", path=str(path),
                        reason=exc.strerror or type(exc).__name__) from exc
    return path


def run_json(run: ExportRunPublic, files: list[dict[str, Any]]) -> dict[str, Any]:
    error = None if run.status != ExportRunStatus.FAILED else {
        "code": run.error_code, "message": run.error}
    return {"export_id": run.id, "status": run.status.value, "rows": run.rows_done,
            "files": files, "error": error}


def cmd_run(args: argparse.Namespace) -> int:
    from cofatui.cli import load_settings_for
    from cofatui.jobs.worker import embedded_worker

    with opened(args) as repo:
        item = _scenario(repo, args.ref, _category_of(args))
        run = repo.exports.run(item.id)
        # On a database nobody else may be running jobs: this command runs its own
        # worker while it waits (through --api the server's workers run it).
        worker = embedded_worker(repo, load_settings_for(args).mail)
        try:
            run = wait(repo, run, sys.stderr)
        finally:
            if worker is not None:
                worker.stop()
        files: list[dict[str, Any]] = []
        if run.status == ExportRunStatus.AVAILABLE:
            folder = _folder(Path(args.output).expanduser())
            for info in run.files:
                path = folder / _file_name(info.name, run.id, info.format)
                size = save(repo.exports.download(run.id, info.format), path)
                files.append({"format": info.format.value, "size": size, "path": str(path)})
    if args.json:
        _print_json(run_json(run, files))
    else:
        print(t("export_cli.run_done", id=run.id, name=run_name(run), status=_status(run),
                rows=run.rows_done))
        for saved in files:
            print(t("export_cli.saved", path=saved["path"], size=saved["size"]))
    return EXIT_OK if run.status == ExportRunStatus.AVAILABLE else EXIT_FAILED


def cmd_list(args: argparse.Namespace) -> int:
    category = _category_of(args)
    with opened(args) as repo:
        found: list[ExportRunPublic] = []
        while True:
            page = repo.exports.runs(category, len(found), MAX_PAGE)
            found += page.items
            if not page.items or len(found) >= page.total:
                break
    if args.json:
        _print_json([list_json(run) for run in found])
        return EXIT_OK
    if not found:
        print(t("export_cli.no_exports"))
    for run in found:
        when = run.created_at.strftime("%Y-%m-%d %H:%M") if run.created_at else ""
        formats = ",".join(f"{f.format.value}:{f.size}" for f in run.files)
        print(f"{run.id:>6}  {when}  {run.category.value:<10} {run_name(run):<28} "
              f"{run.template_name:<22} {','.join(run.policy_numbers):<14} "
              f"{run.rows_done:>7}  {formats:<24} {_status(run)}")
    return EXIT_OK


def cmd_download(args: argparse.Namespace) -> int:
    with opened(args) as repo:
        run = repo.exports.get_run(args.export_id)
        formats = [f.format for f in run.files]
        if args.format is not None:
            fmt = ExportFormat(args.format)
        elif formats:
            fmt = ExportFormat.XLSX if ExportFormat.XLSX in formats else formats[0]
        else:
            raise NotFound("exports.no_file", id=run.id)
        found = repo.exports.download(run.id, fmt)
        name = _file_name(found.name, run.id, fmt)
        target = Path(args.output).expanduser() if args.output else Path(name)
        if target.is_dir():
            target = target / name
        size = save(found, target)
    print(t("export_cli.saved", path=str(target), size=size))
    return EXIT_OK


def cmd_delete(args: argparse.Namespace) -> int:
    ids = list(dict.fromkeys(args.export_ids))
    with opened(args) as repo:
        deleted = repo.exports.delete_runs(ids)
    print(t("export_cli.deleted", count=deleted))
    if deleted < len(ids):
        print(f"cofatui: {NotFound('export_api.some_not_found', count=len(ids) - deleted)}",
              file=sys.stderr)
        return 1
    return EXIT_OK


def cmd_run_due(args: argparse.Namespace) -> int:
    from cofatui import i18n, migrations
    from cofatui.cli import database_url, load_settings_for
    from cofatui.commands.serve import _clock
    from cofatui.jobs.export_schedule import run_due
    from cofatui.repository.sql import make_engine

    if getattr(args, "api", None):
        raise UsageError("export_api.run_due_needs_db")
    settings = load_settings_for(args)
    with contextlib.suppress(ValueError):
        i18n.set_language(settings.language)
    url, _embedded = database_url(args, settings)
    engine = make_engine(url)
    try:
        migrations.upgrade(engine)
        report = run_due(engine, clock=_clock(args.clock), mail=settings.mail)
    finally:
        engine.dispose()
    print(t("export_cli.run_due", count=len(report.fired), jobs=report.jobs_run,
            mails=report.mail_sent))
    return EXIT_OK
