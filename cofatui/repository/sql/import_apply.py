"""Applying an import's lines so that what is stored always says what was applied.

The result row is created first, status ``running``, with the number of lines read.
Then:

- **Per line**: each line is applied and its outcome written *in the same
  transaction* (the apply in a savepoint, rolled back alone when the line is refused),
  so a crash between two lines leaves exactly the applied lines marked ``ok``. A
  resumed run (the job retried after its worker died) skips the lines already stored.
- **All or nothing**: the lines are applied, their outcomes written and the totals
  finished in one transaction; a refusal rolls it back and the outcomes are written
  (``not_applied`` / ``error``) with the totals in the next one. A crash leaves
  nothing applied and no line stored.

The totals are finished from the stored lines at the end. A result whose run stopped
for good (its job failed or was cancelled, or an immediate import's process died) is
settled by :func:`settle_interrupted`: totals from the lines stored, status
``partially_succeeded`` or ``failed``, with the reason — never ``running`` forever.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import delete, func, insert, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from cofatui.errors import Conflict, ValidationFailed
from cofatui.formats import imports as pipeline
from cofatui.i18n.messages import encode_params
from cofatui.models import ImportLine, ImportResult, Job, JobFile
from cofatui.repository.sql.engine import translated_errors
from cofatui.repository.sql.upsert import table_of
from cofatui.schemas_jobs import FINISHED, ImportMode, ImportStatus, JobStatus

if TYPE_CHECKING:
    from cofatui.repository.sql.core import SqlCore

#: Applies one checked line in ``session``; returns the problem the data raises, if any.
Applier = Callable[["SqlCore", Session, int, pipeline.DataLine], pipeline.LineProblem | None]
#: Called before each line with (lines done, lines to do); may raise to stop the run.
Progress = Callable[[int, int], None]

IMPORT_JOB = "import.run"
#: An immediate import (a small file) takes seconds: one still running after this long
#: belongs to a process that died.
IMMEDIATE_STALE = timedelta(hours=1)


def job_key(import_id: int) -> str:
    """The import's job (``Job.dedupe_key``): one job per large import."""
    return f"import:{import_id}"


class _Rollback(Exception):
    """Leaves an all-or-nothing transaction without committing."""


_NO_PARAMS = json.dumps(encode_params({}))
#: Line outcomes are written this many to a statement (one executemany each).
LINES_PER_STATEMENT = 10_000


def _line_row(import_id: int, o: pipeline.LineOutcome) -> dict[str, object]:
    return {"import_id": import_id, "line_no": o.line_no, "status": o.status, "code": o.code,
            # Typed (a date stays a date): decode_params() before rendering.
            "message": o.message[:1000],
            "params": json.dumps(encode_params(o.params)) if o.params else _NO_PARAMS}


def store_lines(s: Session, import_id: int, outcomes: Iterable[pipeline.LineOutcome]) -> None:
    """Write line outcomes in the session's transaction: core inserts, many rows per
    statement (an ORM object per line cost most of a 100 000-line import)."""
    rows = [_line_row(import_id, o) for o in outcomes]
    table = table_of(ImportLine)
    for start in range(0, len(rows), LINES_PER_STATEMENT):
        s.execute(insert(table), rows[start:start + LINES_PER_STATEMENT])


def begin(core: SqlCore, s: Session, kind: str, file_name: str, mode: ImportMode,
          total: int) -> ImportResult:
    result = ImportResult(kind=kind, file_name=file_name, user_id=core.principal.user_id,
                          mode=mode, status=ImportStatus.RUNNING, total_lines=total,
                          created_at=core.clock.now())
    s.add(result)
    s.flush()
    return result


def apply(core: SqlCore, import_id: int, contract_id: int, applier: Applier,
          read: pipeline.ReadFile, spec: pipeline.ImportSpec, mode: ImportMode,
          progress: Progress | None = None) -> None:
    """Apply ``read``'s lines for the stored result ``import_id`` and finish it."""
    valid, refused = pipeline.check_lines(read, spec)
    if mode == ImportMode.PER_LINE:
        _per_line(core, import_id, contract_id, applier, valid, refused, progress)
    else:
        _all_or_nothing(core, import_id, contract_id, applier, valid, refused, progress)


def _per_line(core: SqlCore, import_id: int, contract_id: int, applier: Applier,
              valid: list[pipeline.DataLine], refused: list[pipeline.LineOutcome],
              progress: Progress | None) -> None:
    with core._uow() as s:
        stored = set(s.execute(select(ImportLine.line_no)
                               .where(ImportLine.import_id == import_id)).scalars())
    with core._uow(write=True) as s:
        store_lines(s, import_id, (o for o in refused if o.line_no not in stored))
    todo = [line for line in valid if line.line_no not in stored]
    for done, line in enumerate(todo):
        if progress is not None:
            progress(done, len(todo))
        with core._uow(write=True) as s:
            outcome = pipeline.LineOutcome(line.line_no, pipeline.OK)
            savepoint = s.begin_nested()
            try:
                problem = applier(core, s, contract_id, line)
                s.flush()
            except (Conflict, ValidationFailed) as exc:  # this line's data, not the file's
                problem = pipeline.LineProblem.of(exc)
            if problem is None:
                savepoint.commit()
            else:
                savepoint.rollback()
                outcome = pipeline.LineOutcome(line.line_no, pipeline.ERROR, problem.code,
                                               problem.params)
            store_lines(s, import_id, [outcome])
    if progress is not None:
        progress(len(todo), len(todo))
    with core._uow(write=True) as s:
        finish(s, import_id)


def _all_or_nothing(core: SqlCore, import_id: int, contract_id: int, applier: Applier,
                    valid: list[pipeline.DataLine], refused: list[pipeline.LineOutcome],
                    progress: Progress | None) -> None:
    # With lines already in error, the rest is still tried (and rolled back) so that
    # the user learns every line's problem at once.
    problems: dict[int, pipeline.LineProblem] = {}
    try:
        with core._uow(write=True) as s:
            for done, line in enumerate(valid):
                if progress is not None:
                    progress(done, len(valid))
                problem = applier(core, s, contract_id, line)
                if problem is not None:
                    problems[line.line_no] = problem
                s.flush()
            if problems or refused:
                raise _Rollback
            store_lines(s, import_id, (pipeline.LineOutcome(line.line_no, pipeline.OK)
                                       for line in valid))
            finish(s, import_id)
            return
    except _Rollback:
        pass
    outcomes = [*refused, *(
        pipeline.LineOutcome(line.line_no, pipeline.ERROR, p.code, p.params)
        if (p := problems.get(line.line_no)) else
        pipeline.LineOutcome(line.line_no, pipeline.NOT_APPLIED) for line in valid)]
    with core._uow(write=True) as s:
        store_lines(s, import_id, outcomes)
        finish(s, import_id)


def _counts(s: Session, import_id: int) -> tuple[int, int]:
    rows = {status: count for status, count in s.execute(
        select(ImportLine.status, func.count()).where(ImportLine.import_id == import_id)
        .group_by(ImportLine.status))}
    return int(rows.get(pipeline.OK, 0)), int(rows.get(pipeline.ERROR, 0))


def finish(s: Session, import_id: int, code: str = "", reason: str = "") -> None:
    """Totals and status from the stored lines; ``code``/``reason`` say why a run
    stopped before its end. The uploaded file of a large import goes with it."""
    result = s.get(ImportResult, import_id)
    if result is None:
        return
    ok, errors = _counts(s, import_id)
    if code:
        status = pipeline.PARTIALLY_SUCCEEDED if ok else pipeline.FAILED
    elif ok and not errors and ok == result.total_lines:
        status = pipeline.SUCCEEDED
    else:
        status = pipeline.PARTIALLY_SUCCEEDED if ok else pipeline.FAILED
    result.status, result.ok_lines, result.error_lines = status, ok, errors
    result.refusal_code, result.refusal = code[:40], reason[:1000]
    job_id = s.execute(select(Job.id).where(Job.dedupe_key == job_key(import_id))).scalar()
    if job_id is not None:
        s.execute(delete(JobFile).where(JobFile.job_id == job_id))


def settle_interrupted(s: Session, now: datetime) -> int:
    """Finish the results whose run stopped for good: their job ended without
    finishing them, or (immediate imports) their process died. Returns how many."""
    running = s.execute(select(ImportResult.id, ImportResult.created_at).where(
        ImportResult.status == ImportStatus.RUNNING)).all()
    settled = 0
    for import_id, created in running:
        job = s.execute(select(Job.status).where(Job.dedupe_key == job_key(import_id))
                        ).scalar()
        if job is None:
            if created is not None and now - created < IMMEDIATE_STALE:
                continue
            code = "interrupted"
        elif job not in FINISHED:
            continue
        else:
            code = "cancelled" if job == JobStatus.CANCELLED else "interrupted"
        ok, errors = _counts(s, import_id)
        reason = (f"The import was cancelled after {ok + errors} line(s)." if code == "cancelled"
                  else f"The import stopped before its end, after {ok + errors} line(s).")
        finish(s, import_id, code, reason)
        settled += 1
    return settled


def settle_stopped_imports(engine: Engine, now: datetime) -> int:
    """:func:`settle_interrupted` for a worker's round: a cheap read first, the write
    transaction only when some result is still running."""
    from cofatui.jobs.queue import write_transaction

    with translated_errors(), engine.connect() as conn:
        any_running = conn.execute(select(ImportResult.id).where(
            ImportResult.status == ImportStatus.RUNNING).limit(1)).first()
        conn.rollback()
    if any_running is None:
        return 0
    with write_transaction(engine) as conn, Session(bind=conn) as s:
        settled = settle_interrupted(s, now)
        s.flush()
    return settled
