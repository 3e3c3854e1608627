"""``repo.imports`` on SQL: run the import pipeline (``formats/imports.py``), apply the
lines per line or all-or-nothing, and store the result with every line's outcome.

- **Per line**: each valid line is applied in its own transaction, with its outcome;
  a line the database refuses (an EasyNumber not in the portfolio) is that line's
  error and the others stay applied.
- **All or nothing**: every line is applied in one transaction, committed only if no
  line is in error (checked or refused by the database); otherwise rolled back whole,
  the good lines reported ``not_applied``.

A file refused whole is stored at once (status failed, with the refusal's code and
reason). Otherwise the result is created ``running`` before the first line and
finished after the last (``import_apply``); a large file is imported by a job
(``import.run``, the file kept with the job until it ends) and ``run`` returns the
result still running.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.enums import Section
from cofatui.errors import FieldError, NotFound, ValidationFailed
from cofatui.formats import imports as pipeline
from cofatui.formats.import_kinds import SPECS
from cofatui.models import Company, ImportLine, ImportResult, Job, JobFile, PortfolioEntry, User
from cofatui.repository.sql import custom_fields_import, import_apply
from cofatui.repository.sql.import_apply import Applier
from cofatui.repository.sql.input_guard import install
from cofatui.repository.sql.keyset_page import entity_page
from cofatui.repository.sql.paging import SortKey, seek_rows
from cofatui.repository.sql.search import search_key
from cofatui.schemas import Page, Seek
from cofatui.schemas_jobs import (
    ImportLinePublic,
    ImportMode,
    ImportResultPublic,
    ImportStatus,
    LineStatus,
)

if TYPE_CHECKING:
    from cofatui.repository.sql.core import SqlCore

def _apply_client_reference(core: SqlCore, s: Session, contract_id: int,
                            line: pipeline.DataLine) -> pipeline.LineProblem | None:
    easy = line.values["easy_number"]
    found = s.execute(select(PortfolioEntry, Company)
                      .join(Company, Company.id == PortfolioEntry.company_id)
                      .where(PortfolioEntry.contract_id == contract_id,
                             Company.easy_number == easy)).first()
    if found is None:
        return pipeline.LineProblem("imports.unknown_company", {"easy_number": easy})
    entry, company = found
    reference = line.values["client_reference"]
    if entry.client_reference != reference:
        before = entry.client_reference
        entry.client_reference = reference
        entry.search_text = search_key(company.name, company.country, company.easy_number,
                                       reference)
        entry.updated_at = core.clock.now()
        core._audit(s, "import_client_reference", "portfolio_entry", entry.id,
                    {"client_reference": [before, reference]}, contract_id)
    return None


APPLIERS: dict[str, Applier] = {"client_references": _apply_client_reference}
#: Kinds whose columns depend on the contract (the custom fields, issue 16 item 8): the
#: spec and the applier are built for the contract when the file is read.
BUILDERS: dict[str, Callable[[SqlCore, int], tuple[pipeline.ImportSpec, Applier]]] = {
    custom_fields_import.fmt.KIND: custom_fields_import.build}


#: Files above either bound are imported by a job (progress on the Jobs screen, the
#: screen that asked is free); smaller ones are applied at once, within the request.
IMMEDIATE_BYTES = 256 * 1024
IMMEDIATE_LINES = 2_000
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def clean_file_name(name: str) -> str:
    """The name to show and store: the last part of a path, control characters blanked
    (a name is data shown on screens and in exports, never a path)."""
    base = re.split(r"[/\\]", name or "")[-1]
    return _CONTROL.sub(" ", base).strip()[:255] or "import.csv"


class SqlImports:
    def __init__(self, core: SqlCore) -> None:
        self.core = core

    def _spec(self, kind: str, contract_id: int | None = None
              ) -> tuple[pipeline.ImportSpec, Applier]:
        builder = BUILDERS.get(kind)
        if builder is not None and contract_id is not None:
            return builder(self.core, contract_id)
        spec, applier = SPECS.get(kind), APPLIERS.get(kind)
        if spec is None or applier is None:
            raise ValidationFailed([FieldError("kind", "jobs.unknown_import_kind", {"kind": kind})])
        return spec, applier

    def run(self, kind: str, contract_id: int, file_name: str, content: bytes,
            mode: ImportMode) -> ImportResultPublic:
        if kind not in BUILDERS:
            self._spec(kind)  # an unknown kind is refused first
        mode = ImportMode(mode)
        file_name = clean_file_name(file_name)
        self.core._require_write(contract_id, Section.CUSTOM_FIELDS)
        spec, applier = self._spec(kind, contract_id)
        try:
            read = pipeline.read_file(content, spec)
        except pipeline.ImportRefused as exc:
            return self._refused(kind, file_name, mode, exc.reason, exc.text("en"))
        large = len(content) > IMMEDIATE_BYTES or read.total > IMMEDIATE_LINES
        with self.core._uow(write=True) as s:
            result = import_apply.begin(self.core, s, kind, file_name, mode, read.total)
            if large:
                self._queue(s, result.id or 0, kind, contract_id, mode, file_name, content)
        import_id = result.id or 0
        if not large:
            import_apply.apply(self.core, import_id, contract_id, applier, read, spec, mode)
        return self.result(import_id)

    def _queue(self, s: Session, import_id: int, kind: str, contract_id: int,
               mode: ImportMode, file_name: str, content: bytes) -> None:
        """The job that imports the file, with the file, in the result's transaction."""
        now = self.core.clock.now()
        job = Job(kind=import_apply.IMPORT_JOB, owner_id=self.core.principal.user_id,
                  params=json.dumps({"import_id": import_id, "kind": kind,
                                     "contract_id": contract_id, "mode": mode.value}),
                  dedupe_key=import_apply.job_key(import_id), created_at=now, run_after=now)
        s.add(job)
        s.flush()
        s.add(JobFile(job_id=job.id or 0, name=file_name[:200], content=content))

    def run_queued(self, import_id: int, progress: import_apply.Progress) -> None:
        """The job's part: read the stored file again and apply it (lines already stored
        by an earlier, interrupted attempt are skipped)."""
        key = import_apply.job_key(import_id)
        with self.core._uow() as s:
            row = s.execute(select(ImportResult, Job).join(Job, Job.dedupe_key == key)
                            .where(ImportResult.id == import_id)).first()
            if row is None or row[0].user_id != self.core.principal.user_id:
                raise NotFound("jobs.import_not_found", import_id=import_id)
            result, job = row
            stored = s.get(JobFile, job.id)
            if result.status != ImportStatus.RUNNING:
                return
            if stored is None:
                raise NotFound("jobs.import_file_gone", import_id=import_id)
            params, content = json.loads(job.params), stored.content
            kind, mode = result.kind, ImportMode(result.mode)
        contract_id = int(params["contract_id"])
        spec, applier = self._spec(kind, contract_id)
        self.core._require_write(contract_id, Section.CUSTOM_FIELDS)
        read = pipeline.read_file(content, spec)
        import_apply.apply(self.core, import_id, contract_id, applier, read, spec, mode,
                           progress)

    def _refused(self, kind: str, file_name: str, mode: ImportMode, code: str,
                 reason: str) -> ImportResultPublic:
        """A file refused whole: stored at once, failed, with its reason."""
        with self.core._uow(write=True) as s:
            result = ImportResult(kind=kind, file_name=file_name,
                                  user_id=self.core.principal.user_id, mode=mode,
                                  status=ImportStatus.FAILED, refusal_code=code,
                                  refusal=reason[:1000], created_at=self.core.clock.now())
            s.add(result)
            s.flush()
            return self._public(result, self.core.principal.login)

    @staticmethod
    def _public(row: ImportResult, login: str) -> ImportResultPublic:
        return ImportResultPublic(
            id=row.id, kind=row.kind, file_name=row.file_name, login=login,
            created_at=row.created_at, mode=ImportMode(row.mode),
            status=ImportStatus(row.status), total_lines=row.total_lines,
            ok_lines=row.ok_lines, error_lines=row.error_lines,
            refusal_code=row.refusal_code, refusal=row.refusal)

    def results(self, offset: int = 0, limit: int = 100,
                seek: Seek | None = None) -> Page[ImportResultPublic]:
        me, login = self.core.principal.user_id, self.core.principal.login
        with self.core._uow() as s:
            return entity_page(s, select(ImportResult).where(ImportResult.user_id == me),
                               _RESULT_KEYS, seek, offset, limit, lambda r: (r.id,),
                               lambda r: self._public(r, login))

    def _mine(self, s: Session, import_id: int) -> ImportResult:
        row = s.get(ImportResult, import_id)
        if row is None or row.user_id != self.core.principal.user_id:
            raise NotFound("jobs.import_not_found", import_id=import_id)
        return row

    def result(self, import_id: int) -> ImportResultPublic:
        with self.core._uow() as s:
            row = self._mine(s, import_id)
            login = s.execute(select(User.login).where(User.id == row.user_id)).scalar_one()
            return self._public(row, login)

    def lines(self, import_id: int, offset: int = 0, limit: int = 100,
              errors_first: bool = True, seek: Seek | None = None) -> Page[ImportLinePublic]:
        limit = max(1, min(limit, 500))
        with self.core._uow() as s:
            row = self._mine(s, import_id)
            query = select(ImportLine.id, ImportLine.line_no, ImportLine.status,
                           ImportLine.code, ImportLine.message, ImportLine.params
                           ).where(ImportLine.import_id == import_id)
            keys = _LINE_KEYS_ERRORS_FIRST if errors_first else _LINE_KEYS
            page = seek_rows(s, query, keys, seek, offset, limit,
                             (lambda r: (r.status, r.line_no, r.id)) if errors_first
                             else (lambda r: (r.line_no, r.id)))
            items = [ImportLinePublic(line_no=r.line_no, status=LineStatus(r.status),
                                      code=r.code, message=r.message,
                                      params=json.loads(r.params or "{}")) for r in page.rows]
            return Page(items=items, offset=0 if seek else offset, limit=limit,
                        total=row.total_lines, first_cursor=page.first_cursor,
                        last_cursor=page.last_cursor)


#: My imports newest first.
_RESULT_KEYS = (SortKey(col(ImportResult.id), int, descending=True),)
#: By line (the id last: a unique key, whatever a file's line numbers). Errors first
#: sorts on the status itself: 'error' < 'not_applied' < 'ok' in every collation (their
#: first letters differ), so a page is a range of ``ix_import_line_result_status``
#: instead of a sort of the whole import by a computed rank.
_LINE_KEYS = (SortKey(col(ImportLine.line_no), int), SortKey(col(ImportLine.id), int))
_LINE_KEYS_ERRORS_FIRST = (SortKey(col(ImportLine.status), str), *_LINE_KEYS)


# Every argument checked first (text, numbers), as for the SqlArea subclasses.
install(SqlImports)
