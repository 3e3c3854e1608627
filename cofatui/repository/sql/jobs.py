"""``repo.jobs`` and ``repo.mail`` on SQL: a user's jobs and e-mail subscription.

The workers that run the jobs and deliver the mail are in :mod:`cofatui.jobs`; what is
here is what a user may do: queue, watch, cancel, fetch a result, turn the digest on.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError
from sqlalchemy import select, update
from sqlmodel import col

from cofatui import pydantic_errors
from cofatui.errors import FieldError, NotFound, RuleViolation, ValidationFailed
from cofatui.i18n.messages import Term
from cofatui.models import Job, JobFile, MailSubscription, OutboxMessage, User
from cofatui.repository.sql import import_apply
from cofatui.repository.sql.input_guard import install
from cofatui.repository.sql.keyset_page import EPOCH, entity_page, or_epoch
from cofatui.repository.sql.paging import SortKey
from cofatui.repository.sql.upsert import table_of, upsert
from cofatui.schemas import Page, Seek
from cofatui.schemas_jobs import (
    JOB_PARAMS,
    JobFileContent,
    JobPublic,
    JobStatus,
    MailSubscriptionPublic,
    OutboxMessagePublic,
)

if TYPE_CHECKING:
    from cofatui.repository.sql.core import SqlCore


def job_public(job: Job) -> JobPublic:
    return JobPublic(
        id=job.id, kind=job.kind, params=json.loads(job.params or "{}"),
        status=JobStatus(job.status), progress_done=job.progress_done,
        progress_total=job.progress_total, error_code=job.error_code, error=job.error,
        result_name=job.result_name, result_size=job.result_size, attempts=job.attempts,
        cancel_requested=job.cancel_requested, created_at=job.created_at,
        started_at=job.started_at, finished_at=job.finished_at)


class SqlJobs:
    def __init__(self, core: SqlCore) -> None:
        self.core = core

    def queue(self, kind: str, params: dict[str, Any]) -> JobPublic:
        model = JOB_PARAMS.get(kind)
        if model is None:
            raise ValidationFailed([FieldError("kind", "jobs.unknown_kind", {"kind": kind})])
        try:
            checked = model.model_validate(params)
        except ValidationError as exc:
            raise ValidationFailed(pydantic_errors.field_errors(exc.errors())) from exc
        # A contract named anywhere in the parameters must be one the user may read:
        # the portfolio's contract, or the notification filter's.
        flt = getattr(checked, "filter", None)
        for contract_id in (getattr(checked, "contract_id", None),
                            getattr(flt, "contract_id", None)):
            if contract_id is not None:
                self.core._require_read(contract_id)
        now = self.core.clock.now()
        with self.core._uow(write=True) as s:
            job = Job(kind=kind, params=checked.model_dump_json(),
                      owner_id=self.core.principal.user_id, created_at=now, run_after=now)
            s.add(job)
            s.flush()
            return job_public(job)

    def list(self, offset: int = 0, limit: int = 100,
             seek: Seek | None = None) -> Page[JobPublic]:
        me = self.core.principal.user_id
        with self.core._uow() as s:
            return entity_page(s, select(Job).where(Job.owner_id == me), _JOB_KEYS, seek,
                               offset, limit, lambda j: (j.created_at or EPOCH, j.id),
                               job_public)

    def _mine(self, s: Any, job_id: int) -> Job:
        job: Job | None = s.get(Job, job_id)
        if job is None or job.owner_id != self.core.principal.user_id:
            raise NotFound("jobs.not_found", job_id=job_id)
        return job

    def get(self, job_id: int) -> JobPublic:
        with self.core._uow() as s:
            return job_public(self._mine(s, job_id))

    def cancel(self, job_id: int) -> JobPublic:
        now = self.core.clock.now()
        with self.core._uow(write=True) as s:
            job = self._mine(s, job_id)
            if job.status in (JobStatus.DONE, JobStatus.FAILED, JobStatus.CANCELLED):
                raise RuleViolation("jobs.already_ended", job_id=job_id,
                                    status=Term(f"errors.jobs.status.{job.status}"))
            if job.status == JobStatus.QUEUED:
                # Conditional: a worker claiming it at this instant wins, and the
                # request below then stops it at its first step.
                done = s.execute(update(Job).where(Job.id == job_id,
                                                   Job.status == JobStatus.QUEUED)
                                 .values(status=JobStatus.CANCELLED, finished_at=now,
                                         cancel_requested=True)).rowcount
                if done:
                    s.flush()
                    if job.kind == import_apply.IMPORT_JOB:  # its result ends cancelled
                        import_apply.settle_interrupted(s, now)
                    s.refresh(job)
                    return job_public(job)
            s.execute(update(Job).where(Job.id == job_id).values(cancel_requested=True))
            s.flush()
            s.refresh(job)
            return job_public(job)

    def result_file(self, job_id: int) -> JobFileContent:
        with self.core._uow() as s:
            self._mine(s, job_id)
            stored = s.get(JobFile, job_id)
            if stored is None:
                raise NotFound("jobs.no_file", job_id=job_id)
            return JobFileContent(name=stored.name, content=stored.content)


class SqlMail:
    def __init__(self, core: SqlCore) -> None:
        self.core = core

    def _email(self, s: Any) -> str:
        user = s.get(User, self.core.principal.user_id)
        return user.email if user is not None else ""

    def subscription(self) -> MailSubscriptionPublic:
        with self.core._uow() as s:
            row = s.get(MailSubscription, self.core.principal.user_id)
            return MailSubscriptionPublic(daily_digest=bool(row and row.daily_digest),
                                          email=self._email(s))

    def set_daily_digest(self, enabled: bool) -> MailSubscriptionPublic:
        me = self.core.principal.user_id
        with self.core._uow(write=True) as s:
            email = self._email(s)
            if enabled and "@" not in email:
                raise RuleViolation("jobs.no_email")
            # The first digest covers what arrives from now on, not the backlog; an
            # existing subscription keeps its last digest time. One statement, so two
            # identical requests at once both succeed.
            upsert(s, table_of(MailSubscription),
                   [{"user_id": me, "daily_digest": bool(enabled),
                     "last_digest_at": self.core.clock.now()}],
                   keys=("user_id",), update=("daily_digest",))
            self.core._audit(s, "set_daily_digest", "user", me, {"daily_digest": enabled})
            return MailSubscriptionPublic(daily_digest=bool(enabled), email=email)

    def messages(self, offset: int = 0, limit: int = 100,
                 seek: Seek | None = None) -> Page[OutboxMessagePublic]:
        me = self.core.principal.user_id
        with self.core._uow() as s:
            return entity_page(s, select(OutboxMessage).where(OutboxMessage.user_id == me),
                               _MESSAGE_KEYS, seek, offset, limit, lambda m: (m.id,),
                               OutboxMessagePublic.model_validate)


#: My jobs newest first (a job not yet stamped sorts as the oldest: never NULL in a key).
_JOB_KEYS = (SortKey(or_epoch(col(Job.created_at)), datetime, descending=True),
             SortKey(col(Job.id), int, descending=True))
#: My e-mails newest first.
_MESSAGE_KEYS = (SortKey(col(OutboxMessage.id), int, descending=True),)


# Not SqlArea subclasses (they hang off the core), so the input guard is installed here.
install(SqlJobs)
install(SqlMail)
