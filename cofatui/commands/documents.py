"""``cofatui documents …``: the documents sent (issue 17 item 5, seed "Documents
téléchargés") from the command line, on a database (``--db --user``) or as the token's
owner (``--api``).

    cofatui documents list [--contract POLICY] [--category claims|company_information|
                           turnover] [--company EASYNUMBER|ID] [--text TEXT]
                           [--sort created_at|filename|size|company] [--ascending] [--json]
    cofatui documents get ID [--output PATH | --output -] [--force] [--json]

``list`` without ``--category`` shows every tab the contract has (those you may read).
``get`` writes the document's bytes under its stored name (or ``--output``; ``-`` is
standard output) and never replaces a file unless ``--force``. A refusal prints its
coded message and exits 1; a command typed wrong exits 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from cofatui.commands import actions_of, opened
from cofatui.commands.bulk import EXIT_OK, Sub, UsageError, contract_of
from cofatui.enums import DocumentSource
from cofatui.i18n import format_datetime, t
from cofatui.repository.base import MAX_PAGE, Repository
from cofatui.schemas_documents import DOCUMENT_SORTS, DocumentFilter, DocumentRow


def register(sub: Sub) -> None:
    command = sub("documents", "the documents sent: list them, save one")
    action = actions_of(command, "documents_command")
    listing = action("list", "the documents sent of a contract, tab by tab", cmd_list)
    listing.add_argument("--contract", metavar="POLICY",
                         help="the contract number (needed when you have several)")
    listing.add_argument("--category", choices=[s.value for s in DocumentSource],
                         help="one tab only (default: every tab the contract has)")
    listing.add_argument("--company", metavar="EASYNUMBER|ID", help="only this company's")
    listing.add_argument("--text", help="file name, company name or EasyNumber contains")
    listing.add_argument("--sort", choices=DOCUMENT_SORTS, default="created_at")
    listing.add_argument("--ascending", action="store_true",
                         help="oldest (smallest, A to Z) first; default newest first")
    listing.add_argument("--json", action="store_true", help="print JSON")
    get = action("get", "save a document's bytes to a file", cmd_get)
    get.add_argument("document_id", type=int, metavar="ID", help="the document's id")
    get.add_argument("--output", "-o", metavar="PATH",
                     help="where to write it (default: its name, here; '-': standard output)")
    get.add_argument("--force", action="store_true", help="replace an existing file")
    get.add_argument("--json", action="store_true", help="print what was saved as JSON")


def _company(repo: Repository, value: str | None) -> int | None:
    if value is None:
        return None
    from cofatui.commands.ilu import company_of

    return company_of(repo, value)


def _all(repo: Repository, contract_id: int, flt: DocumentFilter) -> list[DocumentRow]:
    out: list[DocumentRow] = []
    while True:
        page = repo.documents.rows(contract_id, flt, len(out), MAX_PAGE)
        out += page.items
        if not page.items or len(out) >= page.total:
            return out


def _line(row: DocumentRow) -> str:
    about = f"{row.easy_number} {row.company_name}".strip() if row.company_id else (
        f"{row.period_start} – {row.period_end}" if row.period_start else "")
    return (f"{row.id:>7}  {format_datetime(row.created_at):<17} {row.filename[:40]:<40} "
            f"{row.size:>9}  {about[:40]:<40} {row.created_by:<12} "
            f"{t(f'documents_cli.outcome.{row.source.value}.{row.outcome}')}").rstrip()


def cmd_list(args: argparse.Namespace) -> int:
    with opened(args) as repo:
        contract_id = contract_of(repo, args.contract)
        company_id = _company(repo, args.company)
        sources = [DocumentSource(args.category)] if args.category \
            else repo.documents.sources(contract_id)
        tabs = {source: _all(repo, contract_id, DocumentFilter(
            source=source, company_id=company_id, text=args.text, sort=args.sort,
            descending=not args.ascending)) for source in sources}
    if args.json:
        print(json.dumps({s.value: [r.model_dump(mode="json") for r in rows]
                          for s, rows in tabs.items()}, ensure_ascii=False, indent=2))
        return EXIT_OK
    if not tabs:
        print(t("documents_cli.none"))
    for source, rows in tabs.items():
        print(t("documents_cli.tab", tab=t(f"documents_cli.source.{source.value}"),
                count=len(rows)))
        for row in rows:
            print(_line(row))
    return EXIT_OK


def cmd_get(args: argparse.Namespace) -> int:
    with opened(args) as repo:
        row, content = repo.documents.content(args.document_id)
    if args.output == "-":
        sys.stdout.buffer.write(content)
        sys.stdout.flush()
        return EXIT_OK
    # Only the name's last part: a stored name never chooses the folder written to.
    path = Path(args.output) if args.output else Path(Path(row.filename).name or
                                                      f"document-{row.id}")
    if path.exists() and not args.force:
        raise UsageError("documents.file_exists", path=str(path))
    path.write_bytes(content)
    said: dict[str, Any] = {**row.model_dump(mode="json"), "path": str(path)}
    if args.json:
        print(json.dumps(said, ensure_ascii=False, indent=2))
    else:
        print(t("documents_cli.saved", name=row.filename, path=str(path), size=len(content)))
    return EXIT_OK
