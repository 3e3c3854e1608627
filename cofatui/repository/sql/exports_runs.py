"""``repo.exports`` on SQL, the generated files: queueing a run (its row and its job in
one transaction), "Export direct" entries, the list, deletion and download.

:func:`queue_run` is shared with the scheduler (``jobs/export_schedule``): it snapshots
the scenario into the run's :class:`~cofatui.repository.sql.export_rows.ExportSpec`
(columns, filters, contracts, period window, formats, language), so that a scenario
changed or deleted afterwards does not change a run already queued.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.enums import (
    ExportAggregation,
    ExportCategory,
    ExportFormatChoice,
    ExportFrequency,
    ExportMailStatus,
    ExportRunStatus,
    Role,
    Section,
    UserStatus,
)
from cofatui.errors import Forbidden, NotFound, RuleViolation, ValidationFailed, message_text
from cofatui.i18n import t_in
from cofatui.models import Contract, Job, OutboxMessage, User, UserContract
from cofatui.models.exports import (
    CHUNK_SIZE,
    ExportFile,
    ExportFileChunk,
    ExportRun,
    ExportScenario,
    ExportTemplate,
)
from cofatui.repository.sql.core import SqlArea, unit_of_work
from cofatui.repository.sql.export_rows import ExportSpec, store_chunks
from cofatui.repository.sql.paging import SortKey, seek_rows
from cofatui.rules.export_columns import default_columns
from cofatui.rules.export_schedule import local_to_utc, scheduled_window
from cofatui.rules.section_rights import own_write_refusal
from cofatui.schemas import ContractAccess, Page, Seek
from cofatui.schemas_exports import (
    KEEP_DAYS,
    DirectExportFile,
    ExportDownload,
    ExportFileInfo,
    ExportRunPublic,
)
from cofatui.schemas_jobs import ExportFormat, JobStatus

#: The job kind that runs an export.
EXPORT_JOB = "export.run"
MEDIA_TYPES = {ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument."
                                  "spreadsheetml.sheet",
               ExportFormat.CSV: "text/csv; charset=utf-8"}
_FORMATS = {ExportFormatChoice.XLSX: (ExportFormat.XLSX,),
            ExportFormatChoice.CSV: (ExportFormat.CSV,),
            ExportFormatChoice.BOTH: (ExportFormat.XLSX, ExportFormat.CSV)}


def job_key(export_id: int) -> str:
    """The run's job (``Job.dedupe_key``): one job per run."""
    return f"export:{export_id}"


def template_columns(template: ExportTemplate) -> list[str]:
    """A template's ordered keys; the default's are the catalogue's default ones."""
    if template.is_default:
        return default_columns(ExportCategory(template.category))
    return [str(k) for k in json.loads(template.columns)]


def template_name(template: ExportTemplate, language: str) -> str:
    """A template's name as shown: the default's in the user's language."""
    if template.is_default:
        return t_in(language, "errors.exports.labels.default_template")
    return template.name


def scenario_criteria(scenario: ExportScenario) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(scenario.criteria or "{}")
    return loaded


def lost_contracts(session: Session, owner_id: int, contract_ids: Sequence[int]) -> list[str]:
    """The policy numbers of ``contract_ids`` the owner may no longer export: no longer
    attached, or rights that refuse them their own exports there
    (:func:`~cofatui.rules.section_rights.own_write_refusal`; insurer staff see every
    contract). A scheduled run checks this when it starts, so that rights taken away
    stop the next run."""
    user = session.get(User, owner_id)
    if user is not None and user.role == Role.UNDERWRITER:
        mine = set(session.execute(select(Contract.id)).scalars())
    else:
        mine = {cid for cid, rights, sections in session.execute(
            select(UserContract.contract_id, UserContract.rights, UserContract.section_rights)
            .where(UserContract.user_id == owner_id)).all()
            if own_write_refusal(ContractAccess(
                contract_id=cid, policy_number="", rights=rights,
                section_rights=json.loads(sections or "{}")), Section.EXPORTS) is None}
    lost = [cid for cid in contract_ids if cid not in mine]
    if not lost:
        return []
    numbers = dict(session.execute(select(Contract.id, Contract.policy_number)
                                   .where(Contract.id.in_(lost))).all())
    return [numbers.get(cid, str(cid)) for cid in lost]


def owner_inactive(session: Session, owner_id: int) -> bool:
    """Whether the owner is blocked or suspended (their scheduled runs stop with them)."""
    status = session.execute(select(User.status).where(User.id == owner_id)).scalar_one_or_none()
    return status is not None and status != UserStatus.ACTIVE.value


def run_spec(session: Session, scenario: ExportScenario, *, language: str,
             scheduled_for: datetime | None) -> ExportSpec:
    """What a run of ``scenario`` exports, frozen now."""
    template = session.get(ExportTemplate, scenario.template_id)
    assert template is not None  # a foreign key
    criteria = scenario_criteria(scenario)
    aggregation = ExportAggregation(scenario.aggregation)
    start: datetime | None = None
    end: datetime | None = None
    if aggregation == ExportAggregation.PERIOD:
        if scheduled_for is not None and scenario.starts_at is not None:
            start, end = scheduled_window(ExportFrequency(scenario.frequency), scenario.starts_at,
                                          scenario.time_zone, scheduled_for, scenario.last_run_at)
        else:
            if scenario.period_from is not None:
                start = local_to_utc(datetime.combine(scenario.period_from, time.min),
                                     scenario.time_zone)
            if scenario.period_to is not None:
                end = local_to_utc(datetime.combine(scenario.period_to + timedelta(days=1),
                                                    time.min), scenario.time_zone)
    return ExportSpec(
        category=ExportCategory(scenario.category), owner_id=scenario.owner_id,
        contract_ids=tuple(json.loads(scenario.contract_ids)),
        columns=tuple(template_columns(template)), aggregation=aggregation,
        formats=_FORMATS[ExportFormatChoice(scenario.format)], language=language,
        company_name=str(criteria.get("company_name", "")),
        custom_fields=tuple((int(s), str(v)) for s, v in criteria.get("custom_fields", [])),
        product_codes=tuple(criteria.get("product_codes", [])),
        statuses=tuple(criteria.get("statuses", [])),
        claim_statuses=tuple(criteria.get("claim_statuses", [])),
        period_from=start, period_to=end)


def queue_run(session: Session, scenario: ExportScenario, *, now: datetime,
              scheduled_for: datetime | None, language: str) -> ExportRun:
    """Insert the run's row (status running) and its job (``export.run``, params
    ``{"export_id"}``) in the caller's transaction. A scheduled run (``scheduled_for``
    set) is unique per scenario and time: a second insert fails with Conflict
    (``database.duplicate``) when the session flushes."""
    assert scenario.id is not None
    template = session.get(ExportTemplate, scenario.template_id)
    assert template is not None
    spec = run_spec(session, scenario, language=language, scheduled_for=scheduled_for)
    run = ExportRun(
        owner_id=scenario.owner_id, category=scenario.category, scenario_id=scenario.id,
        name=scenario.name, direct=False, template_name=template_name(template, language),
        columns=json.dumps(list(spec.columns)), spec=spec.to_json(),
        contract_ids=json.dumps(list(spec.contract_ids)), status=ExportRunStatus.RUNNING.value,
        mail_status=(ExportMailStatus.QUEUED if scenario.email else ExportMailStatus.NONE).value,
        scheduled_for=scheduled_for, created_at=now, expires_at=now + timedelta(days=KEEP_DAYS))
    session.add(run)
    session.flush()
    assert run.id is not None
    job = Job(kind=EXPORT_JOB, owner_id=scenario.owner_id,
              params=json.dumps({"export_id": run.id}), dedupe_key=job_key(run.id),
              created_at=now, run_after=now)
    session.add(job)
    session.flush()
    run.job_id = job.id
    session.flush()
    return run


def delete_run_rows(session: Session, run_ids: Sequence[int]) -> None:
    """Delete runs with their files and chunks (mails naming them keep going, without
    the export)."""
    if not run_ids:
        return
    ids = list(run_ids)
    files = select(ExportFile.id).where(ExportFile.export_id.in_(ids))
    session.execute(delete(ExportFileChunk).where(ExportFileChunk.file_id.in_(files)))
    session.execute(delete(ExportFile).where(ExportFile.export_id.in_(ids)))
    session.execute(update(OutboxMessage).where(OutboxMessage.export_id.in_(ids))
                    .values(export_id=None))
    session.execute(delete(ExportRun).where(ExportRun.id.in_(ids)))


def _bytes_chunks(content: bytes) -> Iterator[bytes]:
    for start in range(0, len(content), CHUNK_SIZE):
        yield content[start:start + CHUNK_SIZE]


class SqlExportRuns(SqlArea):
    """The generated files' part of ``repo.exports`` (the root class adds templates
    and scenarios)."""

    # --- helpers ---------------------------------------------------------------------
    def _run_publics(self, s: Session, runs: Sequence[ExportRun]) -> list[ExportRunPublic]:
        ids = [r.id for r in runs]
        files: dict[int, list[ExportFileInfo]] = {}
        for f in s.execute(select(ExportFile).where(ExportFile.export_id.in_(ids or [-1]))
                           .order_by(ExportFile.export_id, ExportFile.format)).scalars():
            files.setdefault(f.export_id, []).append(
                ExportFileInfo(format=ExportFormat(f.format), name=f.name, size=f.size))
        contract_ids = {cid for r in runs for cid in json.loads(r.contract_ids)}
        numbers = dict(s.execute(select(Contract.id, Contract.policy_number).where(
            Contract.id.in_(sorted(contract_ids) or [-1]))).all())
        language = self.principal.language
        out = []
        for r in runs:
            assert r.id is not None
            cids = [int(c) for c in json.loads(r.contract_ids)]
            params = json.loads(r.error_params or "{}")
            out.append(ExportRunPublic(
                id=r.id, category=ExportCategory(r.category), scenario_id=r.scenario_id,
                name=r.name, direct=r.direct, template_name=r.template_name, contract_ids=cids,
                policy_numbers=[numbers.get(c, str(c)) for c in cids],
                status=ExportRunStatus(r.status), error_code=r.error_code,
                error=message_text(r.error_code, params, language) if r.error_code else "",
                rows_done=r.rows_done, rows_total=r.rows_total, files=files.get(r.id, []),
                mail_status=ExportMailStatus(r.mail_status), job_id=r.job_id,
                scheduled_for=r.scheduled_for, created_at=r.created_at,
                finished_at=r.finished_at))
        return out

    def _my_run(self, s: Session, export_id: int) -> ExportRun:
        run = s.get(ExportRun, export_id)
        if run is None or run.owner_id != self.principal.user_id:
            raise NotFound("exports.not_found", export_id=export_id, days=KEEP_DAYS)
        return run

    def _own_writes(self, contract_ids: Iterable[int]) -> None:
        """Setting up, running or deleting an export on these contracts needs, on each
        the user still holds, the exports section writable (customised rights; plain
        read-only rights export what they read)."""
        for cid in self._held(contract_ids):
            self._require_own_write(cid, Section.EXPORTS)

    def _held(self, contract_ids: Iterable[int]) -> list[int]:
        """Those of ``contract_ids`` the user still holds, once each."""
        mine = set(self.contract_ids)
        return [c for c in dict.fromkeys(int(c) for c in contract_ids) if c in mine]

    def _writable_somewhere(self) -> None:
        """A template is on no contract: it needs one contract whose exports section the
        user may write (a user on no contract keeps their own templates)."""
        refusals: list[Forbidden] = []
        for cid in self.contract_ids:
            try:
                self._require_own_write(cid, Section.EXPORTS)
                return
            except Forbidden as refused:
                refusals.append(refused)
        if refusals:
            raise refusals[0]

    def _my_scenario(self, s: Session, scenario_id: int) -> ExportScenario:
        scenario = s.get(ExportScenario, scenario_id)
        if scenario is None or scenario.owner_id != self.principal.user_id:
            raise NotFound("exports.scenario_not_found", scenario_id=scenario_id)
        return scenario

    # --- running -----------------------------------------------------------------------
    def run(self, scenario_id: int) -> ExportRunPublic:
        now = self.clock.now()
        with self._uow(write=True) as s:
            scenario = self._my_scenario(s, scenario_id)
            contract_ids = [int(c) for c in json.loads(scenario.contract_ids)]
            mine = set(self.contract_ids)
            lost = [c for c in contract_ids if c not in mine]
            if lost:
                numbers = dict(s.execute(select(Contract.id, Contract.policy_number)
                                         .where(Contract.id.in_(lost))).all())
                raise RuleViolation("exports.contract_lost", contracts=", ".join(
                    numbers.get(c, str(c)) for c in lost))
            self._own_writes(contract_ids)
            run = queue_run(s, scenario, now=now, scheduled_for=None,
                            language=self.principal.language)
            self._audit(s, "run_export", "export_run", run.id,
                        {"scenario": scenario.name, "contracts": contract_ids})
            return self._run_publics(s, [run])[0]

    def store_direct(self, category: ExportCategory, contract_ids: list[int], rows: int,
                     files: list[DirectExportFile]) -> ExportRunPublic:
        category = ExportCategory(category)
        if not contract_ids:
            raise ValidationFailed.at("contract_ids", "exports.no_contract")
        for cid in contract_ids:
            if cid not in self.contract_ids:
                raise NotFound("exports.contract_not_yours", contract=cid)
        self._own_writes(contract_ids)
        if not files:
            raise ValidationFailed.at("files", "exports.no_file_given")
        seen: set[ExportFormat] = set()
        for f in files:
            if f.format in seen:
                raise ValidationFailed.at("files", "exports.format_twice",
                                          format=f.format.value)
            seen.add(f.format)
        now = self.clock.now()
        language = self.principal.language
        with self._uow(write=True) as s:
            spec = ExportSpec(category=category, owner_id=self.principal.user_id,
                              contract_ids=tuple(contract_ids), columns=(),
                              aggregation=ExportAggregation.COMPANY,
                              formats=tuple(f.format for f in files), language=language)
            run = ExportRun(
                owner_id=self.principal.user_id, category=category.value, name="",
                direct=True, template_name=t_in(language, "errors.exports.labels.direct"),
                spec=spec.to_json(), contract_ids=json.dumps(contract_ids),
                status=ExportRunStatus.AVAILABLE.value, rows_done=max(rows, 0),
                rows_total=max(rows, 0), created_at=now, finished_at=now,
                expires_at=now + timedelta(days=KEEP_DAYS))
            s.add(run)
            s.flush()
            assert run.id is not None
            for f in files:
                record = ExportFile(export_id=run.id, format=f.format.value, name=f.name,
                                    size=len(f.content))
                s.add(record)
                s.flush()
                assert record.id is not None
                store_chunks(s, record.id, _bytes_chunks(f.content))
            self._audit(s, "store_direct_export", "export_run", run.id,
                        {"contracts": contract_ids, "rows": rows,
                         "formats": [f.format.value for f in files]})
            return self._run_publics(s, [run])[0]

    # --- the list ------------------------------------------------------------------------
    def runs(self, category: ExportCategory | None = None, offset: int = 0,
             limit: int = 100, seek: Seek | None = None) -> Page[ExportRunPublic]:
        offset, limit = max(offset, 0), min(max(limit, 1), 500)
        cond = [ExportRun.owner_id == self.principal.user_id]
        if category is not None:
            cond.append(ExportRun.category == ExportCategory(category).value)
        with self._uow() as s:
            total = -1 if seek is not None else s.execute(
                select(func.count()).select_from(ExportRun).where(*cond)).scalar_one()
            found = seek_rows(s, select(ExportRun).where(*cond), _RUN_ORDER, seek, offset,
                              limit, lambda row: (row[0].id,))
            return Page(items=self._run_publics(s, [row[0] for row in found.rows]),
                        offset=0 if seek else offset, limit=limit, total=total,
                        first_cursor=found.first_cursor, last_cursor=found.last_cursor)

    def get_run(self, export_id: int) -> ExportRunPublic:
        with self._uow() as s:
            return self._run_publics(s, [self._my_run(s, export_id)])[0]

    def delete_runs(self, export_ids: list[int]) -> int:
        if not export_ids:
            return 0
        now = self.clock.now()
        with self._uow(write=True) as s:
            runs = list(s.execute(select(ExportRun).where(
                ExportRun.id.in_(sorted(set(export_ids))),
                ExportRun.owner_id == self.principal.user_id)).scalars())
            self._own_writes(c for run in runs for c in json.loads(run.contract_ids))
            for run in runs:
                if run.status == ExportRunStatus.RUNNING.value and run.job_id is not None:
                    # Cancelled first: a queued job never starts, a running one stops at
                    # its next step (and finds its run gone).
                    s.execute(update(Job).where(Job.id == run.job_id,
                                                Job.status == JobStatus.QUEUED)
                              .values(status=JobStatus.CANCELLED, finished_at=now,
                                      cancel_requested=True))
                    s.execute(update(Job).where(Job.id == run.job_id)
                              .values(cancel_requested=True))
            ids = [r.id for r in runs if r.id is not None]
            delete_run_rows(s, ids)
            for run in runs:
                self._audit(s, "delete_export", "export_run", run.id,
                            {"name": run.name, "contracts": json.loads(run.contract_ids)})
            return len(ids)

    def download(self, export_id: int, fmt: ExportFormat) -> ExportDownload:
        fmt = ExportFormat(fmt)
        with self._uow() as s:
            run = self._my_run(s, export_id)
            for cid in self._held(json.loads(run.contract_ids)):
                self._require_read(cid, Section.EXPORTS)
            record = s.execute(select(ExportFile).where(
                ExportFile.export_id == export_id,
                ExportFile.format == fmt.value)).scalars().first()
            if record is None or run.status != ExportRunStatus.AVAILABLE.value:
                raise NotFound("exports.no_file", export_id=export_id, format=fmt.value)
            count = s.execute(select(func.count()).select_from(ExportFileChunk).where(
                ExportFileChunk.file_id == record.id)).scalar_one()
            assert record.id is not None
            file_id, name, size = record.id, record.name, record.size
        return ExportDownload(name=name, size=size, media_type=MEDIA_TYPES[fmt],
                              chunks=self._chunks(file_id, count))

    def _chunks(self, file_id: int, count: int) -> Iterator[bytes]:
        """The file's chunks, each read in its own short transaction when asked for."""
        for seq in range(count):
            with unit_of_work(self.engine) as s:
                data = s.execute(select(ExportFileChunk.data).where(
                    ExportFileChunk.file_id == file_id,
                    ExportFileChunk.seq == seq)).scalar()
            if data is None:
                return
            yield bytes(data)


__all__ = ["EXPORT_JOB", "SqlExportRuns", "delete_run_rows", "job_key", "lost_contracts",
           "owner_inactive", "queue_run", "run_spec", "template_columns", "template_name"]


#: My exports, newest first: the id alone is the order (a run's id grows with its
#: creation), so a page by key is a range of the primary key.
_RUN_ORDER = (SortKey(col(ExportRun.id), int, descending=True),)
