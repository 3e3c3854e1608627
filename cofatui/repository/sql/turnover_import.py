"""``repo.turnover``'s import, template and supporting documents (issue 17 item 3,
"import sous format Excel"), mixed into :class:`~cofatui.repository.sql.turnover.
SqlTurnover`.

**Import** — a kind (``turnover``) of the file-import framework: its result and lines
are stored like every import's and read through ``repo.imports`` (Tools › Import
results). Always all-or-nothing and applied within the request (at most
``formats.turnover_import.MAX_LINES`` lines):

1. the declaration is loaded for writing (404 / 403 / ``turnover.already_sent`` /
   ``turnover.cancelled`` are raised, nothing stored);
2. the file is read (``formats/turnover_import.py``); a file refused whole is stored at
   once as a failed result with its reason;
3. in ONE transaction: the declaration locked again, every line with an amount (or
   ``-``) upserted by the declaration's own save (``_apply_lines``: a debtor or country
   not yet in the grid is added, a debtor must exist in the company table), the file
   kept as a ``Document`` of the declaration (source ``turnover``, category ``import``,
   with its SHA-256), the declaration's version moved, the line outcomes and totals
   written. Any line in error (read or refused by the save) rolls it all back; the
   lines are then stored ``error`` / ``not_applied`` in the next transaction.

**Template** — the declaration's lines (pre-filled first, as the grid's first read
does) in the import's own columns, XLSX or CSV.

**Attach** — a supporting document checked by content (``rules/attachments.py``: PDF,
images, XLSX, CSV), kept as a ``Document`` of category ``supporting``.
"""

from __future__ import annotations

import hashlib
import re
from typing import TYPE_CHECKING

from sqlalchemy import select

from cofatui.enums import DocumentSource, Section, TurnoverBreakdown
from cofatui.errors import CofaError, ValidationFailed
from cofatui.formats import imports as pipeline
from cofatui.formats import turnover_import as tfile
from cofatui.formats.csv_lines import ImportRefused
from cofatui.models import Company, Document, TurnoverLine
from cofatui.repository.sql import import_apply
from cofatui.repository.sql.document_store import keep_document
from cofatui.repository.sql.imports import SqlImports, clean_file_name
from cofatui.repository.sql.input_guard import install
from cofatui.rules import attachments
from cofatui.rules.turnover import edit_refusal
from cofatui.schemas_jobs import ImportKind, ImportMode, ImportResultPublic
from cofatui.schemas_turnover import TurnoverLineIn

if TYPE_CHECKING:
    from collections.abc import Mapping
    from contextlib import AbstractContextManager
    from typing import Any

    from sqlalchemy.orm import Session

    from cofatui.clock import Clock
    from cofatui.models import TurnoverDeclaration
    from cofatui.repository.sql import SqlRepository
    from cofatui.schemas import Page, Principal
    from cofatui.schemas_turnover import TurnoverLinePublic

KIND = ImportKind.TURNOVER.value
MODE = ImportMode.ALL_OR_NOTHING
#: ``lines.12.amount`` → 12: the index of the line a save refused.
_LINE_INDEX = re.compile(r"lines\.(\d+)(?:\.|$)")


class _Refused(Exception):
    """Leaves the import's transaction without committing."""


class TurnoverImportMixin:
    """import_file / template / attach of ``repo.turnover`` (see the protocol). The
    class it is mixed into (an ``SqlArea``) gives the unit of work, the principal and
    the declaration's loading and saving helpers."""

    if TYPE_CHECKING:
        root: SqlRepository

        @property
        def clock(self) -> Clock:
            ...

        @property
        def principal(self) -> Principal:
            ...

        def _uow(self, write: bool = False) -> AbstractContextManager[Session]:
            ...

        def _require_write(self, contract_id: int, section: Section | None = None) -> None:
            ...

        def _audit(self, session: Session, operation: str, target_type: str,
                   target_id: int | None, changes: Mapping[str, Any] | None = None,
                   contract_id: int | None = None) -> None:
            ...

        def _load_for_write(self, s: Session, declaration_id: int) -> TurnoverDeclaration:
            ...

        def _load_for_read(self, s: Session, declaration_id: int) -> TurnoverDeclaration:
            ...

        def _apply_lines(self, s: Session, decl: TurnoverDeclaration,
                         lines: list[TurnoverLineIn]) -> int:
            ...

        def _bump(self, s: Session, decl: TurnoverDeclaration) -> None:
            ...

        def lines(self, declaration_id: int, offset: int = 0, limit: int = 50,
                  text: str | None = None) -> Page[TurnoverLinePublic]:
            ...

    # --- import ---------------------------------------------------------------------
    def import_file(self, declaration_id: int, file_name: str,
                    content: bytes) -> ImportResultPublic:
        file_name = clean_file_name(file_name)
        breakdown = self._importable(declaration_id)
        imports = SqlImports(self.root)
        try:
            found = tfile.read(content, breakdown)
        except ImportRefused as exc:
            return imports._refused(KIND, file_name, MODE, exc.reason, exc.text("en"))
        rows, refused = tfile.check_lines(found, breakdown, self.clock.today())
        with self._uow(write=True) as s:
            import_id = import_apply.begin(self.root, s, KIND, file_name, MODE,
                                           found.total).id or 0
        problems: dict[int, pipeline.LineProblem] = {}
        try:
            with self._uow(write=True) as s:
                decl = self._load_for_write(s, declaration_id)
                changes = [row for row in rows if not row.unchanged]
                try:
                    self._apply_lines(s, decl, [_line_in(row, breakdown) for row in changes])
                except ValidationFailed as exc:
                    problems = _problems(exc, changes)
                if problems or refused:
                    raise _Refused
                if any(row.amount for row in changes):
                    decl.nothing_to_declare = False  # amounts imported: something declared
                kind = attachments.XLSX if tfile.is_xlsx(content) else attachments.CSV
                document_id = self._keep(s, decl, attachments.attachment_name(
                    file_name, kind), kind.media_type, content, "import")
                self._bump(s, decl)
                self._audit(s, "import_turnover", "turnover_declaration", decl.id,
                            {"import_id": import_id, "lines": len(changes),
                             "document_id": document_id}, decl.contract_id)
                import_apply.store_lines(s, import_id, (_ok(row) for row in rows))
                import_apply.finish(s, import_id)
        except CofaError as exc:
            # Refused as a whole meanwhile (sent, cancelled, rights taken away): the
            # result says so rather than staying "running", and the refusal is raised.
            with self._uow(write=True) as s:
                import_apply.finish(s, import_id, exc.code, exc.text("en"))
            raise
        except _Refused:
            with self._uow(write=True) as s:
                import_apply.store_lines(s, import_id, [*refused, *(
                    pipeline.LineOutcome(row.line_no, pipeline.ERROR, p.code, p.params)
                    if (p := problems.get(row.line_no)) else
                    pipeline.LineOutcome(row.line_no, pipeline.NOT_APPLIED) for row in rows)])
                import_apply.finish(s, import_id)
        return imports.result(import_id)

    def _importable(self, declaration_id: int) -> TurnoverBreakdown:
        """The declaration's refusals, raised before the file is read (and nothing
        stored, not even its pre-fill); its breakdown."""
        with self._uow() as s:
            decl = self._load_for_read(s, declaration_id)
            self._require_write(decl.contract_id, Section.TURNOVER)
            refusal = edit_refusal(decl.status)
            if refusal is not None:
                raise refusal
            return TurnoverBreakdown(decl.breakdown)

    def _keep(self, s: Session, decl: TurnoverDeclaration, name: str, media_type: str,
              content: bytes, category: str) -> int:
        """The file as a document of the declaration (``name`` with the extension of
        what it is), in ``s``'s transaction; its id."""
        document = Document(
            source=DocumentSource.TURNOVER.value, contract_id=decl.contract_id,
            company_id=None, declaration_id=decl.id, filename=name,
            content_type=media_type, size=len(content),
            sha256=hashlib.sha256(content).hexdigest(), category=category,
            created_at=self.clock.now(), created_by=self.principal.login)
        return keep_document(s, document, content)

    # --- template -------------------------------------------------------------------
    def template(self, declaration_id: int, fmt: str) -> bytes:
        chosen = tfile.template_format(fmt)
        self.lines(declaration_id, 0, 1)  # access checked, a new declaration pre-filled
        with self._uow() as s:
            decl = self._load_for_read(s, declaration_id)
            breakdown = TurnoverBreakdown(decl.breakdown)
            rows = s.execute(
                select(Company.easy_number, Company.name, TurnoverLine.country,
                       TurnoverLine.amount, TurnoverLine.currency)
                .outerjoin(Company, Company.id == TurnoverLine.company_id)
                .where(TurnoverLine.declaration_id == declaration_id)
                .order_by(TurnoverLine.sort_key, TurnoverLine.id)).all()
        lines = [tfile.TemplateLine(easy or "", name or "", country, amount, currency)
                 for easy, name, country, amount, currency in rows]
        if chosen == "xlsx":
            return tfile.template_xlsx(breakdown, lines)
        return tfile.template_csv(breakdown, lines,
                                decimal_comma=self.principal.language == "fr")

    # --- supporting documents -------------------------------------------------------
    def attach(self, declaration_id: int, file_name: str, content: bytes) -> int:
        self._importable(declaration_id)  # refusals of the declaration first
        checked = attachments.check_document(file_name, content)
        with self._uow(write=True) as s:
            decl = self._load_for_write(s, declaration_id)
            document_id = self._keep(s, decl, checked.name, checked.media_type, content,
                                     "supporting")
            self._audit(s, "attach_turnover_document", "turnover_declaration", decl.id,
                        {"document_id": document_id, "filename": checked.name},
                        decl.contract_id)
        return document_id


def _line_in(row: tfile.TurnoverRow, breakdown: TurnoverBreakdown) -> TurnoverLineIn:
    """The save's line for a row the file's reading checked (its key normalised, its
    amount a Decimal, its currency a code): built without validating it again, which
    cost a tenth of a 10 000-line import."""
    if breakdown == TurnoverBreakdown.DEBTOR:
        return TurnoverLineIn.model_construct(company_id=None, easy_number=row.key,
                                              country=None, amount=row.amount,
                                              currency=row.currency)
    return TurnoverLineIn.model_construct(company_id=None, easy_number=None,
                                          country=row.key, amount=row.amount,
                                          currency=row.currency)


def _problems(exc: ValidationFailed, changes: list[tfile.TurnoverRow]
              ) -> dict[int, pipeline.LineProblem]:
    """The save's refusals by the file line they came from (the first of each line; a
    refusal naming no line, never expected, is put on the first line so the file is
    still refused with a reason)."""
    out: dict[int, pipeline.LineProblem] = {}
    for error in exc.errors:
        match = _LINE_INDEX.match(error.field)
        index = int(match.group(1)) if match else 0
        if 0 <= index < len(changes):
            out.setdefault(changes[index].line_no,
                           pipeline.LineProblem(error.code, dict(error.params)))
    return out or {changes[0].line_no if changes else 0:
                   pipeline.LineProblem(exc.errors[0].code if exc.errors else exc.code)}


def _ok(row: tfile.TurnoverRow) -> pipeline.LineOutcome:
    code = ("turnover_import.unchanged" if row.unchanged
            else "turnover_import.cleared" if row.clear else "")
    return pipeline.LineOutcome(row.line_no, pipeline.OK, code)


# Inherited by an SqlArea, whose guard only covers the methods it defines itself.
install(TurnoverImportMixin)
