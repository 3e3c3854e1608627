"""``repo.bulk`` on SQL: bulk orders (issue 14) — stored, run by a job, read back.

:meth:`SqlBulk.start` refuses what must be refused before anything is recorded (a
contract not the user's, no write right, the same file again without ``again``),
reads the file (:func:`cofatui.formats.bulk_orders.read_orders`; a file refused whole
is stored failed at once) and stores the import, its original bytes and the job
that runs it, in one transaction.

The job (:meth:`SqlBulk.run_job`) stores the results of the lines that never run
first (format, resolution, duplicates), then runs the others in the plan's order
(:func:`~cofatui.formats.bulk_orders.plan_runs`), each in its own transaction with its
result (:mod:`.bulk_run`). A line with a result is never run again: a job resumed
after a crash goes on at the first line without one. Cancelled (or stopped for good),
the lines not reached are ``not_processed`` (:meth:`SqlBulk.stop`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.enums import Rights, Section
from cofatui.errors import Conflict, Forbidden, NotFound
from cofatui.formats import bulk_orders
from cofatui.formats.bulk_orders import (
    ERROR,
    NOT_PROCESSED,
    BulkFile,
    Candidate,
    ImportRefused,
    OrderLine,
    RejectedLine,
    RunStep,
)
from cofatui.i18n.messages import encode_params
from cofatui.models import BulkImport, BulkImportFile, BulkLine, Contract, Job, User
from cofatui.repository.sql.bulk_resolve import Resolved, resolve_all
from cofatui.repository.sql.bulk_run import (
    JobProgress,
    LineRunner,
    error_row,
    store_error,
    store_rows,
)
from cofatui.repository.sql.core import SqlArea
from cofatui.repository.sql.imports import clean_file_name
from cofatui.repository.sql.jobs import job_public
from cofatui.repository.sql.paging import KeyValue, SortKey, seek_rows
from cofatui.schemas import Page, Seek
from cofatui.schemas_bulk import (
    BulkFile as BulkFileOut,
)
from cofatui.schemas_bulk import (
    BulkImportPublic,
    BulkLinePublic,
    BulkLineStatus,
    BulkRefusal,
    BulkSort,
    BulkStarted,
    BulkStatus,
    SortOrder,
)
from cofatui.schemas_jobs import FINISHED, JobStatus

#: The job kind that runs a bulk import.
BULK_JOB = "bulk.run"
#: Called before each line with (lines with a result, lines in the file); raises to stop.
Progress = Callable[[int, int], None]
#: Results of lines that never run stored per transaction (each commit is progress).
EARLY_PER_TRANSACTION = 200
#: A line that never runs: its result and, when resolved, its company.
_Early = tuple[OrderLine | RejectedLine, bulk_orders.LineError, Resolved | None]

#: The column of each sort; a NULL (a line that never reached it: no code, no company)
#: reads as '' so that it sorts first on both databases and a keyset page loses no row.
_SORTS: dict[BulkSort, tuple[Any, type[KeyValue]]] = {
    BulkSort.LINE: (col(BulkLine.line_no), int),
    BulkSort.STATUS: (col(BulkLine.status), str),
    BulkSort.CODE: (func.coalesce(col(BulkLine.code), ""), str),
    BulkSort.COMPANY: (func.coalesce(col(BulkLine.company_name), ""), str),
    BulkSort.PRODUCT: (func.coalesce(col(BulkLine.product), ""), str),
    BulkSort.ACTION: (func.coalesce(col(BulkLine.action), ""), str)}
#: Imports newest first.
_IMPORT_KEYS = (SortKey(col(BulkImport.id), int, descending=True),)


def line_keys(sort: BulkSort, order: SortOrder, errors_first: bool) -> list[SortKey]:
    """The lines' order: the errors first when asked, the sort's column, the line
    number, the id last (a unique key for the cursors)."""
    keys: list[SortKey] = []
    if errors_first:
        keys.append(SortKey(case((col(BulkLine.status) == BulkLineStatus.ERROR.value, 0),
                                 else_=1), int))
    column, kind = _SORTS[sort]
    keys.append(SortKey(column, kind, descending=order == SortOrder.DESC))
    if sort != BulkSort.LINE:
        keys.append(SortKey(col(BulkLine.line_no), int))
    keys.append(SortKey(col(BulkLine.id), int))
    return keys


def job_key(import_id: int) -> str:
    """The import's job (``Job.dedupe_key``): one job per import."""
    return f"bulk:{import_id}"


class SqlBulk(SqlArea):
    # --- starting ------------------------------------------------------------------
    def start(self, contract_id: int, file_name: str, content: bytes, check: bool = False,
              again: bool = False) -> BulkStarted:
        self._require_order_right(contract_id)
        name = clean_file_name(file_name)
        sha = hashlib.sha256(content).hexdigest()
        now = self.clock.now()
        with self._uow(write=True) as s:
            contract = s.get(Contract, contract_id)
            if contract is None:
                raise NotFound("bulk_imports.contract_not_found", contract=contract_id)
            if not check and not again:
                self._repeat_guard(s, contract_id, sha)
            bulk = BulkImport(contract_id=contract_id, user_id=self.principal.user_id,
                              file_name=name, sha256=sha, size=len(content), check=check,
                              status=BulkStatus.RUNNING.value, created_at=now)
            try:
                read = bulk_orders.read_orders(content, contract.currency)
            except ImportRefused as refused:
                error = bulk_orders.refusal(refused)
                bulk.status = BulkStatus.FAILED.value
                bulk.refusal_code = error.key
                bulk.refusal_detail_code = error.detail.code
                bulk.refusal_params = json.dumps(encode_params(error.detail.params))
                bulk.finished_at = now
                read = None
            else:
                bulk.total_lines = read.total
            s.add(bulk)
            s.flush()
            assert bulk.id is not None
            s.add(BulkImportFile(import_id=bulk.id, content=content))
            job = None
            if read is not None:
                job = Job(kind=BULK_JOB, owner_id=self.principal.user_id,
                          params=json.dumps({"import_id": bulk.id}),
                          dedupe_key=job_key(bulk.id), created_at=now, run_after=now,
                          progress_total=read.total)
                s.add(job)
                s.flush()
                bulk.job_id = job.id
            s.flush()
            return BulkStarted(bulk_import=self._public(s, bulk),
                               job=job_public(job) if job is not None else None)

    def _require_order_right(self, contract_id: int) -> None:
        """The contract must be the user's, and writable in the bulk-orders section and
        in the cover or the information section (each line's own section is checked as
        it runs)."""
        if contract_id not in self.contract_ids:
            raise NotFound("bulk_imports.contract_not_found", contract=contract_id)
        access = self._access(contract_id)
        if access.rights == Rights.CUSTOM:
            self._require_write(contract_id, Section.BULK_ORDERS)
            refusals: list[Forbidden] = []
            for section in (Section.COVER, Section.INFORMATION):
                try:
                    self._require_write(contract_id, section)
                    return
                except Forbidden as exc:
                    refusals.append(exc)
            raise refusals[0]
        self._require_write(contract_id)

    def _repeat_guard(self, s: Session, contract_id: int, sha: str) -> None:
        earlier = s.execute(select(BulkImport).where(
            BulkImport.contract_id == contract_id, BulkImport.sha256 == sha,
            BulkImport.check.is_(False), BulkImport.refusal_code.is_(None))
            .order_by(BulkImport.id.desc()).limit(1)).scalars().first()
        if earlier is not None:
            raise Conflict("bulk_imports.already_imported", import_id=earlier.id,
                           file=earlier.file_name, at=earlier.created_at)

    # --- the job -------------------------------------------------------------------
    def run_job(self, import_id: int, progress: Progress | None = None) -> None:
        """Run the import's lines that have no result yet (the job's part)."""
        with self._uow() as s:
            bulk = self._mine(s, import_id)
            if bulk.status != BulkStatus.RUNNING.value:
                return
            read = self._read(s, bulk)
            stored = self._stored_statuses(s, import_id)
            s.expunge(bulk)  # read after the read-only transaction ends
        report = progress or _no_progress
        report(len(stored), read.total)  # the first progress, before any work
        self._require_order_right(bulk.contract_id)
        resolved, failed = self._resolve(read)
        plan = bulk_orders.plan_runs(Candidate.of(order, company.id)
                                     for order, company in resolved.values())
        early: list[_Early] = []
        for line in read.lines:
            if line.line_no in stored:
                continue
            if isinstance(line, RejectedLine):
                early.append((line, line.error, None))
            elif line.line_no in failed:
                early.append((line, failed[line.line_no], None))
            elif line.line_no in plan.refused:
                early.append((line, plan.refused[line.line_no], resolved[line.line_no][1]))
        shown = JobProgress(bulk.job_id)
        done = self._store_early(import_id, early, len(stored), read.total, report, shown)
        with LineRunner(self.root, bulk, shown) as runner:
            done = self._run_steps(plan.steps, resolved, stored, runner, done, read.total,
                                   report)
        report(done, read.total)
        with self._uow(write=True) as s:
            self._finish(s, s.get(BulkImport, import_id), cancelled=False)

    def _run_steps(self, steps: Iterable[RunStep],
                   resolved: dict[int, tuple[OrderLine, Resolved]], stored: dict[int, str],
                   runner: LineRunner, done: int, total: int, report: Progress) -> int:
        """Run the plan's steps (a line; or CRL lines on one company, by operation
        number, the rest not run after one fails), skipping the lines with a result.
        Returns the lines with a result."""
        import_id = runner.import_id
        for step in steps:
            failed_at: int | None = None
            for line_no in step.lines:
                order, company = resolved[line_no]
                if failed_at is not None:
                    if line_no not in stored:
                        report(done, total)
                        with self._uow(write=True) as s:
                            store_error(s, import_id, order,
                                        step.not_run_after(failed_at)[line_no], company)
                        done += 1
                    continue
                if line_no in stored:
                    status = stored[line_no]
                else:
                    report(done, total)
                    status = runner.run(order, company, done, total)
                    done += 1
                if status == ERROR:
                    failed_at = line_no
        return done

    def _store_early(self, import_id: int, early: list[_Early], done: int, total: int,
                     report: Progress, progress: JobProgress) -> int:
        """The results of the lines that never run, a few hundred per transaction:
        each commit shows as progress (the lines with a result are counted), and a
        cancel stops between them. Returns the lines with a result."""
        for start in range(0, len(early), EARLY_PER_TRANSACTION):
            report(done, total)
            chunk = early[start:start + EARLY_PER_TRANSACTION]
            with self._uow(write=True) as s:
                store_rows(s, [error_row(import_id, line, error, company)
                               for line, error, company in chunk])
                progress.write(s, done + len(chunk), total)
            done += len(chunk)
        return done

    def _resolve(self, read: BulkFile) -> tuple[dict[int, tuple[OrderLine, Resolved]],
                                                dict[int, bulk_orders.LineError]]:
        resolved: dict[int, tuple[OrderLine, Resolved]] = {}
        failed: dict[int, bulk_orders.LineError] = {}
        with self._uow() as s:
            found = resolve_all(s, read.orders)
        for order in read.orders:
            company = found[order.line_no]
            if isinstance(company, Resolved):
                resolved[order.line_no] = (order, company)
            else:
                failed[order.line_no] = company
        return resolved, failed

    @staticmethod
    def _stored_statuses(s: Session, import_id: int) -> dict[int, str]:
        """The lines with a result (a resumed job runs none of them again), with
        their status: a group of CRL lines stops after one in error."""
        rows = s.execute(select(BulkLine.line_no, BulkLine.status).where(
            BulkLine.import_id == import_id))
        return {line_no: status for line_no, status in rows}

    def stop(self, import_id: int, cancelled: bool = True, reason: str = "") -> None:
        """The import's job stopped for good (cancelled, or failed): the lines without
        a result are ``not_processed`` and the import gets its final status."""
        with self._uow(write=True) as s:
            bulk = s.get(BulkImport, import_id)
            if bulk is None or bulk.status != BulkStatus.RUNNING.value:
                return
            self._settle(s, bulk, cancelled, reason)

    def _settle(self, s: Session, bulk: BulkImport, cancelled: bool, reason: str) -> None:
        assert bulk.id is not None
        stored = self._stored(s, bulk.id)
        read = self._read(s, bulk)
        error = bulk_orders.not_processed() if cancelled else bulk_orders.LineError.of(
            "not_processed", "bulk_imports.stopped", reason=reason)
        store_rows(s, [error_row(bulk.id, line, error, status=NOT_PROCESSED)
                       for line in read.lines if line.line_no not in stored])
        s.flush()
        s.refresh(bulk)
        self._finish(s, bulk, cancelled)

    def _finish(self, s: Session, bulk: BulkImport | None, cancelled: bool) -> None:
        assert bulk is not None and bulk.id is not None
        s.flush()
        s.refresh(bulk)
        totals = _totals(s, bulk.id)
        bulk.ok_lines, bulk.error_lines = totals.ok, totals.errors
        bulk.not_processed_lines = totals.not_processed
        bulk.status = totals.status
        bulk.cancelled = cancelled
        bulk.finished_at = self.clock.now()

    def _settle_stopped(self, where: Any) -> None:
        """Imports still running whose job ended without finishing them (cancelled
        while queued, failed for good) are settled when read, so that none stays
        running; ``where`` picks the imports to look at. Done before the reading
        transaction opens, so that it reads the settled rows."""
        with self._uow() as s:
            rows = s.execute(select(BulkImport.id, Job.status, Job.error_code)
                             .outerjoin(Job, Job.id == BulkImport.job_id)
                             .where(where, BulkImport.status == BulkStatus.RUNNING.value)
                             ).all()
        for import_id, job_status, error_code in rows:
            if job_status is not None and job_status not in FINISHED:
                continue
            cancelled = job_status == JobStatus.CANCELLED.value
            reason = error_code or ("jobs.cancelled" if cancelled else "jobs.worker_lost")
            with self._uow(write=True) as w:
                bulk = w.get(BulkImport, import_id)
                if bulk is not None and bulk.status == BulkStatus.RUNNING.value:
                    self._settle(w, bulk, cancelled, reason)

    @staticmethod
    def _stored(s: Session, import_id: int) -> set[int]:
        return set(s.execute(select(BulkLine.line_no).where(
            BulkLine.import_id == import_id)).scalars())

    @staticmethod
    def _read(s: Session, bulk: BulkImport) -> BulkFile:
        stored = s.get(BulkImportFile, bulk.id)
        contract = s.get(Contract, bulk.contract_id)
        if stored is None or contract is None:
            raise NotFound("bulk_imports.not_found", import_id=bulk.id)
        return bulk_orders.read_orders(stored.content, contract.currency)

    # --- reading -------------------------------------------------------------------
    def _mine(self, s: Session, import_id: int) -> BulkImport:
        """An import of a contract the user is attached to (a check: the user's own)."""
        bulk = s.get(BulkImport, import_id)
        if bulk is None or bulk.contract_id not in self.contract_ids \
                or (bulk.check and bulk.user_id != self.principal.user_id):
            raise NotFound("bulk_imports.not_found", import_id=import_id)
        self._require_read(bulk.contract_id, Section.BULK_ORDERS)
        return bulk

    def _public(self, s: Session, bulk: BulkImport) -> BulkImportPublic:
        login = s.execute(select(User.login).where(User.id == bulk.user_id)).scalar() or ""
        policy = s.execute(select(Contract.policy_number)
                           .where(Contract.id == bulk.contract_id)).scalar() or ""
        return _public(bulk, login, policy, _running_counts(s, bulk))

    def imports(self, contract_id: int | None = None, offset: int = 0,
                limit: int = 100, seek: Seek | None = None) -> Page[BulkImportPublic]:
        if contract_id is not None and contract_id not in self.contract_ids:
            raise NotFound("bulk_imports.contract_not_found", contract=contract_id)
        if contract_id is not None:
            self._require_read(contract_id, Section.BULK_ORDERS)
        contracts = self._readable([contract_id] if contract_id is not None
                                   else self.contract_ids, Section.BULK_ORDERS)
        limit = max(1, min(limit, 500))
        self._settle_stopped(BulkImport.contract_id.in_(contracts or [-1]))
        with self._uow() as s:
            where = (BulkImport.contract_id.in_(contracts or [-1]),
                     BulkImport.check.is_(False))
            total = s.execute(select(func.count()).select_from(BulkImport)
                              .where(*where)).scalar_one()
            page = seek_rows(s, select(BulkImport, User.login, Contract.policy_number)
                             .join(User, User.id == BulkImport.user_id)
                             .join(Contract, Contract.id == BulkImport.contract_id)
                             .where(*where), _IMPORT_KEYS, seek, offset, limit,
                             lambda r: (r[0].id,))
            items = [_public(bulk, login, policy, _running_counts(s, bulk))
                     for bulk, login, policy in page.rows]
        return Page(items=items, offset=0 if seek else offset, limit=limit, total=total,
                    first_cursor=page.first_cursor, last_cursor=page.last_cursor)

    def get(self, import_id: int) -> BulkImportPublic:
        self._settle_stopped(BulkImport.id == import_id)
        with self._uow() as s:
            return self._public(s, self._mine(s, import_id))

    def lines(self, import_id: int, status: BulkLineStatus | None = None,
              sort: BulkSort = BulkSort.LINE, order: SortOrder = SortOrder.ASC,
              errors_first: bool = False, offset: int = 0,
              limit: int = 100, seek: Seek | None = None) -> Page[BulkLinePublic]:
        sort, order = BulkSort(sort), SortOrder(order)
        limit = max(1, min(limit, 500))
        self._settle_stopped(BulkImport.id == import_id)
        with self._uow() as s:
            self._mine(s, import_id)
            where = [BulkLine.import_id == import_id]
            if status is not None:
                where.append(BulkLine.status == BulkLineStatus(status).value)
            keys = line_keys(sort, order, errors_first)
            total = s.execute(select(func.count()).select_from(BulkLine)
                              .where(*where)).scalar_one()
            page = seek_rows(s, select(BulkLine, *(k.expression for k in keys)).where(*where),
                             keys, seek, offset, limit, lambda r: tuple(r[1:]))
            items = [_line_public(r[0]) for r in page.rows]
        return Page(items=items, offset=0 if seek else offset, limit=limit, total=total,
                    first_cursor=page.first_cursor, last_cursor=page.last_cursor)

    def original(self, import_id: int) -> BulkFileOut:
        with self._uow() as s:
            bulk = self._mine(s, import_id)
            stored = s.get(BulkImportFile, import_id)
            if stored is None:
                raise NotFound("bulk_imports.not_found", import_id=import_id)
            return BulkFileOut(name=bulk.file_name, content=stored.content)

    def errors_file(self, import_id: int) -> BulkFileOut:
        self._settle_stopped(BulkImport.id == import_id)
        with self._uow() as s:
            bulk = self._mine(s, import_id)
            texts = s.execute(select(BulkLine.text).where(
                BulkLine.import_id == import_id,
                BulkLine.status != BulkLineStatus.OK.value)
                .order_by(BulkLine.line_no)).scalars()
            content = "".join(f"{text}\r\n" for text in texts).encode("utf-8")
            stem = bulk.file_name.rsplit(".", 1)[0] or "bulk"
            return BulkFileOut(name=f"{stem}_errors.csv", content=content)


def _no_progress(_done: int, _total: int) -> None:
    return None


def _running_counts(s: Session, bulk: BulkImport) -> bulk_orders.Totals | None:
    """The lines with a result so far, of an import still running (a finished one
    keeps its totals): the progress, counted on the lines' index rather than written
    to the import's row by every line."""
    if bulk.status != BulkStatus.RUNNING.value or bulk.id is None:
        return None
    return _totals(s, bulk.id)


def _totals(s: Session, import_id: int) -> bulk_orders.Totals:
    counted = s.execute(select(BulkLine.status, func.count()).where(
        BulkLine.import_id == import_id).group_by(BulkLine.status)).all()
    return bulk_orders.totals(status for status, n in counted for _ in range(n))


def _public(bulk: BulkImport, login: str, policy: str,
            running: bulk_orders.Totals | None = None) -> BulkImportPublic:
    assert bulk.id is not None
    ok, errors, skipped = (bulk.ok_lines, bulk.error_lines, bulk.not_processed_lines) \
        if running is None else (running.ok, running.errors, running.not_processed)
    refused = None
    if bulk.refusal_code:
        refused = BulkRefusal(code=bulk.refusal_code,
                              detail_code=bulk.refusal_detail_code or "",
                              detail_params=json.loads(bulk.refusal_params or "{}"))
    return BulkImportPublic(
        id=bulk.id, contract_id=bulk.contract_id, policy_number=policy,
        file_name=bulk.file_name, login=login, created_at=bulk.created_at,
        finished_at=bulk.finished_at, check=bulk.check, sha256=bulk.sha256, size=bulk.size,
        status=BulkStatus(bulk.status), total_lines=bulk.total_lines,
        ok_lines=ok, error_lines=errors, not_processed_lines=skipped,
        done_lines=ok + errors + skipped,
        cancelled=bulk.cancelled, refused=refused, job_id=bulk.job_id)


def _line_public(row: BulkLine) -> BulkLinePublic:
    return BulkLinePublic(
        line_no=row.line_no, text=row.text, status=BulkLineStatus(row.status),
        code=row.code, detail_code=row.detail_code,
        detail_params=json.loads(row.detail_params or "{}"), field=row.field,
        company_id=row.company_id, company_name=row.company_name,
        easy_number=row.easy_number, product=row.product, action=row.action,
        product_id=row.product_id, product_status=row.product_status,
        expected_decision_at=row.expected_decision_at, amount=row.amount,
        currency=row.currency)


__all__ = ["BULK_JOB", "SqlBulk", "job_key"]
