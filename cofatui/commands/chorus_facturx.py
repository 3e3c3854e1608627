"""``cofatui chorus invoice export|import-facturx``: Factur-X from the command line
(issue 19 items 4 and 5), through ``repo.chorus_facturx`` on a database (``--user``)
or with ``--api`` (the server makes the file; it is written here).

    cofatui chorus invoice export ID [--format facturx|xml|pdf] [--output PATH]
                                     [--language fr|en]
    cofatui chorus invoice import-facturx FILE… [--json]

An export is written to ``--output`` (a folder: the file's own name inside it), by
default under its own name (the number with ``/`` as ``-``) in the current folder.
An import prints one line per file, or with ``--json`` one JSON object per line
(``file``, ``status`` imported|refused, ``reasons`` [code, message], ``invoice``); it
exits 0 only when every file was imported, 3 when one was refused.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from cofatui.commands import opened
from cofatui.enums import FacturxFormat
from cofatui.errors import CofaError, FieldError, ValidationFailed
from cofatui.i18n import LANGUAGES, format_amount, t
from cofatui.rules.chorus_files import MAX_FILE_BYTES
from cofatui.schemas_company_info import UploadedFile
from cofatui.schemas_facturx import FacturxImportOutcome, FacturxImportStatus

EXIT_OK = 0
#: What one part of the API's form takes (``api/routes/chorus_forms.MAX_FILE_PART_BYTES``,
#: not imported: the command line does not load the API).
MAX_PART_BYTES = 11 * 1024 * 1024
#: At least one file was refused (its reasons printed); the others were imported.
EXIT_REFUSED = 3


def register_invoice_actions(action: Any) -> None:
    """Add ``export`` and ``import-facturx`` to ``cofatui chorus invoice``."""
    export = action("export", "write an invoice's Factur-X, CII XML or PDF", cmd_export)
    export.add_argument("invoice_id", type=int, metavar="ID")
    export.add_argument("--format", choices=[f.value for f in FacturxFormat],
                        default=FacturxFormat.FACTURX.value,
                        help="facturx (PDF/A-3 with its XML, default), xml or pdf")
    export.add_argument("--output", metavar="PATH",
                        help="the file, or a folder (default: the number with / as -, "
                             "here)")
    export.add_argument("--language", choices=list(LANGUAGES),
                        help="the PDF's language (default: my account's)")
    imported = action("import-facturx", "import received Factur-X PDFs (recipient side), "
                                        "each on its own", cmd_import)
    imported.add_argument("files", nargs="+", metavar="FILE")
    imported.add_argument("--json", action="store_true",
                          help="one JSON object per file, one per line")


# --- export -----------------------------------------------------------------------------


def target(output: str | None, file_name: str) -> Path:
    """Where the export goes: ``output`` itself, or ``file_name`` in the folder it names
    (the current one by default). Only the last part of the server's name is used."""
    own = Path(file_name).name or "invoice"
    if output is None:
        return Path(own)
    path = Path(output).expanduser()
    return path / own if path.is_dir() else path


def cmd_export(args: argparse.Namespace) -> int:
    with opened(args) as repo:
        made = repo.chorus_facturx.export(args.invoice_id, FacturxFormat(args.format),
                                          args.language)
    path = target(args.output, made.file_name)
    try:
        path.write_bytes(made.content)
    except OSError as exc:
        raise CofaError("bulk_api.errors_file_unwritable", path=str(path),
                        reason=exc.strerror or type(exc).__name__) from exc
    print(t("chorus_facturx_cli.exported", path=str(path), size=len(made.content)))
    return EXIT_OK


# --- import -----------------------------------------------------------------------------


def read_facturx_files(paths: list[str]) -> list[UploadedFile]:
    """The files named, read from disk. One that cannot be read, or is past what one
    part of the API's form takes (11 MiB), is refused at its place (``files.N``) before
    anything is sent, on every backend alike; a file of 10 MB to 11 MiB is read and
    refused by the import itself (``chorus_facturx.too_large``), on its own."""
    errors: list[FieldError] = []
    files: list[UploadedFile] = []
    for index, name in enumerate(paths):
        path = Path(name).expanduser()
        try:
            if path.stat().st_size > MAX_PART_BYTES:
                errors.append(FieldError(f"files.{index}", "chorus.file_too_large",
                                         {"megabytes": MAX_FILE_BYTES // (1024 * 1024)}))
                continue
            files.append(UploadedFile(name=path.name, content=path.read_bytes()))
        except OSError as exc:
            errors.append(FieldError(f"files.{index}", "bulk_api.file_unreadable",
                                     {"path": str(path),
                                      "reason": exc.strerror or type(exc).__name__}))
    if errors:
        raise ValidationFailed(errors)
    return files


def outcome_json(o: FacturxImportOutcome) -> dict[str, Any]:
    """The keys issue 19 item 5 names, and no others."""
    return {"file": o.file, "status": o.status.value,
            "reasons": [{"code": r.code, "message": r.message} for r in o.reasons],
            "invoice": None if o.invoice is None else o.invoice.model_dump(mode="json")}


def outcome_lines(o: FacturxImportOutcome) -> list[str]:
    if o.invoice is not None:
        i = o.invoice
        return [t("chorus_facturx_cli.imported", file=o.file, id=i.id, number=i.number,
                  supplier=i.supplier_name, siret=i.supplier_siret,
                  amount=format_amount(i.total_incl_tax, i.currency))]
    return [t("chorus_facturx_cli.refused", file=o.file)] + [
        t("chorus_facturx_cli.reason", code=r.code, message=r.text()) for r in o.reasons]


def cmd_import(args: argparse.Namespace) -> int:
    files = read_facturx_files(args.files)
    with opened(args) as repo:
        batch = repo.chorus_facturx.import_files(files)
    for o in batch.outcomes:
        if args.json:
            print(json.dumps(outcome_json(o), ensure_ascii=False))
        else:
            for line in outcome_lines(o):
                print(line)
    if not args.json:
        done = sum(o.status is FacturxImportStatus.IMPORTED for o in batch.outcomes)
        print(t("chorus_facturx_cli.summary", imported=done, total=len(batch.outcomes),
                import_id=batch.import_id))
    every = all(o.status is FacturxImportStatus.IMPORTED for o in batch.outcomes)
    return EXIT_OK if every else EXIT_REFUSED
