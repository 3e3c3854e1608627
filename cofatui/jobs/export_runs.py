"""The ``export.run`` job (issue 15): one run of a custom export, written to XLSX, CSV
or both and kept in the database with the run.

The job reads the run's snapshot (its columns and filters as they were when the run
was queued), then the rows in ONE read transaction (``export_snapshot``: REPEATABLE
READ on PostgreSQL), keyset-paged by the SQL layer, and streams them into the typed
writers of ``cofatui/formats/export.py`` in a temporary folder. The files are stored in
chunks (``store_files``) in the transaction that marks the run available, writes its
audit entries and, when the scenario asks, the e-mail to the owner.

Progress (rows done out of the total) is written at once when the total is known and
then at least every ``PROGRESS_SECONDS``; a cancel (or the run deleted) stops the job at
its next step. A failure is kept on the run as a code (``export_runs.*`` or the
refusal's own code) worded in the owner's language when the list is read.
"""

from __future__ import annotations

import json
import logging
import operator
import queue
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import make_msgid
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.engine import Connection, Engine
from sqlmodel import col

from cofatui.enums import ExportCategory, ExportMailStatus, ExportRunStatus
from cofatui.errors import CofaError, Unavailable
from cofatui.formats.export import (
    XLSX_MAX_ROWS,
    ExportColumn,
    ExportTooLarge,
    timestamped_name,
    write_csv,
    write_csv_cells,
    write_xlsx,
)
from cofatui.i18n import format_date, t_in
from cofatui.jobs.queue import write_transaction
from cofatui.models import AuditEntry, Job, OutboxMessage, User
from cofatui.schemas_exports import KEEP_DAYS, MAIL_ATTACHMENT_LIMIT, ExportColumnInfo
from cofatui.schemas_jobs import ExportFormat, JobStatus

if TYPE_CHECKING:
    from cofatui.jobs.worker import JobContext

log = logging.getLogger(__name__)

EXPORT_RUN = "export.run"
#: Progress reaches the run's line (and the job) at least this often.
PROGRESS_SECONDS = 0.5
RUNNING = ExportRunStatus.RUNNING.value
FAILED = ExportRunStatus.FAILED.value
AVAILABLE = ExportRunStatus.AVAILABLE.value


@dataclass
class RunInfo:
    """What the job needs of its run and of the run's owner."""

    id: int
    owner_id: int
    login: str
    language: str
    email: str
    category: ExportCategory
    name: str
    spec_json: str
    contract_ids: list[int]
    mail_status: str
    scheduled_for: datetime | None
    time_zone: str = "UTC"
    formats: list[ExportFormat] = field(default_factory=list)


# ----------------------------------------------------------------- the handler


def run_export(ctx: JobContext) -> None:
    """The ``export.run`` job: params ``{"export_id": N}``."""
    export_id = int(ctx.params["export_id"])
    info = load_run(ctx.engine, export_id)
    if info is None:
        return  # deleted (or already ended) before the job started: nothing to do
    try:
        rows, _files = write_run(ctx, info)
    except ExportTooLarge as exc:
        error = CofaError("export_runs.xlsx_too_many_rows", limit=exc.limit)
        fail_run(ctx.engine, export_id, error, ctx.clock.now())
        raise error from exc
    except CofaError as exc:
        if not isinstance(exc, Unavailable) or ctx.job.attempt >= ctx.job.max_attempts:
            fail_run(ctx.engine, export_id, exc, ctx.clock.now())  # else tried again
        raise
    except Exception:
        # Stopped by the worker (``ctx.progress`` raised): a cancel fails the run
        # with its reason; a lost lease leaves it to the worker that took the job
        # over. Anything else may succeed at another attempt (the job is retried):
        # the run stays running unless this was the last one.
        if ctx.lost.is_set():
            raise
        if ctx.cancel.is_set():
            fail_run(ctx.engine, export_id, CofaError("export_runs.cancelled"),
                     ctx.clock.now())
        elif ctx.job.attempt >= ctx.job.max_attempts:
            fail_run(ctx.engine, export_id, CofaError("export_runs.internal_error"),
                     ctx.clock.now())
        raise
    ctx.progress(rows, rows)


def write_run(ctx: JobContext, info: RunInfo) -> tuple[int, list[tuple[ExportFormat, str, int]]]:
    """Count, write, store; returns the rows and the files stored."""
    from cofatui.repository.sql import export_rows as data

    engine, now = ctx.engine, ctx.clock.now()
    spec = data.ExportSpec.from_json(info.spec_json)
    with tempfile.TemporaryDirectory(prefix="cofatui-export-run-") as folder:
        meter = ProgressMeter(ctx, info.id)
        meter.start()  # the line shows the run started, before the count
        with data.export_snapshot(engine) as conn:
            check_contracts(conn, info)
            total = int(data.count_export_rows(conn, spec))
            if ExportFormat.XLSX in info.formats and total > XLSX_MAX_ROWS:
                raise CofaError("export_runs.xlsx_too_many_rows", limit=XLSX_MAX_ROWS)
            meter.start(total)  # then its total, before any row
            heads = data.headers(conn, spec)
            paths = [(fmt, Path(folder) / file_name(info, now, fmt)) for fmt in info.formats]
            if info.formats == [ExportFormat.CSV]:  # text made from the database's rows
                write_csv_cells(paths[0][1], [h.label for h in heads], data.iter_export_csv_lines(
                    conn, spec, info.time_zone, info.language),
                    progress=meter.step)
            else:
                write_files(paths, export_columns(heads), data.iter_export_rows(conn, spec),
                            meter.step, info)
        stored = finish_run(ctx, info, total, paths)
    return total, stored


# ----------------------------------------------------------------- loading


def load_run(engine: Engine, export_id: int) -> RunInfo | None:
    """The run still running, with its owner's address; None when it was deleted or
    ended meanwhile."""
    from cofatui.models import ExportRun

    with engine.connect() as conn:
        row = conn.execute(
            select(col(ExportRun.status), col(ExportRun.owner_id), col(ExportRun.category),
                   col(ExportRun.name), col(ExportRun.spec), col(ExportRun.contract_ids),
                   col(ExportRun.mail_status), col(ExportRun.scheduled_for),
                   col(User.login), col(User.email))
            .join(User, col(User.id) == col(ExportRun.owner_id))
            .where(col(ExportRun.id) == export_id)).first()
        conn.rollback()
    if row is None or row.status != RUNNING:
        return None
    spec = _json(row.spec, {})
    language = spec.get("language") or "en"
    return RunInfo(
        id=export_id, owner_id=row.owner_id, login=row.login,
        language=language if language in ("fr", "en") else "en", email=row.email or "",
        category=ExportCategory(row.category), name=row.name or "", spec_json=row.spec,
        contract_ids=[int(c) for c in _json(row.contract_ids, [])],
        mail_status=row.mail_status, scheduled_for=row.scheduled_for,
        time_zone=spec.get("time_zone") or "Europe/Paris",
        formats=[ExportFormat(f) for f in spec.get("formats") or ["xlsx"]])


def _json(text: Any, default: Any) -> Any:
    return json.loads(text) if text else default


def check_contracts(conn: Connection, info: RunInfo) -> None:
    """A run whose owner is blocked or suspended, or that names a contract its owner
    may no longer export, fails with a clear message (checked as each run starts, so a
    scheduled scenario stops the day the access is taken away)."""
    from sqlalchemy.orm import Session

    from cofatui.repository.sql.exports_runs import lost_contracts, owner_inactive

    with Session(bind=conn) as s:
        if owner_inactive(s, info.owner_id):
            raise CofaError("exports.owner_inactive")
        lost = lost_contracts(s, info.owner_id, info.contract_ids)
    if lost:
        raise CofaError("exports.contract_lost", contracts=", ".join(lost))


# ----------------------------------------------------------------- columns and files


def export_columns(headers: list[ExportColumnInfo]) -> list[ExportColumn]:
    """One typed column per header (key, label in the owner's language, type), reading
    the row's value under its key."""
    return [ExportColumn(h.label, operator.itemgetter(h.key), type=h.type) for h in headers]


def file_name(info: RunInfo, now: datetime, fmt: ExportFormat) -> str:
    stem = info.name or t_in(info.language, "export_mail.direct_name")
    try:
        local = now.astimezone(ZoneInfo(info.time_zone))
    except (KeyError, ValueError):
        local = now.astimezone(UTC)
    return timestamped_name(stem, local, fmt.value)


def write_file(path: Path, fmt: ExportFormat, columns: list[ExportColumn], rows: Iterable[Any],
               step: Callable[[int], object] | None, info: RunInfo) -> int:
    """The file in the owner's language (yes/no) and time zone (the scenario's)."""
    write = write_csv if fmt == ExportFormat.CSV else write_xlsx
    return write(path, columns, rows, progress=step, language=info.language,
                 time_zone=info.time_zone)


#: Rows the second writer may lag behind the first (both formats at once).
TEE_ROWS = 2_000
_END = object()


def write_files(paths: list[tuple[ExportFormat, Path]], columns: list[ExportColumn],
                rows: Iterator[Any], step: Callable[[int], object], info: RunInfo) -> None:
    """Write every format from ONE read of the rows: with two formats the second
    writer runs in a thread, fed through a bounded queue by the first as it reads (the
    read is the larger part of an export's time, so it is not done twice). Progress
    and cancel go with the first writer; the second's error, if any, is raised here."""
    (first_fmt, first_path), *others = paths
    if not others:
        write_file(first_path, first_fmt, columns, rows, step, info)
        return
    [(second_fmt, second_path)] = others
    feed: queue.Queue[Any] = queue.Queue(maxsize=TEE_ROWS)
    failed: list[BaseException] = []
    stop, ended = threading.Event(), threading.Event()

    def fed() -> Iterator[Any]:
        while (row := feed.get()) is not _END:
            yield row
        ended.set()

    def second() -> None:
        try:
            write_file(second_path, second_fmt, columns, fed(), None, info)
        except BaseException as exc:  # told to the first writer, which stops
            failed.append(exc)
            stop.set()
            while not ended.is_set() and feed.get() is not _END:
                pass  # the first writer must never wait on a full queue

    def tee() -> Iterator[Any]:
        for row in rows:
            if stop.is_set():
                raise failed[0]
            feed.put(row)
            yield row

    worker = threading.Thread(target=second, name=f"export-{info.id}-{second_fmt.value}",
                              daemon=True)
    worker.start()
    try:
        write_file(first_path, first_fmt, columns, tee(), step, info)
    finally:
        feed.put(_END)
        worker.join()
    if failed:
        raise failed[0]


class ProgressMeter:
    """Rows done out of the total: told to the job at every step (where a cancel
    stops it) and written to the run's line at once, then at least every
    ``PROGRESS_SECONDS``."""

    def __init__(self, ctx: JobContext, export_id: int) -> None:
        self.ctx, self.export_id = ctx, export_id
        self.total: int | None = None  # not counted yet
        self.done = 0
        self.last = 0.0

    def start(self, total: int | None = None) -> None:
        self.total = total
        self.ctx.progress(0, total)
        self._write()

    def step(self, written: int) -> bool:
        self.done = written
        self.ctx.progress(self.done, self.total)
        if time.monotonic() - self.last >= PROGRESS_SECONDS:
            self._write()
        return True

    def _write(self) -> None:
        from cofatui.models import ExportRun

        self.last = time.monotonic()
        with write_transaction(self.ctx.engine) as conn:
            conn.execute(update(ExportRun).where(
                col(ExportRun.id) == self.export_id, col(ExportRun.status) == RUNNING)
                .values(rows_done=self.done, rows_total=self.total))
            conn.execute(update(Job).where(col(Job.id) == self.ctx.job.id,
                                           col(Job.status) == JobStatus.RUNNING.value)
                         .values(progress_done=self.done, progress_total=self.total))


# ----------------------------------------------------------------- ending


def finish_run(ctx: JobContext, info: RunInfo, rows: int,
               paths: list[tuple[ExportFormat, Path]]) -> list[tuple[ExportFormat, str, int]]:
    """Store the files, mark the run available, audit it and queue its e-mail, in one
    transaction; nothing when the run was deleted meanwhile."""
    from sqlalchemy.orm import Session

    from cofatui.models import ExportRun
    from cofatui.repository.sql.export_rows import store_files

    ctx.check()
    now = ctx.clock.now()
    stored = [(fmt, path.name, path.stat().st_size) for fmt, path in paths]
    with write_transaction(ctx.engine) as conn, Session(bind=conn) as s:
        query = select(col(ExportRun.id)).where(col(ExportRun.id) == info.id,
                                                col(ExportRun.status) == RUNNING)
        if ctx.engine.dialect.name == "postgresql":
            query = query.with_for_update()
        if s.execute(query).first() is None:
            return []  # deleted (or cancelled) meanwhile
        store_files(s, info.id, [(fmt, path.name, path) for fmt, path in paths])
        mail = mail_status_after(info)
        s.execute(update(ExportRun).where(col(ExportRun.id) == info.id).values(
            status=AVAILABLE, rows_done=rows, rows_total=rows, finished_at=now,
            expires_at=now + timedelta(days=KEEP_DAYS), error_code="", error_params="{}",
            mail_status=mail))
        audit_run(s, info, rows, stored, now)
        if mail == ExportMailStatus.QUEUED.value:
            s.add(export_message(info, stored, now))
        s.flush()
    return stored


def mail_status_after(info: RunInfo) -> str:
    if info.mail_status in ("", ExportMailStatus.NONE.value):
        return ExportMailStatus.NONE.value
    if "@" not in info.email:
        # No address to write to: nothing is sent, and the list says so.
        return ExportMailStatus.NO_ADDRESS.value
    return ExportMailStatus.QUEUED.value


def audit_run(session: Any, info: RunInfo, rows: int,
              files: list[tuple[ExportFormat, str, int]], now: datetime) -> None:
    """Who exported which contracts, how many rows: one entry per contract, so each
    contract's administrators find it in their log."""
    changes = json.dumps({"rows": [None, rows], "contracts": [None, info.contract_ids],
                          "files": [None, [f"{fmt.value}:{size}" for fmt, _, size in files]],
                          "scheduled_for": [None, info.scheduled_for.isoformat()
                                            if info.scheduled_for else None]})
    for contract_id in info.contract_ids or [None]:  # type: ignore[list-item]
        session.add(AuditEntry(at=now, user_id=info.owner_id, login=info.login,
                               contract_id=contract_id, operation="export.run",
                               target_type="export_run", target_id=info.id, changes=changes))


def fail_run(engine: Engine, export_id: int, error: CofaError, now: datetime) -> None:
    """The run failed with ``error`` (worded in the owner's language when listed)."""
    from cofatui.i18n.messages import encode_params
    from cofatui.models import ExportRun

    with write_transaction(engine) as conn:
        conn.execute(update(ExportRun).where(
            col(ExportRun.id) == export_id, col(ExportRun.status) == RUNNING).values(
            status=FAILED, error_code=error.code[:60],
            error_params=json.dumps(encode_params(error.params)), finished_at=now))


def settle_stopped_exports(engine: Engine, now: datetime) -> int:
    """Runs whose job ended without them (cancelled before it started, or its worker
    lost with no attempt left) are marked failed with the job's reason."""
    from cofatui.models import ExportRun

    stopped = [JobStatus.FAILED.value, JobStatus.CANCELLED.value]
    with engine.connect() as conn:
        found = conn.execute(select(col(ExportRun.id), col(Job.status), col(Job.error_code))
                             .join(Job, col(Job.id) == col(ExportRun.job_id))
                             .where(col(ExportRun.status) == RUNNING,
                                    col(Job.status).in_(stopped)).limit(100)).all()
        conn.rollback()
    for export_id, status, code in found:
        if export_id is None:
            continue
        reason = "export_runs.cancelled" if status == JobStatus.CANCELLED.value \
            else (code or "export_runs.internal_error")
        fail_run(engine, export_id, CofaError(reason), now)
    return len(found)


# ----------------------------------------------------------------- e-mail


def export_message(info: RunInfo, files: list[tuple[ExportFormat, str, int]],
                   now: datetime) -> OutboxMessage:
    """The e-mail of a run, to its owner's own address, in their language: the files
    attached up to ``MAIL_ATTACHMENT_LIMIT`` in total, else a note naming the export
    (the outbox attaches the files of ``export_id`` when they fit)."""
    subject, body = compose_mail(info, files, now)
    return OutboxMessage(
        message_id=make_msgid(idstring=f"export.{info.id}", domain="cofatui"),
        dedupe_key=f"export:{info.id}", kind="export", user_id=info.owner_id,
        recipient=info.email, subject=subject[:300], body=body, language=info.language,
        status="pending", attempts=0, last_error="", created_at=now, next_attempt_at=now,
        export_id=info.id)


def compose_mail(info: RunInfo, files: list[tuple[ExportFormat, str, int]],
                 now: datetime) -> tuple[str, str]:
    def tr(key: str, **params: object) -> str:
        return t_in(info.language, f"export_mail.{key}", **params)

    name = info.name or tr("direct_name")
    total = sum(size for _, _, size in files)
    attached = attachable(total)
    lines = [tr("greeting"), "",
             tr("ready", name=name, date=format_date(now, info.language), id=info.id), ""]
    lines.append(tr("attached") if attached else
                 tr("too_large", limit=MAIL_ATTACHMENT_LIMIT // (1024 * 1024), id=info.id))
    lines += ["", *(f"- {file_name_} ({_size(size, info.language)})"
                    for _, file_name_, size in files),
              "", "-- ", tr("why")]
    return tr("subject", name=name), "\n".join(lines) + "\n"


def attachable(total_size: int) -> bool:
    return total_size <= MAIL_ATTACHMENT_LIMIT


def _size(size: int, language: str) -> str:
    from babel.numbers import format_decimal

    locale = "fr_FR" if language == "fr" else "en_GB"
    if size < 1024:
        return f"{size} B" if language == "en" else f"{size} o"
    unit = "KB" if language == "en" else "Ko"
    value = size / 1024
    if value >= 1024:
        value /= 1024
        unit = "MB" if language == "en" else "Mo"
    return f"{format_decimal(round(value, 1), locale=locale)} {unit}"


def mail_delivered(conn: Any, export_id: int, attached: bool | None) -> None:
    """After the outbox delivered (``attached`` True/False) or gave up on (None) the
    e-mail of an export, its line says so."""
    from cofatui.models import ExportRun

    status = ExportMailStatus.FAILED if attached is None else \
        ExportMailStatus.SENT if attached else ExportMailStatus.SENT_NOTE
    conn.execute(update(ExportRun).where(col(ExportRun.id) == export_id)
                 .values(mail_status=status.value))
