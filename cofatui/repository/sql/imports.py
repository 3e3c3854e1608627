"""``repo.imports`` on SQL: run the import pipeline (``formats/imports.py``), apply the
lines per line or all-or-nothing, and store the result with every line's outcome.

- **Per line**: each valid line is applied in its own transaction; a line the
  database refuses (an EasyNumber not in the portfolio) is that line's error and the
  others stay applied.
- **All or nothing**: every line is applied in one transaction, committed only if no
  line is in error (checked or refused by the database); otherwise rolled back whole,
  the good lines reported ``not_applied``.

The result is stored in its own transaction once the lines are applied, a file
refused whole included (status failed, with the refusal's code and reason).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlalchemy import case, select
from sqlalchemy.orm import Session

from cofatui.enums import Section
from cofatui.errors import Conflict, FieldError, NotFound, ValidationFailed
from cofatui.formats import imports as pipeline
from cofatui.formats.import_kinds import SPECS
from cofatui.models import Company, ImportLine, ImportResult, PortfolioEntry, User
from cofatui.repository.sql.paging import paged
from cofatui.repository.sql.search import search_key
from cofatui.schemas import Page
from cofatui.schemas_jobs import (
    ImportLinePublic,
    ImportMode,
    ImportResultPublic,
    ImportStatus,
    LineStatus,
)

if TYPE_CHECKING:
    from cofatui.repository.sql.core import SqlCore

#: Applies one checked line in ``session``; returns the problem the data raises, if any.
Applier = Callable[["SqlCore", Session, int, pipeline.DataLine], pipeline.LineProblem | None]


def _apply_client_reference(core: SqlCore, s: Session, contract_id: int,
                            line: pipeline.DataLine) -> pipeline.LineProblem | None:
    easy = line.values["easy_number"]
    found = s.execute(select(PortfolioEntry, Company)
                      .join(Company, Company.id == PortfolioEntry.company_id)
                      .where(PortfolioEntry.contract_id == contract_id,
                             Company.easy_number == easy)).first()
    if found is None:
        return pipeline.LineProblem("unknown_company", "No company of the portfolio has "
                                    "this EasyNumber.", {"easy_number": easy})
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


class _Rollback(Exception):
    """Leaves an all-or-nothing transaction without committing."""


class SqlImports:
    def __init__(self, core: SqlCore) -> None:
        self.core = core

    def run(self, kind: str, contract_id: int, file_name: str, content: bytes,
            mode: ImportMode) -> ImportResultPublic:
        spec, applier = SPECS.get(kind), APPLIERS.get(kind)
        if spec is None or applier is None:
            raise ValidationFailed([FieldError("kind", f"Unknown import kind {kind!r}")])
        mode = ImportMode(mode)
        file_name = (file_name or "").strip()[:255] or "import.csv"
        self.core._require_write(contract_id, Section.CUSTOM_FIELDS)
        try:
            read = pipeline.read_file(content, spec)
        except pipeline.ImportRefused as exc:
            return self._store(kind, file_name, mode, [], exc.reason, exc.message)
        valid, outcomes = pipeline.check_lines(read, spec)
        if mode == ImportMode.PER_LINE:
            outcomes += self._per_line(applier, contract_id, valid)
        else:
            # With lines already in error, the rest is still tried (and rolled back) so
            # that the user learns every line's problem at once.
            outcomes += self._all_or_nothing(applier, contract_id, valid,
                                             doomed=bool(outcomes))
        return self._store(kind, file_name, mode, outcomes, "", "")

    def _per_line(self, applier: Applier, contract_id: int,
                  lines: list[pipeline.DataLine]) -> list[pipeline.LineOutcome]:
        out: list[pipeline.LineOutcome] = []
        for line in lines:
            problem: pipeline.LineProblem | None = None
            try:
                with self.core._uow(write=True) as s:
                    problem = applier(self.core, s, contract_id, line)
                    if problem is not None:
                        raise _Rollback
            except _Rollback:
                pass
            except (Conflict, ValidationFailed) as exc:  # this line's data, not the file's
                problem = pipeline.LineProblem(exc.code, exc.message)
            if problem is not None:
                out.append(pipeline.LineOutcome(line.line_no, pipeline.ERROR, problem.code,
                                                problem.message, problem.params))
                continue
            out.append(pipeline.LineOutcome(line.line_no, pipeline.OK))
        return out

    def _all_or_nothing(self, applier: Applier, contract_id: int,
                        lines: list[pipeline.DataLine], doomed: bool
                        ) -> list[pipeline.LineOutcome]:
        problems: dict[int, pipeline.LineProblem] = {}
        try:
            with self.core._uow(write=True) as s:
                for line in lines:
                    problem = applier(self.core, s, contract_id, line)
                    if problem is not None:
                        problems[line.line_no] = problem
                    s.flush()
                if problems or doomed:
                    raise _Rollback
        except _Rollback:
            return [pipeline.LineOutcome(line.line_no, pipeline.ERROR, p.code, p.message,
                                         p.params)
                    if (p := problems.get(line.line_no)) else
                    pipeline.LineOutcome(line.line_no, pipeline.NOT_APPLIED)
                    for line in lines]
        return [pipeline.LineOutcome(line.line_no, pipeline.OK) for line in lines]

    def _store(self, kind: str, file_name: str, mode: ImportMode,
               outcomes: list[pipeline.LineOutcome], refusal_code: str,
               refusal: str) -> ImportResultPublic:
        status, ok, errors = (pipeline.FAILED, 0, 0) if refusal_code \
            else pipeline.summarise(outcomes)
        with self.core._uow(write=True) as s:
            result = ImportResult(kind=kind, file_name=file_name,
                                  user_id=self.core.principal.user_id, mode=mode,
                                  status=status, total_lines=len(outcomes), ok_lines=ok,
                                  error_lines=errors, refusal_code=refusal_code,
                                  refusal=refusal[:1000], created_at=self.core.clock.now())
            s.add(result)
            s.flush()
            if outcomes:
                s.execute(ImportLine.__table__.insert(), [
                    {"import_id": result.id, "line_no": o.line_no, "status": o.status,
                     "code": o.code, "message": o.message[:1000],
                     "params": json.dumps(o.params, default=str)}
                    for o in sorted(outcomes, key=lambda o: o.line_no)])
            return self._public(result, self.core.principal.login)

    @staticmethod
    def _public(row: ImportResult, login: str) -> ImportResultPublic:
        return ImportResultPublic(
            id=row.id, kind=row.kind, file_name=row.file_name, login=login,
            created_at=row.created_at, mode=ImportMode(row.mode),
            status=ImportStatus(row.status), total_lines=row.total_lines,
            ok_lines=row.ok_lines, error_lines=row.error_lines,
            refusal_code=row.refusal_code, refusal=row.refusal)

    def results(self, offset: int = 0, limit: int = 100) -> Page[ImportResultPublic]:
        me = self.core.principal.user_id
        with self.core._uow() as s:
            total, rows = paged(s, select(ImportResult).where(ImportResult.user_id == me)
                                .order_by(ImportResult.id.desc()), offset, limit)
            login = self.core.principal.login
            return Page(items=[self._public(r, login) for r in rows], offset=offset,
                        limit=limit, total=total)

    def _mine(self, s: Session, import_id: int) -> ImportResult:
        row = s.get(ImportResult, import_id)
        if row is None or row.user_id != self.core.principal.user_id:
            raise NotFound(f"Import #{import_id} not found")
        return row

    def result(self, import_id: int) -> ImportResultPublic:
        with self.core._uow() as s:
            row = self._mine(s, import_id)
            login = s.execute(select(User.login).where(User.id == row.user_id)).scalar_one()
            return self._public(row, login)

    def lines(self, import_id: int, offset: int = 0, limit: int = 100,
              errors_first: bool = True) -> Page[ImportLinePublic]:
        with self.core._uow() as s:
            row = self._mine(s, import_id)
            query = select(ImportLine).where(ImportLine.import_id == import_id)
            if errors_first:
                rank = case((ImportLine.status == LineStatus.ERROR, 0),
                            (ImportLine.status == LineStatus.NOT_APPLIED, 1), else_=2)
                query = query.order_by(rank, ImportLine.line_no)
            else:
                query = query.order_by(ImportLine.line_no)
            rows = s.execute(query.offset(max(0, offset))
                             .limit(max(1, min(limit, 500)))).scalars()
            items = [ImportLinePublic(line_no=r.line_no, status=LineStatus(r.status),
                                      code=r.code, message=r.message,
                                      params=json.loads(r.params or "{}")) for r in rows]
            return Page(items=items, offset=offset, limit=limit, total=row.total_lines)
